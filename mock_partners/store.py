"""Where a mock keeps its objects: the :class:`Store` protocol and the in-memory store.

Documents are JSON objects (wire dicts) keyed by ``(kind, country_code, party_id, id)``. Keys
are compared case-insensitively (CiString, ``types`` §CiString): each part is upper-cased.
A kind names what is stored, e.g. ``"2.2.1/locations"`` or ``"registration"``.

Order is creation order: replacing a document keeps its place, so the same list URL gives the
same sequence (REQ-TF-033). ``date_from``/``date_to`` filter on the document's ``last_updated``,
inclusive and exclusive (REQ-TF-026). Returned documents belong to the store: copy before
changing them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Protocol

from harness.ocpi import parse_datetime

Doc = dict[str, Any]
KeyParts = tuple[str, str, str]
OwnedDoc = tuple[str, str, str, Doc]
"""``(country_code, party_id, id, document)``."""


def key_parts(country_code: str, party_id: str, object_id: str) -> KeyParts:
    return (country_code.upper(), party_id.upper(), object_id.upper())


def stamp_of(value: object) -> str:
    """A sortable text for a DateTime (``""`` when absent or unreadable)."""
    if isinstance(value, datetime):
        moment: datetime | None = value.astimezone(UTC)
    else:
        moment = parse_datetime(value, lenient=True).value
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") if moment is not None else ""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a filtered list and the size of the whole filtered list."""

    items: list[Doc]
    total: int


class Store(Protocol):
    """Storage for a mock's documents (memory or SQLite)."""

    def get(self, kind: str, country_code: str, party_id: str, object_id: str) -> Doc | None: ...

    def put(self, kind: str, country_code: str, party_id: str, object_id: str, doc: Doc) -> bool:
        """Create or replace; True when the document is new."""
        ...

    def put_many(self, kind: str, docs: Iterable[OwnedDoc]) -> None: ...

    def delete(self, kind: str, country_code: str, party_id: str, object_id: str) -> bool: ...

    def page(
        self,
        kind: str,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page: ...

    def iterate(self, kind: str) -> Iterator[Doc]: ...

    def count(self, kind: str) -> int: ...

    def counts(self) -> dict[str, int]: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class _Entry:
    doc: Doc
    stamp: str


class InMemoryStore:
    """A :class:`Store` in dictionaries; safe to use from several threads."""

    def __init__(self) -> None:
        self._kinds: dict[str, dict[KeyParts, _Entry]] = {}
        self._lock = threading.RLock()

    def get(self, kind: str, country_code: str, party_id: str, object_id: str) -> Doc | None:
        with self._lock:
            entry = self._kinds.get(kind, {}).get(key_parts(country_code, party_id, object_id))
            return entry.doc if entry is not None else None

    def put(self, kind: str, country_code: str, party_id: str, object_id: str, doc: Doc) -> bool:
        key = key_parts(country_code, party_id, object_id)
        with self._lock:
            table = self._kinds.setdefault(kind, {})
            created = key not in table
            table[key] = _Entry(doc, stamp_of(doc.get("last_updated")))
            return created

    def put_many(self, kind: str, docs: Iterable[OwnedDoc]) -> None:
        with self._lock:
            table = self._kinds.setdefault(kind, {})
            for country_code, party_id, object_id, doc in docs:
                key = key_parts(country_code, party_id, object_id)
                table[key] = _Entry(doc, stamp_of(doc.get("last_updated")))

    def delete(self, kind: str, country_code: str, party_id: str, object_id: str) -> bool:
        with self._lock:
            table = self._kinds.get(kind, {})
            return table.pop(key_parts(country_code, party_id, object_id), None) is not None

    def page(
        self,
        kind: str,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page:
        low = stamp_of(date_from) if date_from is not None else None
        high = stamp_of(date_to) if date_to is not None else None
        stop = None if limit is None else offset + limit
        with self._lock:
            entries = self._kinds.get(kind, {}).values()
            if low is None and high is None:
                return Page([e.doc for e in islice(entries, offset, stop)], len(entries))
            matching = [
                e.doc
                for e in entries
                if (low is None or e.stamp >= low) and (high is None or e.stamp < high)
            ]
        return Page(matching[offset:stop], len(matching))

    def iterate(self, kind: str) -> Iterator[Doc]:
        with self._lock:
            docs = [e.doc for e in self._kinds.get(kind, {}).values()]
        return iter(docs)

    def count(self, kind: str) -> int:
        with self._lock:
            return len(self._kinds.get(kind, {}))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {kind: len(table) for kind, table in sorted(self._kinds.items()) if table}

    def close(self) -> None:
        """Nothing to release."""
