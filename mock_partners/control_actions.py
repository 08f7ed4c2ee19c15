"""Control API actions that make traffic: pushes, raw requests, commands, sessions, time, faults."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.ocpi import ModuleID, Role, VersionNumber, join_url
from mock_partners.control_common import (
    ControlError,
    admin_state,
    json_body,
    pick_registration,
    pick_version,
    reply,
)
from mock_partners.cpo.commands import cancel_by_cpo
from mock_partners.emsp.callbacks import command_response_url
from mock_partners.faults_wiring import arm, disarm, plan_json
from mock_partners.push import push
from mock_partners.session_driver import SimulationError, start_session, stop_session, tick
from mock_partners.state import MockState


async def post_push(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    registration = pick_registration(state, values.get("registration_id"))
    version = pick_version(state, values.get("version"), registration)
    doc = values.get("object")
    if not isinstance(doc, dict) or not isinstance(values.get("module"), str):
        raise ControlError(400, "give module and object")
    result = await push(
        state,
        registration,
        values["module"],
        doc,
        method=values.get("method"),
        version=version,
        object_id=values.get("object_id"),
        location_id=values.get("location_id"),
        evse_uid=values.get("evse_uid"),
    )
    return reply({"exchange": result.exchange.to_json(), "ok": result.ok})


async def post_send(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    registration = pick_registration(state, values.get("registration_id"))
    version = pick_version(state, values.get("version"), registration)
    module = str(values.get("module", ""))
    url = values.get("url") or registration.endpoint(module, values.get("interface"))
    if not isinstance(url, str):
        raise ControlError(400, f"the partner has no {module!r} endpoint; give url")
    path = [str(p) for p in values.get("path") or []]
    result = await state.outbound.send(
        str(values.get("method", "GET")).upper(),
        join_url(url, *path) if path else url,
        token=registration.token_out,
        version=version,
        module=module or None,
        body=values.get("body"),
        body_object=values.get("body_object"),
        partial=bool(values.get("partial", False)),
        partner=registration,
        params=values.get("query"),
    )
    return reply({"exchange": result.exchange.to_json(), "ok": result.ok})


def required_connector(
    state: MockState, version: VersionNumber, values: dict[str, Any]
) -> str | None:
    """The first Connector of the EVSE a StartSession names, when the CPO's Location (as pushed
    to this eMSP) gives that EVSE the capability START_SESSION_CONNECTOR_REQUIRED (REQ-CMD-014);
    otherwise None."""
    location_id, evse_uid = values.get("location_id"), values.get("evse_uid")
    if not isinstance(evse_uid, str):
        return None
    for location in state.store.iterate(f"{version}/{ModuleID.LOCATIONS}"):
        if location.get("id") != location_id:
            continue
        for evse in location.get("evses") or []:
            needed = "START_SESSION_CONNECTOR_REQUIRED" in (evse.get("capabilities") or [])
            connectors = evse.get("connectors") or []
            if evse.get("uid") == evse_uid and needed and connectors:
                return str(connectors[0].get("id"))
    return None


async def post_command(request: Request) -> Response:
    state = admin_state(request)
    if state.config.role is not Role.EMSP:
        raise ControlError(404, "commands are sent by the mock eMSP")
    values = await json_body(request)
    command = request.path_params["command"]
    registration = pick_registration(state, values.pop("registration_id", None))
    version = pick_version(state, values.pop("version", None), registration)
    url = registration.endpoint(ModuleID.COMMANDS.value, "RECEIVER")
    if url is None:
        raise ControlError(409, "the partner has no commands Receiver")
    if command == "START_SESSION" and "connector_id" not in values:
        connector_id = required_connector(state, version, values)
        if connector_id is not None:
            values["connector_id"] = connector_id
    request_id = state.rngs.ident("command-ids", "CMD")
    body = {
        **values,
        "response_url": command_response_url(state.config, version, command, request_id),
    }
    result = await state.outbound.send(
        "POST",
        join_url(url, command),
        token=registration.token_out,
        version=version,
        module=ModuleID.COMMANDS.value,
        body=body,
        partner=registration,
    )
    return reply(
        {
            "response_url": body["response_url"],
            "exchange": result.exchange.to_json(),
            "ok": result.ok,
        }
    )


def _cpo(state: MockState) -> None:
    if state.config.role is not Role.CPO:
        raise ControlError(404, "sessions are simulated by the mock CPO")


async def post_session_start(request: Request) -> Response:
    state = admin_state(request)
    _cpo(state)
    values = await json_body(request)
    registration = (
        state.partners.get(values["registration_id"])
        if "registration_id" in values
        else state.partners.only()
    )
    version = pick_version(state, values.get("version"), registration)
    session = await start_session(state, version, registration, values)
    # the hook contract (docs/hooks.md): start_session answers at least {"session_id": ...}
    return reply({"session": session, "session_id": session.get("id")}, 201)


async def post_session_stop(request: Request) -> Response:
    state = admin_state(request)
    _cpo(state)
    values = await json_body(request)
    version = pick_version(state, values.get("version"), state.partners.only())
    session = await stop_session(state, version, request.path_params["session_id"])
    return reply({"session": session})


async def post_reservation_cancel(request: Request) -> Response:
    """The CPO cancels a reservation (the hook action ``cancel_reservation``, REQ-CMD-018)."""
    state = admin_state(request)
    _cpo(state)
    values = await json_body(request)
    version = pick_version(state, values.get("version"), state.partners.only())
    try:
        session = await cancel_by_cpo(state, version, request.path_params["reservation_id"])
    except SimulationError as exc:
        raise ControlError(404, str(exc)) from None
    return reply({"session": session, "session_id": session.get("id")})


async def post_tick(request: Request) -> Response:
    state = admin_state(request)
    values = await json_body(request)
    try:
        seconds = float(values.get("seconds", 0))
    except (TypeError, ValueError):
        raise ControlError(400, "seconds must be a number") from None
    return reply(await tick(state, seconds))


async def get_faults(request: Request) -> Response:
    return reply(plan_json(admin_state(request)))


async def post_faults(request: Request) -> Response:
    """Arm ``{"rules": [rule, ...]}`` or a single rule given as the body."""
    state = admin_state(request)
    values = await json_body(request)
    rules = values.get("rules", [values] if values else [])
    if not isinstance(rules, list):
        raise ControlError(400, "rules must be a list of fault rules")
    armed = arm(state, rules)
    return reply({"armed": [rule.to_json() for rule in armed]}, 201)


async def delete_faults(request: Request) -> Response:
    state = admin_state(request)
    disarm(state, request.query_params.get("id"))
    return reply(plan_json(state))
