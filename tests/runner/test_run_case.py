"""run_case against a fake SUT (MockTransport): steps, saves, skips, outcomes, redaction."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

import httpx

from harness.clock import FollowingClock, FrozenClock
from harness.endpoints import Endpoint
from harness.hooks import HookResult, HttpHook, PromptHook
from harness.ocpi import InterfaceRole, Level
from harness.profiles import Profile
from harness.results import Outcome
from harness.runner import run_case
from tests.runner.fakes import AT, ROOT, TOKEN, FakePartner, Timer, context, reply, suite


def run(cases: str, **kwargs):  # type: ignore[no-untyped-def]
    the_suite = suite(cases)
    ctx = kwargs.pop("ctx", None) or context(**kwargs)
    return [run_case(case, the_suite, ctx) for case in the_suite.cases]


def test_a_case_saves_a_value_and_uses_it_in_the_next_step() -> None:
    [result] = run("""
  - id: RUN-T-001
    title: list then one
    reqs: [REQ-LOC-002]
    steps:
      - request: {method: GET, endpoint: locations, query: {limit: 2}}
        expect: {http_status: 200, ocpi_status: 1000, data: {cardinality: list}}
        save: {first: body.data.0.id, total: headers.x-total-count, code: status}
      - request: {method: GET, endpoint: locations, path: "/${first}"}
        expect:
          data: {cardinality: one}
          body: {data.id: "${first}"}
""")
    assert result.outcome is Outcome.PASSED, result.findings
    assert [s.outcome for s in result.steps] == [Outcome.PASSED, Outcome.PASSED]
    assert result.exchanges[1].url == f"{ROOT}/2.2.1/locations/LOC0"
    assert result.location == "runner-test.yaml:11:5"


def test_a_missing_save_path_is_a_must_finding_not_a_crash() -> None:
    [result] = run("""
  - id: RUN-T-002
    title: save what is not there
    reqs: [REQ-LOC-002]
    steps:
      - request: {method: GET, endpoint: locations}
        save: {nothing: body.data.0.no_such_field}
      - request: {method: GET, endpoint: locations, path: "/${nothing}"}
""")
    assert result.outcome is Outcome.FAILED
    [finding] = result.failures
    assert (finding.check, finding.step, finding.req) == ("save_path_missing", 1, "REQ-LOC-002")
    assert result.error is not None and "nothing" in result.error  # the next step could not render


def test_cases_needing_undeclared_capabilities_are_skipped_with_the_reason() -> None:
    [declared, undeclared] = run(
        """
  - id: RUN-T-003
    title: needs locations
    reqs: [REQ-LOC-001]
    requires: [locations.sender]
    steps: [{request: {method: GET, endpoint: locations}}]
  - id: RUN-T-004
    title: needs commands
    reqs: [REQ-CMD-001]
    requires: [commands.start_session]
    steps: [{request: {method: GET, endpoint: locations}}]
""",
    )
    assert declared.outcome is Outcome.PASSED
    assert undeclared.outcome is Outcome.SKIPPED
    assert "commands.start_session" in (undeclared.skip_reason or "")
    profile = Profile(name="p", capabilities=frozenset({"commands.start_session"}))
    [first, second] = run(
        """
  - id: RUN-T-005
    title: needs locations
    reqs: [REQ-LOC-001]
    requires: [locations.sender]
    steps: [{request: {method: GET, endpoint: locations}}]
  - id: RUN-T-006
    title: needs commands
    reqs: [REQ-CMD-001]
    requires: [commands]
    steps: [{request: {method: GET, endpoint: locations}}]
""",
        profile=profile,
    )
    assert first.outcome is Outcome.SKIPPED and "profile" in (first.skip_reason or "")
    assert second.outcome is Outcome.PASSED  # commands.start_session implies commands


def test_an_endpoint_the_sut_does_not_advertise() -> None:
    cases = """
  - id: RUN-T-007
    title: tokens receiver
    reqs: [REQ-TOK-001]
    steps: [{request: {method: GET, endpoint: tokens, role: RECEIVER, path: /DE/CPO/X}}]
"""
    [skipped] = run(cases)
    assert skipped.outcome is Outcome.SKIPPED and "tokens RECEIVER" in (skipped.skip_reason or "")
    profile = Profile(name="p", capabilities=frozenset({"tokens.receiver"}))
    [failed] = run(cases, profile=profile)
    assert failed.outcome is Outcome.FAILED
    assert failed.failures[0].check == "endpoint_advertised"


def test_hook_steps_skip_without_a_hook_and_use_a_person_or_an_http_hook() -> None:
    cases = """
  - id: RUN-T-008
    title: make the SUT act
    reqs: [REQ-SES-001]
    steps:
      - hook: {action: start_session, args: {location_id: LOC1}}
        save: {session: result.session_id}
      - set: {seen: "${session}"}
"""
    [skipped] = run(cases)
    assert skipped.outcome is Outcome.SKIPPED and "--hook-url" in (skipped.skip_reason or "")
    out = io.StringIO()
    person = PromptHook(lambda _prompt: '{"session_id": "S1"}', out)
    [prompted] = run(cases, hook=person)
    assert prompted.outcome is Outcome.PASSED and "start a charging session" in out.getvalue()
    [declined] = run(cases, hook=PromptHook(lambda _p: "skip", io.StringIO()))
    assert declined.outcome is Outcome.SKIPPED

    def hook_app(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/hook/sessions/start":
            assert json.loads(request.content) == {"location_id": "LOC1"}
            assert request.headers["Authorization"] == "Token hook-secret"
            return httpx.Response(200, json={"session_id": "S9"})
        return httpx.Response(501)

    http = httpx.Client(transport=httpx.MockTransport(hook_app))
    hook = HttpHook(
        http, "https://hook.example/hook", clock=FrozenClock(AT), timer=Timer(), token="hook-secret"
    )
    [done] = run(cases, hook=hook)
    assert done.outcome is Outcome.PASSED and done.exchanges[0].status == 200
    [unsupported] = run(cases.replace("start_session", "issue_cdr"), hook=hook)
    assert unsupported.outcome is Outcome.SKIPPED and "does not support issue_cdr" in (
        unsupported.skip_reason or ""
    )


def test_a_hanging_or_garbage_answer_is_a_finding() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    case = """
  - id: RUN-T-009
    title: one request
    reqs: [REQ-LOC-001]
    steps:
      - request: {method: GET, endpoint: locations}
      - set: {never: reached}
"""
    [timed_out] = run(case, handler=hang)
    assert timed_out.outcome is Outcome.FAILED
    assert timed_out.failures[0].check == "transport" and len(timed_out.steps) == 1

    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            502, text="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}
        )

    [garbage] = run(
        case.replace(
            "request: {method: GET, endpoint: locations}",
            "request: {method: GET, endpoint: locations}\n        expect: {http_status: 200}",
        ),
        handler=html,
    )
    assert garbage.outcome is Outcome.FAILED
    assert {f.check for f in garbage.failures} >= {"expect.http_status", "response_tracing"}
    envelope = [f for f in garbage.findings if f.check == "envelope_shape"]
    assert envelope and envelope[0].req == "REQ-TF-016"  # an HTTP error without an envelope

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    [unreachable] = run(case, handler=refused)
    assert unreachable.outcome is Outcome.ERROR and "refused" in (unreachable.error or "")


def test_a_crawl_that_loops_or_never_ends() -> None:
    def self_link(request: httpx.Request) -> httpx.Response:
        link = f'<{ROOT}/2.2.1/locations?offset=0&limit=2>; rel="next"'
        return reply(
            [{"id": "A"}, {"id": "B"}],
            headers={"Link": link, "X-Total-Count": "9", "X-Limit": "2"},
            request=request,
        )

    case = """
  - id: RUN-T-010
    title: crawl
    reqs: [REQ-LOC-001]
    steps:
      - crawl: {endpoint: locations, query: {offset: 0, limit: 2}, max_pages: 5}
        save: {all: items, count: pages}
"""
    [looped] = run(case, handler=self_link)
    assert looped.outcome is Outcome.FAILED and len(looped.exchanges) == 1
    checks = {(f.check, f.req) for f in looped.failures}
    assert ("pagination_complete", "REQ-TF-031") in checks
    assert ("pagination_headers", "REQ-TF-031") in checks  # next_link_is_self

    def endless(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        link = f'<{ROOT}/2.2.1/locations?offset={offset + 2}&limit=2>; rel="next"'
        items = [{"id": str(offset)}, {"id": str(offset + 1)}]
        headers = {"Link": link, "X-Total-Count": "999", "X-Limit": "2"}
        return reply(items, headers=headers, request=request)

    [gave_up] = run(case, handler=endless)
    assert gave_up.outcome is Outcome.ERROR and "5 pages" in (gave_up.error or "")
    assert len(gave_up.exchanges) == 5

    [fine] = run(case)
    assert fine.outcome is Outcome.PASSED and len(fine.exchanges) == 2


def test_await_call_checks_the_sut_request_and_reports_missing_calls() -> None:
    partner = FakePartner()
    case = """
  - id: RUN-T-011
    title: callback
    reqs: [REQ-CMD-020]
    steps:
      - await_call: {method: POST, module: commands, path: /START_SESSION/*, within: 1s}
        expect:
          data: {schema: CommandResult, cardinality: one}
          body: {result: ACCEPTED}
        save: {result: body.result}
"""
    [missing] = run(case, partners={"mock_emsp": partner})
    assert missing.outcome is Outcome.FAILED
    assert [f.check for f in missing.failures] == ["await_call", "save_path_missing"]
    partner.receive(
        "POST",
        "/ocpi/emsp/2.2.1/commands/START_SESSION/42",
        {"result": "REJECTED"},
        [("Content-Type", "application/json"), ("X-Request-ID", "a"), ("X-Correlation-ID", "b")],
    )
    [wrong] = run(case, partners={"mock_emsp": partner})
    assert {f.check for f in wrong.failures} == {"expect.body", "authorization_header"}
    assert wrong.exchanges[0].direction == "from_sut"


def test_tokens_never_reach_the_result_and_tick_moves_the_clock() -> None:
    ctx = context()
    the_suite = suite("""
  - id: RUN-T-012
    title: credentials echo the token
    reqs: [REQ-CRED-015]
    steps:
      - set: {before: "${now}"}
      - tick: 90s
      - request: {method: GET, endpoint: locations, path: "/LOC${case.uid}"}
        expect: {body: {data.id: "${sut.versions_url}${before}"}}
""")
    result = run_case(the_suite.cases[0], the_suite, ctx)
    text = json.dumps(result.to_json())
    assert TOKEN not in text and "token-A-secret" not in text
    assert "<redacted>" in text
    assert ctx.clock.now().isoformat() == "2026-03-01T12:01:30+00:00"
    again = run_case(the_suite.cases[0], the_suite, context())
    assert again.exchanges[0].url == result.exchanges[0].url  # case.uid comes from the seed


def test_levels_and_default_checks_on_every_exchange() -> None:
    def untraced(request: httpx.Request) -> httpx.Response:
        return reply([], headers={"X-Total-Count": "0", "X-Limit": "2"})

    [result] = run(
        """
  - id: RUN-T-013
    title: tracing echo
    reqs: [REQ-TF-020]
    steps:
      - request: {method: GET, endpoint: locations}
        expect: {checks: [{name: response_tracing, level: SHOULD}]}
      - request: {method: GET, endpoint: locations}
""",
        handler=untraced,
    )
    step1 = {f.level for f in result.findings if f.step == 1 and f.check == "response_tracing"}
    step2 = {f.level for f in result.findings if f.step == 2 and f.check == "response_tracing"}
    assert step1 == {Level.SHOULD} and step2 == {Level.MUST}
    assert result.outcome is Outcome.FAILED


def test_verify_billing_step_finds_a_wrong_total() -> None:
    case = """
  - id: RUN-T-014
    title: billing
    reqs: [REQ-CDR-025]
    vars:
      cdr:
        fixture: 2.2.1/CDR/ac-time-and-energy.json
        overrides: {total_cost.excl_vat: 99}
      tariff: {fixture: 2.2.1/Tariff/ac-time-and-energy.json}
    steps:
      - verify_billing: {cdr: "${cdr}", tariffs: ["${tariff}"], time_zone: Europe/Berlin}
        save: {reference: reference.total_cost, ok: ok}
"""
    [result] = run(case)
    assert result.outcome is Outcome.FAILED
    assert result.failures[0].check == "cdr_total_matches_tariff"
    [broken] = run(case.replace("Europe/Berlin", "Mars/Olympus"))
    assert broken.outcome is Outcome.ERROR and "time zone" in (broken.error or "")


def test_crawl_through_a_sut_without_routing_declared_endpoints() -> None:
    ctx = context(endpoints=(Endpoint("locations", None, f"{ROOT}/2.2.1/locations"),))
    the_suite = suite("""
  - id: RUN-T-015
    title: 2.1.1-style endpoint without role
    reqs: [REQ-LOC-001]
    steps:
      - crawl: {endpoint: locations}
""")
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.PASSED
    assert ctx.capabilities() >= {"locations.sender", "locations.receiver"}
    assert InterfaceRole.SENDER.value == "SENDER"


def test_values_a_step_cannot_use_end_the_case_in_error_with_the_step() -> None:
    [bad_query, bad_var] = run(
        """
  - id: RUN-T-016
    title: an object in the query
    reqs: [REQ-LOC-001]
    steps:
      - set: {where: {a: 1}}
      - request: {method: GET, endpoint: locations, query: {q: "${where}"}}
  - id: RUN-T-017
    title: a var that does not resolve
    reqs: [REQ-LOC-001]
    vars: {x: "${sut.no_such_key}"}
    steps: [{request: {method: GET, endpoint: locations}}]
"""
    )
    assert bad_query.outcome is Outcome.ERROR
    assert (bad_query.error or "").startswith("step 2 (request): expected text")
    assert bad_query.steps[-1].outcome is Outcome.ERROR
    assert bad_var.outcome is Outcome.ERROR and "no_such_key" in (bad_var.error or "")


def test_await_call_count_zero_fails_only_when_a_call_arrives_and_response_is_saved() -> None:
    partner = FakePartner()
    case = """
  - id: RUN-T-040
    title: no call may come
    reqs: [REQ-TOK-015]
    steps:
      - await_call: {method: POST, module: tokens, path: /T1/authorize, within: 1s, count: 0}
        expect: {req: REQ-TOK-015}
"""
    [quiet] = run(case, partners={"mock_emsp": partner})
    assert quiet.outcome is Outcome.PASSED, quiet.findings
    partner.receive(
        "POST", "/ocpi/emsp/2.2.1/tokens/T1/authorize", {}, [("Content-Type", "application/json")]
    )
    [asked] = run(case, partners={"mock_emsp": partner})
    assert asked.outcome is Outcome.FAILED
    [finding] = [f for f in asked.failures if f.check == "await_call"]
    assert finding.req == "REQ-TOK-015"
    assert finding.expected == "no call"
    assert finding.actual == "POST /ocpi/emsp/2.2.1/tokens/T1/authorize"
    assert len(asked.exchanges) == 1  # the unwanted call is in the record

    [saved] = run(
        """
  - id: RUN-T-041
    title: the partner's answer can be saved
    reqs: [REQ-TOK-021]
    steps:
      - await_call: {method: POST, module: tokens, path: /T1/authorize, within: 1s}
        save: {code: response.status_code}
      - request: {method: GET, endpoint: locations, path: "/LOC${code}"}
""",
        partners={"mock_emsp": partner},
    )
    assert "save_path_missing" not in {f.check for f in saved.findings}  # headers aside
    assert saved.exchanges[-1].url.endswith("/locations/LOC1000")


def test_assume_skips_the_case_with_its_reason_when_the_value_differs() -> None:
    passed, skipped, matched = run("""
  - id: RUN-T-A01
    title: the precondition holds
    reqs: [REQ-SES-015]
    steps:
      - set: {status: PENDING}
      - assume: {that: "${status}", is: PENDING, reason: no PENDING phase}
      - request: {method: GET, endpoint: locations, query: {limit: 1}}
  - id: RUN-T-A02
    title: it does not
    reqs: [REQ-SES-015]
    steps:
      - set: {status: ACTIVE}
      - assume: {that: "${status}", is: PENDING, reason: no PENDING phase}
      - request: {method: GET, endpoint: locations, query: {limit: 1}}
  - id: RUN-T-A03
    title: with a matcher
    reqs: [REQ-SES-015]
    steps:
      - set: {status: ACTIVE}
      - assume: {that: "${status}", is: {match: {one_of: [PENDING, ACTIVE]}}, reason: other}
""")
    assert passed.outcome is Outcome.PASSED and len(passed.exchanges) == 1
    assert skipped.outcome is Outcome.SKIPPED and skipped.exchanges == ()
    assert skipped.skip_reason is not None and skipped.skip_reason.startswith("no PENDING phase (")
    assert "ACTIVE" in skipped.skip_reason and skipped.findings == ()
    assert matched.outcome is Outcome.PASSED


class _TickingHook:
    """A live SUT whose hook moves its own simulated clock (not the harness's)."""

    name = "http"

    def __init__(self, status: str = "done") -> None:
        self.status = status
        self.seconds: list[float] = []

    def call(self, action: str, args: Mapping[str, object], timeout: float) -> HookResult:
        assert action == "tick"
        seconds = args["seconds"]
        assert isinstance(seconds, float)
        self.seconds.append(seconds)
        return HookResult(self.status)  # type: ignore[arg-type]


def test_a_live_sut_ticked_through_its_hook_moves_the_harness_now_with_it() -> None:
    cases = """
  - id: RUN-T-T01
    title: tick a live SUT
    reqs: [REQ-SES-015]
    steps:
      - set: {before: "${now}"}
      - tick: 30m
      - set: {after: "${now}", skew: "${earlier.5m}"}
"""
    wall = FrozenClock(AT)  # stands for the real clock: it does not move by itself here
    hook = _TickingHook()
    ctx = replace(context(hook=hook), clock=FollowingClock(wall))
    the_suite = suite(cases)
    result = run_case(the_suite.cases[0], the_suite, ctx)
    assert result.outcome is Outcome.PASSED and hook.seconds == [1800.0]
    assert ctx.clock.now() - wall.now() == timedelta(minutes=30)  # "now" is the SUT's now
    # a SUT without a simulated clock (the hook answers 501): nothing moves
    plain = replace(context(hook=_TickingHook("unsupported")), clock=FollowingClock(wall))
    run_case(the_suite.cases[0], the_suite, plain)
    assert plain.clock.now() == wall.now()


def test_every_step_kind_has_an_executor() -> None:
    from typing import get_args

    from harness.model import Step
    from harness.runner import _EXECUTORS

    assert set(_EXECUTORS) == set(get_args(Step))
