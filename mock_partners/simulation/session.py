"""One simulated charging session: PENDING -> ACTIVE (charging, then parking) -> COMPLETED.

A session made by a reservation starts in RESERVATION instead (``mod_sessions`` §Reservation):
claimed by a start with the same token it becomes ACTIVE after the activation delay; unclaimed
at ``reserved_until`` it ends COMPLETED with no charging (``expired``); cancelled, it ends
COMPLETED at once.

Time advances in whole seconds. While charging, the power is sampled every
:data:`SAMPLE_SECONDS` (like a meter) and held in between, so energy is linear inside a sample and
every energy threshold (a tariff's min/max_kwh, the battery getting full) has an exact crossing
instant, rounded up to the next second with the energy set to the threshold itself. A period is
closed at every tariff boundary (:mod:`.marks`), when the power or current crosses a threshold
at a sample, and at the charging -> parking transition; the last one closes at the stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from mock_partners.simulation.marks import TariffMarks
from mock_partners.simulation.vehicle import VehicleProfile, charging_power, current_of

__all__ = ["SAMPLE_SECONDS", "Period", "SimSession"]

SAMPLE_SECONDS = 60
Phase = Literal["charging", "parking"]
Status = Literal["PENDING", "RESERVATION", "ACTIVE", "COMPLETED", "INVALID"]
_EPS_WH = 1e-6


@dataclass(slots=True)
class Period:
    """A charging period as simulated (exact values; the wire form quantizes them)."""

    start: datetime
    phase: Phase
    energy_start_wh: float
    energy_end_wh: float
    end: datetime | None = None
    power_min_w: int | None = None
    power_max_w: int | None = None
    current_min_a: float | None = None
    current_max_a: float | None = None
    soc_end: float = 0.0

    def observe(self, power_w: int, current_a: float) -> None:
        self.power_min_w = power_w if self.power_min_w is None else min(self.power_min_w, power_w)
        self.power_max_w = power_w if self.power_max_w is None else max(self.power_max_w, power_w)
        self.current_min_a = (
            current_a if self.current_min_a is None else min(self.current_min_a, current_a)
        )
        self.current_max_a = (
            current_a if self.current_max_a is None else max(self.current_max_a, current_a)
        )


class SimSession:
    """The state of one simulated session (read it; the simulator drives it)."""

    def __init__(
        self,
        *,
        session_id: str,
        version: str,
        location: dict[str, Any],
        evse: dict[str, Any],
        connector: dict[str, Any],
        token: dict[str, Any],
        tariff: dict[str, Any] | None,
        auth_method: str,
        authorization_reference: str | None,
        profile: VehicleProfile,
        currency: str,
        meter_id: str,
        created_at: datetime,
        activate_at: datetime,
        owner: tuple[str, str] = ("NL", "CPO"),
        reserved_until: datetime | None = None,
    ) -> None:
        self.id = session_id
        self.owner = owner  # (country_code, party_id) of the CPO
        self.version = version
        self.location = location
        self.evse = evse
        self.connector = connector
        self.token = token
        self.tariff = tariff
        self.auth_method = auth_method
        self.authorization_reference = authorization_reference
        self.profile = profile
        self.currency = currency
        self.meter_id = meter_id
        self.created_at = created_at
        self.activate_at = activate_at
        self.status: Status = "PENDING" if reserved_until is None else "RESERVATION"
        self.reserved_until = reserved_until
        self.claimed = False  # a reservation claimed by a start with its token
        self.expired = False  # a reservation that ran out unused
        self.zone = ZoneInfo(str(location.get("time_zone") or "UTC"))
        self.marks = TariffMarks.of(tariff)
        self.stop_at: datetime | None = None
        self.energy_wh = 0.0
        self.power_w = 0
        self.current_a = 0.0
        self.phase: Phase = "charging"
        self.t = created_at
        self.periods: list[Period] = []
        self.open: Period | None = None
        self._next_sample = activate_at
        self._sides: tuple[bool, ...] = ()
        self.completed = False  # events emitted for the end

    # -- read-only views -------------------------------------------------------------------

    @property
    def location_id(self) -> str:
        return str(self.location["id"])

    @property
    def evse_uid(self) -> str:
        return str(self.evse["uid"])

    @property
    def connector_id(self) -> str:
        return str(self.connector["id"])

    @property
    def energy_kwh(self) -> float:
        return self.energy_wh / 1000

    @property
    def soc(self) -> float:
        return self.profile.soc(self.energy_wh)

    @property
    def charging(self) -> bool:
        return self.status == "ACTIVE" and self.phase == "charging"

    @property
    def ended(self) -> bool:
        return self.status in ("COMPLETED", "INVALID")

    @property
    def activated(self) -> bool:
        """Whether the session ever became ACTIVE (its start_date_time is the activation)."""
        return self.status == "ACTIVE" or bool(self.periods) or self.open is not None

    # -- driving ---------------------------------------------------------------------------

    def claim(self, at: datetime, delay: int) -> None:
        """The reserved vehicle arrives: ACTIVE ``delay`` seconds after ``at``."""
        if self.status != "RESERVATION" or self.claimed:
            raise ValueError(f"session {self.id} is not an open reservation")
        self.advance(at)  # it may have run out already
        if self.status != "RESERVATION":
            raise ValueError(f"the reservation of session {self.id} has ended")
        self.claimed = True
        self.activate_at = at + timedelta(seconds=delay)
        self._next_sample = self.activate_at

    def reschedule(self, until: datetime) -> None:
        """A replacing reservation: the open reservation now runs until ``until``."""
        if self.status != "RESERVATION":
            raise ValueError(f"session {self.id} is not an open reservation")
        self.reserved_until = until
        if not self.claimed:
            self.activate_at = until

    def request_stop(self, at: datetime) -> None:
        """End the session at ``at`` (simulated up to there now; events at the next tick)."""
        if self.stop_at is not None or self.ended:
            return
        at = max(at, self.t)
        if self.status == "RESERVATION":  # cancelled before any charging: nothing was used
            self.stop_at = at
            self.t = at
            self.status = "COMPLETED"
            return
        if self.status == "PENDING" and at <= self.activate_at:
            self.stop_at = at
            self.t = at
            self.status = "INVALID"  # never became active: nothing to bill
            return
        self.stop_at = at
        self.advance(at)

    def advance(self, to: datetime) -> None:
        """Simulate up to ``to`` (whole seconds; never beyond a requested stop)."""
        if self.ended:
            return
        if self.status == "RESERVATION" and not self.claimed:
            assert self.reserved_until is not None
            if to >= self.reserved_until:  # ran out unused (REQ-SES-018)
                self.stop_at = self.t = self.reserved_until
                self.expired = True
                self.status = "COMPLETED"
            return
        if self.status in ("PENDING", "RESERVATION"):
            if to < self.activate_at:
                return
            self._activate()
        target = to if self.stop_at is None else min(to, self.stop_at)
        while self.t < target:
            self._step(target)
        if self.stop_at is not None and self.t >= self.stop_at:
            self._finish()

    def _activate(self) -> None:
        self.status = "ACTIVE"
        self.t = self.activate_at
        self._next_sample = self.activate_at + timedelta(seconds=SAMPLE_SECONDS)
        power = self._power(0.0)
        self.phase = "charging" if power > 0 else "parking"
        self._open_period(self.t, power)

    def _power(self, energy_wh: float) -> int:
        """The sampled power, nudged off any power/current threshold so that averages and
        rounded values stay on the side the simulator put the period on."""
        power = charging_power(self.profile, self.connector, energy_wh)
        if power <= 0:
            return 0
        for threshold in self.marks.power_w:
            margin = max(1.0, threshold * 0.002)
            if abs(power - threshold) < margin:
                power = int(threshold - margin)
        for threshold in self.marks.current_a:
            current = current_of(power, self.connector, self.profile)
            margin = max(0.1, threshold * 0.002)
            if abs(current - threshold) < margin:
                power = int(power * (threshold - margin) / current)
        return max(1, power)

    def _open_period(self, at: datetime, power: int) -> None:
        self.power_w = power if self.phase == "charging" else 0
        self.current_a = current_of(self.power_w, self.connector, self.profile)
        period = Period(at, self.phase, self.energy_wh, self.energy_wh)
        if self.phase == "charging":
            period.observe(self.power_w, self.current_a)
            self._sides = self.marks.sides(self.power_w, self.current_a)
        self.open = period

    def _close_period(self, at: datetime) -> None:
        period = self.open
        if period is None:
            return
        period.end = at
        period.energy_end_wh = self.energy_wh
        period.soc_end = self.soc
        self.periods.append(period)
        self.open = None

    def _next_mark(self) -> datetime | None:
        found = [
            m
            for m in (
                self.marks.next_local_mark(self.t, self.zone),
                self.marks.next_duration_mark(self.activate_at, self.t),
            )
            if m is not None
        ]
        return min(found) if found else None

    def _step(self, target: datetime) -> None:
        t = self.t
        mark = self._next_mark()
        candidates = [target]
        if mark is not None:
            candidates.append(mark)
        energy_events: list[float] = []
        if self.phase == "charging" and self.power_w > 0:
            candidates.append(self._next_sample)
            kwh_mark = self.marks.next_kwh_mark(self.energy_wh / 1000)
            full = self.profile.energy_to_full_wh
            for event_wh in (kwh_mark * 1000 if kwh_mark is not None else None, full):
                if event_wh is not None and event_wh > self.energy_wh + _EPS_WH:
                    seconds = math.ceil((event_wh - self.energy_wh) * 3600 / self.power_w - 1e-9)
                    candidates.append(t + timedelta(seconds=max(1, seconds)))
                    energy_events.append(event_wh)
        t_next = min(candidates)
        boundary = mark is not None and t_next == mark
        full_now = False
        if self.phase == "charging":
            projected = self.energy_wh + self.power_w * (t_next - t).total_seconds() / 3600
            hits = [e for e in energy_events if projected >= e - _EPS_WH]
            if hits:
                self.energy_wh = min(hits)
                boundary = True
                full_now = self.energy_wh >= self.profile.energy_to_full_wh - _EPS_WH
            else:
                self.energy_wh = projected
        self.t = t_next
        at_stop = self.stop_at is not None and t_next >= self.stop_at
        if self.phase == "charging" and full_now:
            self._close_period(t_next)
            self.phase = "parking"
            if not at_stop:
                self._open_period(t_next, 0)
            return
        new_power = self.power_w
        if self.phase == "charging" and t_next >= self._next_sample:
            self._next_sample += timedelta(seconds=SAMPLE_SECONDS)
            new_power = self._power(self.energy_wh)
            if new_power == 0:  # full within rounding: park from here
                self._close_period(t_next)
                self.phase = "parking"
                if not at_stop:
                    self._open_period(t_next, 0)
                return
            current = current_of(new_power, self.connector, self.profile)
            if self.marks.sides(new_power, current) != self._sides:
                boundary = True
        if boundary and not at_stop:
            self._close_period(t_next)
            self._open_period(t_next, new_power)
        elif new_power != self.power_w and self.open is not None:
            self.power_w = new_power
            self.current_a = current_of(new_power, self.connector, self.profile)
            self.open.observe(self.power_w, self.current_a)

    def _finish(self) -> None:
        assert self.stop_at is not None
        self._close_period(self.stop_at)
        self.power_w = 0
        self.current_a = 0.0
        self.status = "COMPLETED"

    def open_snapshot(self) -> Period | None:
        """The period in progress, closed at the current instant (for running totals)."""
        if self.open is None or self.t <= self.open.start:
            return None
        p = self.open
        return Period(p.start, p.phase, p.energy_start_wh, self.energy_wh, self.t,
                      p.power_min_w, p.power_max_w, p.current_min_a, p.current_max_a,
                      self.soc)  # fmt: skip
