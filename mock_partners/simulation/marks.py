"""The instants and thresholds where a tariff's active PriceComponents may change.

``ocpi-requirements.md`` §3.4: the CPO starts a new ChargingPeriod whenever a different
PriceComponent becomes active (REQ-CDR-013). We split at every restriction boundary of every
(non-reservation) element: local start/end times, local midnight when a day or date restriction
exists, session-duration thresholds, and energy, power and current thresholds. Splitting where
nothing changes is allowed; missing a change is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["TariffMarks"]


def _hhmm(text: object) -> tuple[int, int] | None:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        return None
    try:
        return int(text[:2]), int(text[3:])
    except ValueError:
        return None


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class TariffMarks:
    """The boundaries of one tariff, ready for the simulator."""

    local_times: tuple[time, ...]  # local times of day (start_time, end_time, midnight)
    durations: tuple[int, ...]  # seconds since session start
    kwh: tuple[float, ...]  # cumulative session energy, kWh
    power_w: tuple[float, ...]  # instantaneous power, W
    current_a: tuple[float, ...]  # instantaneous current, A

    @classmethod
    def of(cls, tariff: dict[str, Any] | None) -> TariffMarks:
        times: set[time] = set()
        durations: set[int] = set()
        kwh: set[float] = set()
        power: set[float] = set()
        current: set[float] = set()
        elements = (tariff or {}).get("elements") or []
        for element in elements:
            r = element.get("restrictions") if isinstance(element, dict) else None
            if not isinstance(r, dict) or r.get("reservation") is not None:
                continue
            for key in ("start_time", "end_time"):
                hm = _hhmm(r.get(key))
                if hm is not None and hm[0] < 24 and hm[1] < 60:
                    times.add(time(*hm))
            if r.get("day_of_week") or r.get("start_date") or r.get("end_date"):
                times.add(time(0, 0))
            for key in ("min_duration", "max_duration"):
                value = _num(r.get(key))
                if value is not None and value > 0:
                    durations.add(int(value))
            for key, bucket, scale in (
                ("min_kwh", kwh, 1.0),
                ("max_kwh", kwh, 1.0),
                ("min_power", power, 1000.0),
                ("max_power", power, 1000.0),
                ("min_current", current, 1.0),
                ("max_current", current, 1.0),
            ):
                value = _num(r.get(key))
                if value is not None and value > 0:
                    bucket.add(value * scale)
        return cls(
            tuple(sorted(times)),
            tuple(sorted(durations)),
            tuple(sorted(kwh)),
            tuple(sorted(power)),
            tuple(sorted(current)),
        )

    def next_local_mark(self, after: datetime, zone: ZoneInfo) -> datetime | None:
        """The first instant strictly after ``after`` whose local time is a mark."""
        if not self.local_times:
            return None
        local_day: date = after.astimezone(zone).date()
        best: datetime | None = None
        for offset in range(0, 3):
            day = local_day + timedelta(days=offset)
            for mark in self.local_times:
                instant = datetime.combine(day, mark, zone).astimezone(after.tzinfo)
                if instant > after and (best is None or instant < best):
                    best = instant
            if best is not None:
                return best
        return best

    def next_duration_mark(self, start: datetime, after: datetime) -> datetime | None:
        for seconds in self.durations:
            instant = start + timedelta(seconds=seconds)
            if instant > after:
                return instant
        return None

    def next_kwh_mark(self, energy_kwh: float) -> float | None:
        """The first energy threshold strictly above ``energy_kwh``."""
        return next((k for k in self.kwh if k > energy_kwh + 1e-9), None)

    def sides(self, power_w: float, current_a: float) -> tuple[bool, ...]:
        """Which side of every power/current threshold an instant is on (>= is True)."""
        return tuple(power_w >= p for p in self.power_w) + tuple(
            current_a >= c for c in self.current_a
        )
