"""The mock CPO's CDR history: finished sessions whose prices depend on each billing rule.

A real CPO has months of CDRs; the billing cases of the suites (``suites/*/cpo/billing.yaml``)
crawl that history and re-price the CDRs whose price a rule decided (a time window in local
time, a kWh or power band, an idle fee after a duration, step_size, min/max price, ...). So the
mock's history holds, for each rule, sessions that exercise it: each scenario below picks a
seeded tariff, a Connector, a vehicle and a local start time, and runs the session simulator on
its own frozen clock in the days before "now". The CDRs are the simulator's, priced by the
billing engine, so the correct mock bills every rule right.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from harness.clock import FrozenClock
from mock_partners.catalog import StoreCatalog
from mock_partners.seed.common import rng_for
from mock_partners.simulation.vehicle import VEHICLES, VehicleProfile
from mock_partners.simulator import SessionCompleted, SessionSimulator
from mock_partners.store import Page

__all__ = ["SCENARIOS", "HistoryCatalog", "Scenario", "build_cdr_history"]

_BIG_BATTERY = VehicleProfile("pickup-ev", 131.0, 0.02, 11.0, 250.0, battery_voltage=800.0)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One finished session: tariff, power type, local start and how long the car stays."""

    tariff_id: str
    power: str  # "AC" or "DC"
    weekday: int  # local weekday of the start, 0 = Monday
    start: time  # local start time
    stay: timedelta  # plug-in to stop
    vehicle: VehicleProfile
    why: str  # the rules it exercises
    reservation: bool = False  # a reservation that runs out unused after ``stay``


def _ev(name: str, soc: float) -> VehicleProfile:
    base = VEHICLES[name]
    return VehicleProfile(
        base.name,
        base.battery_kwh,
        soc,
        base.max_ac_kw,
        base.max_dc_kw,
        base.ac_phases,
        base.battery_voltage,
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("AC-TIME-OF-DAY", "AC", 1, time(20, 30, 17), timedelta(hours=3, minutes=7),
             _ev("compact-ev", 0.2), "peak until 21:00 local, night from 22:00 (local time, "
             "exclusive end, AND of start/end_time, periods split at price changes)"),
    Scenario("AC-TIME-OF-DAY", "AC", 2, time(6, 10, 41), timedelta(hours=2, minutes=3),
             _ev("compact-ev", 0.3), "night rate until 07:00 local"),
    Scenario("AC-WEEKEND", "AC", 4, time(22, 40, 5), timedelta(hours=3, minutes=11),
             _ev("family-suv", 0.2), "weekend rate from Saturday 00:00 local"),
    Scenario("AC-TIME-PARK", "AC", 3, time(10, 3, 27), timedelta(hours=3, minutes=17, seconds=9),
             _ev("city-ev", 0.75), "charging TIME per minute, daytime parking per quarter hour "
             "(step_size)"),
    Scenario("DC-POWER", "DC", 0, time(13, 21, 44), timedelta(hours=1, minutes=52, seconds=13),
             _ev("premium-ev", 0.1), "energy priced by power band, idle fee after one hour"),
    Scenario("DC-HPC", "DC", 2, time(9, 12, 8), timedelta(hours=1, minutes=31, seconds=40),
             _ev("family-suv", 0.05), "cheaper energy after 40 kWh, time fee after 45 minutes"),
    Scenario("DC-START-MAX", "DC", 3, time(16, 44, 2), timedelta(minutes=12, seconds=31),
             _ev("city-ev", 0.985), "start fee and a little energy below min_price"),
    Scenario("DC-START-MAX", "DC", 5, time(11, 5, 55), timedelta(hours=2, minutes=4),
             _BIG_BATTERY, "a large battery filled above max_price"),
    Scenario("AC-RESERVE", "AC", 1, time(8, 15, 0), timedelta(minutes=25),
             _ev("compact-ev", 0.3), "a reservation that expired unused (RESERVATION_EXPIRES)",
             reservation=True),
)  # fmt: skip


Plug = tuple[dict[str, Any], str, dict[str, Any]]  # (Location, EVSE uid, Connector)


def _connectors(world_locations: Any, power: str) -> list[Plug]:
    out: list[Plug] = []
    for location in world_locations:
        for evse in location.get("evses") or []:
            for connector in evse.get("connectors") or []:
                is_dc = connector.get("power_type") == "DC"
                if is_dc == (power == "DC"):
                    out.append((location, str(evse["uid"]), connector))
    return out


def _ids(connector: dict[str, Any]) -> list[str]:
    ids = connector.get("tariff_ids")
    if ids is None:
        ids = [connector["tariff_id"]] if connector.get("tariff_id") else []
    return [str(i) for i in ids]


def _choose(candidates: list[Plug], tariff_id: str) -> Plug | None:
    """A Connector that references the tariff (the most powerful one), else the most
    powerful of the power type."""
    if not candidates:
        return None

    def watts(item: Plug) -> float:
        return float(item[2].get("max_electric_power") or 0)

    referencing = [c for c in candidates if tariff_id in _ids(c[2])]
    return max(referencing or candidates, key=watts)


def _local_start(now: datetime, zone: ZoneInfo, weekday: int, at: time, week: int) -> datetime:
    day = (now.astimezone(zone) - timedelta(days=7 * week + 2)).date()
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return datetime.combine(day, at, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def build_cdr_history(
    *,
    version: str,
    seed: int,
    country_code: str,
    party_id: str,
    locations: Any,
    tariffs: list[dict[str, Any]],
    tokens: list[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]]:
    """The CDRs of :data:`SCENARIOS` (those whose tariff exists in ``version``), oldest first,
    every one finished before ``now``. The same inputs give the same CDRs (a seeded world), so
    they are kept per key and copied out."""
    key = (
        version, seed, country_code, party_id, now, len(locations),
        tuple((t.get("id"), t.get("last_updated")) for t in tariffs),
        tuple(t.get("uid") for t in tokens[:3]),
    )  # fmt: skip
    cached = _CACHE.get(key)
    if cached is None:
        cached = _build(version, seed, country_code, party_id, locations, tariffs, tokens, now)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = cached
    return copy.deepcopy(cached)


_CACHE: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
_CACHE_SIZE = 32


def _build(
    version: str,
    seed: int,
    country_code: str,
    party_id: str,
    locations: Any,
    tariffs: list[dict[str, Any]],
    tokens: list[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]]:
    by_id = {str(t["id"]): t for t in tariffs}
    token = next((t for t in tokens if t.get("valid")), tokens[0] if tokens else None)
    if token is None:
        return []
    located = list(locations)
    out: list[dict[str, Any]] = []
    for n, scenario in enumerate(SCENARIOS):
        tariff = by_id.get(scenario.tariff_id)
        chosen = _choose(_connectors(located, scenario.power), scenario.tariff_id)
        if tariff is None or chosen is None:
            continue
        location, evse_uid, connector = chosen
        zone = ZoneInfo(str(location.get("time_zone") or "UTC"))
        begin = _local_start(now, zone, scenario.weekday, scenario.start, 1 + n % 3)
        clock = FrozenClock(begin)
        sim = SessionSimulator(
            version=version,
            clock=clock,
            rng=rng_for(seed, "cdr-history", version, n),
            country_code=country_code,
            party_id=party_id,
            activation_delay=(0, 0),
        )
        if scenario.reservation:
            sim.reserve(
                location=location,
                evse_uid=evse_uid,
                connector_id=str(connector["id"]),
                token=copy.deepcopy(token),
                tariff=tariff,
                until=begin + scenario.stay,
            )
            clock.advance(scenario.stay + timedelta(seconds=30))
        else:
            started = sim.start(
                location=location,
                evse_uid=evse_uid,
                connector_id=str(connector["id"]),
                token=copy.deepcopy(token),
                tariff=tariff,
                auth_method="WHITELIST",
                profile=scenario.vehicle,
            )
            clock.advance(scenario.stay)
            sim.tick()
            sim.stop(started.id)
            clock.advance(timedelta(seconds=30))
        for event in sim.tick():
            if isinstance(event, SessionCompleted):
                out.append(event.cdr)
    out.sort(key=lambda c: str(c.get("last_updated")))
    return out


class HistoryCatalog(StoreCatalog):
    """The CDRs catalog of a mock CPO, filled with the history on first use: building the
    history simulates a few sessions (~0.05 s per version), which most mocks never need."""

    def __init__(
        self,
        store: Any,
        kind: str,
        country_code: str,
        party_id: str,
        fill: Callable[[StoreCatalog], None],
    ) -> None:
        super().__init__(store, kind, country_code, party_id)
        self._fill: Callable[[StoreCatalog], None] | None = fill

    def _ready(self) -> None:
        fill, self._fill = self._fill, None
        if fill is not None:
            fill(self)

    def get(self, object_id: str) -> dict[str, Any] | None:
        self._ready()
        return super().get(object_id)

    def put(self, doc: dict[str, Any]) -> bool:
        self._ready()
        return super().put(doc)

    def page(
        self,
        *,
        offset: int = 0,
        limit: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Page:
        self._ready()
        return super().page(offset=offset, limit=limit, date_from=date_from, date_to=date_to)

    def count(self) -> int:
        self._ready()
        return super().count()
