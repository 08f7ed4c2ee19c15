"""The CPO's chargingprofiles Receiver (``mod_charging_profiles``, 2.2+; REQ-CP-001..005).

GET ``{session_id}?duration=&response_url=``, PUT ``{session_id}`` (SetChargingProfile) and
DELETE ``{session_id}?response_url=`` answer with a ChargingProfileResponse; when ACCEPTED the
result (ActiveChargingProfileResult / ChargingProfileResult / ClearProfileResult) is POSTed to
``response_url`` afterwards. A set or cleared profile is then PUT as the ActiveChargingProfile to
the partner's chargingprofiles Sender (REQ-CP-008; cleared: the Connector's maximum, REQ-CP-011);
sessions without a SetChargingProfile get none (REQ-CP-009). Unknown session: UNKNOWN_SESSION
and no result (REQ-CP-004/005).
"""

from __future__ import annotations

from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, format_datetime, join_url
from mock_partners.operations import Ctx, Op, Reply, fail, ok
from mock_partners.outbound import correlation_of
from mock_partners.quirks import armed_quirk

PROFILES = ModuleID.CHARGING_PROFILES
RECEIVER = InterfaceRole.RECEIVER
DEFAULT_PROFILE: dict[str, Any] = {
    "charging_rate_unit": "W",
    "charging_profile_period": [{"start_period": 0, "limit": 11000}],
}


def _response(ctx: Ctx, result: str) -> dict[str, Any]:
    return {"result": result, "timeout": ctx.state.config.command_timeout}


def _respond(
    ctx: Ctx, response_url: str | None, result_object: str, result: dict[str, Any]
) -> Reply:
    if ctx.state.catalog(ctx.version, ModuleID.SESSIONS).get(ctx.params["session_id"]) is None:
        return ok(_response(ctx, "UNKNOWN_SESSION"))
    if not response_url:
        return fail(2001, "response_url is required")
    reply = ok(_response(ctx, "ACCEPTED"))
    state, version, registration = ctx.state, ctx.version, ctx.registration
    correlation = correlation_of(ctx.request.headers)

    async def deliver() -> None:
        await state.outbound.send(
            "POST",
            response_url,
            token=registration.token_out,
            version=version,
            module=PROFILES.value,
            body=result,
            body_object=result_object,
            partner=registration,
            correlation_id=correlation,
        )

    reply.background = deliver
    return reply


async def get_active_profile(ctx: Ctx) -> Reply:
    duration = ctx.query.get("duration", "")
    if not duration.isdigit():
        return fail(2001, "duration must be a whole number of seconds")
    stored = ctx.state.store.get(ctx.kind(), "", "", ctx.params["session_id"])
    profile = stored["charging_profile"] if stored else DEFAULT_PROFILE
    active = {"start_date_time": format_datetime(ctx.now()), "charging_profile": profile}
    result = {"result": "ACCEPTED", "profile": active}
    reply = _respond(ctx, ctx.query.get("response_url"), "ActiveChargingProfileResult", result)
    if reply.background is not None and armed_quirk(ctx.state, "unsolicited_active_profile"):
        _then_push_active(ctx, reply, dict(profile))  # wrong: nobody set a profile (REQ-CP-009)
    return reply


def evse_maximum(ctx: Ctx, session_id: str) -> dict[str, Any]:
    """The profile when none is set: the maximum of the session's Connector, in W (REQ-CP-011)."""
    session = ctx.state.catalog(ctx.version, ModuleID.SESSIONS).get(session_id) or {}
    location = ctx.state.catalog(ctx.version, ModuleID.LOCATIONS).get(
        str(session.get("location_id"))
    )
    power = DEFAULT_PROFILE["charging_profile_period"][0]["limit"]
    for evse in (location or {}).get("evses") or []:
        for connector in evse.get("connectors") or []:
            same = (evse.get("uid"), connector.get("id"))
            if same == (session.get("evse_uid"), session.get("connector_id")):
                power = connector.get("max_electric_power") or power
    return {
        "charging_rate_unit": "W",
        "charging_profile_period": [{"start_period": 0, "limit": power}],
    }


def _then_push_active(ctx: Ctx, reply: Reply, profile: dict[str, Any]) -> None:
    """After the result, PUT the ActiveChargingProfile to the Sender that set a profile for
    this session (REQ-CP-008): only sessions with a successful SetChargingProfile get these
    updates (REQ-CP-009)."""
    first = reply.background
    state, version, registration = ctx.state, ctx.version, ctx.registration
    session_id = ctx.params["session_id"]
    base = registration.endpoint(PROFILES.value, InterfaceRole.SENDER)
    active = {"start_date_time": format_datetime(ctx.now()), "charging_profile": profile}

    async def deliver() -> None:
        if first is not None:
            await first()
        if base is None:
            return
        await state.outbound.send(
            "PUT",
            join_url(base, session_id),
            token=registration.token_out,
            version=version,
            module=PROFILES.value,
            body=active,
            body_object="ActiveChargingProfile",
            partner=registration,
        )

    reply.background = deliver


async def put_profile(ctx: Ctx) -> Reply:
    reply = _respond(ctx, ctx.body["response_url"], "ChargingProfileResult", {"result": "ACCEPTED"})
    if reply.background is not None:
        ctx.state.store.put(ctx.kind(), "", "", ctx.params["session_id"], dict(ctx.body))
        _then_push_active(ctx, reply, dict(ctx.body["charging_profile"]))
    return reply


async def delete_profile(ctx: Ctx) -> Reply:
    reply = _respond(
        ctx, ctx.query.get("response_url"), "ClearProfileResult", {"result": "ACCEPTED"}
    )
    session_id = ctx.params["session_id"]
    if reply.background is not None:
        had_profile = ctx.state.store.delete(ctx.kind(), "", "", session_id)
        if had_profile:  # no profile remains: the EVSE maximum is active (REQ-CP-011)
            _then_push_active(ctx, reply, evse_maximum(ctx, session_id))
    return reply


def charging_profile_ops(version: VersionNumber) -> list[Op]:
    if version is VersionNumber.V2_1_1:
        return []
    path = "{session_id}"
    response = "ChargingProfileResponse"
    return [
        Op(
            PROFILES,
            RECEIVER,
            "GET",
            path,
            get_active_profile,
            response=response,
            query=("duration", "response_url"),
        ),
        Op(
            PROFILES,
            RECEIVER,
            "PUT",
            path,
            put_profile,
            request="SetChargingProfile",
            response=response,
        ),
        Op(
            PROFILES,
            RECEIVER,
            "DELETE",
            path,
            delete_profile,
            response=response,
            query=("response_url",),
        ),
    ]
