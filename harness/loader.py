"""Suite YAML -> typed model (:mod:`harness.model`), or a :class:`SuiteError` with file and line.

``parse_suite(text, path)`` is pure apart from asking a :class:`FixtureSource` whether fixture
files exist; ``load_suite`` and ``load_suites`` read files around it. Loading happens in three
passes, each reporting every problem it finds before giving up:

1. YAML with positions (:func:`harness.suite_yaml.read_yaml`): syntax errors, duplicate keys.
2. ``harness/schemas/suite.schema.json``: unknown keys (with a did-you-mean), missing keys,
   wrong types and values.
3. Meaning (:class:`harness.suite_build.SuiteBuilder`): duplicate case ids, unknown matchers,
   checks, OCPI objects and fixtures, ``${...}`` names not in scope at that step, keys that do
   not apply to the step kind.
"""

from __future__ import annotations

import glob
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Protocol

import harness
from harness.checks import default_check_names
from harness.errors import UsageError
from harness.matchers import MatcherRegistry, default_matchers
from harness.model import SourceLocation, Suite
from harness.ocpi.envelope import parse_json
from harness.suite_build import SuiteBuilder
from harness.suite_yaml import SuiteError, SuiteProblem, read_yaml, schema_problems

__all__ = [
    "STANDARD_CHECKS",
    "FixtureSource",
    "FixtureStore",
    "SuiteError",
    "SuiteProblem",
    "default_fixtures_root",
    "load_suite",
    "load_suites",
    "parse_suite",
]

STANDARD_CHECKS: frozenset[str] = default_check_names()
"""Check names a suite may use when the caller passes no registry's names (``checks=``): the
built-in checks of :mod:`harness.checks`. The runner passes the names of its own registry."""


class FixtureSource(Protocol):
    """Where ``fixture:`` paths are looked up."""

    def exists(self, ref: str) -> bool: ...


def default_fixtures_root() -> Path:
    """``fixtures/`` of the checkout, or ``harness/_data/fixtures`` of an installed wheel."""
    package = Path(harness.__file__).resolve().parent
    installed = package / "_data" / "fixtures"
    return installed if installed.is_dir() else package.parent / "fixtures"


class FixtureStore:
    """Fixture files under one folder, read as JSON with Decimal fractions."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_fixtures_root()
        self._cache: dict[str, str] = {}

    def _file(self, ref: str) -> Path | None:
        if ref.startswith("/") or "\\" in ref or ".." in ref.split("/"):
            return None  # never leave the fixtures folder
        path = self.root / ref
        return path if path.is_file() else None

    def exists(self, ref: str) -> bool:
        return self._file(ref) is not None

    def load(self, ref: str) -> object:
        """A fresh copy of the fixture's JSON; UsageError when it is missing or not JSON."""
        if ref not in self._cache:
            path = self._file(ref)
            if path is None:
                raise UsageError(f"no fixture {ref!r} under {self.root}")
            self._cache[ref] = path.read_text("utf-8")
        try:
            return parse_json(self._cache[ref])
        except ValueError as exc:
            raise UsageError(f"fixture {ref!r} is not valid JSON: {exc}") from None


def parse_suite(
    text: str,
    path: str,
    *,
    fixtures: FixtureSource | None = None,
    checks: Collection[str] | None = None,
    matchers: MatcherRegistry | None = None,
) -> Suite:
    """Build the suite in ``text`` (``path`` is only used in messages and locations)."""
    data, marks = read_yaml(text, path)
    problems = schema_problems(data, marks)
    if problems:
        raise SuiteError(problems)
    builder = SuiteBuilder(
        data,
        marks,
        fixtures=fixtures if fixtures is not None else FixtureStore(),
        checks=frozenset(checks) if checks is not None else STANDARD_CHECKS,
        matchers=matchers if matchers is not None else default_matchers(),
    )
    return builder.build()


def load_suite(
    path: str | Path,
    *,
    fixtures: FixtureSource | None = None,
    checks: Collection[str] | None = None,
    matchers: MatcherRegistry | None = None,
) -> Suite:
    """Read and build one suite file."""
    name = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise UsageError(f"no suite file {name!r}") from None
    except UnicodeDecodeError as exc:
        raise SuiteError([_at_start(name, f"not UTF-8 text: {exc.reason}")]) from None
    return parse_suite(text, name, fixtures=fixtures, checks=checks, matchers=matchers)


NOT_SUITES = frozenset({"not_checkable.yaml"})
"""YAML files a suites folder may hold that are not suites (skipped when a folder is loaded)."""


def _at_start(file: str, reason: str) -> SuiteProblem:
    return SuiteProblem(SourceLocation(file, 1, 1), reason)


def _expand(pattern: str) -> list[str]:
    found = _expand_here(pattern)
    if not found and pattern.startswith("suites/"):
        # an installed wheel: "suites/..." means the bundled suites, from any folder
        from harness.selection import default_suites_root

        found = _expand_here(str(default_suites_root() / pattern.removeprefix("suites/")))
    if not found:
        raise UsageError(f"no suite file matches {pattern!r}")
    return found


def _expand_here(pattern: str) -> list[str]:
    if any(ch in pattern for ch in "*?["):
        found = sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
    elif Path(pattern).is_dir():
        found = sorted(
            str(p)
            for p in Path(pattern).rglob("*")
            if p.suffix in {".yaml", ".yml"} and p.is_file() and p.name not in NOT_SUITES
        )
    else:
        found = [pattern] if Path(pattern).is_file() else []
    return found


def load_suites(
    paths_or_globs: Iterable[str | Path],
    *,
    fixtures: FixtureSource | None = None,
    checks: Collection[str] | None = None,
    matchers: MatcherRegistry | None = None,
) -> list[Suite]:
    """Load files, folders (every ``*.yaml`` below) and globs, in sorted order per argument.

    Every broken file is reported in one SuiteError, as are case ids (and suite ids) that
    appear in more than one place.
    """
    files: list[str] = []
    for item in paths_or_globs:
        files.extend(f for f in _expand(str(item)) if f not in files)
    store = fixtures if fixtures is not None else FixtureStore()
    registry = matchers if matchers is not None else default_matchers()
    suites: list[Suite] = []
    problems: list[SuiteProblem] = []
    for file in files:
        try:
            suites.append(load_suite(file, fixtures=store, checks=checks, matchers=registry))
        except SuiteError as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicates(suites))
    if problems:
        raise SuiteError(problems)
    return suites


def _duplicates(suites: Iterable[Suite]) -> list[SuiteProblem]:
    problems: list[SuiteProblem] = []
    suite_seen: dict[str, Suite] = {}
    case_seen: dict[str, str] = {}
    for suite in suites:
        if suite.id in suite_seen:
            first = suite_seen[suite.id].location
            problems.append(
                SuiteProblem(suite.location, f"duplicate suite id {suite.id!r} (first at {first})")
            )
        suite_seen.setdefault(suite.id, suite)
        for case in suite.cases:
            if case.id in case_seen:
                problems.append(
                    SuiteProblem(
                        case.location,
                        f"duplicate case id {case.id} (first at {case_seen[case.id]})",
                        f"case {case.id}",
                    )
                )
            case_seen.setdefault(case.id, str(case.location))
    return problems
