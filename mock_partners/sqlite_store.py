"""A :class:`~mock_partners.store.Store` in one SQLite file, so a sandbox survives a restart.

One table of JSON documents keyed by ``(kind, country_code, party_id, id)`` (upper-cased, as in
the memory store). The rowid keeps creation order: an upsert replaces the document in place.
Numbers with fractions are read back as Decimal, as everywhere in the mocks.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import cast

from mock_partners.jsonio import dumps_text, loads
from mock_partners.store import Doc, OwnedDoc, Page, key_parts, stamp_of

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    country_code TEXT NOT NULL,
    party_id TEXT NOT NULL,
    id TEXT NOT NULL,
    stamp TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, country_code, party_id, id)
);
CREATE INDEX IF NOT EXISTS documents_by_stamp ON documents (kind, stamp);
"""

_UPSERT = """
INSERT INTO documents (kind, country_code, party_id, id, stamp, doc) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (kind, country_code, party_id, id)
DO UPDATE SET stamp = excluded.stamp, doc = excluded.doc
"""


def _doc(text: str) -> Doc:
    return cast(Doc, loads(text))


class SqliteStore:
    """Documents in an SQLite database file (created if missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()

    def get(self, kind: str, country_code: str, party_id: str, object_id: str) -> Doc | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM documents WHERE kind=? AND country_code=? AND party_id=? AND id=?",
                (kind, *key_parts(country_code, party_id, object_id)),
            ).fetchone()
        return _doc(row[0]) if row is not None else None

    def put(self, kind: str, country_code: str, party_id: str, object_id: str, doc: Doc) -> bool:
        parts = key_parts(country_code, party_id, object_id)
        with self._lock:
            exists = self._db.execute(
                "SELECT 1 FROM documents WHERE kind=? AND country_code=? AND party_id=? AND id=?",
                (kind, *parts),
            ).fetchone()
            self._db.execute(
                _UPSERT, (kind, *parts, stamp_of(doc.get("last_updated")), dumps_text(doc))
            )
        return exists is None

    def put_many(self, kind: str, docs: Iterable[OwnedDoc]) -> None:
        rows = (
            (kind, *key_parts(cc, pid, oid), stamp_of(doc.get("last_updated")), dumps_text(doc))
            for cc, pid, oid, doc in docs
        )
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(_UPSERT, rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def delete(self, kind: str, country_code: str, party_id: str, object_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM documents WHERE kind=? AND country_code=? AND party_id=? AND id=?",
                (kind, *key_parts(country_code, party_id, object_id)),
            )
        return cursor.rowcount > 0

    def page(
        self,
        kind: str,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page:
        where = ["kind = ?"]
        args: list[object] = [kind]
        if date_from is not None:
            where.append("stamp >= ?")
            args.append(stamp_of(date_from))
        if date_to is not None:
            where.append("stamp < ?")
            args.append(stamp_of(date_to))
        condition = " AND ".join(where)
        with self._lock:
            total = self._db.execute(
                f"SELECT COUNT(*) FROM documents WHERE {condition}", args
            ).fetchone()[0]
            rows = self._db.execute(
                f"SELECT doc FROM documents WHERE {condition} ORDER BY rowid LIMIT ? OFFSET ?",
                [*args, -1 if limit is None else limit, offset],
            ).fetchall()
        return Page([_doc(row[0]) for row in rows], int(total))

    def iterate(self, kind: str) -> Iterator[Doc]:
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM documents WHERE kind = ? ORDER BY rowid", (kind,)
            ).fetchall()
        return (_doc(row[0]) for row in rows)

    def count(self, kind: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM documents WHERE kind = ?", (kind,))
            return int(row.fetchone()[0])

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT kind, COUNT(*) FROM documents GROUP BY kind ORDER BY kind"
            ).fetchall()
        return {str(kind): int(n) for kind, n in rows}

    def close(self) -> None:
        with self._lock:
            self._db.close()
