"""Session and CDR wire objects of a simulated session, per OCPI version, priced by the engine.

Volumes are reported from the exact simulation by *cumulative* truncation (energy to 0.1 Wh,
time to 1e-6 h): each period reports ``q(end) - q(start)`` of the running totals, so the sums
equal the quantized totals, never exceed the exact ones, and a step_size rounding of the session
total is never pushed over a step by representation noise.

CDR totals come from ``harness.billing.price`` applied to the CDR itself (its charging periods,
its tariff snapshot, the Location's time zone): they equal the engine's reference by
construction. Session-only dimensions (CURRENT, POWER, STATE_OF_CHARGE) appear only in
Sessions (REQ-CDR-019); 2.1.1 has neither them nor MIN/MAX_POWER.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from harness.billing import Amount, PriceReport, price
from harness.ocpi.timestamps import format_datetime
from mock_partners.simulation.session import Period, SimSession

__all__ = [
    "MONEY_FIELDS",
    "cdr_object",
    "json_number",
    "price_json",
    "price_of",
    "reservation_cdr_object",
    "reservation_priced",
    "session_object",
]

MONEY_FIELDS = (
    "total_cost",
    "total_fixed_cost",
    "total_energy_cost",
    "total_time_cost",
    "total_parking_cost",
    "total_reservation_cost",
)
_KWH = Decimal("0.0001")
_HOURS = Decimal("0.000001")


def _q_kwh(energy_wh: float) -> Decimal:
    return (Decimal(energy_wh) / 1000).quantize(_KWH, rounding=ROUND_DOWN)


def _q_hours(seconds: float) -> Decimal:
    return (Decimal(round(seconds)) / 3600).quantize(_HOURS, rounding=ROUND_DOWN)


def json_number(value: Decimal) -> float | int:
    as_float = float(value)
    return int(as_float) if as_float == int(as_float) else as_float


def _round(value: float, places: int) -> float | int:
    return json_number(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _dims(p: Period, sim: SimSession, *, for_cdr: bool) -> list[dict[str, Any]]:
    assert p.end is not None
    start = sim.activate_at
    hours = _q_hours((p.end - start).total_seconds()) - _q_hours((p.start - start).total_seconds())
    v = sim.version
    if p.phase == "parking":
        dims = [{"type": "PARKING_TIME", "volume": json_number(hours)}]
        if not for_cdr and v != "2.1.1":
            dims.append({"type": "STATE_OF_CHARGE", "volume": _round(p.soc_end * 100, 1)})
        return dims
    energy = _q_kwh(p.energy_end_wh) - _q_kwh(p.energy_start_wh)
    dims = [
        {"type": "ENERGY", "volume": json_number(energy)},
        {"type": "TIME", "volume": json_number(hours)},
    ]
    if v != "2.1.1" and p.power_min_w is not None and p.power_max_w is not None:
        dims.append({"type": "MIN_POWER", "volume": json_number(Decimal(p.power_min_w) / 1000)})
        dims.append({"type": "MAX_POWER", "volume": json_number(Decimal(p.power_max_w) / 1000)})
    if p.current_min_a is not None and p.current_max_a is not None:
        dims.append({"type": "MIN_CURRENT", "volume": _round(p.current_min_a, 1)})
        dims.append({"type": "MAX_CURRENT", "volume": _round(p.current_max_a, 1)})
    if not for_cdr and v != "2.1.1":
        seconds = (p.end - p.start).total_seconds()
        avg_kw = (p.energy_end_wh - p.energy_start_wh) * 3.6 / seconds if seconds else 0.0
        dims.append({"type": "POWER", "volume": _round(avg_kw, 3)})
        dims.append({"type": "CURRENT", "volume": _round(avg_kw * 1000 / _volts(sim), 1)})
        dims.append({"type": "STATE_OF_CHARGE", "volume": _round(p.soc_end * 100, 1)})
    return dims


def _volts(sim: SimSession) -> float:
    if sim.connector.get("power_type") == "DC":
        return sim.profile.battery_voltage
    voltage = float(sim.connector.get("max_voltage", sim.connector.get("voltage", 230)))
    return voltage if voltage < 300 else voltage / 3**0.5


def periods_json(periods: list[Period], sim: SimSession, *, for_cdr: bool) -> list[dict[str, Any]]:
    out = []
    for p in periods:
        period: dict[str, Any] = {
            "start_date_time": format_datetime(p.start),
            "dimensions": _dims(p, sim, for_cdr=for_cdr),
        }
        if sim.version != "2.1.1" and sim.tariff is not None:
            period["tariff_id"] = sim.tariff["id"]
        out.append(period)
    return out


def _auth_method(sim: SimSession) -> str:
    if sim.version == "2.1.1" and sim.auth_method == "COMMAND":
        return "AUTH_REQUEST"  # 2.1.1 has no COMMAND: remote starts were authorised requests
    return sim.auth_method


def _location_211(sim: SimSession) -> dict[str, Any]:
    """A 2.1.1 Location holding only the EVSE and Connector of the session."""
    place = copy.deepcopy(sim.location)
    evse = copy.deepcopy(sim.evse)
    evse["connectors"] = [copy.deepcopy(sim.connector)]
    place["evses"] = [evse]
    return place


def _cdr_token(sim: SimSession) -> dict[str, Any]:
    token = sim.token
    return {
        "country_code": token.get("country_code") or sim.owner[0],
        "party_id": token.get("party_id") or sim.owner[1],
        "uid": token["uid"],
        "type": token["type"],
        "contract_id": token.get("contract_id") or token.get("auth_id") or token["uid"],
    }


def price_json(version: str, amount: Amount, vat: float | None) -> Any:
    excl, incl = amount
    if excl is None:  # 2.3.0 tax included and no vat given: before-tax unknown (AMB-26)
        excl = incl if incl is not None else Decimal(0)
        incl = None
    if version == "2.1.1":
        return json_number(excl)
    if version == "2.2.1":
        out: dict[str, Any] = {"excl_vat": json_number(excl)}
        if incl is not None:
            out["incl_vat"] = json_number(incl)
        return out
    price_obj: dict[str, Any] = {"before_taxes": json_number(excl)}
    if incl is not None and incl != excl:
        tax: dict[str, Any] = {"name": "VAT"}
        if vat is not None:
            tax["percentage"] = vat
        tax["amount"] = json_number(incl - excl)
        price_obj["taxes"] = [tax]
    return price_obj


def _uniform_vat(tariff: dict[str, Any] | None) -> float | None:
    rates = {
        pc.get("vat")
        for e in (tariff or {}).get("elements", [])
        for pc in e.get("price_components", [])
    }
    return rates.pop() if len(rates) == 1 and None not in rates else None


def price_of(sim: SimSession, doc: dict[str, Any]) -> PriceReport:
    """The engine's report for a CDR-shaped ``doc`` of this session."""
    return price(
        sim.tariff,
        doc,
        time_zone=str(sim.location.get("time_zone") or "UTC"),
        version=sim.version,
        reservation_expired=sim.expired,
    )


def _running_cost(sim: SimSession, now: datetime) -> Any:
    """What the session has cost so far (closed periods and the one in progress)."""
    if sim.tariff is None or not sim.activated:
        return None
    periods = list(sim.periods)
    snapshot = sim.open_snapshot()
    if snapshot is not None:
        periods.append(snapshot)
    if not periods:
        return None
    end = periods[-1].end
    assert end is not None
    doc: dict[str, Any] = {
        "start_date_time": format_datetime(sim.activate_at),
        "end_date_time": format_datetime(end),
        "currency": sim.currency,
        "charging_periods": periods_json(periods, sim, for_cdr=True),
    }
    report = price_of(sim, doc)
    total = report.rounded("total_cost")
    assert total is not None
    return price_json(sim.version, total, _uniform_vat(sim.tariff))


def session_object(sim: SimSession, now: datetime) -> dict[str, Any]:
    """The full Session wire object as of ``now``."""
    v = sim.version
    # PENDING / RESERVATION: the creation time; from ACTIVE on, the activation (REQ-SES-015)
    start = sim.activate_at if sim.activated else sim.created_at
    end = sim.stop_at if sim.ended else None
    kwh = json_number(_q_kwh(sim.energy_wh))
    cost = _running_cost(sim, now)
    periods = periods_json(sim.periods, sim, for_cdr=False)
    status = sim.status
    if v == "2.1.1":
        out: dict[str, Any] = {"id": sim.id, "start_datetime": format_datetime(start)}
        if end is not None:
            out["end_datetime"] = format_datetime(end)
        out["kwh"] = kwh
        out["auth_id"] = (
            sim.token.get("auth_id") or sim.token.get("contract_id") or sim.token["uid"]
        )
        out["auth_method"] = _auth_method(sim)
        out["location"] = _location_211(sim)
        out["meter_id"] = sim.meter_id
        out["currency"] = sim.currency
        if periods:
            out["charging_periods"] = periods
        if cost is not None:
            out["total_cost"] = cost
        out["status"] = status
        out["last_updated"] = format_datetime(now)
        return out
    out = {
        "country_code": sim.owner[0],
        "party_id": sim.owner[1],
        "id": sim.id,
        "start_date_time": format_datetime(start),
    }
    if end is not None:
        out["end_date_time"] = format_datetime(end)
    out["kwh"] = kwh
    out["cdr_token"] = _cdr_token(sim)
    out["auth_method"] = _auth_method(sim)
    if sim.authorization_reference is not None:
        out["authorization_reference"] = sim.authorization_reference
    out["location_id"] = sim.location_id
    out["evse_uid"] = sim.evse_uid
    out["connector_id"] = sim.connector_id
    out["meter_id"] = sim.meter_id
    out["currency"] = sim.currency
    if periods:
        out["charging_periods"] = periods
    if cost is not None:
        out["total_cost"] = cost
    out["status"] = status
    out["last_updated"] = format_datetime(now)
    return out


def _cdr_location(sim: SimSession) -> dict[str, Any]:
    loc = sim.location
    out: dict[str, Any] = {"id": loc["id"]}
    if loc.get("name"):
        out["name"] = loc["name"]
    out["address"] = str(loc["address"])[:45]
    out["city"] = loc["city"]
    if loc.get("postal_code"):
        out["postal_code"] = loc["postal_code"]
    if loc.get("state"):
        out["state"] = str(loc["state"])[:20]
    out["country"] = loc["country"]
    out["coordinates"] = dict(loc["coordinates"])
    out["evse_uid"] = sim.evse_uid
    out["evse_id"] = sim.evse.get("evse_id") or sim.evse_uid
    out["connector_id"] = sim.connector_id
    out["connector_standard"] = sim.connector["standard"]
    out["connector_format"] = sim.connector["format"]
    out["connector_power_type"] = sim.connector["power_type"]
    return out


def cdr_object(sim: SimSession, cdr_id: str, now: datetime) -> dict[str, Any]:
    """The CDR of a completed session, its totals computed by the billing engine."""
    assert sim.stop_at is not None
    assert sim.periods
    v = sim.version
    periods = periods_json(sim.periods, sim, for_cdr=True)
    start, end = format_datetime(sim.activate_at), format_datetime(sim.stop_at)
    cdr: dict[str, Any] = {}
    if v == "2.1.1":
        cdr.update(
            id=cdr_id,
            start_date_time=start,
            stop_date_time=end,
            auth_id=sim.token.get("auth_id") or sim.token.get("contract_id") or sim.token["uid"],
            auth_method=_auth_method(sim),
            location=_location_211(sim),
            meter_id=sim.meter_id,
            currency=sim.currency,
        )
    else:
        cdr.update(
            country_code=sim.owner[0],
            party_id=sim.owner[1],
            id=cdr_id,
            start_date_time=start,
            end_date_time=end,
            session_id=sim.id,
            cdr_token=_cdr_token(sim),
            auth_method=_auth_method(sim),
        )
        if sim.authorization_reference is not None:
            cdr["authorization_reference"] = sim.authorization_reference
        cdr.update(cdr_location=_cdr_location(sim), meter_id=sim.meter_id, currency=sim.currency)
    if sim.tariff is not None:
        cdr["tariffs"] = [copy.deepcopy(sim.tariff)]
    cdr["charging_periods"] = periods
    seconds = (sim.stop_at - sim.activate_at).total_seconds()
    total_time = json_number(
        (Decimal(int(seconds)) / 3600).quantize(_HOURS, rounding=ROUND_HALF_UP)
    )
    energy = json_number(_q_kwh(sim.periods[-1].energy_end_wh))
    parking = sum(
        (Decimal(str(d["volume"])) for p in periods for d in p["dimensions"]
         if d["type"] == "PARKING_TIME"),
        Decimal(0),
    )  # fmt: skip
    if sim.tariff is None:
        totals: dict[str, Any] = {"total_cost": price_json(v, Amount(Decimal(0), Decimal(0)),
                                                            None)}  # fmt: skip
    else:
        report = price_of(sim, cdr)
        vat = _uniform_vat(sim.tariff)
        totals = {}
        for name in MONEY_FIELDS:
            if v == "2.1.1" and name != "total_cost":
                continue
            amount = report.rounded(name)
            if amount is not None:
                totals[name] = price_json(v, amount, vat)
    cdr["total_cost"] = totals["total_cost"]
    if "total_fixed_cost" in totals:
        cdr["total_fixed_cost"] = totals["total_fixed_cost"]
    cdr["total_energy"] = energy
    if "total_energy_cost" in totals:
        cdr["total_energy_cost"] = totals["total_energy_cost"]
    cdr["total_time"] = total_time
    if "total_time_cost" in totals:
        cdr["total_time_cost"] = totals["total_time_cost"]
    cdr["total_parking_time"] = json_number(parking)
    if "total_parking_cost" in totals:
        cdr["total_parking_cost"] = totals["total_parking_cost"]
    if "total_reservation_cost" in totals:
        cdr["total_reservation_cost"] = totals["total_reservation_cost"]
    cdr["last_updated"] = format_datetime(now)
    return cdr


def reservation_priced(sim: SimSession) -> bool:
    """Whether the session's tariff prices reservations (elements restricted to RESERVATION or
    RESERVATION_EXPIRES; 2.2+ only), so that an unused reservation gets a CDR."""
    if sim.version == "2.1.1" or sim.tariff is None:
        return False
    return any(
        (element.get("restrictions") or {}).get("reservation")
        in ("RESERVATION", "RESERVATION_EXPIRES")
        for element in sim.tariff.get("elements") or []
    )


def reservation_cdr_object(sim: SimSession, cdr_id: str, now: datetime) -> dict[str, Any]:
    """The CDR of a reservation that ran out unused (``mod_sessions`` §Reservation: a CDR just
    for the costs of the reservation): one RESERVATION_TIME period, priced by the engine with
    the RESERVATION_EXPIRES elements applying."""
    assert sim.stop_at is not None
    assert sim.tariff is not None
    seconds = (sim.stop_at - sim.created_at).total_seconds()
    period: dict[str, Any] = {
        "start_date_time": format_datetime(sim.created_at),
        "dimensions": [{"type": "RESERVATION_TIME", "volume": json_number(_q_hours(seconds))}],
        "tariff_id": sim.tariff["id"],
    }
    cdr: dict[str, Any] = {
        "country_code": sim.owner[0],
        "party_id": sim.owner[1],
        "id": cdr_id,
        "start_date_time": format_datetime(sim.created_at),
        "end_date_time": format_datetime(sim.stop_at),
        "session_id": sim.id,
        "cdr_token": _cdr_token(sim),
        "auth_method": _auth_method(sim),
    }
    if sim.authorization_reference is not None:
        cdr["authorization_reference"] = sim.authorization_reference
    cdr.update(cdr_location=_cdr_location(sim), meter_id=sim.meter_id, currency=sim.currency)
    cdr["tariffs"] = [copy.deepcopy(sim.tariff)]
    cdr["charging_periods"] = [period]
    report = price_of(sim, cdr)
    vat = _uniform_vat(sim.tariff)
    for name in MONEY_FIELDS:
        amount = report.rounded(name)
        if amount is not None:
            cdr[name] = price_json(sim.version, amount, vat)
    if "total_cost" not in cdr:
        cdr["total_cost"] = price_json(sim.version, Amount(Decimal(0), Decimal(0)), None)
    cdr["total_energy"] = 0
    cdr["total_time"] = json_number(report.total_time.quantize(_HOURS, rounding=ROUND_HALF_UP))
    cdr["total_parking_time"] = 0
    cdr["last_updated"] = format_datetime(now)
    return _ordered(cdr)


_CDR_ORDER = (
    "country_code", "party_id", "id", "start_date_time", "end_date_time", "session_id",
    "cdr_token", "auth_method", "authorization_reference", "cdr_location", "meter_id",
    "currency", "tariffs", "charging_periods", "total_cost", "total_fixed_cost",
    "total_energy", "total_energy_cost", "total_time", "total_time_cost",
    "total_parking_time", "total_parking_cost", "total_reservation_cost", "last_updated",
)  # fmt: skip


def _ordered(cdr: dict[str, Any]) -> dict[str, Any]:
    return {key: cdr[key] for key in _CDR_ORDER if key in cdr}
