"""The pytest plugin: YAML suites collected as pytest items, run by the same ``run_case``.

Enable it explicitly (the project's own test session disables it by default)::

    pytest -p ocpi_harness suites/                          # against the built-in mocks
    pytest -p ocpi_harness suites/2.2.1/cpo --ocpi-sut-role cpo \\
        --ocpi-versions-url https://sut.example/ocpi/versions --ocpi-token TOKEN_A

One item per case (node id = case id); ``reportinfo`` points at the case's YAML line; every
item carries the markers ``ocpi_version``, ``sut_role`` and ``ocpi_module`` (with the value as
argument, for hooks and plugins; select on the command line with ``-k`` on the case id or the
file path). A failed case shows its findings as a table. The connection to each SUT is made
once per session (the embedded default: one per OCPI version and role) and kept in
``config.stash``; only public pytest API is used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from harness.checks import default_check_names
from harness.clock import Clock, FollowingClock, FrozenClock, SystemClock
from harness.context import RunContext
from harness.errors import HarnessError
from harness.loader import FixtureStore, SuiteError, load_suite
from harness.matchers import default_matchers
from harness.model import Case, Suite
from harness.ocpi.roles import Role
from harness.profiles import load_profile
from harness.results import CaseResult, Outcome
from harness.runner import changes_registration, run_case
from harness.sandbox import HarnessOptions, Sandbox, open_embedded, open_live

__all__ = ["CaseFailed", "CaseItem", "SuiteFile"]

MARKERS = (
    "ocpi_version(version): the OCPI version of an ocpi-harness suite case",
    "sut_role(role): the role the SUT plays in an ocpi-harness suite case",
    "ocpi_module(module): the OCPI module an ocpi-harness suite case tests",
)


@dataclass
class _Session:
    """The plugin's per-session state: options, open sandboxes, failures, results."""

    options: HarnessOptions
    role: Role | None
    versions_url: str | None
    token: str | None
    clock: Clock
    timer: Clock
    boxes: dict[tuple[object, ...], Sandbox] = field(default_factory=dict)
    failures: dict[tuple[object, ...], str] = field(default_factory=dict)
    results: list[CaseResult] = field(default_factory=list)
    fixtures: FixtureStore = field(default_factory=FixtureStore)

    def context_for(self, suite: Suite) -> RunContext:
        # a live SUT registers once (its token A is spent): one connection per session
        key: tuple[object, ...] = (
            (suite.ocpi_version, suite.sut_role) if self.role is None else ("live",)
        )
        if key in self.failures:
            pytest.fail(self.failures[key], pytrace=False)
        if key not in self.boxes:
            try:
                self.boxes[key] = self._open(suite)
            except HarnessError as exc:
                self.failures[key] = f"cannot connect to the SUT: {exc}"
                pytest.fail(self.failures[key], pytrace=False)
        return self.boxes[key].ctx

    def _open(self, suite: Suite) -> Sandbox:
        options = _with(self.options, version=suite.ocpi_version)
        if self.role is None:
            return open_embedded(suite.sut_role, options, clock=self.clock, timer=self.timer)
        return open_live(
            self.role,
            self.versions_url,
            self.token,
            options,
            clock=self.clock,
            timer=self.timer,
            notify=_note,
        )

    def close(self) -> None:
        for box in self.boxes.values():
            box.close()
        self.boxes.clear()


def _with(options: HarnessOptions, **changes: Any) -> HarnessOptions:
    return replace(options, **changes)


def _note(text: str) -> None:
    sys.stderr.write(text + "\n")


SESSION_KEY = pytest.StashKey[_Session]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ocpi-harness", "OCPI conformance suites (ocpi-harness)")
    group.addoption("--ocpi-sut-role", choices=["cpo", "emsp"], help="the role the SUT plays")
    group.addoption("--ocpi-versions-url", metavar="URL", help="the SUT's versions URL")
    group.addoption("--ocpi-token", metavar="TOKEN", help="the credentials token A of the SUT")
    group.addoption("--ocpi-profile", default="strict", metavar="strict|lenient|FILE")
    group.addoption("--ocpi-seed", type=int, default=1, metavar="N")
    group.addoption("--ocpi-hook-url", metavar="URL", help="the SUT's test hook")
    group.addoption("--ocpi-hook-token", metavar="TOKEN")
    group.addoption("--ocpi-timeout", type=float, default=10.0, metavar="S")


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    role = config.getoption("--ocpi-sut-role")
    url, token = config.getoption("--ocpi-versions-url"), config.getoption("--ocpi-token")
    if role is None and (url or token):
        raise pytest.UsageError("--ocpi-versions-url and --ocpi-token need --ocpi-sut-role")
    if role is not None and not (url and token):
        raise pytest.UsageError("--ocpi-sut-role needs --ocpi-versions-url and --ocpi-token")
    try:
        profile = load_profile(config.getoption("--ocpi-profile"))
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None
    options = HarnessOptions(
        seed=config.getoption("--ocpi-seed"),
        profile=profile,
        timeout=config.getoption("--ocpi-timeout"),
        hook_url=config.getoption("--ocpi-hook-url"),
        hook_token=config.getoption("--ocpi-hook-token"),
    )
    wall = SystemClock()
    clock: Clock = FollowingClock(wall) if role else FrozenClock(wall.now().replace(microsecond=0))
    config.stash[SESSION_KEY] = _Session(
        options=options,
        role=Role(role.upper()) if role else None,
        versions_url=url,
        token=token,
        clock=clock,
        timer=wall,
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()
        del config.stash[SESSION_KEY]


def _is_suite(path: Path) -> bool:
    """A YAML file whose first top-level key is ``suite:``."""
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                return line.startswith("suite:")
    except (OSError, UnicodeDecodeError):
        return False
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    if file_path.suffix in (".yaml", ".yml") and _is_suite(file_path):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The cases that change the registration run last, as with ``ocpi-harness run``."""
    items.sort(key=lambda item: isinstance(item, CaseItem) and changes_registration(item.case))


class SuiteFile(pytest.File):
    """A suite file: one item per case."""

    def collect(self) -> Iterator[CaseItem]:
        session = self.config.stash[SESSION_KEY]
        try:
            suite = load_suite(
                self.path,
                fixtures=session.fixtures,
                checks=default_check_names(),
                matchers=default_matchers(),
            )
        except SuiteError as exc:
            raise self.CollectError(str(exc)) from None
        for case in suite.cases:
            item = CaseItem.from_parent(self, name=case.id, case=case, suite=suite)
            item.add_marker(pytest.mark.ocpi_version(suite.ocpi_version.value))
            item.add_marker(pytest.mark.sut_role(suite.sut_role.value))
            item.add_marker(pytest.mark.ocpi_module(suite.module))
            yield item


class CaseFailed(Exception):
    """A case that FAILED or ended in ERROR; carries its result for :meth:`repr_failure`."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(f"{result.case_id} {result.outcome.value}")
        self.result = result


def render_result(result: CaseResult) -> str:
    """A case's findings as a readable table."""
    lines = [f"{result.case_id} {result.outcome.value.upper()}: {result.title}"]
    if result.location:
        lines.append(f"  at {result.location}")
    if result.error:
        lines.append(f"  error: {result.error}")
    if result.findings:
        rows = [("level", "req", "check", "step", "pointer", "message")]
        rows += [
            (
                f.level.value,
                f.req or "",
                f.check,
                str(f.step or ""),
                f.pointer or "",
                f.message,
            )
            for f in result.findings
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            cells = [row[i].ljust(widths[i]) for i in range(5)]
            lines.append("  " + "  ".join(cells) + "  " + row[5])
    for step in result.steps:
        if step.message and step.outcome is not Outcome.PASSED:
            lines.append(f"  step {step.index} ({step.kind}): {step.message}")
    return "\n".join(lines)


class CaseItem(pytest.Item):
    """One suite case."""

    def __init__(self, *, case: Case, suite: Suite, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.suite = suite

    def runtest(self) -> None:
        session = self.config.stash[SESSION_KEY]
        if session.role is not None and session.role != self.suite.sut_role:
            pytest.skip(
                f"the suite is for a {self.suite.sut_role.value} SUT; "
                f"--ocpi-sut-role is {session.role.value.lower()}"
            )
        result = run_case(self.case, self.suite, session.context_for(self.suite))
        session.results.append(result)
        if result.outcome is Outcome.SKIPPED:
            pytest.skip(result.skip_reason or "skipped")
        if result.outcome in (Outcome.FAILED, Outcome.ERROR):
            raise CaseFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, CaseFailed):
            return render_result(excinfo.value.result)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.location.line - 1, f"{self.case.id}: {self.case.title}"
