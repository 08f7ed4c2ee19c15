"""Control routes that serve the hook actions of ``docs/hooks.md`` beyond sessions and pushes.

Mock CPO:

    POST /_mock/tokens/{token_uid}/present                a driver presents a token at an EVSE
         {type?, location_id?, evse_uid?, connector_id?}  (real-time authorization by whitelist)
    POST /_mock/locations/{location_id}/{evse_uid}/status {status, announce?}: PATCH the EVSE
    POST /_mock/locations/{location_id}/{evse_uid}/remove status REMOVED, PATCHed (never deleted)

Mock eMSP:

    POST /_mock/tokens/{token_uid}/patch       {type?, fields?}: change the Token, PATCH it
    POST /_mock/tokens/{token_uid}/invalidate  {type?}: valid false, PATCHed (never deleted)
    POST /_mock/tokens/{token_uid}/restrict    {type?, location_id}: usable only there, so its
                                               authorization needs LocationReferences (2002)

Every change is stored in the mock's own catalog first (what its Sender GETs answer) and then
pushed to the registered partner with ``last_updated`` (REQ-LOC-010, REQ-TOK-005). Behaviour
quirks (:mod:`mock_partners.quirks`) make it wrong on purpose: ``rta_for_always``,
``delete_removed_evse``, ``delete_invalid_token``.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.ocpi import InterfaceRole, ModuleID, Role, VersionNumber, format_datetime, join_url
from mock_partners.control_common import (
    ControlError,
    admin_state,
    guarded,
    json_body,
    pick_registration,
    pick_version,
    reply,
)
from mock_partners.emsp.tokens import RESTRICTIONS
from mock_partners.partners import Registration
from mock_partners.push import PushError, push, push_url
from mock_partners.quirks import armed_quirk
from mock_partners.session_driver import SimulationError, driver, pick_evse
from mock_partners.state import MockState
from mock_partners.store import Doc

LOCATIONS, TOKENS = ModuleID.LOCATIONS, ModuleID.TOKENS
EVSE_STATUSES = (
    "AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "REMOVED",
    "RESERVED", "UNKNOWN",
)  # fmt: skip


def _role(state: MockState, role: Role) -> None:
    if state.config.role is not role:
        raise ControlError(404, f"this action is served by the mock {role.value}")


def _context(state: MockState, values: dict[str, Any]) -> tuple[Registration, VersionNumber, str]:
    registration = pick_registration(state, values.pop("registration_id", None))
    version = pick_version(state, values.pop("version", None), registration)
    return registration, version, format_datetime(state.clock.now())


async def _push(
    state: MockState,
    registration: Registration,
    version: VersionNumber,
    module: ModuleID,
    body: Doc,
    **where: str,
) -> dict[str, Any]:
    try:
        result = await push(
            state, registration, module.value, body, method="PATCH", version=version, **where
        )
    except PushError as exc:
        raise ControlError(409, str(exc)) from None
    return {"exchange": result.exchange.to_json(bodies=False), "ok": result.ok}


async def _delete(
    state: MockState,
    registration: Registration,
    version: VersionNumber,
    module: ModuleID,
    body: Doc,
    **where: str,
) -> dict[str, Any]:
    """The faulty way (quirks): DELETE the object at the partner instead of updating it."""
    try:
        url, query, _ = push_url(state, registration, version, module.value, body, **where)
    except PushError as exc:
        raise ControlError(409, str(exc)) from None
    result = await state.outbound.send(
        "DELETE",
        url,
        token=registration.token_out,
        version=version,
        module=module.value,
        partner=registration,
        params=query or None,
    )
    return {"exchange": result.exchange.to_json(bodies=False), "ok": result.ok}


# -- mock CPO: EVSE status and removal -----------------------------------------------------------


def _evse(state: MockState, version: VersionNumber, location_id: str, evse_uid: str) -> Doc:
    location = state.catalog(version, LOCATIONS).get(location_id)
    if location is None:
        raise ControlError(404, f"unknown location {location_id!r}")
    if not any(e.get("uid") == evse_uid for e in location.get("evses") or []):
        raise ControlError(404, f"unknown EVSE {evse_uid!r} at {location_id}")
    return copy.deepcopy(location)


def _store_evse(
    state: MockState, version: VersionNumber, location: Doc, evse_uid: str, change: Doc
) -> None:
    """Apply ``change`` to the EVSE and bump the Location's last_updated (REQ-LOC-003)."""
    for evse in location["evses"]:
        if evse.get("uid") == evse_uid:
            evse.update(copy.deepcopy(change))
    location["last_updated"] = change["last_updated"]
    state.catalog(version, LOCATIONS).put(location)


async def post_evse_status(request: Request) -> Response:
    """Change an EVSE's status and PATCH it; with ``announce`` the change is first announced in
    ``status_schedule`` (its own PATCH), and the real change is still sent in ``status``
    (REQ-LOC-028)."""
    state = admin_state(request)
    _role(state, Role.CPO)
    values = await json_body(request)
    status = values.get("status", "INOPERATIVE")
    if status not in EVSE_STATUSES:
        raise ControlError(400, f"status must be one of {', '.join(EVSE_STATUSES)}")
    registration, version, now = _context(state, values)
    location_id, evse_uid = request.path_params["location_id"], request.path_params["evse_uid"]
    location = _evse(state, version, location_id, evse_uid)
    where = {"location_id": location_id, "object_id": evse_uid}
    pushed = []
    if values.get("announce"):
        until = format_datetime(state.clock.now() + timedelta(hours=1))
        schedule = [{"period_begin": now, "period_end": until, "status": status}]
        announced = {"status_schedule": schedule, "last_updated": now}
        _store_evse(state, version, location, evse_uid, announced)
        pushed.append(await _push(state, registration, version, LOCATIONS, announced, **where))
    change = {"status": status, "last_updated": now}
    _store_evse(state, version, location, evse_uid, change)
    pushed.append(await _push(state, registration, version, LOCATIONS, change, **where))
    return reply({"status": status, "pushed": pushed})


async def post_evse_remove(request: Request) -> Response:
    """Decommission an EVSE: it stays published with status REMOVED (REQ-LOC-015)."""
    state = admin_state(request)
    _role(state, Role.CPO)
    values = await json_body(request)
    registration, version, now = _context(state, values)
    location_id, evse_uid = request.path_params["location_id"], request.path_params["evse_uid"]
    location = _evse(state, version, location_id, evse_uid)
    change = {"status": "REMOVED", "last_updated": now}
    where = {"location_id": location_id, "object_id": evse_uid}
    if armed_quirk(state, "delete_removed_evse"):  # wrong: the EVSE disappears
        location["evses"] = [e for e in location["evses"] if e.get("uid") != evse_uid]
        location["last_updated"] = now
        state.catalog(version, LOCATIONS).put(location)
        pushed = await _delete(state, registration, version, LOCATIONS, change, **where)
        return reply({"status": "DELETED", "pushed": [pushed]})
    _store_evse(state, version, location, evse_uid, change)
    pushed = await _push(state, registration, version, LOCATIONS, change, **where)
    return reply({"status": "REMOVED", "pushed": [pushed]})


# -- mock CPO: a driver presents a token ---------------------------------------------------------


def _known_token(
    state: MockState, registration: Registration, version: VersionNumber, uid: str, kind: str
) -> Doc | None:
    """The Token as the eMSP pushed it to this CPO's tokens Receiver (None when unknown)."""
    key = uid if version is VersionNumber.V2_1_1 else f"{uid}\t{kind}"
    for role in registration.roles:
        found = state.store.get(f"{version}/{TOKENS}", role.country_code, role.party_id, key)
        if found is not None:
            return found
    return None


async def _authorize(
    state: MockState,
    registration: Registration,
    version: VersionNumber,
    uid: str,
    kind: str,
    references: Doc,
) -> tuple[bool, Doc | None, dict[str, Any]]:
    """Real-time authorization at the eMSP: (answered, AuthorizationInfo, exchange)."""
    base = registration.endpoint(TOKENS.value, InterfaceRole.SENDER)
    if base is None:
        return False, None, {}
    params = None if version is VersionNumber.V2_1_1 else {"type": kind}
    result = await state.outbound.send(
        "POST",
        join_url(base, uid, "authorize"),
        token=registration.token_out,
        version=version,
        module=TOKENS.value,
        body=references,
        body_object="LocationReferences",
        partner=registration,
        params=params,
    )
    exchange = result.exchange.to_json(bodies=False)
    if result.status is None:
        return False, None, exchange  # the eMSP cannot be reached
    info = result.data if result.ok and isinstance(result.data, dict) else None
    return True, info, exchange


async def post_present_token(request: Request) -> Response:
    """A driver presents a token at an EVSE: WhitelistType decides (``mod_tokens`` §WhitelistType
    enum, REQ-TOK-015). ALWAYS: allowed without asking the eMSP; ALLOWED: allowed from the
    whitelist when valid, else asked; NEVER, ALLOWED_OFFLINE and unknown tokens: real-time
    authorization, whatever ``valid`` says, ALLOWED_OFFLINE allowed when the eMSP cannot be
    reached. An allowed token starts a session carrying the eMSP's ``authorization_reference``
    (REQ-TOK-021)."""
    state = admin_state(request)
    _role(state, Role.CPO)
    values = await json_body(request)
    registration, version, _ = _context(state, values)
    uid, kind = request.path_params["token_uid"], str(values.get("type", "RFID"))
    token = _known_token(state, registration, version, uid, kind)
    whitelist = token.get("whitelist") if token else None
    valid = bool(token and token.get("valid"))
    try:  # the same EVSE choice as sessions/start
        location, evse_uid, connector_id = pick_evse(state, version, values)
    except SimulationError as exc:
        raise ControlError(404, str(exc)) from None
    asked, info, exchange = False, None, dict[str, Any]()
    whitelisted = whitelist == "ALWAYS" and not armed_quirk(state, "rta_for_always")
    if whitelisted or (whitelist == "ALLOWED" and valid):
        allowed, method = True, "WHITELIST"
    else:
        references = {"location_id": location["id"], "evse_uids": [evse_uid]}
        asked, info, exchange = await _authorize(
            state, registration, version, uid, kind, references
        )
        if asked:
            answered = info.get("allowed") if info else None
            allowed = answered == "ALLOWED" or (
                answered is not None and armed_quirk(state, "ignore_rta_answer")
            )
            method = "AUTH_REQUEST"
        else:
            allowed, method = whitelist in ("ALLOWED", "ALLOWED_OFFLINE") and valid, "WHITELIST"
    answer: dict[str, Any] = {"allowed": allowed, "rta": asked, "rta_exchange": exchange}
    if not allowed:
        return reply(answer)
    the_token = token or (info or {}).get("token") or {"uid": uid, "type": kind}
    reference = (info or {}).get("authorization_reference")
    try:
        session = await driver(state).start(
            version,
            registration,
            location=location,
            evse_uid=evse_uid,
            connector_id=connector_id,
            token=dict(the_token),
            auth_method=method,
            authorization_reference=reference if isinstance(reference, str) else None,
        )
    except SimulationError as exc:
        raise ControlError(409, str(exc)) from None
    return reply({**answer, "session": session, "session_id": session.get("id")}, 201)


# -- mock eMSP: Token changes --------------------------------------------------------------------


def _own_token(state: MockState, version: VersionNumber, uid: str, kind: str) -> Doc:
    key = uid if version is VersionNumber.V2_1_1 else f"{uid}\t{kind}"
    found = state.catalog(version, TOKENS).get(key)
    if found is None:
        raise ControlError(404, f"unknown token {uid!r} ({kind})")
    return copy.deepcopy(found)


async def _change_token(request: Request, change: dict[str, Any]) -> Response:
    state = admin_state(request)
    _role(state, Role.EMSP)
    values = await json_body(request)
    registration, version, now = _context(state, values)
    uid, kind = request.path_params["token_uid"], str(values.get("type", "RFID"))
    token = _own_token(state, version, uid, kind)
    patch = {**(change or values.get("fields") or {"language": "en"}), "last_updated": now}
    token.update(copy.deepcopy(patch))
    state.catalog(version, TOKENS).put(token)
    body = patch if kind == "RFID" else {**patch, "type": kind}  # ?type= comes from the body
    if change.get("valid") is False and armed_quirk(state, "delete_invalid_token"):
        pushed = await _delete(state, registration, version, TOKENS, body, object_id=uid)
        return reply({"token": token, "pushed": [pushed]})
    pushed = await _push(state, registration, version, TOKENS, body, object_id=uid)
    return reply({"token": token, "pushed": [pushed]})


async def post_token_patch(request: Request) -> Response:
    return await _change_token(request, {})


async def post_token_invalidate(request: Request) -> Response:
    """Tokens are never deleted: invalidation is ``valid`` false, PATCHed (REQ-TOK-006)."""
    return await _change_token(request, {"valid": False})


async def post_token_restrict(request: Request) -> Response:
    state = admin_state(request)
    _role(state, Role.EMSP)
    values = await json_body(request)
    _, version, _ = _context(state, values)
    uid, kind = request.path_params["token_uid"], str(values.get("type", "RFID"))
    location_id = values.get("location_id")
    if not isinstance(location_id, str) or not location_id:
        raise ControlError(400, "give location_id")
    _own_token(state, version, uid, kind)
    state.store.put(RESTRICTIONS, "", "", f"{version}\t{uid}\t{kind}", {"location_id": location_id})
    return reply({"token_uid": uid, "type": kind, "location_id": location_id})


def hook_routes() -> list[Route]:
    table = [
        ("/tokens/{token_uid}/present", post_present_token),
        ("/locations/{location_id}/{evse_uid}/status", post_evse_status),
        ("/locations/{location_id}/{evse_uid}/remove", post_evse_remove),
        ("/tokens/{token_uid}/patch", post_token_patch),
        ("/tokens/{token_uid}/invalidate", post_token_invalidate),
        ("/tokens/{token_uid}/restrict", post_token_restrict),
    ]
    return [Route(path, guarded(handler), methods=["POST"]) for path, handler in table]
