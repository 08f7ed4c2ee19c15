"""Both stores keep the same contract; a SQLite sandbox survives a restart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from mock_partners import InMemoryStore, SqliteStore, Store
from tests.mock_partners.conftest import Starter
from tests.mock_partners.helpers import V221, Control, auth, envelope_ok, module_url


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store = (
        InMemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "mock.db")
    )
    yield made
    made.close()


def doc(object_id: str, stamp: str, **extra: object) -> dict[str, object]:
    return {"id": object_id, "last_updated": stamp, **extra}


def test_put_get_delete_case_insensitive(store: Store) -> None:
    assert store.put("k", "nl", "cpo", "Loc1", doc("Loc1", "2026-01-01T00:00:00Z")) is True
    assert store.put("k", "NL", "CPO", "LOC1", doc("Loc1", "2026-01-02T00:00:00Z")) is False
    found = store.get("k", "NL", "cpo", "loc1")
    assert found is not None and found["last_updated"] == "2026-01-02T00:00:00Z"
    assert store.get("other", "NL", "CPO", "LOC1") is None
    assert (
        store.delete("k", "NL", "CPO", "loc1") is True
        and store.delete("k", "NL", "CPO", "loc1") is False
    )
    assert store.count("k") == 0


def test_pages_keep_creation_order_and_filter_dates(store: Store) -> None:
    stamps = [
        "2026-01-03T00:00:00Z",
        "2026-01-01T00:00:00Z",
        "2026-01-02T00:00:00.500Z",
        "2026-01-02T00:00:00Z",
    ]
    store.put_many("k", [("NL", "CPO", f"L{i}", doc(f"L{i}", s)) for i, s in enumerate(stamps)])
    store.put("k", "NL", "CPO", "L0", doc("L0", "2026-01-04T00:00:00Z"))  # updated in place
    page = store.page("k", offset=1, limit=2)
    assert [d["id"] for d in page.items] == ["L1", "L2"] and page.total == 4
    window = store.page(
        "k",
        date_from=datetime(2026, 1, 2, tzinfo=UTC),
        date_to=datetime(2026, 1, 2, 0, 0, 0, 500000, tzinfo=UTC),
    )
    assert [d["id"] for d in window.items] == ["L3"] and window.total == 1
    assert [d["id"] for d in store.iterate("k")] == ["L0", "L1", "L2", "L3"]
    assert store.counts() == {"k": 4}


def test_money_keeps_its_decimals(store: Store) -> None:
    store.put("k", "NL", "CPO", "T", {"id": "T", "price": Decimal("0.2500")})
    found = store.get("k", "NL", "CPO", "T")
    assert found is not None and Decimal(str(found["price"])) == Decimal("0.25")


def test_sqlite_sandbox_survives_a_restart(
    http: httpx.Client, start_mock: Starter, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = tmp_path / "cpo.db"
    first_store = SqliteStore(db)
    cpo = start_mock("cpo", store=first_store)
    emsp = start_mock("emsp")
    registration = Control(emsp).register_with(cpo)
    token = registration["token_out"]
    changed = dict(cpo.state.worlds[V221].locations[2], name="Kept across restarts")
    cpo.state.catalog(cpo.state.config.versions[1], "locations").put(changed)
    cpo.stop()
    first_store.close()

    second_store = SqliteStore(db)
    request.addfinalizer(second_store.close)
    again = start_mock("cpo", store=second_store)
    [kept] = again.state.partners.registrations
    assert kept.token_in == token and not again.state.partners.token_a_armed
    listed = envelope_ok(
        http.get(module_url(again, "2.2.1", "locations") + "?limit=3", headers=auth(token))
    )
    assert listed["data"][2]["name"] == "Kept across restarts"
    assert http.get(again.versions_url, headers=auth(again.token_a)).status_code == 401
