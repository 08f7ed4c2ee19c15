"""What ``ocpi-harness run`` prints: a line per case as it finishes, then a summary.

Colour only when the stream is a terminal (and ``NO_COLOR`` is not set by the caller).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from harness.model import Case, Suite
from harness.ocpi.problems import Level
from harness.results import CaseResult, Outcome, RunResult

__all__ = ["Console"]

_COLOURS = {
    Outcome.PASSED: "\033[32m",
    Outcome.FAILED: "\033[31m",
    Outcome.ERROR: "\033[35m",
    Outcome.SKIPPED: "\033[33m",
}
_RESET = "\033[0m"


def _first_failure(result: CaseResult) -> str:
    musts = [f for f in result.findings if f.level is Level.MUST]
    if musts:
        extra = f" (+{len(musts) - 1} more)" if len(musts) > 1 else ""
        return f"{musts[0]}{extra}"
    return result.error or result.skip_reason or ""


def _short(location: str | None) -> str:
    """A location relative to the working folder when that is shorter."""
    if not location:
        return ""
    try:
        relative = os.path.relpath(location)
    except ValueError:
        return location
    return relative if len(relative) < len(location) else location


class Console:
    """Progress and summary printer (a :class:`~harness.runner.RunListener`)."""

    def __init__(self, out: TextIO, *, colour: bool) -> None:
        self.out = out
        self.colour = colour

    def _word(self, outcome: Outcome) -> str:
        word = outcome.value.upper().ljust(7)
        return f"{_COLOURS[outcome]}{word}{_RESET}" if self.colour else word

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def case_started(self, case: Case, suite: Suite) -> None:
        pass

    def case_finished(self, result: CaseResult) -> None:
        title = result.title if len(result.title) <= 60 else result.title[:57] + "..."
        self.line(
            f"{self._word(result.outcome)} {result.case_id:<14} {title:<60} {result.duration:6.2f}s"
        )
        if result.outcome is not Outcome.PASSED:
            detail = _first_failure(result)
            if detail:
                self.line(f"        {detail}")
        if result.outcome is Outcome.PASSED:
            counts: dict[str, int] = {}
            for finding in result.findings:
                if finding.level is Level.SHOULD:
                    text = str(finding)
                    counts[text] = counts.get(text, 0) + 1
            for text, count in counts.items():
                self.line(f"        warning: {text}" + (f" (x{count})" if count > 1 else ""))

    def summary(self, run: RunResult, reports: Sequence[tuple[str, str]]) -> None:
        totals = run.totals()
        self.line()
        self.line(
            f"{totals['total']} cases: {totals['passed']} passed, {totals['failed']} failed, "
            f"{totals['error']} errors, {totals['skipped']} skipped in {run.duration:.2f}s "
            f"(seed {run.seed}, profile {run.profile})"
        )
        bad = [c for c in run.cases if c.outcome in (Outcome.FAILED, Outcome.ERROR)]
        if bad:
            self.line("Failures and errors:")
            for case in bad:
                self.line(f"  {case.case_id} ({_short(case.location)}): {_first_failure(case)}")
        if reports:
            self.line("Reports: " + ", ".join(f"{kind} {path}" for kind, path in reports))
        verdict = "OK" if run.ok else run.verdict.value.upper()
        self.line(f"Verdict: {verdict}")
