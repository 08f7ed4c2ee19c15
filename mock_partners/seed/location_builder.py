"""Building one seeded Location (its EVSEs, Connectors, hours, parking, images...).

Used by :class:`~mock_partners.seed.locations.LocationSequence`; everything random comes from
the Location's own ``random.Random`` and the Faker values the sequence drew for it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from faker import Faker

from mock_partners.seed.common import ascii_text, ts
from mock_partners.seed.countries import Country
from mock_partners.seed.tariffs import tariff_ids_for

if TYPE_CHECKING:
    from mock_partners.seed.locations import LocationSequence

__all__ = ["LocationBuilder", "state_of"]

_FACILITIES_211 = frozenset(
    {"HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "SPORT", "RECREATION_AREA", "NATURE",
     "MUSEUM", "BUS_STOP", "TAXI_STAND", "TRAIN_STATION", "AIRPORT", "CARPOOL_PARKING",
     "FUEL_STATION", "WIFI"}
)  # fmt: skip
_CAPABILITIES_211 = frozenset(
    {"CHARGING_PROFILE_CAPABLE", "CREDIT_CARD_PAYABLE", "REMOTE_START_STOP_CAPABLE",
     "RESERVABLE", "RFID_READER", "UNLOCK_CAPABLE"}
)  # fmt: skip
_CONNECTORS_211 = frozenset(
    {"CHADEMO", "IEC_62196_T1", "IEC_62196_T1_COMBO", "IEC_62196_T2", "IEC_62196_T2_COMBO",
     "DOMESTIC_E", "DOMESTIC_F", "DOMESTIC_G", "DOMESTIC_J", "DOMESTIC_K", "DOMESTIC_L"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Kind:
    name: str
    weight: float
    type_211: str  # LocationType (2.1.1)
    parking_type: str  # ParkingType (2.2+)
    evses: tuple[int, int]
    dc_share: float  # probability that an EVSE is DC
    facilities: tuple[str, ...]


_KINDS = (
    _Kind("street", 0.35, "ON_STREET", "ON_STREET", (1, 2), 0.0,
          ("BUS_STOP", "TRAM_STOP", "CAFE", "BIKE_SHARING")),
    _Kind("retail", 0.20, "PARKING_LOT", "PARKING_LOT", (2, 6), 0.3,
          ("SUPERMARKET", "MALL", "CAFE", "WIFI", "PARKING_LOT")),
    _Kind("garage", 0.15, "PARKING_GARAGE", "PARKING_GARAGE", (2, 8), 0.1,
          ("PARKING_LOT", "TRAIN_STATION", "METRO_STATION", "MALL")),
    _Kind("hub", 0.15, "PARKING_LOT", "ALONG_MOTORWAY", (4, 8), 1.0,
          ("FUEL_STATION", "RESTAURANT", "CAFE", "WIFI", "CARPOOL_PARKING")),
    _Kind("destination", 0.10, "PARKING_LOT", "PARKING_LOT", (1, 3), 0.0,
          ("HOTEL", "RESTAURANT", "NATURE", "RECREATION_AREA", "MUSEUM", "SPORT")),
    _Kind("depot", 0.05, "OTHER", "ON_DRIVEWAY", (1, 2), 0.0, ("WIFI",)),
)  # fmt: skip
_KIND_WEIGHTS = [k.weight for k in _KINDS]

_STATUSES = ("AVAILABLE", "CHARGING", "OUTOFORDER", "INOPERATIVE", "BLOCKED", "PLANNED", "UNKNOWN")
_STATUS_WEIGHTS = (0.72, 0.15, 0.04, 0.03, 0.02, 0.02, 0.02)


@dataclass(frozen=True, slots=True)
class _Plug:
    standard: str
    format: str
    power_type: str
    voltage: int
    amperage: int
    watts: int


def _ac_plugs(country: Country, version: str, rng: random.Random) -> list[_Plug]:
    v = country.ac_voltage
    if country.ac_standard == "IEC_62196_T1":
        plugs = [_Plug("IEC_62196_T1", "CABLE", "AC_1_PHASE", v, 32, v * 32)]
    else:
        amps = rng.choice((16, 32, 32))
        fmt = "CABLE" if rng.random() < 0.15 else "SOCKET"
        plugs = [_Plug("IEC_62196_T2", fmt, "AC_3_PHASE", v, amps, 11000 if amps == 16 else 22000)]
    if rng.random() < 0.2:
        domestic = country.ac_connectors[0]
        if version != "2.1.1" or domestic in _CONNECTORS_211:
            if domestic.startswith("NEMA"):
                plugs.append(_Plug(domestic, "SOCKET", "AC_2_PHASE_SPLIT", 120, 40, 9600))
            else:
                plugs.append(_Plug(domestic, "SOCKET", "AC_1_PHASE", v, 16, 3680))
    return plugs


def _dc_plugs(country: Country, version: str, rng: random.Random, hub: bool) -> list[_Plug]:
    level = rng.choice((150, 300, 350) if hub else (50, 50, 150))
    volts, amps = {50: (500, 125), 150: (920, 200), 300: (920, 500), 350: (1000, 500)}[level]
    plugs = [_Plug(country.ccs, "CABLE", "DC", volts, amps, level * 1000)]
    if version == "2.3.0" and country.code in ("US", "CA") and rng.random() < 0.3:
        plugs.append(_Plug("SAE_J3400", "CABLE", "DC", 1000, 500, min(level, 250) * 1000))
    elif rng.random() < 0.4 and country.code not in ("US", "CA"):
        plugs.append(_Plug("CHADEMO", "CABLE", "DC", 500, 125, 50000))
        if rng.random() < 0.3:
            plugs.append(_Plug("IEC_62196_T2", "CABLE", "AC_3_PHASE", 230, 63, 43000))
    if version == "2.3.0" and hub and rng.random() < 0.05:
        plugs = [_Plug("MCS", "CABLE", "DC", 1250, 3000, 3750000)]
    return plugs


def state_of(fake: Faker, code: str) -> str | None:
    if code == "US":
        return str(fake.state_abbr())
    if code == "CA":
        return str(fake.province_abbr())
    return None


def _clip(text: str, limit: int) -> str:
    """One line (Faker's en_GB addresses have newlines) of at most ``limit`` characters."""
    return " ".join(text.split())[:limit].rstrip()


class LocationBuilder:
    """Builds one Location; split out so the lock only covers the Faker calls."""

    def __init__(self, seq: LocationSequence, index: int, rng: random.Random) -> None:
        self.seq = seq
        self.v = seq.version
        self.index = index
        self.rng = rng
        self.loc_id = seq.id_of(index)
        self.updated = seq.last_updated(index)

    # helpers
    def _coord(self, lat: float, lon: float, decimals: int) -> dict[str, str]:
        # string(10) / string(11): fewer decimals where the integer part is long (REQ-LOC-023)
        lat_text = f"{lat:.{decimals}f}"
        if len(lat_text) > 10:
            lat_text = f"{lat:.{decimals - (len(lat_text) - 10)}f}"
        lon_text = f"{lon:.{decimals}f}"
        if len(lon_text) > 11:
            lon_text = f"{lon:.{decimals - (len(lon_text) - 11)}f}"
        return {"latitude": lat_text, "longitude": lon_text}

    def _before(self, ceiling: datetime, max_days: float) -> datetime:
        earlier = ceiling - timedelta(seconds=self.rng.randrange(int(max_days * 86400) + 1))
        return earlier.replace(microsecond=0) if earlier.microsecond else earlier

    def build(
        self, *, street: str, address: str, city: str, postcode: str, company: str,
        surname: str, state: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        rng, seq, v = self.rng, self.seq, self.v
        country = seq.country
        kind = rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
        lat = rng.uniform(*country.lat)
        lon = rng.uniform(*country.lon)
        decimals = 6 if v == "2.1.1" else rng.choice((5, 6, 6, 7))
        zone = country.zone_at(lon)
        name = {
            "street": street,
            "retail": f"{company} {city}",
            "garage": f"Parking {street}" if rng.random() < 0.6 else f"P+R {city}",
            "hub": f"{seq.operator['name']} Hub {city}",
            "destination": f"{rng.choice(('Hotel', 'Restaurant', 'Camping'))} {surname}",
            "depot": f"{company} depot",
        }[kind.name]
        loc: dict[str, Any] = {}
        if v != "2.1.1":
            loc["country_code"] = seq.country_code
            loc["party_id"] = seq.party_id
        loc["id"] = self.loc_id
        if v == "2.1.1":
            loc["type"] = (
                "UNDERGROUND_GARAGE" if kind.name == "garage" and rng.random() < 0.4
                else kind.type_211
            )  # fmt: skip
        else:
            loc["publish"] = kind.name != "depot" or rng.random() < 0.5
            if not loc["publish"]:
                loc["publish_allowed_to"] = self._publish_allowed_to()
        loc["name"] = _clip(name, 255)
        loc["address"] = _clip(address, 45)
        loc["city"] = _clip(city, 45)
        loc["postal_code"] = _clip(postcode, 10)
        if v != "2.1.1" and state is not None:
            loc["state"] = _clip(state, 20)
        loc["country"] = country.alpha3
        loc["coordinates"] = self._coord(lat, lon, decimals)
        if rng.random() < 0.2:
            loc["related_locations"] = [
                {
                    **self._coord(lat + rng.uniform(-4e-4, 4e-4), lon + rng.uniform(-4e-4, 4e-4),
                                  decimals),
                    "name": {"language": "en", "text": "Entrance"},
                }
            ]  # fmt: skip
        if v != "2.1.1":
            loc["parking_type"] = (
                "UNDERGROUND_GARAGE" if kind.name == "garage" and rng.random() < 0.4
                else kind.parking_type
            )  # fmt: skip
        evse_count = rng.randint(*kind.evses)
        parking_places = self._parking_places(kind) if v == "2.3.0" else []
        evses = [self._evse(n, kind, lat, lon, decimals, parking_places) for n in range(evse_count)]
        loc["evses"] = evses
        if parking_places:
            loc["parking_places"] = parking_places
        if rng.random() < 0.25:
            where = "level -1" if kind.name == "garage" else "the rear of the car park"
            loc["directions"] = [{"language": "en", "text": f"Charging bays are at {where}."}]
        loc["operator"] = dict(seq.operator)
        if kind.name in ("retail", "destination") and rng.random() < 0.5:
            loc["owner"] = {"name": _clip(company, 100)}
        if rng.random() < 0.1:
            loc["suboperator"] = {"name": _clip(f"{company} Services", 100)}
        facilities = [f for f in kind.facilities if rng.random() < 0.5]
        if v == "2.1.1":
            facilities = [f for f in facilities if f in _FACILITIES_211]
        if facilities:
            loc["facilities"] = facilities
        loc["time_zone"] = zone
        hours = self._opening_times(zone, kind)
        if hours is not None:
            loc["opening_times"] = hours
            if rng.random() < 0.5:
                loc["charging_when_closed"] = rng.random() < 0.5
        if rng.random() < 0.3:
            loc["images"] = [self._image("LOCATION", 1)]
            if rng.random() < 0.3:
                loc["images"].append(self._image("ENTRANCE", 2))
        if rng.random() < 0.3:
            loc["energy_mix"] = self._grid_mix()
        if v == "2.3.0" and rng.random() < 0.5:
            digits = "".join(rng.choice("0123456789") for _ in range(9))
            loc["help_phone"] = f"{country.phone_prefix} {digits[:3]} {digits[3:]}"
        loc["last_updated"] = ts(self.updated)
        return ascii_text(loc) if v == "2.1.1" else loc

    def _publish_allowed_to(self) -> list[dict[str, Any]]:
        rng = self.rng
        choice = rng.randrange(3)
        if choice == 0:
            uid = "".join(rng.choice("0123456789ABCDEF") for _ in range(8))
            return [{"uid": uid, "type": "RFID"}]
        if choice == 1:
            number = "".join(rng.choice("0123456789") for _ in range(10))
            return [{"visual_number": f"{self.seq.country_code}-{number}", "issuer": "Fleet"}]
        return [{"group_id": f"GRP-{rng.randrange(1, 40):03d}"}]

    def _image(self, category: str, n: int) -> dict[str, Any]:
        base = f"https://img.{self.seq.party_id.lower()}.example/locations/{self.loc_id}"
        return {
            "url": f"{base}/{n}.jpg",
            "thumbnail": f"{base}/{n}-thumb.jpg",
            "category": category,
            "type": "jpeg",
            "width": 1200,
            "height": 800,
        }

    def _grid_mix(self) -> dict[str, Any]:
        rng = self.rng
        green = rng.choice((20, 30, 40, 55))
        nuclear = rng.choice((0, 10, 20))
        fossil = 100 - green - nuclear
        sources = [
            {"source": "GENERAL_GREEN", "percentage": green},
            {"source": "GAS", "percentage": fossil},
        ]
        if nuclear:
            sources.append({"source": "NUCLEAR", "percentage": nuclear})
        key = "source" if self.v == "2.1.1" else "category"
        return {
            "is_green_energy": False,
            "energy_sources": sources,
            "environ_impact": [
                {key: "CARBON_DIOXIDE", "amount": round(fossil * 4.1, 1)},
                {key: "NUCLEAR_WASTE", "amount": round(nuclear * 0.0007, 5)},
            ],
            "supplier_name": "Netbeheer Energie",
            "energy_product_name": "Grid mix",
        }

    def _opening_times(self, zone: str, kind: _Kind) -> dict[str, Any] | None:
        rng = self.rng
        if kind.name in ("street", "hub") or rng.random() < 0.6:
            return {"twentyfourseven": True} if rng.random() < 0.8 else None
        begin, end = rng.choice((("07:00", "22:00"), ("06:00", "23:00"), ("08:00", "20:00")))
        regular = [{"weekday": d, "period_begin": begin, "period_end": end} for d in range(1, 7)]
        if rng.random() < 0.7:
            regular.append({"weekday": 7, "period_begin": "09:00", "period_end": "18:00"})
        hours: dict[str, Any] = {} if self.v == "2.1.1" else {"twentyfourseven": False}
        hours["regular_hours"] = regular
        tz = self.seq.zone(zone)
        start_day = self.seq.start.astimezone(tz).date()
        if rng.random() < 0.5:
            day = start_day + timedelta(days=rng.randrange(3, 60))
            hours["exceptional_closings"] = [self._local_day(day, tz)]
        if rng.random() < 0.3:
            day = start_day + timedelta(days=rng.randrange(3, 60))
            hours["exceptional_openings"] = [self._local_day(day, tz, time(22), time(23, 59))]
        return hours

    def _local_day(
        self, day: date, tz: ZoneInfo, begin: time = time(0), end: time | None = None
    ) -> dict[str, str]:
        first = datetime.combine(day, begin, tz)
        last = datetime.combine(day, end, tz) if end else datetime.combine(day + timedelta(1),
                                                                           time(0), tz)  # fmt: skip
        return {"period_begin": ts(first), "period_end": ts(last)}

    def _parking_places(self, kind: _Kind) -> list[dict[str, Any]]:
        rng = self.rng
        if kind.name not in ("hub", "garage", "retail") or rng.random() < 0.4:
            return []
        trucks = kind.name == "hub" and rng.random() < 0.4
        # hubs and garages mark out two bays per charger (a hub's second may take trucks)
        bays = (False, trucks) if kind.name in ("hub", "garage") else (False,)
        places: list[dict[str, Any]] = []
        for truck in bays:
            number = len(places) + 1
            place: dict[str, Any] = {"id": f"P{number}", "physical_reference": f"P{number}"}
            if truck:
                place["vehicle_types"] = ["TRUCK_WITH_TRAILER", "SEMI_TRACTOR", "RIGID"]
                place["max_vehicle_length"] = 1875
                place["drive_through"] = True
                place["direction"] = "PARALLEL"
            else:
                place["vehicle_types"] = ["PERSONAL_VEHICLE", "VAN"]
                place["parking_space_length"] = 500
                place["parking_space_width"] = 250
                place["direction"] = "PERPENDICULAR"
            if kind.name == "garage":
                place["max_vehicle_height"] = 210
                place["roofed"] = True
            place["restricted_to_type"] = False
            place["reservation_required"] = False
            place["lighting"] = True
            places.append(place)
        return places

    def _evse(
        self,
        n: int,
        kind: _Kind,
        lat: float,
        lon: float,
        decimals: int,
        parking_places: list[dict[str, Any]],
    ) -> dict[str, Any]:
        rng, seq, v = self.rng, self.seq, self.v
        dc = rng.random() < kind.dc_share
        plugs = (
            _dc_plugs(seq.country, v, rng, kind.name == "hub") if dc
            else _ac_plugs(seq.country, v, rng)
        )  # fmt: skip
        evse_updated = self._before(self.updated, 20)
        capabilities = ["RFID_READER", "REMOTE_START_STOP_CAPABLE", "UNLOCK_CAPABLE"]
        if rng.random() < 0.4:
            capabilities.append("RESERVABLE")
        if rng.random() < 0.3:
            capabilities.append("CHARGING_PROFILE_CAPABLE")
        if dc and rng.random() < 0.6:
            capabilities += ["CREDIT_CARD_PAYABLE", "CONTACTLESS_CARD_SUPPORT", "PED_TERMINAL"]
        if v != "2.1.1":
            if rng.random() < 0.2:
                capabilities.append("CHARGING_PREFERENCES_CAPABLE")
            if rng.random() < 0.2:
                capabilities.append("TOKEN_GROUP_CAPABLE")
            if len(plugs) > 1 and rng.random() < 0.3:
                capabilities.append("START_SESSION_CONNECTOR_REQUIRED")
        else:
            capabilities = [c for c in capabilities if c in _CAPABILITIES_211]
        status = rng.choices(_STATUSES, weights=_STATUS_WEIGHTS)[0]
        if status == "CHARGING" and rng.random() < 0.1 and "RESERVABLE" in capabilities:
            status = "RESERVED"
        evse: dict[str, Any] = {
            "uid": f"{self.loc_id}-E{n + 1}",
            "evse_id": f"{seq.country_code}*{seq.party_id}*E{self.index:06d}*{n + 1}",
            "status": status,
        }
        schedule = self._status_schedule(status)
        if schedule:
            evse["status_schedule"] = schedule
        evse["capabilities"] = capabilities
        power = "DC" if dc else "AC"
        ids = tariff_ids_for(seq.tariffs, power, rng, v)
        evse["connectors"] = [
            self._connector(i, plug, ids, evse_updated) for i, plug in enumerate(plugs)
        ]
        if kind.name == "garage":
            evse["floor_level"] = rng.choice(("-2", "-1", "0", "1", "2"))
        evse["physical_reference"] = f"{n + 1:02d}" if rng.random() < 0.6 else f"A{n + 1}"
        if rng.random() < 0.25:
            evse["coordinates"] = self._coord(
                lat + rng.uniform(-1e-4, 1e-4), lon + rng.uniform(-1e-4, 1e-4), decimals
            )
        restrictions = []
        if rng.random() < 0.4:
            restrictions.append("EV_ONLY")
            if rng.random() < 0.3:
                restrictions.append("PLUGGED")
        if kind.name in ("retail", "destination") and rng.random() < 0.3:
            restrictions.append("CUSTOMERS")
        if v == "2.3.0" and kind.name == "depot" and rng.random() < 0.5:
            restrictions.append("EMPLOYEES")
        if restrictions:
            evse["parking_restrictions"] = restrictions
        if parking_places:
            evse["parking"] = [  # a charger between two bays serves both
                {
                    "parking_id": place["id"],
                    "evse_position": rng.choice(("LEFT", "RIGHT", "CENTER")),
                }
                for place in parking_places
            ]
        if rng.random() < 0.05:
            evse["images"] = [self._image("CHARGER", 10 + n)]
        if v == "2.3.0" and rng.random() < 0.05:
            evse["accepted_service_providers"] = [f"{seq.country_code}-{seq.party_id}"]
        evse["last_updated"] = ts(evse_updated)
        return evse

    def _status_schedule(self, status: str) -> list[dict[str, Any]]:
        rng = self.rng
        start = self.seq.start.replace(microsecond=0)
        if status == "PLANNED":
            opening = start + timedelta(days=rng.randrange(7, 90))
            return [{"period_begin": ts(opening), "status": "AVAILABLE"}]
        if rng.random() < 0.05:
            begin = start + timedelta(days=rng.randrange(1, 30), hours=rng.randrange(24))
            return [
                {"period_begin": ts(begin), "period_end": ts(begin + timedelta(hours=4)),
                 "status": "INOPERATIVE"}
            ]  # fmt: skip
        return []

    def _connector(
        self, i: int, plug: _Plug, tariff_ids: Sequence[str], evse_updated: datetime
    ) -> dict[str, Any]:
        rng, v = self.rng, self.v
        connector: dict[str, Any] = {
            "id": str(i + 1),
            "standard": plug.standard,
            "format": plug.format,
            "power_type": plug.power_type,
        }
        ids = list(tariff_ids)
        if plug.power_type != "DC" and any(t.startswith("DC") for t in ids):
            ids = ["AC-ENERGY"]  # the AC cable of a multi-standard DC charger
        if v == "2.1.1":
            connector["voltage"] = plug.voltage
            connector["amperage"] = plug.amperage
            connector["tariff_id"] = ids[0]
        else:
            connector["max_voltage"] = plug.voltage
            connector["max_amperage"] = plug.amperage
            connector["max_electric_power"] = plug.watts
            connector["tariff_ids"] = ids
        if rng.random() < 0.1:
            connector["terms_and_conditions"] = (
                f"https://www.{self.seq.party_id.lower()}.example/terms"
            )
        if v == "2.3.0" and plug.standard.endswith("COMBO") and rng.random() < 0.3:
            caps = ["ISO_15118_2_PLUG_AND_CHARGE"]
            if rng.random() < 0.3:
                caps.append("ISO_15118_20_PLUG_AND_CHARGE")
            connector["capabilities"] = caps
        connector["last_updated"] = ts(self._before(evse_updated, 10))
        return connector
