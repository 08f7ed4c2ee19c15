"""The project's own OCPI fixtures: schema-valid, well formed, and one coherent world per version.

Layout: ``fixtures/<version>/<ObjectName>/<slug>.json`` holds one complete object,
``fixtures/<version>/<ObjectName>/patch/<slug>.json`` one PATCH body. The mock partners load a
version's files as one world, so ids must resolve across files (a Session's location exists, a
CDR's tariffs are the published ones, a command's token is a known Token) and the money in
Sessions and CDRs must add up.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from harness.schemas import object_names, validate

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VERSIONS = ("2.1.1", "2.2.1", "2.3.0")
CENT = Decimal("0.01")
NA = "#NA"
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


@dataclass(frozen=True)
class Fixture:
    path: Path
    version: str
    object_name: str
    partial: bool

    @property
    def id(self) -> str:
        return self.path.relative_to(FIXTURES).as_posix()

    def load(self) -> Any:
        return json.loads(self.path.read_text("utf-8"))


def _discover() -> list[Fixture]:
    found = []
    for version in VERSIONS:
        for path in sorted((FIXTURES / version).glob("*/**/*.json")):
            parts = path.relative_to(FIXTURES).parts
            partial = len(parts) == 4 and parts[2] == "patch"
            found.append(Fixture(path, version, parts[1], partial))
    return found


ALL = _discover()


def _params(fixtures: list[Fixture]) -> list[Any]:
    return [pytest.param(fx, id=fx.id) for fx in fixtures]


# ---------------------------------------------------------------- every file


def test_layout() -> None:
    """Only <version>/<ObjectName>/<slug>.json and <version>/<ObjectName>/patch/<slug>.json."""
    assert {fx.version for fx in ALL} == set(VERSIONS)
    stray = []
    for version in VERSIONS:
        for path in (FIXTURES / version).rglob("*"):
            parts = path.relative_to(FIXTURES / version).parts
            if path.is_dir():
                ok = len(parts) == 1 or (len(parts) == 2 and parts[1] == "patch")
            else:
                ok = path.suffix == ".json" and (
                    len(parts) == 2 or (len(parts) == 3 and parts[1] == "patch")
                )
            if not ok:
                stray.append(path.relative_to(FIXTURES).as_posix())
    assert stray == []


@pytest.mark.parametrize("version", VERSIONS)
def test_folders_are_object_names(version: str) -> None:
    folders = {fx.object_name for fx in ALL if fx.version == version}
    assert folders - set(object_names(version)) == set()


@pytest.mark.parametrize("fx", _params(ALL))
def test_fixture_is_schema_valid(fx: Fixture) -> None:
    violations = validate(fx.version, fx.object_name, fx.load(), partial=fx.partial)
    # not even warnings: our own data uses no unknown fields
    assert [v.to_json() for v in violations] == []


@pytest.mark.parametrize("fx", _params(ALL))
def test_fixture_file_format(fx: Fixture) -> None:
    """One JSON object per file, UTF-8, 2-space indent, newline at the end."""
    text = fx.path.read_text("utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    canonical = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    # the layout must be canonical; how a number is spelled (0.40 or 0.4) is free
    assert _NUMBER.sub("0", text) == _NUMBER.sub("0", canonical)


def test_patch_bodies_are_partial_objects() -> None:
    patches = [fx for fx in ALL if fx.partial]
    assert {(fx.version, fx.object_name) for fx in patches} >= {
        (v, name)
        for v in VERSIONS
        for name in ("Location", "EVSE", "Connector", "Session", "Token")
    }
    for fx in patches:
        body = fx.load()
        # a PATCH body that happens to be a complete object would not test partial handling
        assert validate(fx.version, fx.object_name, body) != [], fx.id
        if fx.version != "2.1.1":
            assert "last_updated" in body, fx.id


# ---------------------------------------------------------------- the world of one version


class World:
    def __init__(self, version: str) -> None:
        self.version = version
        self.objects: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for fx in ALL:
            if fx.version == version and not fx.partial:
                try:
                    obj = fx.load()
                except json.JSONDecodeError:
                    continue  # reported by test_fixture_file_format
                self.objects[fx.object_name].append((fx.id, obj))

    def all(self, name: str) -> list[tuple[str, Any]]:
        return self.objects.get(name, [])

    def values(self, name: str) -> list[Any]:
        return [obj for _, obj in self.all(name)]

    def by_id(self, name: str, key: str = "id") -> dict[str, Any]:
        return {obj[key]: obj for obj in self.values(name)}

    @property
    def locations(self) -> dict[str, Any]:
        return self.by_id("Location")

    @property
    def tariffs(self) -> dict[str, Any]:
        return self.by_id("Tariff")

    @property
    def tokens(self) -> dict[tuple[str, str], Any]:
        return {(t["uid"], t["type"]): t for t in self.values("Token")}


@cache
def world(version: str) -> World:
    return World(version)


def dec(x: Any) -> Decimal:
    return Decimal(str(x))


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def close(a: Decimal, b: Decimal, tolerance: Decimal = Decimal("0.001")) -> bool:
    return abs(a - b) <= tolerance


def _per_version(name: str, versions: tuple[str, ...] = VERSIONS) -> list[Any]:
    return [pytest.param(v, obj, id=fid) for v in versions for fid, obj in world(v).all(name)]


MINIMUM = {
    "Location": 4,
    "EVSE": 2,
    "Connector": 2,
    "Hours": 2,
    "EnergyMix": 2,
    "BusinessDetails": 2,
    "GeoLocation": 2,
    "DisplayText": 2,
    "Session": 4,
    "CDR": 3,
    "Tariff": 6,
    "Token": 4,
    "AuthorizationInfo": 5,
    "LocationReferences": 2,
    "Credentials": 3,
    "Version": 2,
    "VersionDetails": 2,
    "Endpoint": 2,
    "StartSession": 2,
    "StopSession": 1,
    "ReserveNow": 1,
    "UnlockConnector": 1,
    "CommandResponse": 4,
}
MINIMUM_22 = {
    "CancelReservation": 1,
    "CommandResult": 9,
    "ChargingPreferences": 3,
    "SetChargingProfile": 1,
    "ChargingProfile": 2,
    "ActiveChargingProfile": 1,
    "ChargingProfileResponse": 5,
    "ActiveChargingProfileResult": 2,
    "ChargingProfileResult": 3,
    "ClearProfileResult": 3,
    "ClientInfo": 3,
    "Price": 3,
    "CDR": 4,
}
MINIMUM_230 = {
    "PriceLimit": 2,
    "TaxAmount": 2,
    "Parking": 2,
    "InvoiceReconciliationRecord": 1,
}


@pytest.mark.parametrize("version", VERSIONS)
def test_coverage_of_objects(version: str) -> None:
    wanted = dict(MINIMUM)
    if version != "2.1.1":
        wanted |= MINIMUM_22
    if version == "2.3.0":
        wanted |= MINIMUM_230
    have = {name: len(world(version).all(name)) for name in wanted}
    assert {n: c for n, c in have.items() if c < wanted[n]} == {}


def _values_of(version: str, name: str, field: str) -> set[Any]:
    return {obj.get(field) for obj in world(version).values(name)}


@pytest.mark.parametrize("version", VERSIONS)
def test_coverage_of_enum_values(version: str) -> None:
    v22 = version != "2.1.1"
    expect = {
        ("Session", "status"): {"PENDING", "ACTIVE", "COMPLETED"}
        | ({"RESERVATION"} if v22 else set()),
        ("Token", "whitelist"): {"ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER"},
        ("Token", "type"): {"RFID", "OTHER"}
        | ({"APP_USER", "AD_HOC_USER"} if v22 else set())
        | ({"EMAID"} if version == "2.3.0" else set()),
        ("AuthorizationInfo", "allowed"): {
            "ALLOWED",
            "BLOCKED",
            "EXPIRED",
            "NO_CREDIT",
            "NOT_ALLOWED",
        },
        ("CommandResponse", "result"): {"ACCEPTED", "NOT_SUPPORTED", "REJECTED", "UNKNOWN_SESSION"}
        | (set() if v22 else {"TIMEOUT"}),
    }
    if v22:
        expect[("CommandResult", "result")] = {
            "ACCEPTED",
            "CANCELED_RESERVATION",
            "EVSE_OCCUPIED",
            "EVSE_INOPERATIVE",
            "FAILED",
            "NOT_SUPPORTED",
            "REJECTED",
            "TIMEOUT",
            "UNKNOWN_RESERVATION",
        }
        expect[("ChargingProfileResponse", "result")] = {
            "ACCEPTED",
            "NOT_SUPPORTED",
            "REJECTED",
            "TOO_OFTEN",
            "UNKNOWN_SESSION",
        }
        for name in ("ChargingProfileResult", "ClearProfileResult"):
            expect[(name, "result")] = {"ACCEPTED", "REJECTED", "UNKNOWN"}
    if version == "2.3.0":
        expect[("Tariff", "tax_included")] = {"YES", "NO"}
    missing = {
        key: sorted(values - _values_of(version, *key))
        for key, values in expect.items()
        if values - _values_of(version, *key)
    }
    assert missing == {}


@pytest.mark.parametrize("version", VERSIONS)
def test_ids_are_unique(version: str) -> None:
    w = world(version)
    for name, key in (("Location", "id"), ("Tariff", "id"), ("Session", "id"), ("CDR", "id")):
        ids = [obj[key] for obj in w.values(name)]
        assert len(ids) == len(set(ids)), name
    tokens = [(t["uid"], t["type"]) for t in w.values("Token")]
    assert len(tokens) == len(set(tokens))


# ---------------------------------------------------------------- Locations


def _evses(location: dict[str, Any]) -> dict[str, Any]:
    return {e["uid"]: e for e in location.get("evses") or []}


def _tariff_refs(connector: dict[str, Any]) -> list[str]:
    if "tariff_id" in connector:  # 2.1.1
        return [connector["tariff_id"]]
    return list(connector.get("tariff_ids") or [])


@pytest.mark.parametrize(("version", "location"), _per_version("Location"))
def test_location_is_coherent(version: str, location: dict[str, Any]) -> None:
    w = world(version)
    assert len(location["evses"]) >= 2, "several EVSEs per Location"
    stamps = [ts(location["last_updated"])]
    for evse in location["evses"]:
        conn_ids = [c["id"] for c in evse["connectors"]]
        assert len(conn_ids) == len(set(conn_ids))
        for c in evse["connectors"]:
            assert ts(c["last_updated"]) <= ts(evse["last_updated"]), (evse["uid"], c["id"])
            for tid in _tariff_refs(c):
                assert tid in w.tariffs, f"{evse['uid']}/{c['id']} -> unknown tariff {tid}"
                tariff = w.tariffs[tid]
                if version != "2.1.1":
                    owner = (tariff["country_code"], tariff["party_id"])
                    assert owner == (location["country_code"], location["party_id"]), tid
        stamps.append(ts(evse["last_updated"]))
    # last_updated of a Location is the latest change of itself, its EVSEs and Connectors
    assert ts(location["last_updated"]) == max(stamps)
    parking_ids = [p["id"] for p in location.get("parking_places") or []]
    assert len(parking_ids) == len(set(parking_ids))
    for evse in location["evses"]:
        for ref in evse.get("parking") or []:
            assert ref["parking_id"] in parking_ids, (evse["uid"], ref)
    for mix in [location.get("energy_mix")] + [t.get("energy_mix") for t in w.tariffs.values()]:
        if mix and mix.get("energy_sources"):
            total = sum(dec(s["percentage"]) for s in mix["energy_sources"])
            assert total == 100


@pytest.mark.parametrize("version", VERSIONS)
def test_location_world_is_varied(version: str) -> None:
    locations = world(version).values("Location")
    zones = {loc["time_zone"] for loc in locations}
    assert "America/Toronto" in zones
    assert "Europe/Berlin" in zones
    assert len({loc["country"] for loc in locations}) >= 3
    connector_standards = {
        c["standard"] for loc in locations for e in loc["evses"] for c in e["connectors"]
    }
    assert {"IEC_62196_T2_COMBO", "CHADEMO", "IEC_62196_T2"} <= connector_standards
    if version != "2.1.1":
        hidden = [loc for loc in locations if not loc["publish"]]
        assert hidden
        assert all(loc.get("publish_allowed_to") for loc in hidden)
    hours = [loc["opening_times"] for loc in locations if loc.get("opening_times")]
    assert any(h.get("exceptional_openings") and h.get("exceptional_closings") for h in hours)


# ---------------------------------------------------------------- Sessions and CDRs


def _token_of(version: str, holder: dict[str, Any]) -> dict[str, Any]:
    """The Token fixture a Session / CDR / command refers to."""
    w = world(version)
    if version == "2.1.1":
        matches = [t for t in w.values("Token") if t["auth_id"] == holder["auth_id"]]
        assert matches, f"no Token with auth_id {holder['auth_id']}"
        return matches[0]
    ref = holder["cdr_token"]
    token = w.tokens.get((ref["uid"], ref["type"]))
    assert token is not None, f"no Token {ref['uid']} ({ref['type']})"
    for key in ("country_code", "party_id", "contract_id"):
        assert token[key] == ref[key], key
    return token


def _connector(version: str, location_id: str, evse_uid: str, connector_id: str) -> Any:
    location = world(version).locations.get(location_id)
    assert location is not None, f"unknown location {location_id}"
    evse = _evses(location).get(evse_uid)
    assert evse is not None, f"unknown EVSE {location_id}/{evse_uid}"
    found = [c for c in evse["connectors"] if c["id"] == connector_id]
    assert found, f"unknown connector {location_id}/{evse_uid}/{connector_id}"
    return location, evse, found[0]


def _check_embedded_location_211(embedded: dict[str, Any]) -> None:
    """2.1.1 Sessions and CDRs embed the Location with only the EVSE and Connector used."""
    [evse] = embedded["evses"]
    [conn] = evse["connectors"]
    location, known_evse, known_conn = _connector("2.1.1", embedded["id"], evse["uid"], conn["id"])
    for key in ("address", "city", "postal_code", "country", "coordinates", "type"):
        assert embedded[key] == location[key], key
    for key in ("standard", "format", "power_type", "voltage", "amperage"):
        assert conn[key] == known_conn[key], key
    assert evse["evse_id"] == known_evse["evse_id"]


@pytest.mark.parametrize(("version", "session"), _per_version("Session"))
def test_session_references_resolve(version: str, session: dict[str, Any]) -> None:
    _token_of(version, session)
    if version == "2.1.1":
        _check_embedded_location_211(session["location"])
        return
    location, _, _ = _connector(
        version, session["location_id"], session["evse_uid"], session["connector_id"]
    )
    assert (location["country_code"], location["party_id"]) == (
        session["country_code"],
        session["party_id"],
    )
    for period in session.get("charging_periods") or []:
        if "tariff_id" in period:
            assert period["tariff_id"] in world(version).tariffs


@pytest.mark.parametrize(("version", "session"), _per_version("Session"))
def test_session_energy_matches_periods(version: str, session: dict[str, Any]) -> None:
    energy = sum(
        (
            dec(d["volume"])
            for p in session.get("charging_periods") or []
            for d in p["dimensions"]
            if d["type"] == "ENERGY"
        ),
        Decimal(0),
    )
    assert close(energy, dec(session["kwh"])), "kwh is the sum of the ENERGY volumes (in kWh)"


def _price_items(cdr: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key in (
        "total_fixed_cost",
        "total_energy_cost",
        "total_time_cost",
        "total_parking_cost",
        "total_reservation_cost",
    ):
        if cdr.get(key) is not None:
            yield key, cdr[key]


@pytest.mark.parametrize(("version", "cdr"), _per_version("CDR", ("2.2.1", "2.3.0")))
def test_cdr_total_cost_is_sum_of_sub_totals(version: str, cdr: dict[str, Any]) -> None:
    parts = [p for _, p in _price_items(cdr)]
    assert parts, "the sub-totals are given"
    total = cdr["total_cost"]
    if version == "2.2.1":
        for key in ("excl_vat", "incl_vat"):
            assert dec(total[key]) == sum((dec(p[key]) for p in parts), Decimal(0)), key
    else:
        assert dec(total["before_taxes"]) == sum(
            (dec(p["before_taxes"]) for p in parts), Decimal(0)
        )
        by_name: dict[str, Decimal] = defaultdict(Decimal)
        for p in parts:
            for tax in p.get("taxes") or []:
                by_name[tax["name"]] += dec(tax["amount"])
        assert {t["name"]: dec(t["amount"]) for t in total.get("taxes") or []} == by_name


def _prices(version: str, obj: dict[str, Any]) -> list[dict[str, Any]]:
    out = [p for _, p in _price_items(obj)]
    if obj.get("total_cost") is not None:
        out.append(obj["total_cost"])
    return out


def _check_tax(version: str, price: dict[str, Any], rates: set[Decimal]) -> None:
    """2.2.1: incl_vat = excl_vat x (1 + vat/100) for one of ``rates``; 2.3.0: each tax amount
    is before_taxes x percentage/100."""
    if version == "2.2.1":
        if price.get("incl_vat") is None:
            return
        excl, incl = dec(price["excl_vat"]), dec(price["incl_vat"])
        assert any(abs(incl - excl * (1 + r / 100)) <= CENT for r in rates), (
            f"incl_vat {incl} is not excl_vat {excl} plus one of the VAT rates {sorted(rates)}"
        )
    else:
        for tax in price.get("taxes") or []:
            if tax.get("percentage") is not None:
                expected = dec(price["before_taxes"]) * dec(tax["percentage"]) / 100
                assert abs(dec(tax["amount"]) - expected) <= CENT, tax


def _tariff_rates(tariffs: list[dict[str, Any]]) -> set[Decimal]:
    rates = {
        dec(c["vat"])
        for t in tariffs
        for e in t["elements"]
        for c in e["price_components"]
        if c.get("vat") is not None
    }
    return rates or {Decimal(0)}


@pytest.mark.parametrize(("version", "cdr"), _per_version("CDR", ("2.2.1", "2.3.0")))
def test_cdr_taxes_follow_the_rates(version: str, cdr: dict[str, Any]) -> None:
    rates = _tariff_rates(cdr.get("tariffs") or [])
    for price in _prices(version, cdr):
        _check_tax(version, price, rates)


@pytest.mark.parametrize(("version", "session"), _per_version("Session", ("2.2.1", "2.3.0")))
def test_session_taxes_follow_the_rates(version: str, session: dict[str, Any]) -> None:
    tariffs = world(version).tariffs
    used = {p["tariff_id"] for p in session.get("charging_periods") or [] if "tariff_id" in p}
    rates = _tariff_rates([tariffs[t] for t in used])
    for price in _prices(version, session):
        _check_tax(version, price, rates)


@pytest.mark.parametrize(("version", "price"), _per_version("Price", ("2.2.1", "2.3.0")))
def test_price_taxes_follow_the_rates(version: str, price: dict[str, Any]) -> None:
    _check_tax(version, price, _tariff_rates(world(version).values("Tariff")))


@pytest.mark.parametrize(("version", "cdr"), _per_version("CDR"))
def test_cdr_volumes_and_times(version: str, cdr: dict[str, Any]) -> None:
    start = ts(cdr["start_date_time"])
    end = ts(cdr["stop_date_time" if version == "2.1.1" else "end_date_time"])
    periods = cdr["charging_periods"]
    starts = [ts(p["start_date_time"]) for p in periods]
    assert starts == sorted(starts)
    assert start <= starts[0]
    assert starts[-1] < end

    def volume(kind: str) -> Decimal:
        return sum(
            (dec(d["volume"]) for p in periods for d in p["dimensions"] if d["type"] == kind),
            Decimal(0),
        )

    assert close(volume("ENERGY"), dec(cdr["total_energy"])), "total_energy"
    assert close(volume("PARKING_TIME"), dec(cdr.get("total_parking_time") or 0)), "parking"
    hours = Decimal((end - start).total_seconds()) / 3600
    assert close(hours, dec(cdr["total_time"]), Decimal("0.01")), "total_time = end - start"
    # time-based volumes of a period match its length (the last period ends at the CDR end)
    bounds = [*starts, end]
    for p, begin, finish in zip(periods, bounds, bounds[1:], strict=False):
        length = Decimal((finish - begin).total_seconds()) / 3600
        timed = sum(
            (
                dec(d["volume"])
                for d in p["dimensions"]
                if d["type"] in ("TIME", "PARKING_TIME", "RESERVATION_TIME")
            ),
            Decimal(0),
        )
        assert close(timed, length, Decimal("0.01")), p["start_date_time"]


@pytest.mark.parametrize(("version", "cdr"), _per_version("CDR"))
def test_cdr_references_resolve(version: str, cdr: dict[str, Any]) -> None:
    w = world(version)
    _token_of(version, cdr)
    embedded = {t["id"]: t for t in cdr.get("tariffs") or []}
    for tid, tariff in embedded.items():
        assert w.tariffs.get(tid) == tariff, f"embedded tariff {tid} differs from its fixture"
    if version == "2.1.1":
        _check_embedded_location_211(cdr["location"])
        return
    for p in cdr["charging_periods"]:
        if "tariff_id" in p:
            assert p["tariff_id"] in embedded, p["tariff_id"]
    loc = cdr["cdr_location"]
    if loc["evse_uid"] == NA:
        # reservation-only CDR: no EVSE was ever assigned, and there is no session
        assert (loc["evse_id"], loc["connector_id"]) == (NA, NA)
        assert "session_id" not in cdr
        location = w.locations[loc["id"]]
    else:
        location, evse, conn = _connector(version, loc["id"], loc["evse_uid"], loc["connector_id"])
        assert loc["evse_id"] == evse["evse_id"]
        assert (
            loc["connector_standard"],
            loc["connector_format"],
            loc["connector_power_type"],
        ) == (
            conn["standard"],
            conn["format"],
            conn["power_type"],
        )
    for key in ("address", "city", "postal_code", "country", "coordinates"):
        assert loc[key] == location[key], key
    assert (location["country_code"], location["party_id"]) == (
        cdr["country_code"],
        cdr["party_id"],
    )


@pytest.mark.parametrize(("version", "cdr"), _per_version("CDR"))
def test_cdr_matches_its_session(version: str, cdr: dict[str, Any]) -> None:
    sessions = world(version).by_id("Session")
    if version == "2.1.1":
        # 2.1.1 CDRs carry no session id: find the session by start time and location
        matches = [
            s
            for s in sessions.values()
            if s["start_datetime"] == cdr["start_date_time"]
            and s["location"]["id"] == cdr["location"]["id"]
        ]
        assert len(matches) == 1
        [session] = matches
        assert session["end_datetime"] == cdr["stop_date_time"]
        assert session["auth_id"] == cdr["auth_id"]
        assert session["location"]["evses"] == cdr["location"]["evses"]
        assert session["total_cost"] == cdr["total_cost"]
        assert dec(session["kwh"]) == dec(cdr["total_energy"])
        return
    if "session_id" not in cdr:
        # only a reservation that never became a session has no session id
        assert cdr["cdr_location"]["evse_uid"] == NA
        assert cdr["total_energy"] == 0
        return
    session = sessions.get(cdr["session_id"])
    assert session is not None, f"unknown session {cdr['session_id']}"
    assert session["status"] == "COMPLETED"
    for key in ("country_code", "party_id", "currency", "start_date_time", "end_date_time"):
        assert session[key] == cdr[key], key
    assert session["cdr_token"] == cdr["cdr_token"]
    assert session.get("authorization_reference") == cdr.get("authorization_reference")
    assert (session["location_id"], session["evse_uid"], session["connector_id"]) == (
        cdr["cdr_location"]["id"],
        cdr["cdr_location"]["evse_uid"],
        cdr["cdr_location"]["connector_id"],
    )
    assert dec(session["kwh"]) == dec(cdr["total_energy"])
    if not cdr.get("credit"):
        assert session["total_cost"] == cdr["total_cost"]


@pytest.mark.parametrize(("version", "cdr"), _per_version("CDR", ("2.2.1", "2.3.0")))
def test_credit_cdr_negates_the_original(version: str, cdr: dict[str, Any]) -> None:
    if not cdr.get("credit"):
        assert "credit_reference_id" not in cdr
        assert all(v >= 0 for v in _amounts(cdr["total_cost"]))
        return
    original = world(version).by_id("CDR").get(cdr["credit_reference_id"])
    assert original is not None, "credit_reference_id names an existing CDR"
    assert not original.get("credit")
    assert _amounts(cdr["total_cost"]) == [-a for a in _amounts(original["total_cost"])]
    assert all(v <= 0 for v in _amounts(cdr["total_cost"]))
    assert cdr["charging_periods"] == original["charging_periods"]


def _amounts(price: dict[str, Any]) -> list[Decimal]:
    keys = ("excl_vat", "incl_vat", "before_taxes")
    out = [dec(price[k]) for k in keys if price.get(k) is not None]
    out += [dec(t["amount"]) for t in price.get("taxes") or []]
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_cdr_kinds_are_covered(version: str) -> None:
    cdrs = world(version).values("CDR")
    dims = {d["type"] for c in cdrs for p in c["charging_periods"] for d in p["dimensions"]}
    assert {"ENERGY", "TIME", "PARKING_TIME"} <= dims
    if version != "2.1.1":
        assert any(c.get("credit") for c in cdrs)
        assert any(c["cdr_location"]["evse_uid"] == NA for c in cdrs), "reservation-only CDR"
        assert "RESERVATION_TIME" in dims


# ---------------------------------------------------------------- tokens, commands, the rest


def _embedded_tokens(version: str) -> Iterator[tuple[str, dict[str, Any]]]:
    w = world(version)
    for name in ("StartSession", "ReserveNow", "AuthorizationInfo"):
        for fid, obj in w.all(name):
            if "token" in obj:
                yield fid, obj["token"]


@pytest.mark.parametrize("version", VERSIONS)
def test_embedded_tokens_are_known(version: str) -> None:
    w = world(version)
    for fid, token in _embedded_tokens(version):
        assert w.tokens.get((token["uid"], token["type"])) == token, fid


@pytest.mark.parametrize("version", VERSIONS)
def test_command_references_resolve(version: str) -> None:
    w = world(version)
    for name in ("StartSession", "ReserveNow", "UnlockConnector"):
        for fid, cmd in w.all(name):
            location = w.locations.get(cmd["location_id"])
            assert location is not None, fid
            if cmd.get("evse_uid"):
                evse = _evses(location).get(cmd["evse_uid"])
                assert evse is not None, fid
                if cmd.get("connector_id"):
                    assert cmd["connector_id"] in {c["id"] for c in evse["connectors"]}, fid
    session_ids = set(w.by_id("Session"))
    for fid, cmd in w.all("StopSession"):
        assert cmd["session_id"] in session_ids, fid
    reservations = {r["reservation_id"] for r in w.values("ReserveNow")}
    for fid, cmd in w.all("CancelReservation"):
        assert cmd["reservation_id"] in reservations, fid
    for fid, info in w.all("AuthorizationInfo"):
        if info.get("location"):
            location = w.locations.get(info["location"]["location_id"])
            assert location is not None, fid
            assert set(info["location"].get("evse_uids") or []) <= set(_evses(location)), fid
    for fid, refs in w.all("LocationReferences"):
        location = w.locations.get(refs["location_id"])
        assert location is not None, fid
        assert set(refs.get("evse_uids") or []) <= set(_evses(location)), fid


@pytest.mark.parametrize("version", ["2.2.1", "2.3.0"])
def test_sessions_started_by_commands_carry_their_reference(version: str) -> None:
    w = world(version)
    references = {
        cmd["authorization_reference"]
        for name in ("StartSession", "ReserveNow")
        for cmd in w.values(name)
        if cmd.get("authorization_reference")
    }
    for session in w.values("Session"):
        if session["auth_method"] == "COMMAND":
            assert session.get("authorization_reference") in references, session["id"]


def test_invoice_reconciliation_lists_known_cdrs() -> None:
    w = world("2.3.0")
    cdrs = w.by_id("CDR")
    for fid, record in w.all("InvoiceReconciliationRecord"):
        for cdr_id in record["cdrs"]:
            assert cdr_id in cdrs, fid
            owner = (cdrs[cdr_id]["country_code"], cdrs[cdr_id]["party_id"])
            assert owner == (record["country_code"], record["party_id"]), fid


@pytest.mark.parametrize("version", VERSIONS)
def test_timestamps_are_utc_with_z(version: str) -> None:
    """Every DateTime in our fixtures is written in UTC with a 'Z' (never an offset)."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{where}/{i}")
        elif isinstance(node, str) and len(node) >= 19 and node[4:5] == "-" and node[10:11] == "T":
            yield where, node

    stamps = [
        (f"{fx.id}{where}", value)
        for fx in ALL
        if fx.version == version
        for where, value in walk(fx.load(), "")
    ]
    assert stamps
    assert [s for s in stamps if not s[1].endswith("Z")] == []
    if version != "2.1.1":
        assert any("." in value for _, value in stamps), "some timestamps carry fractions"
