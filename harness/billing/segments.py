"""Time segments: the stretches of a session in which no timed restriction can change value.

A timed check (time window, date, weekday, elapsed session time) only flips at a tariff's time
marks: a local time of day such as 17:00 or midnight, or a duration threshold after the session
start. Cutting the session at those instants gives segments; the timed part of every element's
restrictions is evaluated once per segment instead of once per period, and a period that a segment
start falls strictly inside is one where a restriction boundary lies inside a period (AMB-08).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Final

from harness.billing.compiled import CompiledTariff
from harness.billing.money import ZERO

if TYPE_CHECKING:
    from harness.billing.walk import Walk

__all__ = ["Segments"]

_DAY: Final = timedelta(days=1)


_DAY_MARKS_MAX = 16384  # entries of a compiled tariff's day_marks cache before it is cleared


def _day_marks(tz: tzinfo, day: date, steps: tuple[timedelta, ...]) -> tuple[datetime, ...]:
    """The UTC instants of the local times ``steps`` after midnight on ``day`` in ``tz``."""
    midnight = datetime.combine(day, time(), tzinfo=tz)
    offset = midnight.utcoffset()
    if offset is not None and offset == (midnight + _DAY).utcoffset():
        base = midnight.replace(tzinfo=UTC) - offset  # no DST change this day: arithmetic
        return tuple(base + step for step in steps)
    wall = datetime.combine(day, time())
    return tuple((wall + step).replace(tzinfo=tz).astimezone(UTC) for step in steps)


class Segments:
    """Segment starts (UTC, ascending) of one session for one compiled tariff."""

    __slots__ = ("compiled", "masks", "starts", "walk")

    def __init__(self, walk: Walk, compiled: CompiledTariff, lo: datetime, hi: datetime) -> None:
        self.walk = walk
        self.compiled = compiled
        instants: set[datetime] = set()
        if compiled.tod_marks:
            self._local_marks(lo, hi, instants)
        for mark in compiled.elapsed_marks:  # duration thresholds (AMB-10: session time)
            instant = walk.start + mark
            if lo < instant < hi:
                instants.add(instant)
        self.starts = [lo, *sorted(instants)]
        # per phase: segment index -> mask of the elements whose timed tests pass there
        self.masks: tuple[dict[int, int], ...] = ({}, {}, {})

    def _local_marks(self, lo: datetime, hi: datetime, out: set[datetime]) -> None:
        """The UTC instants of the tariff's local time-of-day marks strictly inside (lo, hi)."""
        walk = self.walk
        tz = walk.tz
        day, last = walk.local(lo).date(), walk.local(hi).date()
        assert tz is not None
        steps = self.compiled.tod_steps
        cache = self.compiled.day_marks
        while day <= last:
            key = (tz, day)
            instants = cache.get(key)
            if instants is None:
                if len(cache) >= _DAY_MARKS_MAX:
                    cache.clear()
                instants = cache[key] = _day_marks(tz, day, steps)
            for instant in instants:
                if lo < instant < hi:
                    out.add(instant)
            day += _DAY

    def locate(self, instant: datetime, hint: int = 0) -> int:
        """Index of the segment containing ``instant`` (searching forward from ``hint``)."""
        starts = self.starts
        n = len(starts)
        if hint < n and starts[hint] <= instant:
            k = hint
            while k + 1 < n and starts[k + 1] <= instant:
                k += 1
            return k
        return max(bisect_right(starts, instant) - 1, 0)

    def mask(self, phase: int, k: int) -> int:
        """Restricted elements of ``phase`` whose timed tests pass in segment ``k`` (cached)."""
        masks = self.masks[phase]
        mask = masks.get(k)
        if mask is None:
            instant = self.starts[k]
            ct = self.compiled
            state = self.walk.state(ct, None, instant, instant, ZERO, ZERO)
            mask = masks[k] = ct.timed_mask(phase, state)
        return mask

    def inside(self, k: int, start: datetime, end: datetime) -> list[datetime]:
        """Segment starts strictly inside (start, end), given that ``start`` is in segment k."""
        starts = self.starts
        out: list[datetime] = []
        k += 1
        while k < len(starts) and starts[k] < end:
            if starts[k] > start:
                out.append(starts[k])
            k += 1
        return out
