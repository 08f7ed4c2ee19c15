"""The session simulator: charging sessions on an injected clock, priced by the billing engine.

::

    sim = SessionSimulator(version="2.2.1", clock=clock, rng=random.Random(1),
                           country_code="NL", party_id="EXA")
    s = sim.start(location=loc, evse_uid=evse["uid"], connector_id="1", token=token,
                  tariff=tariff, auth_method="COMMAND")
    clock.advance(timedelta(minutes=30)); events = sim.tick()     # SessionChanged ...
    sim.stop(s.id); clock.advance(timedelta(seconds=1)); sim.tick()  # ... SessionCompleted

Pure: no I/O, time only from ``clock``, randomness only from ``rng`` (ids, the activation delay,
a vehicle when none is given), so the same clock steps and seed give the same objects.

A session is PENDING when started and becomes ACTIVE after a short activation delay; it charges
along the vehicle's power curve (flat, tapering above ~80 % on DC), stops drawing power when
full and then parks until :meth:`SessionSimulator.stop`. Charging periods are split at every
tariff boundary (:mod:`mock_partners.simulation.marks`) and at the charging -> parking
transition. A reservation (:meth:`SessionSimulator.reserve`) is a session in RESERVATION that a
start with the same token claims (:meth:`SessionSimulator.claim`: ACTIVE after the activation
delay), that ends COMPLETED when it runs out unused (with a CDR for the reservation when the
tariff prices reservations) or when cancelled (:meth:`SessionSimulator.stop`). Each
:meth:`~SessionSimulator.tick` reports what changed: a
:class:`SessionChanged` with the full Session and the PATCH body since the last report (None for
the first, which is a PUT), and on completion a :class:`SessionCompleted` with the CDR.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from harness.clock import Clock
from harness.errors import UnknownVersionError, UsageError
from mock_partners.seed.countries import COUNTRIES
from mock_partners.simulation.session import SAMPLE_SECONDS, Period, SimSession
from mock_partners.simulation.vehicle import VEHICLES, VehicleProfile, pick_profile
from mock_partners.simulation.wire import (
    cdr_object,
    reservation_cdr_object,
    reservation_priced,
    session_object,
)

__all__ = [
    "SAMPLE_SECONDS",
    "VEHICLES",
    "Period",
    "SessionChanged",
    "SessionCompleted",
    "SessionSimulator",
    "SimEvent",
    "SimSession",
    "VehicleProfile",
]

_VERSIONS = ("2.1.1", "2.2.1", "2.3.0")
_AUTH_METHODS = {
    "2.1.1": ("AUTH_REQUEST", "WHITELIST", "COMMAND"),  # COMMAND is sent as AUTH_REQUEST
    "2.2.1": ("AUTH_REQUEST", "COMMAND", "WHITELIST"),
    "2.3.0": ("AUTH_REQUEST", "COMMAND", "WHITELIST"),
}
_ALPHA3 = {c.alpha3: c.currency for c in COUNTRIES.values()}


@dataclass(frozen=True, slots=True)
class SessionChanged:
    """The Session changed: ``session`` is the full object (PUT), ``patch`` the PATCH body with
    what changed since the previous event (None on the first event of a session)."""

    session: dict[str, Any]
    patch: dict[str, Any] | None

    @property
    def session_id(self) -> str:
        return str(self.session["id"])


@dataclass(frozen=True, slots=True)
class SessionCompleted:
    """The session ended: the final Session and its CDR."""

    session: dict[str, Any]
    cdr: dict[str, Any]

    @property
    def session_id(self) -> str:
        return str(self.session["id"])


SimEvent = SessionChanged | SessionCompleted


def _seconds(when: datetime) -> datetime:
    return when.replace(microsecond=0)


def _ident(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.getrandbits(48):012X}"


def _patch(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The PATCH body turning ``before`` into ``after``; charging_periods are appended by the
    receiver (REQ-SES-012), so only the new ones are sent."""
    out: dict[str, Any] = {}
    for key, value in after.items():
        if key == "charging_periods":
            old = before.get(key) or []
            if len(value) > len(old):
                out[key] = copy.deepcopy(value[len(old) :])
        elif key != "last_updated" and before.get(key) != value:
            out[key] = copy.deepcopy(value)
    return out


class SessionSimulator:
    """Simulates the charging sessions of one mock CPO (see the module docstring)."""

    def __init__(
        self,
        *,
        version: str,
        clock: Clock,
        rng: random.Random,
        country_code: str,
        party_id: str,
        activation_delay: tuple[int, int] = (2, 15),
    ) -> None:
        if version not in _VERSIONS:
            raise UnknownVersionError(
                f"unknown OCPI version {version!r}; supported: {', '.join(_VERSIONS)}"
            )
        self.version = version
        self.clock = clock
        self.rng = rng
        self.country_code = country_code.upper()
        self.party_id = party_id.upper()
        self.activation_delay = activation_delay
        self._sessions: dict[str, SimSession] = {}
        self._reported: dict[str, dict[str, Any]] = {}

    # -- control -------------------------------------------------------------------------------

    def start(
        self,
        *,
        location: dict[str, Any],
        evse_uid: str,
        connector_id: str,
        token: dict[str, Any],
        tariff: dict[str, Any] | None,
        auth_method: str,
        authorization_reference: str | None = None,
        profile: VehicleProfile | None = None,
        currency: str | None = None,
        session_id: str | None = None,
        reserved_until: datetime | None = None,
    ) -> SimSession:
        """Plug a vehicle in: a PENDING session that becomes ACTIVE after the activation delay
        (with ``reserved_until``: a reservation, see :meth:`reserve`).

        ``location``, ``token`` and ``tariff`` are wire objects of the simulator's version; the
        tariff is snapshotted now (REQ-CDR-012). Without a tariff the session is free
        (``total_cost`` 0). ``currency`` defaults to the tariff's, else the country's.
        """
        if auth_method not in _AUTH_METHODS[self.version]:
            allowed = ", ".join(_AUTH_METHODS[self.version])
            raise UsageError(f"auth_method {auth_method!r} is not one of {allowed}")
        evse = next((e for e in location.get("evses") or [] if str(e.get("uid")) == evse_uid), None)
        if evse is None:
            raise UsageError(f"location {location.get('id')!r} has no EVSE {evse_uid!r}")
        connector = next(
            (c for c in evse.get("connectors") or [] if str(c.get("id")) == connector_id), None
        )
        if connector is None:
            raise UsageError(f"EVSE {evse_uid!r} has no connector {connector_id!r}")
        now = _seconds(self.clock.now())
        low, high = self.activation_delay
        delay = self.rng.randint(low, high) if high > low else low
        activate_at = now + timedelta(seconds=delay) if reserved_until is None else reserved_until
        chosen_profile = profile if profile is not None else pick_profile(self.rng)
        sid = session_id or _ident(self.rng, "SES")
        if sid in self._sessions:
            raise UsageError(f"a session {sid!r} exists already")
        snapshot = copy.deepcopy(tariff) if tariff is not None else None
        sim = SimSession(
            session_id=sid,
            version=self.version,
            location=copy.deepcopy(location),
            evse=copy.deepcopy(evse),
            connector=copy.deepcopy(connector),
            token=copy.deepcopy(token),
            tariff=snapshot,
            auth_method=auth_method,
            authorization_reference=authorization_reference,
            profile=chosen_profile,
            currency=currency or self._currency(location, snapshot),
            meter_id=_ident(self.rng, "MTR"),
            created_at=now,
            activate_at=activate_at,
            owner=(self.country_code, self.party_id),
            reserved_until=reserved_until,
        )
        self._sessions[sid] = sim
        return sim

    def reserve(
        self,
        *,
        location: dict[str, Any],
        evse_uid: str,
        connector_id: str,
        token: dict[str, Any],
        tariff: dict[str, Any] | None,
        until: datetime,
        authorization_reference: str | None = None,
        currency: str | None = None,
        session_id: str | None = None,
    ) -> SimSession:
        """A reservation until ``until``: a session in RESERVATION (auth_method COMMAND)."""
        sim = self.start(
            location=location,
            evse_uid=evse_uid,
            connector_id=connector_id,
            token=token,
            tariff=tariff,
            auth_method="COMMAND",
            authorization_reference=authorization_reference,
            currency=currency,
            session_id=session_id,
            reserved_until=_seconds(until),
        )
        return sim

    def claim(self, session_id: str, authorization_reference: str | None = None) -> SimSession:
        """The reserved driver starts charging: ACTIVE after the activation delay."""
        sim = self._get(session_id)
        low, high = self.activation_delay
        delay = self.rng.randint(low, high) if high > low else low
        try:
            sim.claim(_seconds(self.clock.now()), delay)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if authorization_reference is not None:
            sim.authorization_reference = authorization_reference
        return sim

    def reschedule(self, session_id: str, until: datetime) -> SimSession:
        """Replace an open reservation's end (a RESERVE_NOW with the same reservation id)."""
        sim = self._get(session_id)
        try:
            sim.reschedule(_seconds(until))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return sim

    def stop(self, session_id: str) -> None:
        """End charging now; the session completes (and its CDR appears) at the next tick."""
        self._get(session_id).request_stop(_seconds(self.clock.now()))

    def tick(self) -> list[SimEvent]:
        """Advance every session to ``clock.now()``; what changed, in session start order."""
        now = _seconds(self.clock.now())
        events: list[SimEvent] = []
        for sim in list(self._sessions.values()):
            if sim.completed:
                continue
            if sim.id not in self._reported:
                first = sim.status in ("PENDING", "RESERVATION")
                pending = session_object(sim, sim.created_at if first else now)
                if first:
                    events.append(SessionChanged(pending, None))
                    self._reported[sim.id] = pending
            sim.advance(now)
            current = session_object(sim, now)
            before = self._reported.get(sim.id)
            if before is None:
                events.append(SessionChanged(current, None))
            else:
                patch = _patch(before, current)
                if patch:
                    patch["last_updated"] = current["last_updated"]
                    events.append(SessionChanged(current, patch))
                else:
                    current = before
            self._reported[sim.id] = current
            if sim.ended:
                sim.completed = True
                if sim.status == "COMPLETED" and sim.periods:
                    cdr = cdr_object(sim, _ident(self.rng, "CDR"), now)
                    events.append(SessionCompleted(current, cdr))
                elif sim.expired and reservation_priced(sim):
                    cdr = reservation_cdr_object(sim, _ident(self.rng, "CDR"), now)
                    events.append(SessionCompleted(current, cdr))
        return events

    # -- lookups -------------------------------------------------------------------------------

    def _get(self, session_id: str) -> SimSession:
        sim = self._sessions.get(session_id)
        if sim is None:
            raise KeyError(f"no simulated session {session_id!r}")
        return sim

    def get(self, session_id: str) -> SimSession:
        """The simulation state of a session (KeyError when unknown)."""
        return self._get(session_id)

    def session(self, session_id: str) -> dict[str, Any]:
        """The Session wire object as last reported by :meth:`tick` (or as of now if never)."""
        reported = self._reported.get(session_id)
        if reported is not None:
            return copy.deepcopy(reported)
        sim = self._get(session_id)
        return session_object(sim, sim.created_at)

    @property
    def sessions(self) -> tuple[SimSession, ...]:
        """Sessions that have not completed yet."""
        return tuple(s for s in self._sessions.values() if not s.completed)

    def _currency(self, location: Mapping[str, Any], tariff: Mapping[str, Any] | None) -> str:
        if tariff is not None and tariff.get("currency"):
            return str(tariff["currency"])
        country = COUNTRIES.get(str(location.get("country_code", "")).upper())
        if country is not None:
            return country.currency
        return _ALPHA3.get(str(location.get("country", "")).upper(), "EUR")
