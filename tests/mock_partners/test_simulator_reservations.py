"""The session simulator's reservations: RESERVATION -> ACTIVE when claimed, COMPLETED when it
runs out (with a CDR priced by the engine when the tariff prices reservations) or is cancelled,
and start_date_time = creation while not active, the activation time from ACTIVE on."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harness.billing import verify_cdr
from harness.clock import FrozenClock
from harness.errors import UsageError
from harness.ocpi import format_datetime
from harness.schemas import validate
from mock_partners.seed_data import World, generate_world
from mock_partners.simulator import SessionChanged, SessionCompleted, SessionSimulator

START = datetime(2026, 3, 2, 15, 5, tzinfo=UTC)
_WORLDS: dict[str, World] = {}


def _world(version: str) -> World:
    if version not in _WORLDS:
        _WORLDS[version] = generate_world(
            version=version, seed=3, role="cpo", locations=20, start=START
        )
    return _WORLDS[version]


def _setup(version: str) -> tuple[SessionSimulator, FrozenClock, dict[str, Any]]:
    clock = FrozenClock(START)
    sim = SessionSimulator(
        version=version, clock=clock, rng=random.Random(1), country_code="NL", party_id="EXA"
    )
    world = _world(version)
    location = world.locations[0]
    evse = location["evses"][0]
    return (
        sim,
        clock,
        {
            "location": location,
            "evse_uid": evse["uid"],
            "connector_id": evse["connectors"][0]["id"],
            "token": world.tokens[0],
        },
    )


def _tariff(version: str, reserving: bool) -> dict[str, Any]:
    def prices_reservations(tariff: dict[str, Any]) -> bool:
        return any((e.get("restrictions") or {}).get("reservation") for e in tariff["elements"])

    return next(t for t in _world(version).tariffs if prices_reservations(t) == reserving)


@pytest.mark.parametrize("version", ["2.2.1", "2.3.0"])
def test_unused_reservation_completes_with_a_priced_cdr(version: str) -> None:
    sim, clock, place = _setup(version)
    s = sim.reserve(**place, tariff=_tariff(version, True), until=START + timedelta(minutes=30))
    first = sim.tick()
    assert len(first) == 1 and isinstance(first[0], SessionChanged) and first[0].patch is None
    session = first[0].session
    assert session["status"] == "RESERVATION" and session["auth_method"] == "COMMAND"
    assert session["start_date_time"] == format_datetime(START)
    assert validate(version, "Session", session) == []
    clock.advance(timedelta(minutes=29))
    assert sim.tick() == []
    clock.advance(timedelta(minutes=2))
    changed, completed = sim.tick()
    assert isinstance(changed, SessionChanged) and isinstance(completed, SessionCompleted)
    assert changed.patch is not None and changed.patch["status"] == "COMPLETED"
    assert changed.session["end_date_time"] == format_datetime(START + timedelta(minutes=30))
    cdr = completed.cdr
    assert validate(version, "CDR", cdr) == []
    assert cdr["session_id"] == s.id and cdr["charging_periods"][0]["dimensions"] == [
        {"type": "RESERVATION_TIME", "volume": 0.5}
    ]
    result = verify_cdr(None, cdr, time_zone=place["location"]["time_zone"], version=version,
                        reservation_expired=True)  # fmt: skip
    assert result.findings == ()
    assert "total_reservation_cost" in cdr


def test_unused_reservation_without_reservation_prices_has_no_cdr() -> None:
    sim, clock, place = _setup("2.2.1")
    sim.reserve(**place, tariff=_tariff("2.2.1", False), until=START + timedelta(minutes=10))
    sim.tick()
    clock.advance(timedelta(minutes=11))
    events = sim.tick()
    assert [type(e) for e in events] == [SessionChanged]
    assert events[0].session["status"] == "COMPLETED" and events[0].session["kwh"] == 0


def test_claimed_reservation_goes_active_and_moves_its_start() -> None:
    sim, clock, place = _setup("2.2.1")
    s = sim.reserve(**place, tariff=_tariff("2.2.1", False), until=START + timedelta(hours=2))
    sim.tick()
    clock.advance(timedelta(minutes=5))
    sim.claim(s.id, authorization_reference="REF-2")
    (claimed,) = sim.tick()  # the new authorization_reference; RESERVATION until activated
    assert isinstance(claimed, SessionChanged) and claimed.patch is not None
    assert claimed.patch["authorization_reference"] == "REF-2" and "status" not in claimed.patch
    clock.advance(timedelta(minutes=1))
    (changed,) = sim.tick()
    assert isinstance(changed, SessionChanged) and changed.patch is not None
    assert changed.patch["status"] == "ACTIVE"
    assert changed.patch["start_date_time"] == format_datetime(s.activate_at)
    assert s.activate_at > START + timedelta(minutes=5)
    with pytest.raises(UsageError):
        sim.claim(s.id)  # no longer an open reservation
    clock.advance(timedelta(hours=3))  # past the old expiry: still charging
    sim.tick()
    assert sim.get(s.id).status == "ACTIVE"


def test_reschedule_and_cancel() -> None:
    sim, clock, place = _setup("2.2.1")
    s = sim.reserve(**place, tariff=None, until=START + timedelta(minutes=30))
    sim.tick()
    sim.reschedule(s.id, START + timedelta(hours=2))
    clock.advance(timedelta(minutes=45))
    assert sim.tick() == [] and sim.get(s.id).status == "RESERVATION"
    sim.stop(s.id)  # cancelled
    (changed,) = sim.tick()
    assert isinstance(changed, SessionChanged) and changed.session["status"] == "COMPLETED"
    with pytest.raises(UsageError):
        sim.reschedule(s.id, START + timedelta(hours=3))


def test_pending_start_is_creation_then_activation() -> None:
    sim, clock, place = _setup("2.2.1")
    s = sim.start(**place, tariff=None, auth_method="COMMAND")
    (pending,) = sim.tick()
    assert pending.session["status"] == "PENDING"
    assert pending.session["start_date_time"] == format_datetime(START)
    clock.advance(timedelta(minutes=1))
    (active,) = sim.tick()
    assert active.patch is not None and active.patch["status"] == "ACTIVE"
    assert (
        active.patch["start_date_time"] == format_datetime(s.activate_at) != format_datetime(START)
    )
