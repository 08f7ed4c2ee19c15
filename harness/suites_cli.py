"""``ocpi-harness suites --list``: the suites and cases a run would pick from;
``ocpi-harness suites --coverage [--json]``: the requirement coverage matrix
(:mod:`harness.coverage`).

Loading the suites also validates them, so this doubles as a linter: a broken suite file is
reported as ``file:line:column: reason`` with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.coverage import coverage_matrix, default_catalogue, format_matrix, load_not_checkable
from harness.loader import SuiteError, load_suites
from harness.model import Suite
from harness.selection import default_suites_root

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list", action="store_true", help="list the suites and their cases (the default)"
    )
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="print which M/MN requirements the cases cover, per version, module and SUT role",
    )
    parser.add_argument("--json", action="store_true", help="with --coverage: print JSON")
    parser.add_argument(
        "--requirements",
        metavar="FILE",
        help="the requirement catalogue (default: ../shared/docs/ocpi-requirements.md, else "
        "the packaged copy)",
    )
    parser.add_argument(
        "--suite",
        action="extend",
        nargs="+",
        default=[],
        metavar="GLOB",
        help="suite files, folders or globs (default: the bundled suites)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        suites = load_suites(args.suite or [default_suites_root()])
    except SuiteError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        return 2
    out = sys.stdout
    if args.coverage:
        return _coverage(args, suites)
    total = 0
    for suite in suites:
        needs = f"  requires {', '.join(suite.requires)}" if suite.requires else ""
        out.write(
            f"{suite.id}  OCPI {suite.ocpi_version}  {suite.sut_role.value} SUT  "
            f"{suite.module}{needs}  ({suite.path})\n"
        )
        for case in suite.cases:
            total += 1
            extra = f"  requires {', '.join(case.requires)}" if case.requires else ""
            out.write(f"  {case.id:<14} {case.title}  [{', '.join(case.reqs)}]{extra}\n")
    out.write(f"{len(suites)} suites, {total} cases\n")
    return 0


def _coverage(args: argparse.Namespace, suites: list[Suite]) -> int:
    try:
        catalogue = default_catalogue(Path(args.requirements) if args.requirements else None)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"ocpi-harness suites: cannot read the requirements: {exc}\n")
        return 2
    matrix = coverage_matrix(
        suites, catalogue, load_not_checkable(default_suites_root() / "not_checkable.yaml")
    )
    if args.json:
        sys.stdout.write(json.dumps(matrix, indent=2) + "\n")
    else:
        sys.stdout.write(format_matrix(matrix))
    return 0
