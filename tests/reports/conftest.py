"""A fixed RunResult (FrozenClock, fixed seed) that every report test renders, and snapshots.

Regenerate the snapshot files after an intended change with
``OCPI_UPDATE_SNAPSHOTS=1 pytest tests/reports`` and review the diff.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.clock import FrozenClock
from harness.results import (
    CaseResult,
    Exchange,
    Finding,
    Level,
    Outcome,
    RunResult,
    StepResult,
    SutDescription,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
SECRET = "c2VjcmV0LXRva2VuLWM="  # Base64 of the token the SUT gave us; must never be written
CREDENTIALS_TOKEN = "secret-token-b"  # a Credentials token in a body; must never be written


def _exchange(
    clock: FrozenClock,
    method: str,
    url: str,
    status: int | None,
    response_body: str | None,
    request_body: str | None = None,
    error: str | None = None,
) -> Exchange:
    started = clock.now()
    clock.advance(timedelta(milliseconds=120))
    return Exchange(
        method=method,
        url=url,
        request_headers=(
            ("Authorization", f"Token {SECRET}"),
            ("X-Request-ID", "5b1e7d8a-2f4c-4e3b-9a61-0c7d2e9f4a10"),
        ),
        request_body=request_body,
        status=status,
        response_headers=(("Content-Type", "application/json"),) if status else (),
        response_body=response_body,
        elapsed=0.12,
        started_at=started,
        error=error,
    )


def build_sample_run() -> RunResult:
    """Four cases, one of each outcome, with findings, exchanges and secrets to redact."""
    clock = FrozenClock(datetime(2026, 3, 15, 9, 0, tzinfo=UTC))
    started = clock.now()
    base = "https://sut.example/ocpi/2.2.1/tokens/NL/RML/04F2E39A1B6C80"
    put = _exchange(
        clock,
        "PUT",
        base,
        200,
        '{"status_code": 1000, "timestamp": "2026-03-15T09:00:00Z"}',
        request_body='{"uid": "04F2E39A1B6C80", "type": "RFID", "note": "<b>bold</b>"}',
    )
    get = _exchange(
        clock,
        "GET",
        base,
        200,
        '{"data": [{"uid": "04F2E39A1B6C80"}], "status_code": 1000,\n'
        ' "status_message": "<script>alert(1)</script>", "timestamp": "2026-03-15T09:00:01Z"}',
    )
    credentials = _exchange(
        clock,
        "POST",
        "https://sut.example/ocpi/2.2.1/credentials",
        200,
        '{"data": {"token": "' + CREDENTIALS_TOKEN + '", "url": "https://sut.example/ocpi"}, '
        '"status_code": 1000, "timestamp": "2026-03-15T09:00:02Z"}',
    )
    cardinality = Finding(
        check="data_cardinality",
        level=Level.MUST,
        message="a single Token was sent as a list",
        req="REQ-TF-009",
        pointer="/data",
        expected="one object",
        actual="a list of 1",
        exchange=1,
        spec_ref="transport_and_format.asciidoc#response_format",
        step=2,
    )
    tracing = Finding(
        check="response_tracing",
        level=Level.SHOULD,
        message="X-Request-ID was not echoed",
        req="REQ-TF-020",
        pointer="X-Request-ID",
        exchange=0,
        step=1,
    )
    failed = CaseResult(
        case_id="TOK-RCV-001",
        title="A pushed token can be read back unchanged",
        suite_id="tokens-receiver",
        reqs=("REQ-TOK-001", "REQ-TF-015"),
        outcome=Outcome.FAILED,
        findings=(tracing, cardinality),
        exchanges=(put, get),
        steps=(
            StepResult(1, "request", "push a new RFID token", Outcome.PASSED, 0.12, (0,)),
            StepResult(2, "request", "read it back", Outcome.FAILED, 0.12, (1,)),
        ),
        duration=0.24,
        location="suites/2.2.1/cpo/tokens.yaml:16:5",
        spec="mod_tokens.asciidoc#mod_tokens_put_method",
    )
    passed = CaseResult(
        case_id="TOK-RCV-002",
        title="Registration hands out a fresh token",
        suite_id="tokens-receiver",
        reqs=("REQ-TOK-001", "REQ-CRED-003"),
        outcome=Outcome.PASSED,
        exchanges=(credentials,),
        steps=(StepResult(1, "request", None, Outcome.PASSED, 0.12, (0,)),),
        duration=0.12,
        location="suites/2.2.1/cpo/tokens.yaml:61:5",
    )
    skipped = CaseResult(
        case_id="CMD-RCV-001",
        title="START_SESSION is confirmed through response_url",
        suite_id="commands-receiver",
        reqs=("REQ-CMD-001",),
        outcome=Outcome.SKIPPED,
        skip_reason="the SUT profile does not declare commands.start_session",
    )
    unreachable = _exchange(
        clock,
        "GET",
        "https://sut.example/ocpi/2.2.1/cdrs?limit=2",
        None,
        None,
        error="connection refused",
    )
    errored = CaseResult(
        case_id="CDR-SND-001",
        title="Every CDR in the list is billed as its tariff says",
        suite_id="cdrs-sender",
        reqs=("REQ-TF-029", "REQ-TAR-010"),
        outcome=Outcome.ERROR,
        exchanges=(unreachable,),
        steps=(StepResult(1, "crawl", "list every CDR", Outcome.ERROR, 0.12, (0,), "refused"),),
        duration=0.12,
        error="the SUT is unreachable: connection refused (https://sut.example/ocpi/2.2.1/cdrs)",
    )
    clock.advance(timedelta(seconds=1))
    return RunResult(
        run_id="run-4242",
        started_at=started,
        finished_at=clock.now(),
        seed=4242,
        profile="strict",
        policies={"tariff_switch": "per_period", "rounding": "none"},
        ocpi_version="2.2.1",
        sut_role="CPO",
        sut=SutDescription(
            "Example CPO", "https://sut.example/ocpi/versions", "live", {"party": "NL*EXA"}
        ),
        cases=(failed, passed, skipped, errored),
        tool_version="0.1.0",
    )


@pytest.fixture
def sample_run() -> RunResult:
    return build_sample_run()


def assert_snapshot(name: str, text: str) -> None:
    """``text`` equals the stored snapshot byte for byte (or rewrite it when asked)."""
    path = SNAPSHOTS / name
    if os.environ.get("OCPI_UPDATE_SNAPSHOTS"):
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no snapshot {name}; create it with OCPI_UPDATE_SNAPSHOTS=1"
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs from its snapshot"
