"""The objects a mock owns and publishes on its Sender interfaces, one catalog per kind.

:class:`StoreCatalog` keeps everything in the store. :class:`SeededCatalog` serves the lazy,
seeded Locations of ``seed_data.generate_world`` (100,000 cost nothing until read) and keeps
only what changed, or was added, in the store: memory stays flat however many Locations the
sandbox publishes. Both answer pages in creation order with the date filters of
``transport_and_format`` §Paginated Request (REQ-TF-026/033).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

from mock_partners.seed_data import LocationSequence
from mock_partners.store import Doc, Page, Store, stamp_of


class Catalog(Protocol):
    def get(self, object_id: str) -> Doc | None: ...

    def put(self, doc: Doc) -> bool: ...

    def page(
        self,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page: ...

    def count(self) -> int: ...


def object_id(doc: Doc) -> str:
    """The store id of an object: ``id``, or ``uid`` + TAB + ``type`` for Tokens (REQ-TOK-003)."""
    if "uid" in doc and "id" not in doc:
        return f"{doc['uid']}\t{doc.get('type', 'RFID')}"
    return str(doc["id"])


class StoreCatalog:
    """Objects of one kind and owner, all in the store."""

    def __init__(self, store: Store, kind: str, country_code: str, party_id: str) -> None:
        self.store, self.kind = store, kind
        self.owner = (country_code, party_id)

    def get(self, object_id: str) -> Doc | None:
        return self.store.get(self.kind, *self.owner, object_id)

    def put(self, doc: Doc) -> bool:
        return self.store.put(self.kind, *self.owner, object_id(doc), doc)

    def seed(self, docs: Sequence[Doc]) -> None:
        self.store.put_many(self.kind, ((*self.owner, object_id(d), d) for d in docs))

    def page(
        self,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page:
        return self.store.page(
            self.kind, offset=offset, limit=limit, date_from=date_from, date_to=date_to
        )

    def count(self) -> int:
        return self.store.count(self.kind)


class SeededCatalog:
    """Seeded Locations plus an overlay of changed and added ones kept in the store.

    Order: the seeded Locations in index order (their creation order), each replaced by its
    changed version if there is one, then the added ones in the order they were added.
    """

    def __init__(
        self,
        base: Sequence[dict[str, Any]],
        store: Store,
        kind: str,
        country_code: str,
        party_id: str,
    ) -> None:
        self.base = base
        self.store, self.kind = store, kind
        self.owner = (country_code, party_id)

    def _index(self, object_id: str) -> int | None:
        if isinstance(self.base, LocationSequence):
            return self.base.index_of(object_id)
        wanted = object_id.upper()
        return next((i for i, d in enumerate(self.base) if str(d["id"]).upper() == wanted), None)

    def _stamp(self, index: int) -> str:
        if isinstance(self.base, LocationSequence):
            return stamp_of(self.base.last_updated(index))
        return stamp_of(self.base[index].get("last_updated"))

    def get(self, object_id: str) -> Doc | None:
        changed = self.store.get(self.kind, *self.owner, object_id)
        if changed is not None:
            return changed
        index = self._index(object_id)
        return dict(self.base[index]) if index is not None else None

    def put(self, doc: Doc) -> bool:
        object_id = str(doc["id"])
        known = self._index(object_id) is not None
        created = self.store.put(self.kind, *self.owner, object_id, doc)
        return created and not known

    def _changed(self) -> tuple[dict[int, Doc], list[Doc]]:
        """Changed seeded Locations by index, and the added ones in order."""
        changed: dict[int, Doc] = {}
        added: list[Doc] = []
        for doc in self.store.iterate(self.kind):
            index = self._index(str(doc["id"]))
            if index is None:
                added.append(doc)
            else:
                changed[index] = doc
        return changed, added

    def _base_range(self, low: str | None, high: str | None) -> range:
        if isinstance(self.base, LocationSequence):
            lo = None if low is None else _parse(low)
            hi = None if high is None else _parse(high)
            return self.base.index_range(lo, hi)
        return range(len(self.base))

    def page(
        self,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page:
        low = stamp_of(date_from) if date_from is not None else None
        high = stamp_of(date_to) if date_to is not None else None

        def inside(stamp: str) -> bool:
            return (low is None or stamp >= low) and (high is None or stamp < high)

        changed, added = self._changed()
        candidates = self._base_range(low, high)
        lazy = isinstance(self.base, LocationSequence)
        if not changed and lazy:
            selected: Sequence[int] = candidates
        else:
            keep = {i for i in candidates if i not in changed and (lazy or inside(self._stamp(i)))}
            keep.update(
                i for i, doc in changed.items() if inside(stamp_of(doc.get("last_updated")))
            )
            selected = sorted(keep)
        extra = [doc for doc in added if inside(stamp_of(doc.get("last_updated")))]
        total = len(selected) + len(extra)
        stop = total if limit is None else min(total, offset + limit)
        items = [
            changed[i] if i in changed else self.base[i] for i in islice(selected, offset, stop)
        ]
        if stop > len(selected):
            items.extend(extra[max(offset - len(selected), 0) : stop - len(selected)])
        return Page(items, total)

    def count(self) -> int:
        _, added = self._changed()
        return len(self.base) + len(added)

    def iterate(self) -> Iterator[Doc]:
        return iter(self.page().items)


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp + "+0000", "%Y-%m-%dT%H:%M:%S.%f%z")
