"""Result objects: outcomes, the requirement matrix, redaction and JSON form."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harness.results import (
    REDACTED,
    CaseResult,
    Exchange,
    Finding,
    Level,
    Outcome,
    RunResult,
    SutDescription,
    outcome_of,
)

T0 = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


def exchange(**changes: Any) -> Exchange:
    base = Exchange(
        method="POST",
        url="https://sut.example/ocpi/2.2.1/credentials",
        request_headers=(("Authorization", "Token dG9rZW4tYQ=="), ("X-Request-ID", "r1")),
        request_body='{"token": "token-b", "url": "https://me.example/versions"}',
        status=200,
        response_headers=(("authorization", "raw-token"),),
        response_body='{"data": {"token" : "token-c", "roles": []}, "status_code": 1000}',
        elapsed=0.25,
        started_at=T0,
    )
    return replace(base, **changes)


def finding(level: Level, req: str | None = None) -> Finding:
    return Finding("envelope_shape", level, "something is off", req=req)


def case(case_id: str, outcome: Outcome, reqs: tuple[str, ...], *found: Finding) -> CaseResult:
    return CaseResult(case_id, f"title of {case_id}", "suite-a", reqs, outcome, findings=found)


def run(*cases: CaseResult) -> RunResult:
    return RunResult(
        run_id="r",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=2.5),
        seed=7,
        profile="lenient",
        policies={"rounding": "per_total"},
        ocpi_version="2.2.1",
        sut_role="CPO",
        sut=SutDescription("mock CPO", None, "in-process"),
        cases=cases,
        tool_version="0.1.0",
    )


def test_outcome_of_findings() -> None:
    assert outcome_of([]) is Outcome.PASSED
    assert outcome_of([finding(Level.SHOULD), finding(Level.INFO)]) is Outcome.PASSED
    assert outcome_of([finding(Level.SHOULD), finding(Level.MUST)]) is Outcome.FAILED


def test_redaction_hides_tokens_and_keeps_everything_else() -> None:
    hidden = exchange().redacted()
    assert hidden.request_headers == (
        ("Authorization", f"Token {REDACTED}"),
        ("X-Request-ID", "r1"),
    )
    assert hidden.response_headers == (("authorization", REDACTED),)
    assert hidden.request_body == f'{{"token": "{REDACTED}", "url": "https://me.example/versions"}}'
    assert hidden.response_body == (
        f'{{"data": {{"token" : "{REDACTED}", "roles": []}}, "status_code": 1000}}'
    )
    assert (hidden.method, hidden.url, hidden.status) == ("POST", exchange().url, 200)


def test_redaction_of_named_secrets_everywhere() -> None:
    leaky = exchange(url="https://sut.example/x?t=token-z", response_body="echo token-z")
    hidden = leaky.redacted(["token-z", ""])
    assert "token-z" not in json.dumps(hidden.to_json())
    assert hidden.url.endswith(f"t={REDACTED}")


def test_a_token_object_is_not_mistaken_for_a_secret() -> None:
    body = '{"allowed": "ALLOWED", "token": {"uid": "X1", "type": "RFID"}}'
    assert exchange(response_body=body).redacted().response_body == body


def test_results_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        exchange().status = 500  # type: ignore[misc]


def test_requirement_matrix_combines_cases_and_findings() -> None:
    result = run(
        case("A-001", Outcome.PASSED, ("REQ-X-001", "REQ-X-002")),
        case("A-002", Outcome.FAILED, ("REQ-X-001",), finding(Level.MUST, "REQ-X-003")),
        case("A-003", Outcome.SKIPPED, ("REQ-X-004",)),
        case("A-004", Outcome.PASSED, ("REQ-X-002",), finding(Level.SHOULD, "REQ-X-005")),
        case("A-005", Outcome.ERROR, ("REQ-X-002",)),
    )
    matrix = result.requirement_matrix()
    assert list(matrix) == ["REQ-X-001", "REQ-X-002", "REQ-X-003", "REQ-X-004", "REQ-X-005"]
    summary = {req: (v.outcome, v.cases, v.warnings) for req, v in matrix.items()}
    assert summary == {
        "REQ-X-001": (
            Outcome.FAILED,
            (("A-001", Outcome.PASSED), ("A-002", Outcome.FAILED)),
            0,
        ),
        "REQ-X-002": (
            Outcome.ERROR,
            (("A-001", Outcome.PASSED), ("A-004", Outcome.PASSED), ("A-005", Outcome.ERROR)),
            0,
        ),
        "REQ-X-003": (Outcome.FAILED, (("A-002", Outcome.FAILED),), 0),
        "REQ-X-004": (Outcome.SKIPPED, (("A-003", Outcome.SKIPPED),), 0),
        "REQ-X-005": (Outcome.PASSED, (("A-004", Outcome.PASSED),), 1),
    }


def test_totals_verdict_and_ok() -> None:
    passing = run(case("A-001", Outcome.PASSED, ()), case("A-002", Outcome.SKIPPED, ()))
    assert passing.ok and passing.verdict is Outcome.PASSED
    assert passing.totals() == {"total": 2, "passed": 1, "failed": 0, "error": 0, "skipped": 1}
    erroring = run(case("A-001", Outcome.ERROR, ()), case("A-002", Outcome.PASSED, ()))
    assert not erroring.ok and erroring.verdict is Outcome.ERROR
    failing = run(case("A-001", Outcome.ERROR, ()), case("A-002", Outcome.FAILED, ()))
    assert failing.verdict is Outcome.FAILED


def test_suites_group_cases_in_order_of_appearance() -> None:
    cases = [
        CaseResult("B-1", "t", "beta", (), Outcome.PASSED),
        CaseResult("A-1", "t", "alpha", (), Outcome.PASSED),
        CaseResult("B-2", "t", "beta", (), Outcome.PASSED),
    ]
    grouped = run(*cases).suites()
    assert [(s, [c.case_id for c in cs]) for s, cs in grouped] == [
        ("beta", ["B-1", "B-2"]),
        ("alpha", ["A-1"]),
    ]


def test_to_json_is_plain_json_in_a_stable_order() -> None:
    with_exchange = CaseResult(
        "A-001",
        "t",
        "suite-a",
        ("REQ-X-001",),
        Outcome.FAILED,
        findings=(Finding("c", Level.MUST, "m", exchange=0, step=1),),
        exchanges=(exchange(status=None, response_headers=(), response_body=None, error="boom"),),
    )
    data = run(with_exchange).to_json()
    text = json.dumps(data)
    assert json.loads(text) == data
    assert list(data) == ["run", "summary", "requirements", "cases"]
    assert data["run"]["seed"] == 7 and data["run"]["profile"] == "lenient"  # type: ignore[index]
    assert data["run"]["finished_at"] == "2026-03-15T09:00:02.500Z"  # type: ignore[index]
    assert data["run"]["policies"] == {"rounding": "per_total"}  # type: ignore[index]
    first = data["cases"][0]  # type: ignore[index]
    assert first["exchanges"][0]["response"] is None
    assert first["exchanges"][0]["error"] == "boom"
    assert first["findings"][0]["level"] == "MUST"
    assert json.dumps(run(with_exchange).to_json()) == text


def test_finding_reads_well() -> None:
    text = str(Finding("data_cardinality", Level.MUST, "sent a list", "REQ-TF-009", "/data"))
    assert text == "[MUST REQ-TF-009] data_cardinality /data: sent a list"
