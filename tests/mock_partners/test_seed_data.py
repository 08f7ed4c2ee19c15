"""Seeded worlds: valid, deterministic, local, cheap, and internally consistent."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harness.errors import UnknownVersionError, UsageError
from harness.ocpi.timestamps import parse_datetime
from harness.schemas import validate
from mock_partners.seed_data import (
    COUNTRIES,
    TOKEN_TYPES,
    WHITELISTS,
    LocationSequence,
    World,
    active_tariff,
    emaid_check_digit,
    generate_world,
)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
VERSIONS = ("2.1.1", "2.2.1", "2.3.0")


def _when(text: str) -> datetime:
    value = parse_datetime(text).value
    assert value is not None, text
    return value


def _world(version: str, seed: int = 7, **kw: Any) -> World:
    return generate_world(version=version, seed=seed, role="cpo", start=START, **kw)


def _errors(version: str, name: str, obj: object) -> list[str]:
    return [f"{v.path} {v.rule}: {v.message}" for v in validate(version, name, obj)]


def _sample(n: int, k: int, seed: int = 0) -> list[int]:
    picked = random.Random(seed).sample(range(n), min(k, n))
    return sorted({0, n - 1, *picked})


@pytest.mark.parametrize("version", VERSIONS)
def test_every_object_validates_without_any_violation(version: str) -> None:
    world = _world(version, locations=300, tokens=80)
    for loc in world.locations:
        assert _errors(version, "Location", loc) == [], loc["id"]
    for tariff in world.tariffs:
        assert _errors(version, "Tariff", tariff) == [], tariff["id"]
    for token in world.tokens:
        assert _errors(version, "Token", token) == [], token["uid"]


@pytest.mark.parametrize("version", VERSIONS)
def test_sampled_locations_of_a_large_world_validate(version: str) -> None:
    world = _world(version, seed=99, locations=100_000)
    for index in _sample(100_000, 120, seed=1):
        loc = world.locations[index]
        assert loc["id"] == f"LOC{index:06d}"
        assert _errors(version, "Location", loc) == [], loc["id"]


@pytest.mark.parametrize("code", sorted(COUNTRIES))
def test_every_country_gives_valid_local_data(code: str) -> None:
    world = generate_world(
        version="2.3.0", seed=3, role="cpo", country_code=code, locations=40, start=START
    )
    facts = COUNTRIES[code]
    zones = {zone for _, zone in facts.zones}
    for loc in world.locations:
        assert _errors("2.3.0", "Location", loc) == [], (code, loc["id"])
        assert loc["country"] == facts.alpha3 and loc["country_code"] == code
        assert loc["time_zone"] in zones
        lat, lon = float(loc["coordinates"]["latitude"]), float(loc["coordinates"]["longitude"])
        assert facts.lat[0] <= lat <= facts.lat[1] and facts.lon[0] <= lon <= facts.lon[1]
        for evse in loc["evses"]:
            assert evse["evse_id"].startswith(f"{code}*EXA*E")
    assert {t["currency"] for t in world.tariffs} == {facts.currency}
    for tariff in world.tariffs:
        assert _errors("2.3.0", "Tariff", tariff) == [], (code, tariff["id"])


@pytest.mark.parametrize("code", sorted(COUNTRIES))
def test_a_211_world_spells_local_names_in_printable_ascii(code: str) -> None:
    kw: dict[str, Any] = {"seed": 3, "country_code": code, "start": START}
    old = generate_world(version="2.1.1", role="cpo", locations=40, **kw)
    for loc in old.locations:
        assert json.dumps(loc, ensure_ascii=False).isascii(), loc["id"]
        assert _errors("2.1.1", "Location", loc) == [], (code, loc["id"])
    for tariff in old.tariffs:
        assert _errors("2.1.1", "Tariff", tariff) == [], (code, tariff["id"])
    emsp = generate_world(version="2.1.1", role="emsp", tokens=30, **kw)
    for token in emsp.tokens:
        assert _errors("2.1.1", "Token", token) == [], (code, token["uid"])


def test_only_211_folds_names_to_ascii() -> None:
    kw: dict[str, Any] = {"seed": 3, "role": "cpo", "country_code": "DE", "start": START}
    new = generate_world(version="2.2.1", locations=60, **kw)
    old = generate_world(version="2.1.1", locations=60, **kw)
    assert any(not json.dumps(loc, ensure_ascii=False).isascii() for loc in new.locations)
    assert all(json.dumps(loc, ensure_ascii=False).isascii() for loc in old.locations)


def test_us_world_spans_several_time_zones_and_uses_type1_connectors() -> None:
    world = generate_world(version="2.2.1", seed=5, role="cpo", country_code="US",
                           locations=200, start=START)  # fmt: skip
    assert len({loc["time_zone"] for loc in world.locations}) >= 3
    standards = {c["standard"] for loc in world.locations for e in loc["evses"]
                 for c in e["connectors"]}  # fmt: skip
    assert "IEC_62196_T1" in standards and "IEC_62196_T2" not in standards
    assert {t["currency"] for t in world.tariffs} == {"USD"}
    # no VAT in the US: sales tax is not a PriceComponent.vat
    assert all("vat" not in pc for t in world.tariffs for e in t["elements"]
               for pc in e["price_components"])  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_same_seed_gives_byte_identical_objects_in_any_access_order(version: str) -> None:
    a = _world(version, seed=42, locations=1000)
    b = _world(version, seed=42, locations=1000)
    order = [999, 3, 500, 3, 0]
    first = [json.dumps(a.locations[i], sort_keys=False) for i in order]
    second = [json.dumps(b.locations[i]) for i in reversed(order)][::-1]
    assert first == second
    assert json.dumps(a.tariffs) == json.dumps(b.tariffs)
    assert json.dumps(a.tokens) == json.dumps(b.tokens)
    assert json.dumps(a.locations[10:20]) == json.dumps([b.locations[i] for i in range(10, 20)])


@pytest.mark.parametrize("version", VERSIONS)
def test_different_seeds_give_different_data(version: str) -> None:
    a = _world(version, seed=1, locations=50)
    b = _world(version, seed=2, locations=50)
    same = sum(
        json.dumps(x) == json.dumps(y) for x, y in zip(a.locations, b.locations, strict=True)
    )
    assert same == 0
    assert [t["uid"] for t in a.tokens] != [t["uid"] for t in b.tokens]
    assert json.dumps(a.tariffs) != json.dumps(b.tariffs)


def test_a_hundred_thousand_locations_are_lazy_and_addressable() -> None:
    world = _world("2.2.1", seed=8, locations=100_000)
    locations = world.locations
    assert isinstance(locations, LocationSequence) and len(locations) == 100_000
    assert locations[-1]["id"] == "LOC099999" and locations[99_999] == locations[-1]
    page = locations[40_000:40_010]
    assert [loc["id"] for loc in page] == [f"LOC{i:06d}" for i in range(40_000, 40_010)]
    assert locations.index_of("loc012345") == 12_345
    assert locations.index_of("LOC100000") is None and locations.index_of("XYZ") is None
    assert world.location("LOC000017") == locations[17]
    with pytest.raises(IndexError):
        locations[100_000]


def test_last_updated_is_ordered_before_start_and_children_never_newer() -> None:
    world = _world("2.3.0", seed=4, locations=400)
    previous = START - timedelta(days=365)
    for i, loc in enumerate(world.locations):
        updated = _when(loc["last_updated"])
        assert updated == world.locations.last_updated(i)  # type: ignore[attr-defined]
        assert previous <= updated < START
        previous = updated
        for evse in loc["evses"]:
            evse_updated = _when(evse["last_updated"])
            assert evse_updated <= updated
            for connector in evse["connectors"]:
                assert _when(connector["last_updated"]) <= evse_updated
    span = _when(world.locations[-1]["last_updated"]) - _when(world.locations[0]["last_updated"])
    assert span > timedelta(days=80)  # spread over the history, so date filters bite
    for obj in [*world.tariffs, *world.tokens]:
        assert _when(obj["last_updated"]) <= START


def test_index_range_equals_filtering_by_last_updated() -> None:
    world = _world("2.2.1", seed=12, locations=300)
    seq = world.locations
    assert isinstance(seq, LocationSequence)
    stamps = [_when(loc["last_updated"]) for loc in seq]
    rng = random.Random(5)
    for _ in range(30):
        a, b = sorted(rng.sample(stamps, 2))
        expected = [i for i, t in enumerate(stamps) if a <= t < b]  # from inclusive, to exclusive
        assert list(seq.index_range(a, b)) == expected
    assert list(seq.index_range(None, None)) == list(range(300))
    assert list(seq.index_range(START, None)) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_connector_tariff_references_resolve_and_match_power_type(version: str) -> None:
    world = _world(version, seed=21, locations=300)
    ids = {t["id"] for t in world.tariffs}
    referenced: set[str] = set()
    for loc in world.locations:
        for evse in loc["evses"]:
            for connector in evse["connectors"]:
                refs = [connector["tariff_id"]] if version == "2.1.1" else connector["tariff_ids"]
                assert refs and set(refs) <= ids, (loc["id"], refs)
                referenced.update(refs)
                if connector["power_type"] == "DC":
                    assert all(r.startswith("DC") for r in refs)
                else:
                    assert not any(r.startswith("DC") for r in refs)
                assert active_tariff(world, connector, START) is not None
    assert referenced == ids - ({"AC-ENERGY-PREV"} if version == "2.1.1" else set())


def test_at_most_one_active_tariff_per_type_and_switch_over_in_time() -> None:
    world = _world("2.2.1", seed=30, locations=200)
    new = world.tariff("AC-ENERGY")
    old = world.tariff("AC-ENERGY-PREV")
    assert new is not None and old is not None
    switch = _when(new["start_date_time"])
    assert _when(old["end_date_time"]) == switch
    connector = {"tariff_ids": ["AC-ENERGY-PREV", "AC-ENERGY", "AC-TIME-OF-DAY"]}
    assert active_tariff(world, connector, switch - timedelta(seconds=1)) is old
    assert active_tariff(world, connector, switch) is new
    assert active_tariff(world, connector, START, "PROFILE_CHEAP")["id"] == "AC-TIME-OF-DAY"  # type: ignore[index]
    for loc in world.locations:
        for evse in loc["evses"]:
            for connector in evse["connectors"]:
                for moment in (switch - timedelta(days=1), START):
                    per_type: dict[str | None, int] = {}
                    for tariff_id in connector["tariff_ids"]:
                        tariff = world.tariff(tariff_id)
                        assert tariff is not None
                        lo = tariff.get("start_date_time")
                        hi = tariff.get("end_date_time")
                        after_start = lo is None or _when(lo) <= moment
                        if after_start and (hi is None or moment < _when(hi)):
                            per_type[tariff.get("type")] = per_type.get(tariff.get("type"), 0) + 1
                    assert all(n == 1 for n in per_type.values()), connector["tariff_ids"]


def _restrictions(world: World) -> list[dict[str, Any]]:
    return [e["restrictions"] for t in world.tariffs for e in t["elements"] if "restrictions" in e]


@pytest.mark.parametrize("version", VERSIONS)
def test_tariffs_exercise_the_restriction_semantics(version: str) -> None:
    world = _world(version)
    restrictions = _restrictions(world)
    keys = {k for r in restrictions for k in r}
    assert {"start_time", "end_time", "day_of_week", "min_power", "max_power", "min_kwh",
            "max_kwh", "min_duration"} <= keys  # fmt: skip
    assert any(r.get("start_time", "") > r.get("end_time", "~") for r in restrictions)  # wraps
    assert any(r.get("day_of_week") == ["SATURDAY", "SUNDAY"] for r in restrictions)
    components = [pc for t in world.tariffs for e in t["elements"] for pc in e["price_components"]]
    assert any(pc["type"] == "PARKING_TIME" and pc["step_size"] > 1 for pc in components)
    assert any(pc["type"] == "TIME" and pc["step_size"] > 1 for pc in components)
    assert any(pc["type"] == "FLAT" and pc["price"] > 0 for pc in components)
    assert any(
        len(e["price_components"]) == 1 and e["price_components"][0]["type"] == "ENERGY"
        and "restrictions" not in e and len(t["elements"]) == 1
        for t in world.tariffs for e in t["elements"]
    )  # energy-only  # fmt: skip
    free = world.tariff("FREE")  # REQ-TAR-008
    assert free is not None
    assert free["elements"] == [
        {"price_components": [{"type": "FLAT", "price": 0.0, "step_size": 0}]}
    ]
    if version == "2.1.1":
        assert "reservation" not in keys and all("type" not in t for t in world.tariffs)
        return
    assert {r.get("reservation") for r in restrictions} >= {"RESERVATION", "RESERVATION_EXPIRES"}
    capped = world.tariff("DC-START-MAX")
    assert capped is not None and capped["type"] == "AD_HOC_PAYMENT"
    assert "max_price" in capped and "min_price" in capped
    if version == "2.3.0":
        assert {t["tax_included"] for t in world.tariffs} == {"YES", "NO", "N/A"}
        assert set(capped["max_price"]) == {"before_taxes", "after_taxes"}
    else:
        assert set(capped["max_price"]) == {"excl_vat", "incl_vat"}


@pytest.mark.parametrize("version", VERSIONS)
def test_tokens_cover_every_type_and_whitelist_with_valid_emaids(version: str) -> None:
    world = _world(version, tokens=50)
    assert {t["type"] for t in world.tokens} == set(TOKEN_TYPES[version])
    assert {t["whitelist"] for t in world.tokens} == set(WHITELISTS)
    assert any(not t["valid"] for t in world.tokens) and any(t["valid"] for t in world.tokens)
    assert len({(t["uid"], t["type"]) for t in world.tokens}) == len(world.tokens)
    field = "auth_id" if version == "2.1.1" else "contract_id"
    for token in world.tokens:
        cc, party, instance, check = token[field].split("-")
        assert emaid_check_digit(cc + party + instance) == check
        if token["type"] in ("APP_USER", "AD_HOC_USER"):
            assert token["whitelist"] == "NEVER"  # REQ-TOK-018
        if version != "2.1.1":
            assert (token["country_code"], token["party_id"]) == world.emsp
        if token["type"] == "EMAID":
            assert token["uid"] == token[field].replace("-", "")


def test_ownership_follows_the_role() -> None:
    cpo = generate_world(version="2.2.1", seed=1, role="cpo", party_id="ABC", start=START)
    emsp = generate_world(version="2.2.1", seed=1, role="emsp", party_id="ABC", start=START)
    assert cpo.cpo == ("NL", "ABC") and cpo.emsp[1] != "ABC"
    assert emsp.emsp == ("NL", "ABC") and emsp.cpo[1] != "ABC"
    assert {t["party_id"] for t in cpo.tokens} == {cpo.emsp[1]}
    assert {t["party_id"] for t in emsp.tokens} == {"ABC"}
    assert {loc["party_id"] for loc in emsp.locations} == {emsp.cpo[1]}
    assert emsp.token(emsp.tokens[0]["uid"].lower(), emsp.tokens[0]["type"]) == emsp.tokens[0]


def test_bad_arguments_are_usage_errors() -> None:
    with pytest.raises(UnknownVersionError, match=r"2\.2\.1"):
        generate_world(version="2.2", seed=1, role="cpo", start=START)
    with pytest.raises(UsageError, match="known countries"):
        generate_world(version="2.2.1", seed=1, role="cpo", country_code="XX", start=START)
    with pytest.raises(UsageError, match="timezone-aware"):
        generate_world(version="2.2.1", seed=1, role="cpo", start=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(UsageError, match="party_id"):
        generate_world(version="2.2.1", seed=1, role="cpo", party_id="TOOLONG", start=START)


def test_emaid_check_digit_matches_published_vectors() -> None:
    bodies = ["NN123ABCDEFGHI", "FRXYZ123456789", "ITA1B2C3E4F5G6", "ESZU8WOX834H1D",
              "PT73902837ABCZ", "DE83DUIEN83QGZ", "DE83DUIEN83ZGQ", "DE8AA001234567"]  # fmt: skip
    assert "".join(emaid_check_digit(b) for b in bodies) == "T24RZDM0"
    with pytest.raises(ValueError, match="14"):
        emaid_check_digit("NL")


def test_locations_show_realistic_variety() -> None:
    world = _world("2.2.1", seed=17, locations=500)
    locs = list(world.locations)
    evse_counts = [len(loc["evses"]) for loc in locs]
    assert min(evse_counts) >= 1 and max(evse_counts) <= 8
    connectors = [c for loc in locs for e in loc["evses"] for c in e["connectors"]]
    assert all(1 <= len(e["connectors"]) <= 3 for loc in locs for e in loc["evses"])
    powers = {c["max_electric_power"] for c in connectors if c["power_type"] == "DC"}
    assert {50_000, 150_000, 350_000} <= powers
    assert {11_000, 22_000} <= {c["max_electric_power"] for c in connectors
                                if c["standard"] == "IEC_62196_T2"}  # fmt: skip
    assert "CHADEMO" in {c["standard"] for c in connectors}
    hours = [loc.get("opening_times") for loc in locs]
    always = sum(1 for h in hours if h and h["twentyfourseven"])
    regular = [h for h in hours if h and not h["twentyfourseven"]]
    assert always > len(regular) > 0
    assert any("exceptional_closings" in h for h in regular)
    assert any("status_schedule" in e for loc in locs for e in loc["evses"])
    caps = {c for loc in locs for e in loc["evses"] for c in e.get("capabilities", [])}
    assert {"REMOTE_START_STOP_CAPABLE", "RESERVABLE", "CHARGING_PROFILE_CAPABLE"} <= caps
    assert any(not loc["publish"] and loc["publish_allowed_to"] for loc in locs)
    assert any("energy_mix" in loc for loc in locs) and any("images" in loc for loc in locs)
    assert len({loc["parking_type"] for loc in locs}) >= 4
    assert len({loc["coordinates"]["latitude"].split(".")[1].__len__() for loc in locs}) == 3
