"""Time comes from outside: everything that needs "now" takes a :class:`Clock`.

This is the only module allowed to read the system clock.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of wall-clock time (timezone-aware, UTC) and of a monotonic counter."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(tz=UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FrozenClock:
    """A clock that moves only when :meth:`advance` (or :meth:`set`) is called."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._mono = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("a clock never goes backwards")
        with self._lock:
            self._now += delta
            self._mono += delta.total_seconds()
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FrozenClock needs timezone-aware times")
        self.advance(when.astimezone(UTC) - self.now())


class FollowingClock:
    """The real clock plus the simulated time a live SUT has been moved forward by (``tick``
    steps through its hook), so that ``now`` in a suite stays the SUT's now. Waiting
    (:meth:`monotonic`) stays real."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return self._base.now() + offset

    def monotonic(self) -> float:
        return self._base.monotonic()

    def follow(self, delta: timedelta) -> None:
        """The SUT's clock went ``delta`` further than the real one."""
        if delta < timedelta(0):
            raise ValueError("a clock never goes backwards")
        with self._lock:
            self._offset += delta
