"""How each step kind runs: request, await_call, verify_billing, hook, tick and set (crawl is
in :mod:`harness.run_crawl`). Each executor reads a typed step, acts through the run's client,
partners or hook, records exchanges and findings on the :class:`CaseState`, and saves values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

from harness.checks import (
    BillingInput,
    Handshake,
    Message,
    compare_value,
    expectation_findings,
    handshake_findings,
    verify_billing,
    with_level,
)
from harness.client import Auth, OcpiRequest, Sent
from harness.context import CallQuery, Partner
from harness.endpoints import DiscoveryError, discover
from harness.errors import HarnessError
from harness.model import (
    AssumeStep,
    AuthMode,
    AwaitCallStep,
    CheckRef,
    Expectation,
    FrozenJson,
    HookStep,
    RegistrationStep,
    RequestSpec,
    RequestStep,
    SetStep,
    TickStep,
    TokenEncoding,
    VerifyBillingStep,
)
from harness.ocpi.envelope import parse_json
from harness.ocpi.interfaces import join_url
from harness.ocpi.problems import Level
from harness.ocpi.roles import InterfaceRole
from harness.ocpi.timestamps import parse_datetime
from harness.ocpi.versions import VersionNumber
from harness.payloads import build_payload, json_text
from harness.profiles import satisfied
from harness.results import Finding, Outcome
from harness.run_billing import run_verify_billing_list
from harness.run_state import CaseState, StopCase, text_value
from harness.templating import MISSING

__all__ = [
    "auth_for",
    "endpoint_url",
    "handle_failure",
    "requested_checks",
    "run_assume",
    "run_await_call",
    "run_hook",
    "run_registration",
    "run_request",
    "run_set",
    "run_tick",
    "run_verify_billing",
]

Requested = list[tuple[str, Level | None, Mapping[str, object]]]


def requested_checks(state: CaseState, refs: tuple[CheckRef, ...]) -> Requested:
    out: Requested = []
    for ref in refs:
        args = state.render(dict(ref.args), ref.location)
        out.append((ref.name, ref.level, args if isinstance(args, Mapping) else {}))
    return out


def auth_for(state: CaseState, mode: AuthMode, encoding: TokenEncoding) -> Auth:
    conn = state.ctx.connection
    if mode == "current":
        return Auth(conn.token, encoding)
    if mode == "previous":
        if conn.previous_token is None:
            raise StopCase(Outcome.ERROR, "auth: previous, but no registration step ran before")
        return Auth(conn.previous_token, encoding)
    if mode == "token_a":
        if conn.token_a is None:
            raise StopCase(Outcome.ERROR, "auth: token_a, but no token A is known for this SUT")
        return Auth(conn.token_a, encoding)
    if mode == "invalid":
        return Auth(f"not-issued-{state.rng.getrandbits(64):016x}", encoding)
    return Auth(None)


def endpoint_url(state: CaseState, module: str, role: InterfaceRole | None) -> str:
    """The SUT's URL of ``module``; a module it does not advertise skips the case, unless the
    profile declares it (then the missing endpoint is a MUST finding)."""
    url = state.ctx.connection.endpoints.url(module, role)
    if url is not None:
        return url
    side = f" {role.value}" if role is not None else ""
    capability = f"{module}.{role.value.lower()}" if role is not None else module
    declared = state.ctx.profile.capabilities
    if declared is not None and satisfied(capability, declared):
        state.add_findings(
            [
                state.finding(
                    "endpoint_advertised",
                    f"the profile declares {capability} but the version details list no "
                    f"{module}{side} endpoint",
                    req="REQ-VER-004",
                )
            ]
        )
        raise StopCase(Outcome.FAILED, f"no {module}{side} endpoint")
    raise StopCase(Outcome.SKIPPED, f"the SUT advertises no {module}{side} endpoint")


def handle_failure(state: CaseState, sent: Sent, index: int) -> None:
    """No usable answer: the SUT's fault is a ``transport`` finding (the case stops FAILED);
    an unreachable SUT or an unusable URL stops it with ERROR."""
    failure = sent.failure
    if failure is None:
        return
    exchange = sent.exchange
    if failure.kind in ("connect", "invalid_url"):
        raise StopCase(Outcome.ERROR, f"{exchange.method} {exchange.url}: {failure.message}")
    state.add_findings(
        [
            state.finding(
                "transport",
                f"{exchange.method} {exchange.url}: {failure.message}",
                req="REQ-TF-016",
                exchange=index,
                actual=failure.kind,
            )
        ]
    )
    raise StopCase(Outcome.FAILED, failure.message)


def _query(state: CaseState, spec: RequestSpec) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for name, template in spec.query.items():
        value = state.render(template, spec.location)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        pairs.extend((name, text_value(item)) for item in items)
    return tuple(pairs)


def _module_of_url(state: CaseState, url: str) -> str | None:
    endpoints = state.ctx.connection.endpoints
    bare = url.split("?", 1)[0].rstrip("/")
    if bare in (endpoints.versions_url.rstrip("/"), endpoints.details_url.rstrip("/")):
        return "versions"
    return None


def build_request(state: CaseState, spec: RequestSpec) -> OcpiRequest:
    """The concrete request of a request step."""
    path = state.render_text(spec.path, spec.location) if spec.path else ""
    segments = [s for s in path.split("/") if s]
    if spec.endpoint is not None:
        module: str | None = spec.endpoint
        base = endpoint_url(state, spec.endpoint, spec.role)
        url = join_url(base, *segments) if segments else base
    else:
        url = state.render_text(spec.url or "", spec.location)
        url = url.rstrip("/") + path if path else url
        module = _module_of_url(state, url)
    headers = tuple(
        (name, text_value(state.render(value, spec.location)))
        for name, value in spec.headers.items()
    )
    body: bytes | None = None
    if spec.body is not None and spec.body.raw is not None:
        body = spec.body.raw.encode("utf-8")
    elif spec.body is not None:
        document = build_payload(
            spec.body, lambda v: state.render(v, spec.location), state.ctx.fixtures
        )
        body = json_text(document).encode("utf-8")
    return OcpiRequest(
        method=spec.method,
        url=url,
        query=_query(state, spec),
        headers=headers,
        body=body,
        module=module,
        auth=auth_for(state, spec.auth, spec.token_encoding),
    )


def check_response(
    state: CaseState,
    message: Message,
    expect: Expectation | None,
    module: str | None,
    *,
    extra: Requested | None = None,
) -> None:
    """Run the default and requested checks and the expectations on a SUT response."""
    ctx = state.check_context(module=module, data=expect.data if expect else None)
    requested = requested_checks(state, expect.checks) if expect else []
    state.run_checks(ctx, message, [*requested, *(extra or [])])
    if expect is not None:
        state.add_findings(_expected(state, expect, message))


def _expected(state: CaseState, expect: Expectation, message: Message) -> list[Finding]:
    def render(value: FrozenJson) -> object:
        return state.render(value, expect.location)

    return expectation_findings(
        expect,
        message,
        render=render,
        matchers=state.ctx.matchers,
        default_req=state.default_req,
    )


def headers_map(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def run_request(state: CaseState, step: RequestStep) -> list[int]:
    request = build_request(state, step.request)
    sent = state.client.send(request)
    indexes = [state.add_exchange(x) for x in sent.exchanges]
    handle_failure(state, sent, indexes[-1])
    message = Message(sent.exchange, indexes[-1])
    check_response(state, message, step.expect, request.module)
    roots = {
        "body": message.json,
        "headers": headers_map(sent.exchange.response_headers),
        "status": sent.exchange.status,
    }
    state.save(step.save, roots, "response")
    return indexes


def _partner(state: CaseState, wanted: str | None, kind: str) -> tuple[str, Partner]:
    partners = state.ctx.partners
    name = wanted or (next(iter(partners)) if len(partners) == 1 else None)
    if name is None or name not in partners:
        known = ", ".join(sorted(partners)) or "none"
        raise StopCase(Outcome.ERROR, f"{kind}: no partner {wanted!r} (known: {known})")
    return name, partners[name]


def run_await_call(state: CaseState, step: AwaitCallStep) -> list[int]:
    spec = step.call
    name, partner = _partner(state, spec.partner, "await_call")
    prefix = urlsplit(partner.module_url(spec.module)).path.rstrip("/")
    rendered = state.render_text(spec.path, spec.location) if spec.path else ""
    query = CallQuery(spec.method, prefix + rendered, spec.module)
    timeout = spec.within.total_seconds() * state.ctx.callback_scale
    if spec.count == 0:
        return _await_no_call(state, step, name, query, timeout)
    waited = partner.wait_for_calls(
        query,
        count=spec.count,
        timeout=timeout,
        since=state.marks.get(name, 0) + 1,
        exclude=frozenset(state.consumed.setdefault(name, set())),
    )
    indexes: list[int] = []
    expect = step.expect
    ctx = state.check_context(
        direction="from_sut", module=spec.module, data=expect.data if expect else None
    )
    requested = requested_checks(state, expect.checks) if expect else []
    for call in waited.calls:
        state.consumed[name].add(call.seq)
        index = state.add_exchange(call.exchange)
        indexes.append(index)
        message = Message(call.exchange, index)
        state.run_checks(ctx, message, requested)
        if expect is not None:
            state.add_findings(_expected(state, expect, message))
    if len(waited.calls) < spec.count:
        expect_req = step.expect.req if step.expect else None
        state.add_findings(
            [
                state.finding(
                    "await_call",
                    f"expected {spec.count} {spec.method} call(s) to {partner.name} at "
                    f"{query.path} within {timeout:g}s, got {len(waited.calls)}"
                    + (f": {waited.message}" if waited.message else ""),
                    req=expect_req,
                    expected=f"{spec.count} call(s)",
                    actual=str(len(waited.calls)),
                )
            ]
        )
    if waited.calls:
        first = waited.calls[0]
        message = Message(first.exchange)
        roots = {
            "body": message.json,
            "headers": headers_map(first.exchange.request_headers),
            "path": first.path,
            "query": dict(first.query),
            "response": _our_answer(first.exchange.response_body),
            # every awaited call's body, in arrival order (a count > 1 collects several)
            "calls": [Message(call.exchange).json for call in waited.calls],
            "methods": [call.exchange.method.upper() for call in waited.calls],
        }
        state.save(step.save, roots, "call")
    elif step.save:
        state.save(step.save, {}, "call")
    return indexes


def _our_answer(text: str | None) -> object:
    """The partner's answer to the SUT's call, parsed (MISSING when empty or not JSON)."""
    if text is None or not text.strip():
        return MISSING
    try:
        return parse_json(text)
    except ValueError:
        return MISSING


def _await_no_call(
    state: CaseState, step: AwaitCallStep, name: str, query: CallQuery, timeout: float
) -> list[int]:
    """``count: 0``: no matching call may arrive within the time; one that does is a finding."""
    partner = state.ctx.partners[name]
    waited = partner.wait_for_calls(
        query,
        count=1,
        timeout=timeout,
        since=state.marks.get(name, 0) + 1,
        exclude=frozenset(state.consumed.setdefault(name, set())),
    )
    indexes: list[int] = []
    for call in waited.calls:
        state.consumed[name].add(call.seq)
        indexes.append(state.add_exchange(call.exchange))
        state.add_findings(
            [
                state.finding(
                    "await_call",
                    f"expected no {query.method} call to {partner.name} at {query.path} "
                    f"within {timeout:g}s, got {call.exchange.method} {call.path}",
                    req=step.expect.req if step.expect else None,
                    expected="no call",
                    actual=f"{call.exchange.method} {call.path}",
                    exchange=indexes[-1],
                )
            ]
        )
    state.save(step.save, {}, "call")
    return indexes


def run_verify_billing(state: CaseState, step: VerifyBillingStep) -> list[int]:
    if step.cdrs is not None:
        return run_verify_billing_list(state, step)
    cdr = state.render(step.cdr, step.location)
    if not isinstance(cdr, Mapping):
        state.add_findings(
            [state.finding("cdr_total_matches_tariff", "there is no CDR object to verify")]
        )
        state.save(step.save, {}, "verify_billing")
        return []
    zone = state.render(step.time_zone, step.location)
    profile = state.ctx.profile
    tolerance = step.tolerance or profile.billing_tolerance
    given = BillingInput(
        cdr=cdr,
        tariffs=state.render(step.tariffs, step.location),
        time_zone=str(zone) if zone is not None else None,
        policy={**profile.billing_policy, **step.policy},
        reservation_expired=step.reservation_expired,
        **({"tolerance": tolerance} if tolerance is not None else {}),
    )
    try:
        outcome = verify_billing(state.check_context(module="cdrs"), given)
    except ImportError as exc:
        raise StopCase(Outcome.ERROR, f"the billing engine is not available: {exc}") from None
    except HarnessError as exc:
        raise StopCase(Outcome.ERROR, f"verify_billing cannot price this CDR: {exc}") from None
    findings = with_level(outcome.findings, step.level)
    if step.req is not None:
        findings = [f if f.level is Level.INFO else replace(f, req=step.req) for f in findings]
    state.add_findings(findings)
    state.save(step.save, {"reference": outcome.reference, "ok": outcome.ok}, "verify_billing")
    return []


def run_hook(state: CaseState, step: HookStep) -> list[int]:
    args = state.render(dict(step.args), step.location)
    assert isinstance(args, dict)
    timeout = step.within.total_seconds() if step.within else state.ctx.hook_timeout
    result = state.ctx.hook.call(step.action, args, timeout)
    indexes = [state.add_exchange(result.exchange)] if result.exchange is not None else []
    if result.status in ("unsupported", "skipped"):
        raise StopCase(Outcome.SKIPPED, result.message or f"hook {step.action} skipped")
    if result.status == "failed":
        raise StopCase(Outcome.ERROR, result.message or f"hook {step.action} failed")
    state.save(step.save, {"result": dict(result.result)}, "hook")
    return indexes


def run_tick(state: CaseState, step: TickStep) -> list[int]:
    clock = state.ctx.clock
    if step.by is not None:
        delta = step.by
    else:
        parsed = parse_datetime(state.render_text(step.to or "", step.location), lenient=True)
        if parsed.value is None:
            raise StopCase(Outcome.ERROR, f"tick to: {parsed.error}")
        delta = max(parsed.value - clock.now(), timedelta(0))
    seconds = delta.total_seconds()
    hook = state.ctx.hook
    indexes: list[int] = []
    if hook.name not in ("none", "prompt"):
        before = clock.now()
        result = hook.call("tick", {"seconds": seconds}, state.ctx.hook_timeout)
        if result.exchange is not None:
            indexes.append(state.add_exchange(result.exchange))
        if result.status == "done":
            # a live SUT's simulated clock moved: the harness's "now" follows it (a mock
            # sharing the harness clock has moved it already)
            lag = delta - (clock.now() - before)
            follow = getattr(clock, "follow", None)
            if callable(follow) and lag > timedelta(0):
                follow(lag)
            return indexes
    advance = getattr(clock, "advance", None)
    if callable(advance):
        advance(delta)
        state.notes.append(f"tick: advanced the harness clock by {seconds:g}s")
    else:
        state.notes.append(f"tick: the SUT has no simulated clock; {seconds:g}s not applied")
    return indexes


def run_assume(state: CaseState, step: AssumeStep) -> list[int]:
    actual = state.render(step.that, step.location)
    mismatch = compare_value(
        step.expected,
        actual,
        lambda value: state.render(value, step.location),
        state.ctx.matchers,
    )
    if mismatch is not None:
        raise StopCase(Outcome.SKIPPED, f"{step.reason} ({mismatch[1]})")
    return []


def run_set(state: CaseState, step: SetStep) -> list[int]:
    values = {name: state.render(value, step.location) for name, value in step.values.items()}
    state.bind({k: v for k, v in values.items() if v is not MISSING})
    return []


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


_FAILED_REQ = {
    "register": "REQ-CRED-005",
    "update": "REQ-CRED-013",
    "delete": "REQ-CRED-014",
    "await": "REQ-CRED-003",
}


def run_registration(state: CaseState, step: RegistrationStep) -> list[int]:
    """The partner acts on the credentials module; the connection adopts the new tokens (and
    version), the handshake is checked from both sides."""
    ctx = state.ctx
    conn = ctx.connection
    name, partner = _partner(state, step.partner, "registration")
    action, version = step.action, step.version
    if action == "restore":
        if not conn.registered:
            action = "register"
        elif conn.version is not state.suite.ocpi_version:
            action, version = "update", state.suite.ocpi_version
        else:
            state.notes.append("restore: the registration is as the case found it")
            return []
    token_a = conn.token_a
    if step.token_a is not None and action == "register":
        token_a = state.render_text(step.token_a, step.location)
    if action == "register" and not token_a:
        raise StopCase(Outcome.ERROR, "registration register: no token A is known for this SUT")
    if action in ("update", "delete") and not conn.registered:
        raise StopCase(Outcome.ERROR, f"registration {action}: the harness is not registered")
    since = state.marks.get(name, 0) + 1 if action == "await" else partner.mark() + 1
    timeout = step.within.total_seconds() if step.within else ctx.hook_timeout
    outcome = partner.registration(
        action,
        versions_url=conn.versions_url,
        token_a=token_a,
        version=version,
        timeout=timeout,
        since=since,
    )
    reg = outcome.registration
    for secret in (token_a, outcome.token_a, reg.get("token_in"), reg.get("token_out")):
        if isinstance(secret, str) and secret:
            ctx.client.add_secret(secret)
            state.client.add_secret(secret)
    indexes: list[int] = []
    taken = state.consumed.setdefault(name, set())
    for seq, exchange in outcome.exchanges:
        if seq in taken:  # await: recorded by an earlier registration step of this case
            continue
        taken.add(seq)
        index = state.add_exchange(exchange)
        indexes.append(index)
    exchanges = [(i, state.exchanges[i]) for i in indexes]
    if outcome.ok:  # a handshake that did not complete is reported below, not dissected
        _adopt(state, action, reg, token_a)
        handshake = Handshake(
            action=action,
            version=state.ctx.connection.version,
            sent_token=str(reg.get("token_in")) if action in ("register", "update") else None,
            old_tokens={t for t in (conn.token, conn.their_token, conn.previous_token) if t},
            token_a=outcome.token_a if action == "await" else token_a,
            sut_versions_url=conn.versions_url if action == "await" else None,
            switch=version is not None,
        )
        state.add_findings(handshake_findings(handshake, exchanges))
    method = {"register": "POST", "update": "PUT", "delete": "DELETE"}.get(action)
    answer = next(
        (i for i, x in reversed(exchanges) if x.direction == "to_sut" and x.method == method),
        None,
    )
    if answer is not None:
        check_response(state, Message(state.exchanges[answer], answer), step.expect, "credentials")
    if not outcome.ok:
        message = outcome.message or f"the {action} did not complete"
        state.add_findings(
            [state.finding("registration", message, req=_FAILED_REQ[action], exchange=answer)]
        )
        raise StopCase(Outcome.FAILED, message)
    state.save(step.save, {"result": dict(reg)}, "registration")
    return indexes


def _adopt(state: CaseState, action: str, reg: Mapping[str, object], token_a: str | None) -> None:
    ctx = state.ctx
    conn = ctx.connection
    if action == "delete":
        ctx.connection = replace(conn, registered=False, previous_token=conn.token)
        return
    version = VersionNumber(str(reg.get("version", conn.version.value)))
    token = str(reg["token_out"])
    endpoints = conn.endpoints
    if version is not conn.version or action in ("register", "await"):
        client = state.client.derive(version=version)
        try:
            endpoints = discover(client, conn.versions_url, Auth(token), version)
        except DiscoveryError as exc:
            raise StopCase(
                Outcome.FAILED,
                f"cannot read the SUT's version details after the {action}: {exc}",
            ) from None
        state.client = client
        ctx.client = ctx.client.derive(version=version)
    ctx.connection = replace(
        conn,
        version=version,
        token=token,
        their_token=str(reg["token_in"]),
        previous_token=conn.token,
        registered=True,
        endpoints=endpoints,
        token_a=token_a if action == "register" else conn.token_a,
    )
