"""How long does the self-test take, and what does the harness itself cost per exchange?

    python bench/run_selftest.py [--rounds N] [--no-pytest]

Prints:

* the wall time of the full self-test (``pytest tests/selftest``, in a subprocess), and
* the harness's own overhead per exchange: the demo suites run ``--rounds`` times against the
  built-in mocks (both roles, real sockets); for every request and crawl step, the step's time
  minus the time spent inside its HTTP calls (rendering, checks, schema validation,
  expectations, saving), divided by the number of exchanges. Time inside the HTTP calls (the
  mock's share, plus loopback) is printed next to it for scale.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from harness.clock import FrozenClock, SystemClock
from harness.loader import load_suites
from harness.results import CaseResult
from harness.runner import run_suites
from harness.sandbox import HarnessOptions, open_embedded
from harness.selection import group_suites

ROOT = Path(__file__).resolve().parents[1]


def selftest_wall_time() -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/selftest"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - start, done.returncode


def demo_results(rounds: int) -> tuple[list[CaseResult], float]:
    suites = load_suites([ROOT / "suites"])
    results: list[CaseResult] = []
    start = time.perf_counter()
    for version, role, group in group_suites(suites):
        options = HarnessOptions(seed=1, version=version)
        clock = FrozenClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
        with open_embedded(role, options, clock=clock, timer=SystemClock()) as box:
            for _ in range(rounds):
                results.extend(run_suites(group, box.ctx))
    return results, time.perf_counter() - start


def overhead(results: list[CaseResult]) -> tuple[int, float, float, list[float]]:
    """(exchanges, total step seconds, total HTTP seconds, overhead per exchange per step)."""
    exchanges, step_total, http_total = 0, 0.0, 0.0
    per_exchange: list[float] = []
    for case in results:
        for step in case.steps:
            if step.kind not in ("request", "crawl") or not step.exchanges:
                continue
            http = sum(case.exchanges[i].elapsed for i in step.exchanges)
            exchanges += len(step.exchanges)
            step_total += step.duration
            http_total += http
            per_exchange.append((step.duration - http) / len(step.exchanges))
    return exchanges, step_total, http_total, per_exchange


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-pytest", action="store_true", help="skip the self-test timing")
    args = parser.parse_args()
    if not args.no_pytest:
        wall, code = selftest_wall_time()
        print(f"self-test (pytest tests/selftest): {wall:.2f} s wall, exit code {code}")
    results, wall = demo_results(args.rounds)
    exchanges, step_total, http_total, per_step = overhead(results)
    cases = len(results)
    print(f"demo suites x {args.rounds}: {cases} cases, {exchanges} exchanges in {wall:.2f} s")
    print(
        f"  inside HTTP calls: {1000 * http_total / exchanges:.2f} ms per exchange "
        f"(the mock SUT's work and loopback)"
    )
    print(
        f"  harness overhead:  {1000 * (step_total - http_total) / exchanges:.2f} ms per exchange "
        f"(median per step {1000 * statistics.median(per_step):.2f} ms, "
        f"p90 {1000 * statistics.quantiles(per_step, n=10)[-1]:.2f} ms)"
    )


if __name__ == "__main__":
    main()
