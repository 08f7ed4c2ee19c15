"""The CPO's commands Receiver (``mod_commands``; REQ-CMD-001..019).

Each command is answered at once with a CommandResponse (``result`` + ``timeout``, 2.1.1:
``result`` only) and, when ACCEPTED, the charge point's verdict follows as a CommandResult
POSTed to ``response_url`` after the response was sent (2.1.1: a CommandResponse), with the
partner's token and routing headers from us to it (REQ-CMD-005, pitfall 10). An unknown
Location gets status 2003 with a REJECTED response (REQ-CMD-007); STOP_SESSION of an unknown
session gets UNKNOWN_SESSION (REQ-CMD-008); the token is never validated (REQ-CMD-009).

From 2.2 on, an accepted RESERVE_NOW makes a Session in RESERVATION, pushed to the partner
before the CommandResult reports it (REQ-CMD-016, REQ-SES-017); the same reservation_id at the
same Location replaces it (REQ-CMD-015); a START_SESSION with its token claims it before the
result is reported; CANCEL_RESERVATION ends it; :func:`cancel_by_cpo` (the control API's
``reservations/{id}/cancel``) ends it on the CPO's side and reports CANCELED_RESERVATION at the
ReserveNow's ``response_url`` (REQ-CMD-018).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, parse_datetime
from mock_partners.cpo.senders import find_connector, find_evse
from mock_partners.operations import Ctx, Op, Reply, fail, ok
from mock_partners.outbound import correlation_of
from mock_partners.partners import Registration
from mock_partners.session_driver import SimulationError, driver
from mock_partners.state import MockState

COMMANDS = ModuleID.COMMANDS
RECEIVER = InterfaceRole.RECEIVER
After = Callable[[], Awaitable[object]]
Before = Callable[[], Awaitable[str | None]]


def _response(ctx: Ctx, result: str) -> dict[str, Any]:
    if ctx.version is VersionNumber.V2_1_1:
        return {"result": result}
    return {"result": result, "timeout": ctx.state.config.command_timeout}


def _result_object(version: VersionNumber) -> str:
    return "CommandResponse" if version is VersionNumber.V2_1_1 else "CommandResult"


def answer(
    ctx: Ctx,
    result: str,
    *,
    then: str | None = None,
    after: After | None = None,
    before: Before | None = None,
) -> Reply:
    """A CommandResponse with ``result``; ``then`` is the async result POSTed afterwards, with
    ``before`` run (by the charge point) before it is POSTed (a text it returns replaces
    ``then``) and ``after`` once it was."""
    reply = ok(_response(ctx, result))
    if then is None:
        return reply
    state, version, registration = ctx.state, ctx.version, ctx.registration
    url = str(ctx.body["response_url"])
    correlation = correlation_of(ctx.request.headers)

    async def deliver() -> None:
        outcome = (await before() if before is not None else None) or then
        await post_result(state, registration, version, url, outcome, correlation)
        if after is not None:
            await after()

    reply.background = deliver
    return reply


async def post_result(
    state: MockState,
    registration: Registration,
    version: VersionNumber,
    url: str,
    result: str,
    correlation: str | None = None,
) -> None:
    """POST a CommandResult (2.1.1: CommandResponse) with ``result`` to ``url``."""
    await state.outbound.send(
        "POST",
        url,
        token=registration.token_out,
        version=version,
        module=COMMANDS.value,
        body={"result": result},
        body_object=_result_object(version),
        partner=registration,
        correlation_id=correlation,
    )


def unknown_location(ctx: Ctx) -> Reply:
    location_id = ctx.body.get("location_id")
    return fail(2003, f"unknown location {location_id!r}", data=_response(ctx, "REJECTED"))


def _place(ctx: Ctx) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    body = ctx.body
    location = ctx.state.catalog(ctx.version, ModuleID.LOCATIONS).get(str(body["location_id"]))
    if location is None:
        return None, None, None
    evses = location.get("evses") or []
    evse = find_evse(location, str(body["evse_uid"])) if body.get("evse_uid") else None
    if evse is None and not body.get("evse_uid"):
        evse = next(
            (e for e in evses if e.get("status") == "AVAILABLE"), evses[0] if evses else None
        )
    connectors = (evse or {}).get("connectors") or []
    connector = (
        find_connector(evse, str(body["connector_id"]))
        if evse is not None and body.get("connector_id")
        else (connectors[0] if connectors and not body.get("connector_id") else None)
    )
    return location, evse, connector


async def start_session(ctx: Ctx) -> Reply:
    location, evse, connector = _place(ctx)
    if location is None:
        return unknown_location(ctx)
    if evse is None or connector is None:
        return answer(ctx, "REJECTED")
    state, version, registration, body = ctx.state, ctx.version, ctx.registration, ctx.body
    token_uid = str((body.get("token") or {}).get("uid"))
    # the reserved driver arrives: the charge point takes the reservation before it answers
    claims = driver(state).reserved_for(version, str(location["id"]), token_uid) is not None

    async def plug_in() -> None:
        await driver(state).start(
            version,
            registration,
            location=location,
            evse_uid=str(evse["uid"]),
            connector_id=str(connector["id"]),
            token=body["token"],
            auth_method="COMMAND",
            authorization_reference=body.get("authorization_reference"),
        )

    async def claim() -> str | None:
        try:
            await plug_in()
        except SimulationError:
            return "FAILED"  # the reservation ended meanwhile
        return None

    if claims:
        return answer(ctx, "ACCEPTED", then="ACCEPTED", before=claim)
    return answer(ctx, "ACCEPTED", then="ACCEPTED", after=plug_in)


async def stop_session(ctx: Ctx) -> Reply:
    session_id = str(ctx.body["session_id"])
    if ctx.state.catalog(ctx.version, ModuleID.SESSIONS).get(session_id) is None:
        return answer(ctx, "UNKNOWN_SESSION")
    sessions = driver(ctx.state)
    if not sessions.knows(ctx.version, session_id):
        return answer(ctx, "REJECTED")  # known, but it has ended already
    version = ctx.version

    async def unplug() -> None:
        await sessions.stop(version, session_id)

    return answer(ctx, "ACCEPTED", then="ACCEPTED", after=unplug)


def _reservations(ctx: Ctx) -> str:
    return ctx.kind("reservations")


async def reserve_now(ctx: Ctx) -> Reply:
    location, evse, connector = _place(ctx)
    if location is None:
        return unknown_location(ctx)
    if evse is None or connector is None:
        return answer(ctx, "REJECTED")
    party = ctx.registration.primary
    reservation_id = str(ctx.body["reservation_id"])
    # same reservation_id again replaces the earlier reservation (REQ-CMD-015)
    ctx.state.store.put(
        _reservations(ctx), party.country_code, party.party_id, reservation_id, dict(ctx.body)
    )
    if ctx.version is VersionNumber.V2_1_1:  # no RESERVATION session status in 2.1.1
        return answer(ctx, "ACCEPTED", then="ACCEPTED")
    until = parse_datetime(str(ctx.body.get("expiry_date")), lenient=True).value
    if until is None:
        return answer(ctx, "REJECTED")
    state, version, registration, body = ctx.state, ctx.version, ctx.registration, ctx.body
    url = str(body["response_url"])

    async def book() -> str | None:
        try:
            await driver(state).reserve(
                version,
                registration,
                party=(party.country_code, party.party_id),
                reservation_id=reservation_id,
                location=location,
                evse_uid=str(evse["uid"]),
                connector_id=str(connector["id"]),
                token=body["token"],
                until=until,
                response_url=url,
                authorization_reference=body.get("authorization_reference"),
            )
        except SimulationError:
            return "REJECTED"  # the charge point could not take it
        return None

    # the reservation is made (and its Session pushed) before ACCEPTED is reported
    return answer(ctx, "ACCEPTED", then="ACCEPTED", before=book)


async def cancel_reservation(ctx: Ctx) -> Reply:
    party = ctx.registration.primary
    reservation_id = str(ctx.body["reservation_id"])
    known = ctx.state.store.delete(
        _reservations(ctx), party.country_code, party.party_id, reservation_id
    )
    sessions = driver(ctx.state)
    booked = sessions.reservation(ctx.version, (party.country_code, party.party_id), reservation_id)
    if booked is None:
        return answer(ctx, "ACCEPTED", then="ACCEPTED" if known else "UNKNOWN_RESERVATION")

    async def release() -> None:
        await sessions.end_reservation(booked)

    return answer(ctx, "ACCEPTED", then="ACCEPTED", before=release)


async def cancel_by_cpo(
    state: MockState, version: VersionNumber, reservation_id: str
) -> dict[str, Any]:
    """The CPO cancels an open reservation: CANCELED_RESERVATION is POSTed to the ReserveNow's
    ``response_url`` (``mod_commands`` §Flow, REQ-CMD-018), then its Session ends COMPLETED.
    Returns that Session."""
    sessions = driver(state)
    booked = sessions.find_reservation(version, reservation_id)
    if booked is None:
        raise SimulationError(f"no open reservation {reservation_id!r} in OCPI {version}")
    found = state.partners.get(booked.registration_id) if booked.registration_id else None
    registration = found or state.partners.only()
    party = booked.party
    state.store.delete(f"{version}/reservations", party[0], party[1], booked.reservation_id)
    if registration is not None:
        await post_result(state, registration, version, booked.response_url, "CANCELED_RESERVATION")
    return await sessions.end_reservation(booked)


async def unlock_connector(ctx: Ctx) -> Reply:
    location, evse, connector = _place(ctx)
    if location is None:
        return unknown_location(ctx)
    if evse is None or connector is None:
        return answer(ctx, "REJECTED")
    return answer(ctx, "ACCEPTED", then="ACCEPTED")


def command_ops(version: VersionNumber) -> list[Op]:
    table: list[tuple[str, str, Callable[[Ctx], Awaitable[Reply]]]] = [
        ("START_SESSION", "StartSession", start_session),
        ("STOP_SESSION", "StopSession", stop_session),
        ("RESERVE_NOW", "ReserveNow", reserve_now),
        ("UNLOCK_CONNECTOR", "UnlockConnector", unlock_connector),
    ]
    if version is not VersionNumber.V2_1_1:
        table.append(("CANCEL_RESERVATION", "CancelReservation", cancel_reservation))
    return [
        Op(
            COMMANDS,
            RECEIVER,
            "POST",
            command,
            handler,
            request=request,
            response="CommandResponse",
            summary=f"{command}: CommandResponse now, the result at response_url later",
        )
        for command, request, handler in table
    ]
