"""The mock CPO's CDR history (each billing rule exercised), the misprice_cdr fault, and CDR
corrections (Credit CDR + replacement) through the control API."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from harness.billing import parse_json, verify_cdr
from harness.billing.exercise import FEATURES, MISTAKES, exercised
from mock_partners import Exchange, ExchangeFilter
from mock_partners.fault_rules.mispricing import misprice_cdr, zone_of
from mock_partners.seed.cdr_history import SCENARIOS, build_cdr_history
from mock_partners.seed_data import generate_world
from tests.mock_partners.conftest import Starter, make_pair
from tests.mock_partners.helpers import Control, auth, envelope_ok, module_url

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
_HISTORY: dict[str, list[dict[str, Any]]] = {}


def history(version: str) -> list[dict[str, Any]]:
    if version not in _HISTORY:
        world = generate_world(version=version, seed=7, role="cpo", start=NOW)
        _HISTORY[version] = build_cdr_history(
            version=version,
            seed=7,
            country_code="NL",
            party_id="EXA",
            locations=world.locations,
            tariffs=world.tariffs,
            tokens=world.tokens,
            now=NOW,
        )
    return _HISTORY[version]


def _raw(cdr: dict[str, Any]) -> Any:
    return parse_json(json.dumps(cdr))


@pytest.mark.parametrize(
    ("version", "absent"),
    [
        ("2.1.1", {"min_price", "max_price", "reservation_expires"}),  # not expressible in 2.1.1
        ("2.2.1", set()),
        ("2.3.0", set()),
    ],
)
def test_the_history_exercises_every_rule_and_is_priced_right(
    version: str, absent: set[str]
) -> None:
    cdrs = history(version)
    assert cdrs and all(c["last_updated"] < "2026-03-01T12:00:00Z" for c in cdrs)
    covered: set[str] = set()
    for cdr in cdrs:
        result = verify_cdr(None, _raw(cdr), time_zone=zone_of(cdr), version=version,
                            reservation_expired=cdr["total_energy"] == 0)  # fmt: skip
        assert not [f for f in result.findings if f.level != "INFO"], result.to_json_text()
        expired = cdr["total_energy"] == 0
        covered |= set(exercised(_raw(cdr), time_zone=zone_of(cdr), version=version,
                                 reservation_expired=expired))  # fmt: skip
    assert covered == set(FEATURES) - absent
    assert len(cdrs) == len(SCENARIOS) - (1 if version == "2.1.1" else 0)  # no reservations


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_misprices_some_cdr_and_verification_catches_it(mistake: str) -> None:
    caught = 0
    for original in history("2.2.1"):
        cdr = copy.deepcopy(original)
        if not misprice_cdr(cdr, mistake, "2.2.1", None):
            assert cdr == original  # untouched when the mistake changes nothing
            continue
        expired = cdr["total_energy"] == 0
        result = verify_cdr(None, _raw(cdr), time_zone=zone_of(cdr), version="2.2.1",
                            reservation_expired=expired)  # fmt: skip
        assert not result.ok or any(f.ref == "REQ-CDR-013" for f in result.findings)
        caught += 1
    assert caught >= 1


def test_misprice_rewrites_totals_consistently() -> None:
    original = next(c for c in history("2.2.1") if c["tariffs"][0]["id"] == "DC-START-MAX"
                    and c["total_cost"]["excl_vat"] > 10)  # fmt: skip
    cdr = copy.deepcopy(original)
    assert misprice_cdr(cdr, "ignore_max_price", "2.2.1", "Europe/Amsterdam")
    assert cdr["total_cost"]["excl_vat"] > original["total_cost"]["excl_vat"]
    assert cdr["total_cost"]["excl_vat"] == pytest.approx(
        cdr["total_fixed_cost"]["excl_vat"] + cdr["total_energy_cost"]["excl_vat"]
    )
    assert not misprice_cdr(copy.deepcopy(original), "ignore_kwh", "2.2.1", None)


def _cdr_posts(pair: Any) -> list[Exchange]:
    wanted = ExchangeFilter(direction="inbound", module="cdrs", method="POST")
    assert isinstance(pair.emsp.state.calls.wait_for(wanted, 10.0), Exchange)
    return list(pair.emsp.state.calls.entries(wanted))


def test_correct_cdr_sends_a_credit_then_a_replacement(
    http: httpx.Client, start_mock: Starter
) -> None:
    pair = make_pair(start_mock, "2.2.1")
    control = Control(pair.cpo)
    listed = envelope_ok(
        http.get(module_url(pair.cpo, "2.2.1", "cdrs"), headers=auth(pair.cpo_token))
    )
    original = listed["data"][0]
    answer = control.ok("POST", f"/cdrs/{original['id']}/correct", {})
    assert answer["credit_cdr_id"] == f"{original['id']}-C" and answer["cdr_id"] != original["id"]
    posts = _cdr_posts(pair)
    assert len(posts) == 2
    credit, replacement = (p.request_json for p in posts)
    assert credit["credit"] is True and credit["credit_reference_id"] == original["id"]
    negated = {k: -float(v) for k, v in original["total_cost"].items()}
    assert {k: float(v) for k, v in credit["total_cost"].items()} == negated
    assert json.dumps(credit["charging_periods"], default=float) == json.dumps(
        original["charging_periods"], default=float
    )
    assert replacement["id"] == answer["cdr_id"]
    assert "credit" not in replacement and "credit_reference_id" not in replacement
    assert json.dumps(replacement["total_cost"], default=float) == json.dumps(
        original["total_cost"], default=float
    )
    # both are listed next to the original, which is unchanged
    after = envelope_ok(
        http.get(module_url(pair.cpo, "2.2.1", "cdrs"), headers=auth(pair.cpo_token))
    )
    ids = [c["id"] for c in after["data"]]
    assert {original["id"], credit["id"], replacement["id"]} <= set(ids)
    assert len(ids) == len(set(ids))
    # a credit CDR is not corrected again, an unknown CDR is a 404, 2.1.1 has no credit CDRs
    assert control.call("POST", f"/cdrs/{credit['id']}/correct", {}).status_code == 409
    assert control.call("POST", "/cdrs/NOPE/correct", {}).status_code == 404
    assert control.call("POST", f"/cdrs/{original['id']}/correct",
                        {"version": "2.1.1"}).status_code in (404, 501)  # fmt: skip


def test_the_history_catalog_fills_itself_on_first_use_only() -> None:
    from mock_partners.seed.cdr_history import HistoryCatalog
    from mock_partners.store import InMemoryStore

    calls: list[int] = []

    def fill(catalog: Any) -> None:
        calls.append(1)
        catalog.seed(history("2.2.1"))

    catalog = HistoryCatalog(InMemoryStore(), "2.2.1/cdrs", "NL", "EXA", fill)
    assert calls == []
    assert catalog.count() == len(history("2.2.1")) and calls == [1]
    assert catalog.page(limit=2).items and catalog.get(history("2.2.1")[0]["id"]) is not None
    assert calls == [1]
    # the same inputs give the same history (cached, copied out: changing one is harmless)
    world = generate_world(version="2.2.1", seed=7, role="cpo", start=NOW)
    args: dict[str, Any] = {
        "version": "2.2.1",
        "seed": 7,
        "country_code": "NL",
        "party_id": "EXA",
        "locations": world.locations,
        "tariffs": world.tariffs,
        "tokens": world.tokens,
        "now": NOW,
    }
    first = build_cdr_history(**args)
    first[0]["id"] = "CHANGED"
    assert build_cdr_history(**args)[0]["id"] == history("2.2.1")[0]["id"] != "CHANGED"
