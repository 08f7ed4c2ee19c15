"""The ``later`` root: now plus a fixed offset, recomputed at every step from the injected clock."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from harness.results import Outcome
from harness.runner import run_case
from harness.templating import BUILTIN_ROOTS, LATER_OFFSETS
from tests.runner.fakes import context, suite


def test_later_follows_the_clock_at_each_step() -> None:
    ctx = context()  # the fake clock starts at 2026-03-01T12:00:00Z
    the_suite = suite("""
  - id: RUN-T-LATER
    title: expiry dates relative to the simulated clock
    reqs: [REQ-CMD-015]
    steps:
      - request:
          method: GET
          endpoint: locations
          query: {now: "${now}", soon: "${later.30m}", tomorrow: "${later.1d}"}
      - tick: 1h
      - request: {method: GET, endpoint: locations, query: {soon: "${later.30m}"}}
""")
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.PASSED, result.findings
    first, second = (parse_qs(urlsplit(x.url).query) for x in result.exchanges)
    assert first == {
        "now": ["2026-03-01T12:00:00Z"],
        "soon": ["2026-03-01T12:30:00Z"],
        "tomorrow": ["2026-03-02T12:00:00Z"],
    }
    assert second == {"soon": ["2026-03-01T13:30:00Z"]}


def test_later_is_a_builtin_root_with_fixed_offsets() -> None:
    assert "later" in BUILTIN_ROOTS
    assert LATER_OFFSETS["30m"] == 1800 and LATER_OFFSETS["1d"] == 86400
    assert list(LATER_OFFSETS.values()) == sorted(LATER_OFFSETS.values())
