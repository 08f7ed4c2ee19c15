"""registration steps: the connection adopts the handshake's tokens, the handshake is checked,
and a case that leaves the connection unusable stops the run's later cases with an error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.context import RegistrationOutcome, RunContext
from harness.ocpi import VersionNumber
from harness.ocpi.authorization import authorization_header, candidate_tokens
from harness.results import Exchange, Outcome
from harness.runner import changes_registration, run_case, run_order
from tests.runner.fakes import AT, ROOT, TOKEN, FakePartner, context, reply, suite

US = "http://us.example/ocpi/emsp"


def x(direction: str, method: str, url: str, token: str, answer: Any = None) -> Exchange:
    body = json.dumps({"status_code": 1000, "timestamp": "2026-03-01T12:00:00Z", "data": answer})
    return Exchange(
        method,
        url,
        (("Authorization", authorization_header(token, VersionNumber.V2_2_1)),),
        None,
        200,
        (("Content-Type", "application/json"),),
        body,
        0.0,
        AT,
        direction,  # type: ignore[arg-type]
    )


@dataclass
class RegisteringPartner(FakePartner):
    """A partner whose credentials actions succeed (or not) as the test says."""

    ok: bool = True
    fetch: bool = True
    actions: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=lambda: {"in": "B2", "out": "C2"})

    def registration(
        self,
        action: str,
        *,
        versions_url: str,
        token_a: str | None,
        version: VersionNumber | None,
        timeout: float,
        since: int,
    ) -> RegistrationOutcome:
        self.actions.append(action)
        if action == "delete":
            delete = x("to_sut", "DELETE", f"{ROOT}/2.2.1/credentials", TOKEN, None)
            return RegistrationOutcome(self.ok, None, {}, ((1, delete),))
        token_in, token_out = self.tokens["in"], self.tokens["out"]
        method = "POST" if action == "register" else "PUT"
        shake = []
        if self.fetch:
            shake += [
                x("from_sut", "GET", f"{US}/versions", token_in, []),
                x("from_sut", "GET", f"{US}/2.2.1", token_in, {}),
            ]
        answer = {"token": token_out, "url": f"{ROOT}/versions", "roles": [
            {"role": "CPO", "party_id": "CPO", "country_code": "DE",
             "business_details": {"name": "SUT"}}]}  # fmt: skip
        shake.append(x("to_sut", method, f"{ROOT}/2.2.1/credentials", TOKEN, answer))
        reg: Mapping[str, object] = {
            "version": "2.2.1",
            "token_in": token_in,
            "token_out": token_out,
        }
        return RegistrationOutcome(
            self.ok, None if self.ok else "refused", reg, tuple(enumerate(shake, 10))
        )


def sut(valid: set[str]):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        tokens = candidate_tokens(request.headers.get("Authorization"), "2.2.1")
        if not valid & set(tokens):
            return httpx.Response(
                401, json={"status_code": 2000, "timestamp": "2026-03-01T12:00:00Z"}
            )
        path = request.url.path
        if path.endswith("/versions"):
            return reply([{"version": "2.2.1", "url": f"{ROOT}/2.2.1"}], request=request)
        if path.endswith("/2.2.1"):
            endpoints = [
                {"identifier": "credentials", "role": "SENDER", "url": f"{ROOT}/2.2.1/credentials"},
                {"identifier": "locations", "role": "SENDER", "url": f"{ROOT}/2.2.1/locations"},
            ]
            return reply({"version": "2.2.1", "endpoints": endpoints}, request=request)
        return reply({"token": "x", "url": f"{ROOT}/versions", "roles": []}, request=request)

    return handler


def quiet(ctx: RunContext) -> RunContext:
    """The fake SUT sends no routing or tracing headers; those checks are not tested here."""
    ctx.checks.disable({"routing_headers", "response_tracing"})
    return ctx


ROTATE = """
  - id: REG-T-001
    title: rotate
    reqs: [REQ-CRED-013]
    steps:
      - registration: {action: update}
        expect: {http_status: 200, ocpi_status: 1000}
        save: {reg: result}
      - request: {method: GET, endpoint: credentials}
        expect: {http_status: 200}
      - request: {method: GET, endpoint: credentials, auth: previous}
        expect: {http_status: 401}
"""


def test_an_update_adopts_the_new_tokens_and_previous_presents_the_old_one() -> None:
    partner = RegisteringPartner()
    ctx = quiet(context(sut({"C2"}), partners={"mock_emsp": partner}))
    the_suite = suite(ROTATE)
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.PASSED, (result.findings, result.error)
    conn = ctx.connection
    assert (conn.token, conn.their_token, conn.previous_token) == ("C2", "B2", TOKEN)
    assert ctx.lost is None
    assert partner.actions == ["update"]
    assert [e.direction for e in result.exchanges[:3]] == ["from_sut", "from_sut", "to_sut"]
    text = json.dumps(result.to_json())
    assert TOKEN not in text  # the old token, as the handshake's Authorization headers carry it
    assert authorization_header("C2", "2.2.1").split()[1] not in text


def test_a_server_that_does_not_read_our_endpoints_is_reported() -> None:
    partner = RegisteringPartner(fetch=False)
    ctx = quiet(context(sut({"C2"}), partners={"mock_emsp": partner}))
    the_suite = suite(ROTATE)
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.FAILED
    assert {(f.check, f.req) for f in result.failures} == {
        ("credentials_handshake", "REQ-CRED-012")
    }


def test_a_failed_handshake_fails_the_case_but_keeps_a_working_connection() -> None:
    partner = RegisteringPartner(ok=False)
    ctx = quiet(context(sut({TOKEN}), partners={"mock_emsp": partner}))
    the_suite = suite(ROTATE)
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.FAILED
    assert ("registration", "REQ-CRED-013") in {(f.check, f.req) for f in result.failures}
    assert ctx.connection.token == TOKEN
    assert ctx.lost is None  # the old token still opens the credentials endpoint


def test_a_case_that_unregisters_for_good_stops_the_later_cases() -> None:
    partner = RegisteringPartner()
    ctx = quiet(context(sut({TOKEN}), partners={"mock_emsp": partner}))
    the_suite = suite("""
  - id: REG-T-002
    title: delete and leave
    reqs: [REQ-CRED-014]
    steps:
      - registration: {action: delete}
        expect: {http_status: 200, ocpi_status: 1000}
  - id: REG-T-003
    title: any later case
    reqs: [REQ-CRED-015]
    steps:
      - request: {method: GET, endpoint: credentials}
""")
    first, second = (run_case(c, the_suite, ctx) for c in the_suite.cases)
    assert first.outcome is Outcome.ERROR
    assert first.error is not None and "unregistered" in first.error
    assert second.outcome is Outcome.ERROR
    assert second.error is not None and second.error.startswith("not run: case REG-T-002")
    assert second.exchanges == ()


def test_register_again_with_a_token_a_and_rediscover() -> None:
    partner = RegisteringPartner(tokens={"in": "B3", "out": "C3"})
    ctx = quiet(context(sut({"C3"}), partners={"mock_emsp": partner}))
    the_suite = suite("""
  - id: REG-T-004
    title: delete then register
    reqs: [REQ-CRED-005]
    steps:
      - registration: {action: delete}
      - set: {a: "fresh-token-A"}
      - registration: {action: register, token_a: "${a}"}
        expect: {http_status: 200, ocpi_status: 1000, data: {schema: Credentials, cardinality: one}}
      - request: {method: GET, endpoint: credentials}
        expect: {http_status: 200}
""")
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.PASSED, (result.findings, result.error)
    assert partner.actions == ["delete", "register"]
    assert ctx.connection.registered
    assert (ctx.connection.token, ctx.connection.token_a) == ("C3", "fresh-token-A")
    assert ctx.lost is None


def test_finally_restores_the_registration_after_a_step_stopped_the_case() -> None:
    partner = RegisteringPartner(tokens={"in": "B4", "out": "C4"})
    ctx = quiet(context(sut({"C4"}), partners={"mock_emsp": partner}))
    the_suite = suite("""
  - id: REG-T-005
    title: delete, then a hook nobody can run
    reqs: [REQ-CRED-002]
    steps:
      - registration: {action: delete}
      - hook: {action: register}
      - request: {method: GET, endpoint: credentials}
    finally:
      - registration: {action: restore, token_a: "again-A"}
      - registration: {action: restore}
""")
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.SKIPPED, (result.findings, result.error)
    assert partner.actions == ["delete", "register"]  # the second restore had nothing to do
    assert [s.index for s in result.steps] == [1, 2, 4, 5]
    assert result.steps[3].message is not None and "as the case found it" in result.steps[3].message
    assert ctx.connection.registered and ctx.connection.token_a == "again-A"
    assert ctx.lost is None


def test_cases_that_change_the_registration_run_last() -> None:
    the_suite = suite("""
  - id: REG-T-006
    title: changes it
    reqs: [REQ-CRED-013]
    steps:
      - registration: {action: update}
  - id: REG-T-007
    title: reads
    reqs: [REQ-CRED-015]
    steps:
      - request: {method: GET, endpoint: credentials}
  - id: REG-T-008
    title: restores only
    reqs: [REQ-CRED-015]
    steps:
      - request: {method: GET, endpoint: credentials}
    finally:
      - registration: {action: restore}
  - id: REG-T-009
    title: reads too
    reqs: [REQ-CRED-015]
    steps:
      - request: {method: GET, endpoint: credentials}
""")
    order = [case.id for case, _ in run_order([the_suite])]
    assert order == ["REG-T-007", "REG-T-009", "REG-T-006", "REG-T-008"]
    assert not changes_registration(the_suite.cases[1])
