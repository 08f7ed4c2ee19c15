"""The ``misprice_cdr`` fault: bill each CDR of a message under a wrong reading of the rules.

A CPO with a billing bug sends CDRs that are consistent (sub-totals add up, the periods are
valid) but priced wrongly: restrictions evaluated in UTC, OR-ed, a restriction kind ignored,
exclusive ends taken as inclusive, step_size or min/max price or RESERVATION_EXPIRES ignored,
periods not split where the price changes. Each mistake is a transformation of the inputs fed
to the reference engine (:mod:`harness.billing.exercise`), and the CDR's totals (and, for
``no_period_split``, its charging periods) are rewritten from what it then bills. CDRs whose
price the mistake does not change are left alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from harness.billing import BUCKETS, Amount, load_session, parse_json
from harness.billing.exercise import MISTAKES, looks_like_expired_reservation, mistaken_report
from harness.billing.exercise import merge_price_changes as price_change_periods
from harness.errors import HarnessError
from mock_partners.seed.countries import COUNTRIES
from mock_partners.simulation.wire import json_number, price_json

__all__ = ["misprice_cdr", "zone_of"]

_BY_ALPHA3 = {c.alpha3: c for c in COUNTRIES.values()}
_SUMMED = frozenset({"ENERGY", "TIME", "PARKING_TIME", "RESERVATION_TIME"})


def zone_of(cdr: Mapping[str, Any]) -> str | None:
    """The IANA zone of the CDR's location, from its country and longitude (seeded data)."""
    loc = cdr.get("cdr_location") or cdr.get("location")
    if not isinstance(loc, Mapping):
        return None
    country = _BY_ALPHA3.get(str(loc.get("country", "")).upper())
    if country is None:
        return None
    coordinates = loc.get("coordinates")
    try:
        longitude = float(coordinates["longitude"]) if isinstance(coordinates, Mapping) else 0.0
    except (KeyError, TypeError, ValueError):
        longitude = 0.0
    return country.zone_at(longitude)


def _vat(cdr: Mapping[str, Any]) -> float | None:
    rates = {
        pc.get("vat")
        for t in cdr.get("tariffs") or []
        for e in t.get("elements") or []
        for pc in e.get("price_components") or []
    }
    return rates.pop() if len(rates) == 1 and None not in rates else None


def _merge_dimensions(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [dict(d) for d in a]
    for dim in b:
        same = next((d for d in out if d.get("type") == dim.get("type")), None)
        if same is None:
            out.append(dict(dim))
            continue
        kind, x, y = str(dim.get("type")), same.get("volume"), dim.get("volume")
        if not isinstance(x, int | float) or not isinstance(y, int | float):
            continue
        if kind in _SUMMED:
            same["volume"] = json_number(Decimal(str(x)) + Decimal(str(y)))
        elif kind.startswith("MIN_"):
            same["volume"] = min(x, y)
        elif kind.startswith("MAX_"):
            same["volume"] = max(x, y)
    return out


def _merge_periods(cdr: dict[str, Any], indexes: list[int]) -> None:
    periods: list[dict[str, Any]] = []
    for i, period in enumerate(cdr.get("charging_periods") or []):
        if i in indexes and periods:
            periods[-1]["dimensions"] = _merge_dimensions(
                periods[-1].get("dimensions") or [], period.get("dimensions") or []
            )
        else:
            periods.append(dict(period))
    cdr["charging_periods"] = periods


def misprice_cdr(cdr: dict[str, Any], mistake: str, version: str, time_zone: str | None) -> bool:
    """Rewrite ``cdr`` as a CPO making ``mistake`` would bill it; False when that changes
    nothing (or the CDR cannot be priced)."""
    feature = MISTAKES[mistake]
    raw = parse_json(json.dumps(cdr))
    assert isinstance(raw, dict)
    zone = time_zone or zone_of(cdr)
    try:
        expired = looks_like_expired_reservation(load_session(raw, version))
        ref, wrong, _ = mistaken_report(
            feature, raw, time_zone=zone, version=version, reservation_expired=expired
        )
    except (HarnessError, ValueError, KeyError):
        return False
    if ref.rounded("total_cost") == wrong.rounded("total_cost"):
        return False
    vat = _vat(cdr)
    for name in ("total_cost", *BUCKETS):
        if version == "2.1.1" and name != "total_cost":
            continue
        amount = wrong.rounded(name)
        if amount is None:
            if name in cdr and name != "total_cost":
                cdr[name] = price_json(version, Amount(Decimal(0), Decimal(0)), vat)
            continue
        cdr[name] = price_json(version, amount, vat)
    if feature == "price_changes":
        _merge_periods(cdr, price_change_periods(ref))
    return True
