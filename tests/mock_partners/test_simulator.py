"""The session simulator: physics, period splits at tariff boundaries, CDRs priced exactly."""

from __future__ import annotations

import copy
import itertools
import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from harness.billing import price, verify_cdr
from harness.clock import FrozenClock
from harness.errors import UnknownVersionError, UsageError
from harness.schemas import validate
from mock_partners.seed_data import World, generate_world
from mock_partners.simulator import (
    VEHICLES,
    SessionChanged,
    SessionCompleted,
    SessionSimulator,
    SimEvent,
    VehicleProfile,
)

VERSIONS = ("2.1.1", "2.2.1", "2.3.0")
# Monday 2 March 2026, 16:05 in Amsterdam (UTC+1)
START = datetime(2026, 3, 2, 15, 5, tzinfo=UTC)
SESSION_ONLY = {"CURRENT", "POWER", "STATE_OF_CHARGE", "ENERGY_EXPORT", "ENERGY_IMPORT"}
MONEY = ("total_cost", "total_fixed_cost", "total_energy_cost", "total_time_cost",
         "total_parking_cost", "total_reservation_cost")  # fmt: skip
_WORLDS: dict[str, World] = {}


def _world(version: str) -> World:
    if version not in _WORLDS:
        _WORLDS[version] = generate_world(version=version, seed=3, role="cpo", locations=120,
                                          start=START)  # fmt: skip
    return _WORLDS[version]


def _site(world: World, power_type: str, min_watts: int = 0) -> tuple[dict[str, Any], str, str]:
    """A Location with a connector of ``power_type`` (and at least ``min_watts``)."""
    for loc in world.locations:
        for evse in loc["evses"]:
            for c in evse["connectors"]:
                watts = c.get("max_electric_power") or c.get("voltage", 0) * c.get("amperage", 0)
                is_dc = c["power_type"] == "DC"
                if is_dc == (power_type == "DC") and watts >= min_watts and c["standard"] != "MCS":
                    return loc, evse["uid"], c["id"]
    raise AssertionError(f"no {power_type} connector in the seeded world")


def _run(
    version: str,
    tariff: dict[str, Any] | None,
    *,
    power_type: str = "DC",
    min_watts: int = 0,
    profile: VehicleProfile | None = None,
    minutes: int = 120,
    step: timedelta = timedelta(minutes=5),
    seed: int = 1,
    start: datetime = START,
    auth_method: str = "COMMAND",
) -> tuple[list[SimEvent], dict[str, Any]]:
    world = _world(version)
    loc, evse_uid, connector_id = _site(world, power_type, min_watts)
    clock = FrozenClock(start)
    sim = SessionSimulator(version=version, clock=clock, rng=random.Random(seed),
                           country_code="NL", party_id="EXA")  # fmt: skip
    session = sim.start(location=loc, evse_uid=evse_uid, connector_id=connector_id,
                        token=world.tokens[0], tariff=tariff, auth_method=auth_method,
                        authorization_reference="AUTH-1" if version != "2.1.1" else None,
                        profile=profile)  # fmt: skip
    events: list[SimEvent] = []
    end = start + timedelta(minutes=minutes)
    while clock.now() + step <= end:
        clock.advance(step)
        events += sim.tick()
    clock.set(end)
    sim.stop(session.id)
    clock.advance(timedelta(seconds=3))
    events += sim.tick()
    return events, loc


def _cdr(events: list[SimEvent]) -> dict[str, Any]:
    done = [e for e in events if isinstance(e, SessionCompleted)]
    assert len(done) == 1
    return done[0].cdr


def _starts(cdr: dict[str, Any]) -> list[str]:
    return [p["start_date_time"] for p in cdr["charging_periods"]]


def _dims(period: dict[str, Any]) -> dict[str, float]:
    return {d["type"]: d["volume"] for d in period["dimensions"]}


def _peak_tariff(version: str) -> dict[str, Any]:
    """ENERGY and PARKING dearer from 17:00 to 20:00 local."""
    vat = {} if version == "2.1.1" else {"vat": 21.0}
    tariff: dict[str, Any] = {} if version == "2.1.1" else {"country_code": "NL", "party_id": "EXA"}
    tariff.update(id="DC-PEAK", currency="EUR", elements=[
        {"price_components": [{"type": "ENERGY", "price": 0.69, **vat, "step_size": 1},
                              {"type": "PARKING_TIME", "price": 6.0, **vat, "step_size": 60}],
         "restrictions": {"start_time": "17:00", "end_time": "20:00"}},
        {"price_components": [{"type": "ENERGY", "price": 0.49, **vat, "step_size": 1},
                              {"type": "PARKING_TIME", "price": 3.0, **vat, "step_size": 60}]},
    ])  # fmt: skip
    if version == "2.3.0":
        tariff["tax_included"] = "NO"
    tariff["last_updated"] = "2026-01-01T00:00:00Z"
    return tariff


def _assert_valid(version: str, events: list[SimEvent]) -> None:
    for event in events:
        if isinstance(event, SessionChanged):
            assert validate(version, "Session", event.session) == [], event.session
            if event.patch is not None:
                assert validate(version, "Session", event.patch, partial=True) == [], event.patch
        else:
            assert validate(version, "CDR", event.cdr) == [], event.cdr


@pytest.mark.parametrize("version", VERSIONS)
def test_two_hour_dc_session_splits_exactly_at_the_tariff_time_boundary(version: str) -> None:
    slow = replace(VEHICLES["premium-ev"], soc_start=0.1, max_dc_kw=45.0)  # still charging at 17:00
    events, loc = _run(version, _peak_tariff(version), profile=slow)
    _assert_valid(version, events)
    cdr = _cdr(events)
    assert loc["time_zone"] == "Europe/Amsterdam"
    assert "2026-03-02T16:00:00Z" in _starts(cdr)  # 17:00 local
    boundary = _starts(cdr).index("2026-03-02T16:00:00Z")
    before, after = cdr["charging_periods"][boundary - 1], cdr["charging_periods"][boundary]
    assert "ENERGY" in _dims(before) and "ENERGY" in _dims(after)  # charging on both sides
    report = price(None, cdr, time_zone=loc["time_zone"], version=version)
    assert [i.code for i in report.issues] == []  # no boundary inside a period (REQ-CDR-013)
    prices = {(ln.part.period, ln.dimension): ln.choice[2].price
              for ln in report.lines if ln.choice is not None}  # fmt: skip
    assert prices[(boundary - 1, "ENERGY")] == Decimal("0.49")
    assert prices[(boundary, "ENERGY")] == Decimal("0.69")
    assert cdr["total_time"] == pytest.approx(2 - _activation_delay(cdr) / 3600, abs=1e-6)


def _activation_delay(cdr: dict[str, Any]) -> float:
    started = datetime.fromisoformat(cdr["start_date_time"].replace("Z", "+00:00"))
    return (started - START).total_seconds()


@pytest.mark.parametrize("version", VERSIONS)
def test_vehicle_parks_after_full_and_energy_stops(version: str) -> None:
    quick = replace(VEHICLES["family-suv"], soc_start=0.5)
    events, _ = _run(version, _world(version).tariff("DC-HPC"), profile=quick, min_watts=150_000)
    cdr = _cdr(events)
    periods = cdr["charging_periods"]
    kinds = ["ENERGY" in _dims(p) for p in periods]
    first_parking = kinds.index(False)
    assert all(kinds[:first_parking]) and not any(kinds[first_parking:])  # charge, then park
    energy = sum(_dims(p).get("ENERGY", 0) for p in periods)
    assert energy == pytest.approx(0.5 * quick.battery_kwh, abs=0.01)  # 50 % -> 100 %
    assert cdr["total_energy"] == pytest.approx(energy, abs=1e-4)
    parking = sum(_dims(p).get("PARKING_TIME", 0) for p in periods)
    assert cdr["total_parking_time"] == pytest.approx(parking, abs=1e-6) and parking > 1
    sessions = [e.session for e in events if isinstance(e, SessionChanged)]
    assert sessions[-1]["kwh"] == sessions[-2]["kwh"] == cdr["total_energy"]  # no energy parked
    if version != "2.1.1":
        lows = [d["volume"] for p in periods for d in p["dimensions"] if d["type"] == "MIN_POWER"]
        highs = [d["volume"] for p in periods for d in p["dimensions"] if d["type"] == "MAX_POWER"]
        assert lows[-1] < 0.3 * highs[0]  # DC tapers above 80 % ...
    kwh = [s["kwh"] for s in sessions if s["status"] == "ACTIVE"]
    gains = [b - a for a, b in itertools.pairwise(kwh) if b > a]
    assert gains[0] > 2 * gains[-1]  # ... so each 5 minutes add less energy than the first
    assert all(later <= earlier + 1e-3 for earlier, later in itertools.pairwise(gains[1:]))
    if version != "2.1.1":
        last = sessions[-1]["charging_periods"][-1]
        assert _dims(last)["STATE_OF_CHARGE"] == 100


_PRICED = [("AC-ENERGY", "AC"), ("AC-TIME-PARK", "AC"), ("AC-TIME-OF-DAY", "AC"),
           ("AC-WEEKEND", "AC"), ("AC-RESERVE", "AC"), ("FREE", "AC"), ("DC-POWER", "DC"),
           ("DC-HPC", "DC"), ("DC-START-MAX", "DC")]  # fmt: skip


@pytest.mark.parametrize(
    ("version", "tariff_id", "power_type"),
    [(v, t, p) for v in VERSIONS for t, p in _PRICED if (v, t) != ("2.1.1", "AC-RESERVE")],
)
def test_cdr_totals_equal_an_independent_repricing(
    version: str, tariff_id: str, power_type: str
) -> None:
    tariff = _world(version).tariff(tariff_id)
    assert tariff is not None
    events, loc = _run(version, tariff, power_type=power_type, minutes=150,
                       step=timedelta(minutes=7))  # fmt: skip
    _assert_valid(version, events)
    cdr = _cdr(events)
    bare = copy.deepcopy(cdr)
    for name in MONEY:
        bare.pop(name, None)
    report = price(json.loads(json.dumps(tariff)), json.loads(json.dumps(bare)),
                   time_zone=loc["time_zone"], version=version)  # fmt: skip
    for name in MONEY:
        want = report.rounded(name)
        got = cdr.get(name)
        if version == "2.1.1" and name != "total_cost":
            assert got is None
            continue
        if want is None:
            assert got is None, name
            continue
        assert got is not None, name
        if version == "2.1.1":
            assert Decimal(str(got)) == want.excl
        elif version == "2.2.1":
            assert Decimal(str(got["excl_vat"])) == want.excl, name
            assert Decimal(str(got["incl_vat"])) == want.incl, name
        else:
            assert Decimal(str(got["before_taxes"])) == want.excl, name
            taxes = sum(Decimal(str(t["amount"])) for t in got.get("taxes", []))
            assert Decimal(str(got["before_taxes"])) + taxes == want.incl, name
    assert [i.code for i in report.issues] == []
    verdict = verify_cdr(None, cdr, time_zone=loc["time_zone"], version=version)
    assert verdict.findings == () and verdict.ok
    final = [e.session for e in events if isinstance(e, SessionChanged)][-1]
    assert final["status"] == "COMPLETED" and final.get("total_cost") == cdr["total_cost"]
    if tariff_id == "FREE":
        assert report.rounded("total_cost").excl == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("version", ["2.2.1", "2.3.0"])
def test_power_and_energy_thresholds_split_periods(version: str) -> None:
    world = _world(version)
    taper = replace(VEHICLES["premium-ev"], soc_start=0.1)  # 270 kW peak, tapers to ~40 kW
    events, _ = _run(version, world.tariff("DC-POWER"), profile=taper, min_watts=300_000)
    cdr = _cdr(events)
    charging = [p for p in cdr["charging_periods"] if "ENERGY" in _dims(p)]
    sides = []
    for p in charging:
        d = _dims(p)
        for threshold in (50, 150):  # every period lies on one side of every threshold
            assert (d["MIN_POWER"] >= threshold) == (d["MAX_POWER"] >= threshold), p
        sides.append((d["MIN_POWER"] >= 50, d["MIN_POWER"] >= 150))
    assert (True, True) in sides and (True, False) in sides  # crossed 150 kW while tapering
    assert not any(SESSION_ONLY & set(_dims(p)) for p in cdr["charging_periods"])
    hpc_events, _ = _run(version, world.tariff("DC-HPC"), profile=taper, min_watts=300_000)
    running = 0.0
    cumulative = []
    for p in _cdr(hpc_events)["charging_periods"]:
        cumulative.append(round(running, 4))
        running += _dims(p).get("ENERGY", 0)
    assert 40 in cumulative  # a period starts exactly when the session reaches 40 kWh


@pytest.mark.parametrize("version", VERSIONS)
def test_duration_threshold_splits_parking(version: str) -> None:
    quick = replace(VEHICLES["compact-ev"], soc_start=0.6)
    events, _ = _run(version, _world(version).tariff("DC-POWER"), profile=quick)
    cdr = _cdr(events)
    start = datetime.fromisoformat(cdr["start_date_time"].replace("Z", "+00:00"))
    one_hour = (start + timedelta(seconds=3600)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert one_hour in _starts(cdr)  # DC-POWER's idle fee starts at min_duration 3600


@pytest.mark.parametrize("version", VERSIONS)
def test_sessions_carry_session_only_dimensions_and_cdrs_never(version: str) -> None:
    events, _ = _run(version, _world(version).tariff("AC-TIME-PARK"), power_type="AC")
    cdr = _cdr(events)
    cdr_types = {d["type"] for p in cdr["charging_periods"] for d in p["dimensions"]}
    assert not cdr_types & SESSION_ONLY
    session = [e.session for e in events if isinstance(e, SessionChanged)][-1]
    types = {d["type"] for p in session["charging_periods"] for d in p["dimensions"]}
    if version == "2.1.1":
        assert not types & SESSION_ONLY and "tariff_id" not in cdr["charging_periods"][0]
        assert (
            cdr["location"]["evses"][0]["connectors"][0]["id"]
            == session["location"]["evses"][0]["connectors"][0]["id"]
        )
        assert len(cdr["location"]["evses"]) == 1 and cdr["auth_method"] == "AUTH_REQUEST"
    else:
        assert {"POWER", "CURRENT", "STATE_OF_CHARGE"} <= types
        assert {p["tariff_id"] for p in cdr["charging_periods"]} == {"AC-TIME-PARK"}
        assert cdr["tariffs"][0]["id"] == "AC-TIME-PARK" and cdr["session_id"] == session["id"]
        assert cdr["authorization_reference"] == session["authorization_reference"] == "AUTH-1"
        assert cdr["cdr_location"]["evse_uid"] == session["evse_uid"]
        assert cdr["cdr_token"]["uid"] == session["cdr_token"]["uid"]


@pytest.mark.parametrize("version", VERSIONS)
def test_patches_rebuild_the_session_and_lifecycle_is_pending_active_completed(
    version: str,
) -> None:
    events, _ = _run(version, _world(version).tariff("AC-TIME-OF-DAY"), power_type="AC",
                     minutes=200, step=timedelta(minutes=3))  # fmt: skip
    changes = [e for e in events if isinstance(e, SessionChanged)]
    assert changes[0].patch is None and changes[0].session["status"] == "PENDING"
    statuses = [c.session["status"] for c in changes]
    assert statuses[1] == "ACTIVE" and statuses[-1] == "COMPLETED"
    assert set(statuses) == {"PENDING", "ACTIVE", "COMPLETED"}
    stored = copy.deepcopy(changes[0].session)
    for change in changes[1:]:
        assert change.patch is not None and "last_updated" in change.patch  # REQ-SES-010
        for key, value in change.patch.items():
            if key == "charging_periods":  # appended (REQ-SES-012)
                stored.setdefault(key, []).extend(copy.deepcopy(value))
            else:
                stored[key] = copy.deepcopy(value)
        assert stored == change.session
    key = "start_datetime" if version == "2.1.1" else "start_date_time"
    assert changes[0].session[key] < changes[1].session[key]  # updated when it became ACTIVE


@pytest.mark.parametrize("version", VERSIONS)
def test_same_seed_and_clock_steps_give_the_same_objects(version: str) -> None:
    tariff = _world(version).tariff("DC-HPC")
    a, _ = _run(version, tariff, seed=9)
    b, _ = _run(version, tariff, seed=9)
    c, _ = _run(version, tariff, seed=10)
    dump = [json.dumps(e.session if isinstance(e, SessionChanged) else e.cdr) for e in a]
    assert dump == [json.dumps(e.session if isinstance(e, SessionChanged) else e.cdr) for e in b]
    assert _cdr(a)["id"] != _cdr(c)["id"]


def test_the_cdr_does_not_depend_on_how_often_the_simulator_ticks() -> None:
    tariff = _world("2.2.1").tariff("DC-POWER")
    fine, _ = _run("2.2.1", tariff, step=timedelta(seconds=30))
    coarse, _ = _run("2.2.1", tariff, step=timedelta(minutes=119))
    a, b = _cdr(fine), _cdr(coarse)
    assert a == b


def test_stop_before_activation_invalidates_without_a_cdr() -> None:
    world = _world("2.2.1")
    loc, evse_uid, connector_id = _site(world, "AC")
    clock = FrozenClock(START)
    sim = SessionSimulator(version="2.2.1", clock=clock, rng=random.Random(1),
                           country_code="NL", party_id="EXA")  # fmt: skip
    s = sim.start(location=loc, evse_uid=evse_uid, connector_id=connector_id,
                  token=world.tokens[0], tariff=None, auth_method="WHITELIST")  # fmt: skip
    assert s.status == "PENDING" and sim.session(s.id)["status"] == "PENDING"
    sim.stop(s.id)
    clock.advance(timedelta(seconds=1))
    events = sim.tick()
    assert len(events) == 1 and isinstance(events[0], SessionChanged)
    assert events[0].session["status"] == "INVALID" and events[0].patch is None
    assert "charging_periods" not in events[0].session and sim.sessions == ()
    assert sim.tick() == []


def test_free_session_without_tariff_and_bad_arguments() -> None:
    events, _ = _run("2.2.1", None, power_type="AC", minutes=30)
    cdr = _cdr(events)
    assert cdr["total_cost"] == {"excl_vat": 0, "incl_vat": 0} and "tariffs" not in cdr
    assert validate("2.2.1", "CDR", cdr) == []
    world = _world("2.2.1")
    loc, evse_uid, connector_id = _site(world, "AC")
    sim = SessionSimulator(version="2.2.1", clock=FrozenClock(START), rng=random.Random(1),
                           country_code="NL", party_id="EXA")  # fmt: skip
    common = {"location": loc, "token": world.tokens[0], "tariff": None}
    with pytest.raises(UsageError, match="no EVSE"):
        sim.start(evse_uid="nope", connector_id="1", auth_method="COMMAND", **common)
    with pytest.raises(UsageError, match="no connector"):
        sim.start(evse_uid=evse_uid, connector_id="9", auth_method="COMMAND", **common)
    with pytest.raises(UsageError, match="auth_method"):
        sim.start(evse_uid=evse_uid, connector_id=connector_id, auth_method="NFC", **common)
    with pytest.raises(KeyError):
        sim.stop("missing")
    with pytest.raises(UnknownVersionError):
        SessionSimulator(version="2.2", clock=FrozenClock(START), rng=random.Random(1),
                         country_code="NL", party_id="EXA")  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_overnight_session_splits_at_wrapping_window_and_weekend_midnight(version: str) -> None:
    friday_evening = datetime(2026, 3, 6, 19, 30, tzinfo=UTC)  # 20:30 in Amsterdam
    car = replace(VEHICLES["city-ev"], soc_start=0.1)
    for tariff_id, expected in (
        # 21:00, 22:00 (night window opens, wraps past midnight) and 07:00 local
        ("AC-TIME-OF-DAY", ["2026-03-06T20:00:00Z", "2026-03-06T21:00:00Z",
                            "2026-03-07T06:00:00Z"]),
        ("AC-WEEKEND", ["2026-03-06T23:00:00Z"]),  # Saturday 00:00 local
    ):  # fmt: skip
        events, loc = _run(version, _world(version).tariff(tariff_id), power_type="AC",
                           profile=car, minutes=12 * 60, step=timedelta(minutes=30),
                           start=friday_evening)  # fmt: skip
        cdr = _cdr(events)
        assert set(expected) <= set(_starts(cdr)), (tariff_id, _starts(cdr))
        verdict = verify_cdr(None, cdr, time_zone=loc["time_zone"], version=version)
        assert verdict.findings == () and list(verdict.report.issues) == []
        energy_prices = {ln.choice[2].price for ln in verdict.report.lines
                         if ln.choice is not None and ln.dimension == "ENERGY"}  # fmt: skip
        assert len(energy_prices) >= 2  # the boundaries really changed the price
