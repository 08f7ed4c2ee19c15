"""The CPO's Sender interfaces: locations, sessions, cdrs and tariffs (the data it owns).

Lists are paginated (REQ-LOC-001, REQ-SES-001, REQ-CDR-001, REQ-TAR-001); a Location, EVSE
or Connector is read by id (REQ-LOC-002; unknown -> 404, REQ-TF-014); charging preferences
are answered per ``mod_sessions`` §ChargingPreferencesResponse (REQ-SES-002/003): ACCEPTED
for a ProfileType whose TariffType the session's Connector has a Tariff of (REQ-SES-024).
"""

from __future__ import annotations

from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber
from mock_partners.operations import Ctx, Op, Reply, fail, not_found, ok
from mock_partners.owned import same
from mock_partners.pagination import list_reply

SENDER = InterfaceRole.SENDER
LOCATIONS, SESSIONS, CDRS, TARIFFS = (
    ModuleID.LOCATIONS,
    ModuleID.SESSIONS,
    ModuleID.CDRS,
    ModuleID.TARIFFS,
)


def find_evse(location: dict[str, Any], evse_uid: str) -> dict[str, Any] | None:
    return next((e for e in location.get("evses") or [] if same(e.get("uid"), evse_uid)), None)


def find_connector(evse: dict[str, Any], connector_id: str) -> dict[str, Any] | None:
    return next((c for c in evse.get("connectors") or [] if same(c.get("id"), connector_id)), None)


def _lister(module: ModuleID) -> Any:
    async def handler(ctx: Ctx) -> Reply:
        return list_reply(ctx, ctx.state.catalog(ctx.version, module))

    handler.__name__ = f"list_{module.value}"
    return handler


async def get_location(ctx: Ctx) -> Reply:
    location = ctx.state.catalog(ctx.version, LOCATIONS).get(ctx.params["location_id"])
    if location is None:
        return not_found(f"unknown location {ctx.params['location_id']!r}", 2003)
    return ok(location)


async def get_evse(ctx: Ctx) -> Reply:
    location = ctx.state.catalog(ctx.version, LOCATIONS).get(ctx.params["location_id"])
    if location is None:
        return not_found(f"unknown location {ctx.params['location_id']!r}", 2003)
    evse = find_evse(location, ctx.params["evse_uid"])
    if evse is None:
        return not_found(f"unknown EVSE {ctx.params['evse_uid']!r}")
    return ok(evse)


async def get_connector(ctx: Ctx) -> Reply:
    location = ctx.state.catalog(ctx.version, LOCATIONS).get(ctx.params["location_id"])
    if location is None:
        return not_found(f"unknown location {ctx.params['location_id']!r}", 2003)
    evse = find_evse(location, ctx.params["evse_uid"])
    connector = find_connector(evse, ctx.params["connector_id"]) if evse else None
    if connector is None:
        return not_found("unknown EVSE or connector")
    return ok(connector)


async def put_charging_preferences(ctx: Ctx) -> Reply:
    session = ctx.state.catalog(ctx.version, SESSIONS).get(ctx.params["session_id"])
    if session is None:
        return fail(2001, f"unknown session {ctx.params['session_id']!r}", http_status=404)
    location = ctx.state.catalog(ctx.version, LOCATIONS).get(str(session.get("location_id", "")))
    evse = find_evse(location, str(session.get("evse_uid", ""))) if location else None
    if evse is None or "CHARGING_PREFERENCES_CAPABLE" not in (evse.get("capabilities") or []):
        return fail(
            2001, "the EVSE of this session does not take charging preferences", http_status=404
        )
    # a ProfileType is supported where the Connector has a Tariff of its type (REQ-SES-024)
    connector = find_connector(evse, str(session.get("connector_id", "")))
    tariffs = ctx.state.catalog(ctx.version, TARIFFS)
    types: set[str] = set()
    for tariff_id in (connector or {}).get("tariff_ids") or []:
        tariff = tariffs.get(str(tariff_id))
        if tariff is not None:
            types.add(str(tariff.get("type") or "REGULAR"))
    profile = str(ctx.body.get("profile_type"))
    wanted = profile if profile == "REGULAR" else f"PROFILE_{profile}"
    return ok("ACCEPTED" if wanted in types else "PROFILE_TYPE_NOT_SUPPORTED")


def sender_ops(version: VersionNumber) -> list[Op]:
    ops = [
        Op(LOCATIONS, SENDER, "GET", "", _lister(LOCATIONS), response="Location[]", paginated=True),
        Op(LOCATIONS, SENDER, "GET", "{location_id}", get_location, response="Location"),
        Op(LOCATIONS, SENDER, "GET", "{location_id}/{evse_uid}", get_evse, response="EVSE"),
        Op(
            LOCATIONS,
            SENDER,
            "GET",
            "{location_id}/{evse_uid}/{connector_id}",
            get_connector,
            response="Connector",
        ),
        Op(SESSIONS, SENDER, "GET", "", _lister(SESSIONS), response="Session[]", paginated=True),
        Op(CDRS, SENDER, "GET", "", _lister(CDRS), response="CDR[]", paginated=True),
        Op(TARIFFS, SENDER, "GET", "", _lister(TARIFFS), response="Tariff[]", paginated=True),
    ]
    if version is not VersionNumber.V2_1_1:
        ops.append(
            Op(
                SESSIONS,
                SENDER,
                "PUT",
                "{session_id}/charging_preferences",
                put_charging_preferences,
                request="ChargingPreferences",
                response="ChargingPreferencesResponse",
            )
        )
    return ops
