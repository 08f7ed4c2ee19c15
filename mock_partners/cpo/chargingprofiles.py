"""The CPO's chargingprofiles Receiver (``mod_charging_profiles``, 2.2+; REQ-CP-001..005).

GET ``{session_id}?duration=&response_url=``, PUT ``{session_id}`` (SetChargingProfile) and
DELETE ``{session_id}?response_url=`` answer with a ChargingProfileResponse; when ACCEPTED the
result (ActiveChargingProfileResult / ChargingProfileResult / ClearProfileResult) is POSTed to
``response_url`` afterwards. Unknown session: UNKNOWN_SESSION and no result (REQ-CP-004/005).
"""

from __future__ import annotations

from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, format_datetime
from mock_partners.operations import Ctx, Op, Reply, fail, ok
from mock_partners.outbound import correlation_of

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
    return _respond(ctx, ctx.query.get("response_url"), "ActiveChargingProfileResult", result)


async def put_profile(ctx: Ctx) -> Reply:
    reply = _respond(ctx, ctx.body["response_url"], "ChargingProfileResult", {"result": "ACCEPTED"})
    if reply.background is not None:
        ctx.state.store.put(ctx.kind(), "", "", ctx.params["session_id"], dict(ctx.body))
    return reply


async def delete_profile(ctx: Ctx) -> Reply:
    reply = _respond(
        ctx, ctx.query.get("response_url"), "ClearProfileResult", {"result": "ACCEPTED"}
    )
    if reply.background is not None:
        ctx.state.store.delete(ctx.kind(), "", "", ctx.params["session_id"])
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
