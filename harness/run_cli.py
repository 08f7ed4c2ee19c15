"""``ocpi-harness run``: run the suites against a SUT, or against the built-in mocks.

    ocpi-harness run                                   # the embedded default
    ocpi-harness run --sut-role cpo --versions-url URL --token TOKEN_A [--hook-url URL]
    ocpi-harness run --sut-role emsp --wait-for-registration --public-url URL --listen H:P

Exit codes: 0 every selected case passed (SKIPPED is fine), 1 a case FAILED or ended in
ERROR, 2 usage or environment errors before any case ran (a bad suite file, the SUT
unreachable at discovery, a port in use).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.clock import Clock, FollowingClock, FrozenClock, SystemClock
from harness.console import Console
from harness.coverage import coverage_matrix, default_catalogue, load_not_checkable
from harness.errors import UsageError
from harness.loader import SuiteError, load_suites
from harness.model import Suite
from harness.ocpi.roles import Role
from harness.ocpi.versions import VersionNumber, require_version
from harness.profiles import load_profile
from harness.results import CaseResult, RunResult, SutDescription
from harness.runner import build_run_result, run_suites
from harness.sandbox import HarnessOptions, Sandbox, open_embedded, open_live
from harness.selection import default_suites_root, group_suites, select_suites
from mock_partners.faults import FAULT_CATALOGUE

__all__ = ["add_arguments", "run"]

REPORT_KINDS = ("junit", "json", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sut = parser.add_argument_group("the system under test (none: the built-in mocks)")
    sut.add_argument("--sut-role", choices=["cpo", "emsp"], help="the role the SUT plays")
    sut.add_argument("--versions-url", metavar="URL", help="the SUT's OCPI versions URL")
    sut.add_argument("--token", metavar="TOKEN", help="the credentials token A the SUT gave us")
    sut.add_argument(
        "--wait-for-registration",
        action="store_true",
        help="let the SUT register with the harness instead (prints our versions URL and token)",
    )
    sut.add_argument("--registration-timeout", type=float, default=300.0, metavar="S")
    sut.add_argument("--hook-url", metavar="URL", help="the SUT's test hook (docs/hooks.md)")
    sut.add_argument("--hook-token", metavar="TOKEN", help="token for the hook")
    sut.add_argument("--hook-timeout", type=float, default=30.0, metavar="S")
    sel = parser.add_argument_group("what to run")
    sel.add_argument("--ocpi-version", metavar="V", help="only suites of this OCPI version")
    sel.add_argument(
        "--suite",
        action="extend",
        nargs="+",
        default=[],
        metavar="GLOB",
        help="suite files, folders or globs (default: the bundled suites)",
    )
    sel.add_argument("--profile", default="strict", metavar="strict|lenient|FILE")
    sel.add_argument("--seed", type=int, default=1, metavar="N")
    sel.add_argument(
        "--mock-fault",
        action="append",
        default=[],
        metavar="NAME",
        help="arm a fault of the mock fault catalogue on the built-in mock SUT (demo)",
    )
    net = parser.add_argument_group("the harness's mock partner")
    net.add_argument("--listen", default="127.0.0.1:0", metavar="HOST:PORT")
    net.add_argument("--public-url", metavar="URL", help="the partner's URL as the SUT sees it")
    net.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per request")
    net.add_argument(
        "--callback-scale",
        type=float,
        default=1.0,
        metavar="F",
        help="multiply every await_call time limit",
    )
    out = parser.add_argument_group("reports")
    out.add_argument("--junit", metavar="FILE")
    out.add_argument("--json", metavar="FILE")
    out.add_argument("--html", metavar="FILE")
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto")


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise UsageError(f"--listen wants HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def _check_usage(args: argparse.Namespace) -> Role | None:
    live = args.versions_url is not None or args.token is not None
    if args.sut_role is not None and args.mock_fault:
        raise UsageError("--mock-fault arms faults on the built-in mocks; it needs no --sut-role")
    if args.sut_role is None:
        if live or args.wait_for_registration:
            raise UsageError("--versions-url, --token and --wait-for-registration need --sut-role")
        return None
    if not args.wait_for_registration and (args.versions_url is None or args.token is None):
        raise UsageError("--sut-role needs --versions-url and --token (or --wait-for-registration)")
    return Role(args.sut_role.upper())


def _load(args: argparse.Namespace) -> list[Suite] | None:
    try:
        return load_suites(args.suite or [default_suites_root()])
    except SuiteError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        return None


def _colour(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _options(args: argparse.Namespace, version: VersionNumber | None) -> HarnessOptions:
    host, port = _listen(args.listen)
    for name in args.mock_fault:
        if name not in FAULT_CATALOGUE:
            known = ", ".join(sorted(FAULT_CATALOGUE))
            raise UsageError(f"--mock-fault {name!r} is not in the fault catalogue ({known})")
    return HarnessOptions(
        seed=args.seed,
        profile=load_profile(args.profile),
        version=version,
        timeout=args.timeout,
        hook_timeout=args.hook_timeout,
        callback_scale=args.callback_scale,
        listen_host=host,
        listen_port=port,
        public_url=args.public_url,
        hook_url=args.hook_url,
        hook_token=args.hook_token,
        interactive=sys.stdin.isatty(),
        mock_faults=tuple(args.mock_fault),
    )


def _write_reports(
    args: argparse.Namespace, run: RunResult, secrets: tuple[str, ...]
) -> list[tuple[str, str]]:
    from reports import write_report

    written: list[tuple[str, str]] = []
    redacted = run.redacted(secrets)
    for kind in REPORT_KINDS:
        path = getattr(args, kind)
        if path:
            write_report(kind, redacted, Path(path))
            written.append((kind, str(path)))
    return written


@dataclass
class _Collected:
    """What the connections of one run produced."""

    results: list[CaseResult] = field(default_factory=list)
    descriptions: list[SutDescription] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    run_id: str = ""

    def add(self, box: Sandbox, results: list[CaseResult]) -> None:
        self.results.extend(results)
        self.descriptions.append(box.description)
        self.secrets.update(box.ctx.secrets())
        self.run_id = self.run_id or box.ctx.run_id


def _run_embedded(
    suites: list[Suite], options: HarnessOptions, console: Console, clock: Clock, timer: Clock
) -> _Collected:
    groups = group_suites(select_suites(suites, version=options.version))
    if not groups:
        raise UsageError("no suite matches the selection")
    console.line(
        f"ocpi-harness run: the built-in mocks as the SUT ({len(groups)} group(s)), "
        f"seed {options.seed}, profile {options.profile.name}"
    )
    collected = _Collected()
    for version, role, group in groups:
        with open_embedded(
            role, replace(options, version=version), clock=clock, timer=timer
        ) as box:
            console.line(f"-- {box.description.name} (OCPI {version}) --")
            collected.add(box, run_suites(group, box.ctx, console))
    return collected


def _run_live(
    args: argparse.Namespace,
    role: Role,
    suites: list[Suite],
    options: HarnessOptions,
    console: Console,
    timer: Clock,
) -> _Collected:
    selected = select_suites(suites, role=role, version=options.version)
    if not selected:
        raise UsageError(f"no suite for a {role.value} SUT matches the selection")
    offer = tuple(sorted({s.ocpi_version for s in selected}, key=list(VersionNumber).index))
    collected = _Collected()
    with open_live(
        role,
        args.versions_url,
        args.token,
        replace(options, offer=offer),
        clock=FollowingClock(timer),
        timer=timer,
        wait_for_registration=args.wait_for_registration,
        registration_timeout=args.registration_timeout,
        notify=console.line,
    ) as box:
        negotiated = box.ctx.connection.version
        chosen = select_suites(selected, version=negotiated)
        if not chosen:
            raise UsageError(f"no suite for a {role.value} SUT in OCPI {negotiated}")
        console.line(
            f"ocpi-harness run: {role.value} SUT at {box.ctx.connection.versions_url}, "
            f"OCPI {negotiated}, seed {options.seed}, profile {options.profile.name}"
        )
        collected.add(box, run_suites(chosen, box.ctx, console))
    return collected


def run(args: argparse.Namespace) -> int:
    role = _check_usage(args)
    version = require_version(args.ocpi_version) if args.ocpi_version else None
    options = _options(args, version)
    suites = _load(args)
    if suites is None:
        return 2
    console = Console(sys.stdout, colour=_colour(args))
    wall: Clock = SystemClock()
    started = wall.now()
    if role is None:
        # the mocks and the harness share one simulated clock that only tick steps move
        clock = FrozenClock(started.replace(microsecond=0))
        collected = _run_embedded(suites, options, console, clock, wall)
    else:
        collected = _run_live(args, role, suites, options, console, wall)
    run_result = _run_result(collected, options, started, wall.now())
    run_result = replace(run_result, coverage=_coverage(suites, run_result))
    reports = _write_reports(args, run_result, tuple(sorted(collected.secrets)))
    console.summary(run_result, reports)
    return 0 if run_result.ok else 1


def _coverage(suites: list[Suite], run: RunResult) -> dict[str, Any]:
    """The coverage matrix of the suites whose cases ran."""
    ran = {case.suite_id for case in run.cases}
    return coverage_matrix(
        [s for s in suites if s.id in ran],
        default_catalogue(),
        load_not_checkable(default_suites_root() / "not_checkable.yaml"),
    )


def _run_result(
    collected: _Collected, options: HarnessOptions, started: datetime, finished: datetime
) -> RunResult:
    descriptions, results, run_id = collected.descriptions, collected.results, collected.run_id
    roles = sorted({d.details.get("role", "") for d in descriptions})
    versions = sorted({d.details.get("ocpi_version", "") for d in descriptions})
    if len(descriptions) == 1:
        sut = descriptions[0]
    else:
        sut = SutDescription(
            name=" and ".join(d.name for d in descriptions) or "none",
            versions_url=None,
            mode="in-process",
            details={f"sut{i + 1}": d.versions_url or "" for i, d in enumerate(descriptions)},
        )
    return build_run_result(
        results,
        run_id=run_id or f"run-s{options.seed}",
        seed=options.seed,
        started_at=started,
        finished_at=finished,
        profile=options.profile.name,
        policies=options.profile.policies(),
        ocpi_version=",".join(versions),
        sut_role=",".join(roles),
        sut=sut,
    )
