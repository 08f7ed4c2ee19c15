"""The mock CPO's sessions: the simulator drives them, this module publishes what it reports.

One :class:`~mock_partners.simulator.SessionSimulator` per served version, on the app's clock
and a seeded generator. A session starts from a START_SESSION command (or the control API's
``sessions/start``), stops from STOP_SESSION (or ``sessions/{id}/stop``), and moves when time
does (``/_mock/tick``). Every change the simulator reports is stored in the sessions catalog
and pushed to the partner that started it: PUT for a new session, PATCH with ``last_updated``
for a change (``mod_sessions`` §Push model, REQ-SES-005), then the CDR it priced with
``harness.billing`` is stored and POSTed to the partner's cdrs Receiver (REQ-CDR-003).

Reservations (RESERVE_NOW) are sessions in RESERVATION, pushed like any other (REQ-CMD-016,
REQ-SES-017), kept in a book by (partner party, reservation_id): the same reservation_id at the
same Location replaces the reservation (its session runs to the new expiry, REQ-CMD-015); a start
with the reservation's token at its Location turns it ACTIVE, unused it ends COMPLETED
(REQ-SES-018), and a cancellation ends it at once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from harness.errors import UsageError
from harness.ocpi import ModuleID, Role, VersionNumber, format_datetime
from mock_partners.partners import Registration
from mock_partners.push import PushError, push
from mock_partners.seed_data import active_tariff
from mock_partners.simulator import SessionChanged, SessionCompleted, SessionSimulator, SimEvent
from mock_partners.state import MockState

SESSIONS, CDRS = ModuleID.SESSIONS, ModuleID.CDRS


class SimulationError(Exception):
    """A simulated session cannot be started or stopped as asked."""


@dataclass(slots=True)
class Reservation:
    """An accepted RESERVE_NOW: its session and where its CommandResults go."""

    version: VersionNumber
    party: tuple[str, str]  # the eMSP party that reserved (country_code, party_id)
    reservation_id: str
    location_id: str
    session_id: str
    token_uid: str
    response_url: str
    registration_id: str | None


class SessionDriver:
    """The simulators of one mock CPO and the partners their sessions belong to."""

    def __init__(self, state: MockState) -> None:
        self.state = state
        self.simulators = {
            version: SessionSimulator(
                version=version.value,
                clock=state.clock,
                rng=state.rngs(f"simulator:{version}"),
                country_code=state.config.country_code,
                party_id=state.config.party_id,
            )
            for version in state.config.versions
        }
        self._partners: dict[str, str | None] = {}
        self.reservations: dict[tuple[str, str, str], Reservation] = {}

    def knows(self, version: VersionNumber, session_id: str) -> bool:
        return any(s.id == session_id for s in self.simulators[version].sessions)

    async def start(
        self,
        version: VersionNumber,
        registration: Registration | None,
        *,
        location: dict[str, Any],
        evse_uid: str,
        connector_id: str,
        token: dict[str, Any],
        auth_method: str,
        authorization_reference: str | None = None,
    ) -> dict[str, Any]:
        """Plug a vehicle in; returns the Session as first reported (PENDING). A vehicle whose
        token holds an open reservation at this Location claims it instead (REQ-SES-018)."""
        simulator = self.simulators[version]
        booked = self.reserved_for(version, str(location["id"]), str(token.get("uid")))
        if booked is not None:
            try:
                simulator.claim(booked.session_id, authorization_reference)
            except UsageError as exc:
                raise SimulationError(str(exc)) from None
            self._drop(booked)
            await self._publish(version, simulator.tick())
            return simulator.session(booked.session_id)
        tariff = self._tariff(version, location, evse_uid, connector_id)
        try:
            started = simulator.start(
                location=location,
                evse_uid=evse_uid,
                connector_id=connector_id,
                token=token,
                tariff=tariff,
                auth_method=auth_method,
                authorization_reference=authorization_reference,
            )
        except UsageError as exc:
            raise SimulationError(str(exc)) from None
        self._partners[started.id] = registration.id if registration else None
        await self._publish(version, simulator.tick())
        return simulator.session(started.id)

    def _tariff(
        self, version: VersionNumber, location: dict[str, Any], evse_uid: str, connector_id: str
    ) -> dict[str, Any] | None:
        world = self.state.worlds.get(version)
        evse = next(e for e in location["evses"] if e["uid"] == evse_uid)
        connector = next(c for c in evse["connectors"] if c["id"] == connector_id)
        return active_tariff(world, connector, self.state.clock.now()) if world else None

    def _open(self, booked: Reservation) -> bool:
        sessions = self.simulators[booked.version].sessions
        return any(s.id == booked.session_id and s.status == "RESERVATION" for s in sessions)

    def reserved_for(
        self, version: VersionNumber, location_id: str, token_uid: str
    ) -> Reservation | None:
        """The open, unclaimed reservation a driver with ``token_uid`` holds at a Location."""
        return next(
            (
                r
                for r in self.reservations.values()
                if r.version is version
                and r.location_id == location_id
                and r.token_uid == token_uid
                and self._open(r)
                and not self.simulators[version].get(r.session_id).claimed
            ),
            None,
        )

    def _drop(self, booked: Reservation) -> None:
        self.reservations.pop(self._key(booked.version, booked.party, booked.reservation_id), None)

    @staticmethod
    def _key(
        version: VersionNumber, party: tuple[str, str], reservation_id: str
    ) -> tuple[str, str, str]:
        return (version.value, f"{party[0]}*{party[1]}".upper(), reservation_id.upper())

    def reservation(
        self, version: VersionNumber, party: tuple[str, str], reservation_id: str
    ) -> Reservation | None:
        """The open reservation ``reservation_id`` of ``party`` (None when unknown or over)."""
        booked = self.reservations.get(self._key(version, party, reservation_id))
        return booked if booked is not None and self._open(booked) else None

    def find_reservation(self, version: VersionNumber, reservation_id: str) -> Reservation | None:
        """The open reservation ``reservation_id`` of any partner (the control API's cancel)."""
        return next(
            (
                r
                for r in self.reservations.values()
                if r.version is version
                and r.reservation_id.upper() == reservation_id.upper()
                and self._open(r)
            ),
            None,
        )

    async def reserve(
        self,
        version: VersionNumber,
        registration: Registration | None,
        *,
        party: tuple[str, str],
        reservation_id: str,
        location: dict[str, Any],
        evse_uid: str,
        connector_id: str,
        token: dict[str, Any],
        until: datetime,
        response_url: str,
        authorization_reference: str | None = None,
    ) -> dict[str, Any]:
        """Reserve (or replace the reservation with the same id at the same Location: its
        session then runs to the new expiry, REQ-CMD-015); returns the reservation's Session."""
        simulator = self.simulators[version]
        key = self._key(version, party, reservation_id)
        earlier = self.reservation(version, party, reservation_id)
        if earlier is not None and earlier.location_id == str(location["id"]):
            sim = simulator.get(earlier.session_id)
            if sim.evse_uid == evse_uid and str(sim.token.get("uid")) == str(token.get("uid")):
                simulator.reschedule(earlier.session_id, until)
                if authorization_reference is not None:
                    sim.authorization_reference = authorization_reference
                earlier.response_url = response_url
                await self._publish(version, simulator.tick())
                return simulator.session(earlier.session_id)
        if earlier is not None:  # another EVSE, token or Location: the old one is replaced
            simulator.stop(earlier.session_id)
        try:
            sim = simulator.reserve(
                location=location,
                evse_uid=evse_uid,
                connector_id=connector_id,
                token=token,
                tariff=self._tariff(version, location, evse_uid, connector_id),
                until=until,
                authorization_reference=authorization_reference,
            )
        except UsageError as exc:
            raise SimulationError(str(exc)) from None
        self._partners[sim.id] = registration.id if registration else None
        self.reservations[key] = Reservation(
            version=version,
            party=party,
            reservation_id=reservation_id,
            location_id=str(location["id"]),
            session_id=sim.id,
            token_uid=str(token.get("uid")),
            response_url=response_url,
            registration_id=registration.id if registration else None,
        )
        await self._publish(version, simulator.tick())
        return simulator.session(sim.id)

    async def end_reservation(self, booked: Reservation) -> dict[str, Any]:
        """Cancel a reservation (by the eMSP or the CPO): its session ends COMPLETED now."""
        simulator = self.simulators[booked.version]
        self._drop(booked)
        simulator.stop(booked.session_id)
        await self._publish(booked.version, simulator.tick())
        return simulator.session(booked.session_id)

    async def stop(self, version: VersionNumber, session_id: str) -> dict[str, Any]:
        """End charging now; the final Session and the CDR are published."""
        simulator = self.simulators[version]
        if not self.knows(version, session_id):
            raise SimulationError(f"no running session {session_id!r} in OCPI {version}")
        simulator.stop(session_id)
        await self._publish(version, simulator.tick())
        return simulator.session(session_id)

    async def tick(self) -> list[dict[str, Any]]:
        """Let every simulator catch up with the clock; a summary of what was published."""
        summary: list[dict[str, Any]] = []
        for version, simulator in self.simulators.items():
            events = simulator.tick()
            await self._publish(version, events)
            summary.extend(_summary(version, event) for event in events)
        return summary

    def _partner(self, session_id: str) -> Registration | None:
        registration_id = self._partners.get(session_id)
        found = self.state.partners.get(registration_id) if registration_id else None
        return found or self.state.partners.only()

    async def _publish(self, version: VersionNumber, events: list[SimEvent]) -> None:
        state = self.state
        for event in events:
            registration = self._partner(event.session_id)
            if registration is not None and registration.version != version.value:
                registration = None  # the partner speaks another version: store only
            state.catalog(version, SESSIONS).put(copy.deepcopy(event.session))
            if isinstance(event, SessionChanged):
                await _send(state, registration, version, SESSIONS, event.session, event.patch)
            else:
                state.catalog(version, CDRS).put(copy.deepcopy(event.cdr))
                await _send(state, registration, version, CDRS, event.cdr, None)


async def _send(
    state: MockState,
    registration: Registration | None,
    version: VersionNumber,
    module: ModuleID,
    doc: dict[str, Any],
    patch: dict[str, Any] | None,
) -> None:
    if registration is None:
        return
    try:
        if patch is None:
            await push(state, registration, module.value, doc, version=version)
        else:
            await push(
                state,
                registration,
                module.value,
                patch,
                method="PATCH",
                version=version,
                object_id=str(doc["id"]),
            )
    except PushError:
        return  # the partner has no Receiver for this module: nothing to push to


def _summary(version: VersionNumber, event: SimEvent) -> dict[str, Any]:
    kind = "session_completed" if isinstance(event, SessionCompleted) else "session_changed"
    return {
        "event": kind,
        "version": version.value,
        "session_id": event.session_id,
        "status": event.session.get("status"),
    }


def install_simulator(state: MockState) -> None:
    """Attach a :class:`SessionDriver` to a mock CPO."""
    if state.config.role is Role.CPO:
        state.simulator = SessionDriver(state)


def driver(state: MockState) -> SessionDriver:
    found = state.simulator
    if not isinstance(found, SessionDriver):
        raise SimulationError("sessions are simulated by the mock CPO")
    return found


# -- the control API's sessions/start, sessions/{id}/stop and tick ---------------------------------


def pick_evse(
    state: MockState, version: VersionNumber, request: dict[str, Any]
) -> tuple[dict[str, Any], str, str]:
    """The Location, EVSE uid and connector id a request names (or the first that fits its
    optional capability / tariff type); shared with the control hooks."""
    catalog = state.catalog(version, ModuleID.LOCATIONS)
    location_id = request.get("location_id")
    capability = request.get("capability")  # optional: an EVSE with this capability
    tariff_type = request.get("tariff_type")  # optional: a Connector with a Tariff of this type
    tariffs = state.catalog(version, ModuleID.TARIFFS)

    def priced(connector: dict[str, Any]) -> bool:
        found = (tariffs.get(str(i)) for i in connector.get("tariff_ids") or [])
        return tariff_type is None or any(t and t.get("type") == tariff_type for t in found)

    def fits(evse: dict[str, Any]) -> bool:
        capable = capability is None or capability in (evse.get("capabilities") or [])
        return capable and any(map(priced, evse.get("connectors") or []))

    if location_id is None:
        page = catalog.page(limit=500 if capability or tariff_type else 50).items
        location = next((loc for loc in page if any(map(fits, loc.get("evses") or []))), None)
    else:
        location = catalog.get(str(location_id))
    if location is None:
        raise SimulationError(f"unknown location {location_id!r} (or none with {capability})")
    evses = location.get("evses") or []
    wanted = request.get("evse_uid")
    evse = next((e for e in evses if (wanted is None or e["uid"] == wanted) and fits(e)), None)
    if evse is None:
        raise SimulationError(f"unknown EVSE {wanted!r} at {location['id']}")
    connectors = evse.get("connectors") or []
    wanted_c = request.get("connector_id")
    connector = next(
        (c for c in connectors if (wanted_c is None or c["id"] == wanted_c) and priced(c)), None
    )
    if connector is None:
        raise SimulationError(f"unknown connector {wanted_c!r}")
    return location, str(evse["uid"]), str(connector["id"])


def _token(state: MockState, version: VersionNumber, request: dict[str, Any]) -> dict[str, Any]:
    given = request.get("token")
    if isinstance(given, dict):
        return given
    uid = request.get("token_uid")
    for token in state.worlds[version].tokens:
        if (uid is None and token.get("valid")) or (uid is not None and token["uid"] == uid):
            return dict(token)
    raise SimulationError(f"no token {uid!r} in the seeded data")


async def start_session(
    state: MockState,
    version: VersionNumber,
    registration: Registration | None,
    request: dict[str, Any],
) -> dict[str, Any]:
    """Start a session as if a driver plugged in and badged (auth_method WHITELIST)."""
    location, evse_uid, connector_id = pick_evse(state, version, request)
    return await driver(state).start(
        version,
        registration,
        location=location,
        evse_uid=evse_uid,
        connector_id=connector_id,
        token=_token(state, version, request),
        auth_method="WHITELIST",
    )


async def stop_session(state: MockState, version: VersionNumber, session_id: str) -> dict[str, Any]:
    return await driver(state).stop(version, session_id)


async def tick(state: MockState, seconds: float) -> dict[str, Any]:
    """Move the injected clock (when it can be moved) and let the simulators catch up."""
    advance = getattr(state.clock, "advance", None)
    if seconds > 0 and callable(advance):
        advance(timedelta(seconds=seconds))
    events = await driver(state).tick() if isinstance(state.simulator, SessionDriver) else []
    return {"now": format_datetime(state.clock.now()), "events": events}
