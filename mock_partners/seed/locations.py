"""Seeded Locations, built lazily and deterministically from (seed, index).

:class:`LocationSequence` is a ``Sequence[dict]``: ``len()``, indexing, slicing and iteration
build each Location on demand from its own random stream (``derive_seed(seed, "location", i)``)
and from the world's single Faker instance reseeded for that index under a lock, so 100,000
Locations cost almost nothing until a page is read, any page can be read first, and the same
seed always gives byte-identical objects.

Locations are ordered by ``last_updated`` (spread over ``history`` before ``start``), so
date filters become index ranges (:meth:`LocationSequence.index_range`) and a page of a
filtered list is a slice. Every child's ``last_updated`` is at or before its parent's.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, overload
from zoneinfo import ZoneInfo

from faker import Faker

from mock_partners.seed.common import derive_seed, rng_for
from mock_partners.seed.countries import Country
from mock_partners.seed.location_builder import LocationBuilder, state_of
from mock_partners.seed.tariffs import TariffSet

__all__ = ["LocationSequence"]


class LocationSequence(Sequence[dict[str, Any]]):
    """A lazy, read-only sequence of seeded Location wire objects (see the module docstring)."""

    def __init__(
        self,
        *,
        version: str,
        seed: int,
        count: int,
        country: Country,
        country_code: str,
        party_id: str,
        start: datetime,
        history: timedelta,
        tariffs: TariffSet,
        operator: dict[str, Any],
        fake: Faker,
    ) -> None:
        if count < 0:
            raise ValueError("the number of locations cannot be negative")
        self.version = version
        self.seed = seed
        self._count = count
        self.country = country
        self.country_code = country_code
        self.party_id = party_id
        self.start = start
        self.history = history
        self.tariffs = tariffs
        self.operator = operator
        self._fake = fake
        self._lock = threading.Lock()
        self._zone_cache: dict[str, ZoneInfo] = {}
        span_ms = max(int(history.total_seconds() * 1000), 1)
        self._step_ms = span_ms / max(count, 1)
        self._whole_seconds = self._step_ms >= 2000
        self._base = start - timedelta(milliseconds=span_ms)

    # -- Sequence ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self.build(i) for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"location index {index} out of range (0..{self._count - 1})")
        return self.build(index)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self._count):
            yield self.build(i)

    def __repr__(self) -> str:
        return (
            f"LocationSequence(version={self.version!r}, seed={self.seed}, count={self._count}, "
            f"country_code={self.country_code!r}, party_id={self.party_id!r})"
        )

    # -- cheap look-ups (no object is built) -------------------------------------------------

    def id_of(self, index: int) -> str:
        return f"LOC{index:06d}"

    def index_of(self, location_id: str) -> int | None:
        """The index of the Location with ``location_id`` (case-insensitive), or None."""
        text = location_id.upper()
        if not text.startswith("LOC") or not text[3:].isdigit():
            return None
        index = int(text[3:])
        if index >= self._count or self.id_of(index) != text:
            return None
        return index

    def last_updated(self, index: int) -> datetime:
        """``last_updated`` of Location ``index``; non-decreasing in ``index``, before start."""
        jitter = derive_seed(self.seed, "last_updated", index) / 2**64
        offset_ms = int((index + jitter) * self._step_ms)
        if self._whole_seconds:
            offset_ms -= offset_ms % 1000
        return self._base + timedelta(milliseconds=offset_ms)

    def index_range(
        self, date_from: datetime | None = None, date_to: datetime | None = None
    ) -> range:
        """Indices of the Locations with ``date_from <= last_updated < date_to`` (REQ-TF-026)."""
        keys = range(self._count)
        lo = 0 if date_from is None else bisect.bisect_left(keys, date_from, key=self.last_updated)
        hi = (
            self._count
            if date_to is None
            else bisect.bisect_left(keys, date_to, key=self.last_updated)
        )
        return range(lo, max(lo, hi))

    # -- building ---------------------------------------------------------------------------

    def zone(self, name: str) -> ZoneInfo:
        zone = self._zone_cache.get(name)
        if zone is None:
            zone = self._zone_cache[name] = ZoneInfo(name)
        return zone

    def build(self, index: int) -> dict[str, Any]:
        """Location ``index`` as a fresh dict (callers may mutate it)."""
        rng = rng_for(self.seed, "location", index)
        with self._lock:
            fake = self._fake
            fake.seed_instance(derive_seed(self.seed, "faker", index))
            street = fake.street_name()
            address = fake.street_address()
            city = fake.city()
            postcode = str(fake.postcode())
            company = fake.company()
            surname = fake.last_name()
            state = state_of(fake, self.country.code)
        return LocationBuilder(self, index, rng).build(
            street=street, address=address, city=city, postcode=postcode, company=company,
            surname=surname, state=state,
        )  # fmt: skip
