"""The control API under ``/_mock/`` (admin token: ``Authorization: Token <admin>``).

Plain JSON, not OCPI envelopes. What a test, the harness runner or a person drives a mock with:

    GET    /_mock/state                      registrations, tokens, counts, schema bugs
    GET    /_mock/exchanges                  the CallLog (filters: direction, method, module,
                                             path, version, status, since; bodies=0 to omit)
    POST   /_mock/wait                       long-poll for an exchange {filter..., timeout}
    POST   /_mock/register                   register with a partner {versions_url, token}
    PUT    /_mock/register                   rotate tokens / switch version {registration_id?,
                                             version?}
    DELETE /_mock/register                   unregister {registration_id?}
    POST   /_mock/partners                   add a pre-shared partner without a handshake
    POST   /_mock/token-a                    re-arm (or replace) token A {token?}
    POST   /_mock/push                       push an object {module, object, method?, ...}
    POST   /_mock/send                       any request to the partner {method, module, ...}
    POST   /_mock/commands/{command}         (eMSP) send a command; response_url is ours
    POST   /_mock/sessions/start             (CPO) start a simulated session
    POST   /_mock/sessions/{id}/stop         (CPO) stop it
    POST   /_mock/tick                       advance simulated time {seconds}
    GET    /_mock/faults                     the fault plan: armed rules, what fired
    POST   /_mock/faults                     arm rules {rules: [...]} (or one rule)
    DELETE /_mock/faults[?id=]               disarm one rule, or all
    GET    /_mock/openapi.json               the mock's OpenAPI document (no token needed)
    POST   /_mock/tokens/..., /_mock/locations/...   more hook actions (control_hooks.py)
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_partners import control_actions as actions
from mock_partners.calls import Exchange, ExchangeFilter
from mock_partners.cdr_corrections import post_cdr_correct
from mock_partners.control_common import (
    ControlError,
    Endpoint,
    admin_state,
    guarded,
    json_body,
    pick_registration,
    pick_version,
    reply,
)
from mock_partners.control_hooks import hook_routes
from mock_partners.partners import PartyRole, Registration
from mock_partners.registration import register, unregister, update
from mock_partners.state import MockState

MAX_WAIT = 300.0


def _state_doc(state: MockState) -> dict[str, Any]:
    config = state.config
    return {
        "role": config.role.value,
        "versions": [v.value for v in config.versions],
        "versions_url": config.versions_url,
        "country_code": config.country_code,
        "party_id": config.party_id,
        "token_a": state.partners.token_a,
        "token_a_armed": state.partners.token_a_armed,
        "registrations": [r.public() for r in state.partners.registrations],
        "counts": state.store.counts(),
        "exchanges": len(state.calls),
        "schema_bugs": [str(b) for b in state.schema_bugs],
        "errors": len(state.errors),
        "now": state.clock.now().isoformat(),
    }


def _filter(values: dict[str, Any]) -> ExchangeFilter:
    status = values.get("status")
    since = values.get("since", 0)
    body = values.get("body") or {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be an object of dotted paths to values")
    try:
        return ExchangeFilter(
            direction=values.get("direction"),
            method=values.get("method"),
            module=values.get("module"),
            path=values.get("path"),
            version=values.get("version"),
            status=int(status) if status is not None else None,
            body=body,
            since=int(since),
        )
    except (TypeError, ValueError) as exc:
        raise ControlError(400, f"bad filter: {exc}") from None


async def get_state(request: Request) -> Response:
    return reply(_state_doc(admin_state(request)))


async def get_exchanges(request: Request) -> Response:
    state = admin_state(request)
    query = dict(request.query_params)
    bodies = query.pop("bodies", "1") not in ("0", "false", "no")
    limit = int(query.pop("limit", "200") or 200)
    found = state.calls.entries(_filter(query))[-limit:]
    return reply({"exchanges": [e.to_json(bodies=bodies) for e in found]})


async def post_wait(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    timeout = min(float(values.pop("timeout", 10.0)), MAX_WAIT)
    spec = _filter(values)
    result = await run_in_threadpool(state.calls.wait_for, spec, timeout)
    if isinstance(result, Exchange):
        return reply({"matched": True, "exchange": result.to_json()})
    return reply(
        {
            "matched": False,
            "message": str(result),
            "near_misses": [
                {"exchange": m.exchange.to_json(bodies=False), "reasons": list(m.reasons)}
                for m in result.misses
            ],
        }
    )


async def post_register(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    if not isinstance(values.get("versions_url"), str) or not isinstance(values.get("token"), str):
        raise ControlError(400, "give versions_url and token (the partner's token A)")
    registration = await register(state, values["versions_url"], values["token"])
    return reply({"registration": registration.public()})


async def put_register(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    registration = pick_registration(state, values.get("registration_id"))
    version = pick_version(state, values["version"], None) if values.get("version") else None
    updated = await update(state, registration, version)
    return reply({"registration": updated.public()})


async def delete_register(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    wanted = values.get("registration_id", request.query_params.get("registration_id"))
    registration = pick_registration(state, wanted)
    result = await unregister(state, registration)
    partner = (
        None if result is None else {"status": result.status, "ocpi_status": result.ocpi_status}
    )
    return reply({"unregistered": registration.id, "partner_response": partner})


async def post_partner(request: Request) -> Response:
    """A partner configured out of band: its token, version, roles and (optional) endpoints."""
    state = admin_state(request)
    values = await json_body(request)
    version = pick_version(state, values.get("version"), None)
    roles = values.get("roles") or []
    if not isinstance(values.get("token"), str) or not roles:
        raise ControlError(400, "give token and roles [{role, country_code, party_id}]")
    registration = Registration(
        id=state.partners.new_id("static"),
        version=version.value,
        versions_url=str(values.get("versions_url", "")),
        token_in=values["token"],
        token_out=str(values.get("token_out", values["token"])),
        roles=[
            PartyRole(str(r["role"]), str(r["country_code"]), str(r["party_id"])) for r in roles
        ],
        endpoints=list(values.get("endpoints") or []),
        initiated_by="partner",
    )
    state.partners.save(registration)
    return reply({"registration": registration.public()}, 201)


async def post_token_a(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    token = values.get("token")
    state.partners.arm_token_a(str(token) if token else None)
    return reply({"token_a": state.partners.token_a})


def control_routes() -> list[Route]:
    table: list[tuple[str, Endpoint, list[str]]] = [
        ("/state", get_state, ["GET"]),
        ("/exchanges", get_exchanges, ["GET"]),
        ("/wait", post_wait, ["POST"]),
        ("/register", post_register, ["POST"]),
        ("/register", put_register, ["PUT"]),
        ("/register", delete_register, ["DELETE"]),
        ("/partners", post_partner, ["POST"]),
        ("/token-a", post_token_a, ["POST"]),
        ("/push", actions.post_push, ["POST"]),
        ("/send", actions.post_send, ["POST"]),
        ("/commands/{command}", actions.post_command, ["POST"]),
        ("/sessions/start", actions.post_session_start, ["POST"]),
        ("/sessions/{session_id}/stop", actions.post_session_stop, ["POST"]),
        ("/reservations/{reservation_id}/cancel", actions.post_reservation_cancel, ["POST"]),
        ("/cdrs/{cdr_id}/correct", post_cdr_correct, ["POST"]),
        ("/tick", actions.post_tick, ["POST"]),
        ("/faults", actions.get_faults, ["GET"]),
        ("/faults", actions.post_faults, ["POST"]),
        ("/faults", actions.delete_faults, ["DELETE"]),
    ]
    routes = [Route(path, guarded(handler), methods=methods) for path, handler, methods in table]
    return routes + hook_routes()
