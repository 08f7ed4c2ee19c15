"""What a run produces: exchanges, findings, and per-step, per-case and per-run results.

Reporters read only these objects (never pytest's). Every one is a frozen dataclass with a
``to_json()`` that returns plain JSON data in a stable key order. Times come from the injected
clock, so a run replayed with a :class:`~harness.clock.FrozenClock` and the same seed yields
the same objects and the same reports.

Outcomes: PASSED (no MUST finding), FAILED (at least one MUST finding: the SUT is not
conformant), ERROR (the harness could not finish the case: a broken suite, an unreachable SUT),
SKIPPED (the SUT profile does not claim what the case needs; ``skip_reason`` says what).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum, unique
from typing import Any, Literal

from harness.ocpi.problems import Level
from harness.ocpi.timestamps import format_datetime

__all__ = [
    "REDACTED",
    "CaseResult",
    "Exchange",
    "Finding",
    "Level",
    "Outcome",
    "RequirementVerdict",
    "RunResult",
    "StepResult",
    "SutDescription",
    "outcome_of",
]

REDACTED = "<redacted>"
Headers = tuple[tuple[str, str], ...]

_TOKEN_FIELD = re.compile(r'("token"\s*:\s*")((?:[^"\\]|\\.)*)(")')


def _seconds(value: float) -> float:
    return round(value, 3)


@unique
class Outcome(StrEnum):
    """The verdict of a step, a case or a requirement."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


_SEVERITY = {Outcome.SKIPPED: 0, Outcome.PASSED: 1, Outcome.ERROR: 2, Outcome.FAILED: 3}


def _worst(outcomes: Iterable[Outcome]) -> Outcome:
    return max(outcomes, key=_SEVERITY.__getitem__, default=Outcome.SKIPPED)


def _redact_text(text: str | None, secrets: tuple[str, ...]) -> str | None:
    if text is None:
        return None
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return _TOKEN_FIELD.sub(lambda m: m[1] + REDACTED + m[3], text)


def _redact_headers(headers: Headers, secrets: tuple[str, ...]) -> Headers:
    out = []
    for name, value in headers:
        if name.lower() == "authorization":
            scheme, sep, _ = value.partition(" ")
            value = f"{scheme} {REDACTED}" if sep else REDACTED
        else:
            value = _redact_text(value, secrets) or ""
        out.append((name, value))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as sent and received (bodies as text).

    ``direction`` says who called whom: ``to_sut`` for the harness's requests, ``from_sut``
    for calls the SUT made to a mock partner. ``status`` is None when no response came back;
    ``error`` then says why.
    """

    method: str
    url: str
    request_headers: Headers
    request_body: str | None
    status: int | None
    response_headers: Headers
    response_body: str | None
    elapsed: float
    started_at: datetime
    direction: Literal["to_sut", "from_sut"] = "to_sut"
    error: str | None = None

    def redacted(self, secrets: Iterable[str] = ()) -> Exchange:
        """A copy without credentials: Authorization values, ``"token"`` fields of JSON
        bodies (Credentials objects) and every occurrence of the given secrets."""
        hidden = tuple(s for s in secrets if s)
        return replace(
            self,
            url=_redact_text(self.url, hidden) or "",
            request_headers=_redact_headers(self.request_headers, hidden),
            request_body=_redact_text(self.request_body, hidden),
            response_headers=_redact_headers(self.response_headers, hidden),
            response_body=_redact_text(self.response_body, hidden),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "started_at": format_datetime(self.started_at),
            "elapsed": _seconds(self.elapsed),
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": [[k, v] for k, v in self.request_headers],
                "body": self.request_body,
            },
            "response": None
            if self.status is None
            else {
                "status": self.status,
                "headers": [[k, v] for k, v in self.response_headers],
                "body": self.response_body,
            },
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule the SUT broke (or bent): which check, how serious, where, and the evidence.

    ``exchange`` is an index into the case's ``exchanges``; ``step`` the 1-based step number.
    """

    check: str
    level: Level
    message: str
    req: str | None = None
    pointer: str | None = None
    expected: str | None = None
    actual: str | None = None
    exchange: int | None = None
    spec_ref: str | None = None
    step: int | None = None

    def __str__(self) -> str:
        where = f" {self.pointer}" if self.pointer else ""
        req = f" {self.req}" if self.req else ""
        return f"[{self.level}{req}] {self.check}{where}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "level": str(self.level),
            "req": self.req,
            "message": self.message,
            "pointer": self.pointer,
            "expected": self.expected,
            "actual": self.actual,
            "step": self.step,
            "exchange": self.exchange,
            "spec_ref": self.spec_ref,
        }


def outcome_of(findings: Iterable[Finding]) -> Outcome:
    """FAILED when any finding is at MUST level, else PASSED."""
    return Outcome.FAILED if any(f.level == Level.MUST for f in findings) else Outcome.PASSED


@dataclass(frozen=True, slots=True)
class StepResult:
    """How one step went; ``exchanges`` index the case's exchanges."""

    index: int
    kind: str
    name: str | None
    outcome: Outcome
    duration: float
    exchanges: tuple[int, ...] = ()
    message: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "kind": self.kind,
            "name": self.name,
            "outcome": str(self.outcome),
            "duration": _seconds(self.duration),
            "exchanges": list(self.exchanges),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class CaseResult:
    """Everything reporters need about one case."""

    case_id: str
    title: str
    suite_id: str
    reqs: tuple[str, ...]
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    exchanges: tuple[Exchange, ...] = ()
    steps: tuple[StepResult, ...] = ()
    duration: float = 0.0
    skip_reason: str | None = None
    error: str | None = None
    location: str | None = None
    spec: str | None = None

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == Level.MUST)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == Level.SHOULD)

    def redacted(self, secrets: Iterable[str] = ()) -> CaseResult:
        hidden = tuple(secrets)
        return replace(self, exchanges=tuple(x.redacted(hidden) for x in self.exchanges))

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.case_id,
            "title": self.title,
            "suite": self.suite_id,
            "location": self.location,
            "spec": self.spec,
            "reqs": list(self.reqs),
            "outcome": str(self.outcome),
            "duration": _seconds(self.duration),
            "skip_reason": self.skip_reason,
            "error": self.error,
            "steps": [s.to_json() for s in self.steps],
            "findings": [f.to_json() for f in self.findings],
            "exchanges": [x.to_json() for x in self.exchanges],
        }


@dataclass(frozen=True, slots=True)
class RequirementVerdict:
    """The verdict on one requirement across the cases that verify it (or that found it
    broken): FAILED beats ERROR beats PASSED beats SKIPPED."""

    req: str
    outcome: Outcome
    cases: tuple[tuple[str, Outcome], ...]
    warnings: int

    def to_json(self) -> dict[str, object]:
        return {
            "req": self.req,
            "outcome": str(self.outcome),
            "warnings": self.warnings,
            "cases": [{"id": case, "outcome": str(outcome)} for case, outcome in self.cases],
        }


@dataclass(frozen=True, slots=True)
class SutDescription:
    """What was tested: a name, where it was reached, how (``live`` or ``in-process``)."""

    name: str
    versions_url: str | None = None
    mode: Literal["live", "in-process"] = "live"
    details: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "versions_url": self.versions_url,
            "mode": self.mode,
            "details": dict(sorted(self.details.items())),
        }


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole run, with what a reader needs to reproduce it: seed, profile, policies."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    seed: int
    profile: str
    policies: Mapping[str, str]
    ocpi_version: str
    sut_role: str
    sut: SutDescription
    cases: tuple[CaseResult, ...]
    tool_version: str = ""
    coverage: Mapping[str, Any] | None = None
    """Requirement coverage of the suites that ran (:func:`harness.coverage.coverage_matrix`)."""

    @property
    def duration(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def ok(self) -> bool:
        """No case FAILED or ended in ERROR."""
        return all(c.outcome in (Outcome.PASSED, Outcome.SKIPPED) for c in self.cases)

    @property
    def verdict(self) -> Outcome:
        """FAILED if any case failed, else ERROR if any errored, else PASSED."""
        outcomes = {c.outcome for c in self.cases}
        for outcome in (Outcome.FAILED, Outcome.ERROR):
            if outcome in outcomes:
                return outcome
        return Outcome.PASSED

    def totals(self) -> dict[str, int]:
        counts = {"total": len(self.cases)} | {str(o): 0 for o in Outcome}
        for case in self.cases:
            counts[str(case.outcome)] += 1
        return counts

    def suites(self) -> list[tuple[str, tuple[CaseResult, ...]]]:
        """Cases grouped by suite id, suites in order of first appearance."""
        groups: dict[str, list[CaseResult]] = {}
        for case in self.cases:
            groups.setdefault(case.suite_id, []).append(case)
        return [(suite, tuple(cases)) for suite, cases in groups.items()]

    def requirement_matrix(self) -> dict[str, RequirementVerdict]:
        """REQ id -> verdict, sorted by id. A case counts for the requirements it declares
        (with its own outcome) and for those its findings cite: FAILED for a MUST finding,
        else PASSED with the SHOULD findings counted as warnings."""
        rows: dict[str, dict[str, Outcome]] = {}
        warnings: dict[str, int] = {}
        for case in self.cases:
            for req in case.reqs:
                rows.setdefault(req, {})[case.case_id] = case.outcome
            for finding in case.findings:
                if finding.req is None:
                    continue
                row = rows.setdefault(finding.req, {})
                if finding.level == Level.MUST:
                    row[case.case_id] = Outcome.FAILED
                else:
                    row.setdefault(case.case_id, Outcome.PASSED)  # observed, only bent
                    if finding.level == Level.SHOULD:
                        warnings[finding.req] = warnings.get(finding.req, 0) + 1
        return {
            req: RequirementVerdict(
                req, _worst(rows[req].values()), tuple(rows[req].items()), warnings.get(req, 0)
            )
            for req in sorted(rows)
        }

    def redacted(self, secrets: Iterable[str] = ()) -> RunResult:
        hidden = tuple(secrets)
        return replace(self, cases=tuple(c.redacted(hidden) for c in self.cases))

    def to_json(self) -> dict[str, object]:
        return {
            "run": {
                "id": self.run_id,
                "tool_version": self.tool_version,
                "started_at": format_datetime(self.started_at),
                "finished_at": format_datetime(self.finished_at),
                "duration": _seconds(self.duration),
                "seed": self.seed,
                "profile": self.profile,
                "policies": dict(sorted(self.policies.items())),
                "ocpi_version": self.ocpi_version,
                "sut_role": self.sut_role,
                "sut": self.sut.to_json(),
            },
            "summary": {**self.totals(), "verdict": str(self.verdict)},
            "requirements": [v.to_json() for v in self.requirement_matrix().values()],
            **({"coverage": dict(self.coverage)} if self.coverage is not None else {}),
            "cases": [c.to_json() for c in self.cases],
        }
