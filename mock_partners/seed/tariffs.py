"""Seeded Tariffs that exercise the restriction semantics of ``ocpi-requirements.md`` §3.

One Tariff per entry of :data:`TEMPLATES`, priced in the country's currency (EUR base prices
scaled by :attr:`Country.price_factor`, with a seeded spread of ±10 %), in the wire shape of the
OCPI version: 2.1.1 (no owner, no VAT, no min/max price, no reservation), 2.2.1 (``vat``,
``type``, Price ``min_price``/``max_price``, validity window, reservation elements) and 2.3.0
(``tax_included`` YES/NO/N/A and PriceLimit bounds).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mock_partners.seed.common import money, rng_for, ts
from mock_partners.seed.countries import Country

__all__ = ["TEMPLATES", "TariffSet", "TariffTemplate", "build_tariffs"]

Component = tuple[str, float, int]  # (dimension, EUR base price, step_size)


@dataclass(frozen=True, slots=True)
class TariffTemplate:
    id: str
    power: str  # "AC" or "DC" or "ANY": which connectors may reference it
    type: str | None  # TariffType (2.2+)
    elements: tuple[tuple[tuple[Component, ...], Mapping[str, Any] | None], ...]
    text: str
    since: str = "2.1.1"  # first version that can express it
    min_price: float | None = None  # EUR, excl. VAT (2.2+)
    max_price: float | None = None
    tax_included: str = "NO"  # 2.3.0
    green: bool = False


_WEEKEND = ("SATURDAY", "SUNDAY")

TEMPLATES: tuple[TariffTemplate, ...] = (
    TariffTemplate(
        "AC-ENERGY", "AC", "REGULAR",
        ((( ("ENERGY", 0.35, 1), ), None),),
        "Energy-only AC rate", tax_included="YES", green=True,
    ),
    TariffTemplate(
        "AC-ENERGY-PREV", "AC", "REGULAR",
        ((( ("ENERGY", 0.32, 1), ), None),),
        "Previous energy-only AC rate (replaced)", since="2.2.1", tax_included="YES",
    ),
    TariffTemplate(
        "AC-TIME-PARK", "AC", "REGULAR",
        (
            ((("ENERGY", 0.25, 1), ("TIME", 1.20, 60)), None),
            ((("PARKING_TIME", 2.40, 900),), {"start_time": "08:00", "end_time": "20:00"}),
        ),
        "Energy and charging time per minute; parking billed per started quarter hour by day",
    ),
    TariffTemplate(
        "AC-TIME-OF-DAY", "AC", "PROFILE_CHEAP",
        (
            ((("ENERGY", 0.22, 1),), {"start_time": "22:00", "end_time": "07:00"}),
            ((("ENERGY", 0.42, 1),), {"start_time": "17:00", "end_time": "21:00"}),
            ((("ENERGY", 0.32, 1),), None),
        ),
        "Night rate from 22:00 to 07:00, peak rate from 17:00 to 21:00",
    ),
    TariffTemplate(
        "AC-WEEKEND", "AC", "REGULAR",
        (
            ((("ENERGY", 0.28, 1),), {"day_of_week": _WEEKEND}),
            ((("ENERGY", 0.36, 1),), None),
        ),
        "Lower energy rate on Saturdays and Sundays", tax_included="YES",
    ),
    TariffTemplate(
        "AC-RESERVE", "AC", "REGULAR",
        (
            ((("FLAT", 1.50, 1), ("TIME", 3.00, 300)), {"reservation": "RESERVATION"}),
            ((("FLAT", 2.00, 1),), {"reservation": "RESERVATION_EXPIRES"}),
            ((("FLAT", 0.50, 1), ("ENERGY", 0.34, 1)), None),
        ),
        "Reservable charge point: reservation fee and time, expiry fee, start fee and energy",
        since="2.2.1",
    ),
    TariffTemplate(
        "FREE", "ANY", "REGULAR",
        ((( ("FLAT", 0.0, 0), ), None),),
        "Free of charge", tax_included="N/A",
    ),
    TariffTemplate(
        "DC-POWER", "DC", "REGULAR",
        (
            ((("ENERGY", 0.49, 1),), {"max_power": 50.0}),
            ((("ENERGY", 0.59, 1),), {"min_power": 50.0, "max_power": 150.0}),
            ((("ENERGY", 0.69, 1),), {"min_power": 150.0}),
            ((("PARKING_TIME", 6.00, 60),), {"min_duration": 3600}),
        ),
        "DC energy priced by charging power; idle fee after the first hour",
    ),
    TariffTemplate(
        "DC-HPC", "DC", "REGULAR",
        (
            ((("ENERGY", 0.62, 1),), {"max_kwh": 40.0}),
            ((("ENERGY", 0.52, 1),), {"min_kwh": 40.0}),
            ((("TIME", 9.00, 60),), {"min_duration": 2700}),
            ((("PARKING_TIME", 12.00, 60),), None),
        ),
        "High-power charging: lower energy rate after 40 kWh, time fee after 45 minutes",
    ),
    TariffTemplate(
        "DC-START-MAX", "DC", "AD_HOC_PAYMENT",
        ((( ("FLAT", 1.00, 1), ("ENERGY", 0.69, 1), ), None),),
        "Ad hoc payment: start fee and energy, capped per session",
        min_price=2.00, max_price=60.00, tax_included="YES",
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TariffSet:
    """The seeded tariffs and which of them a Connector may reference."""

    tariffs: list[dict[str, Any]]
    ids: frozenset[str]
    ac_regular: tuple[str, ...]
    dc_regular: tuple[str, ...]
    ac_extra: tuple[str, ...]  # other TariffTypes offered next to the regular one (2.2+)
    dc_extra: tuple[str, ...]
    predecessor: Mapping[str, str] = field(default_factory=dict)  # id -> replaced tariff id


def _version_ok(template: TariffTemplate, version: str) -> bool:
    return version != "2.1.1" or template.since == "2.1.1"


def build_tariffs(
    *, version: str, seed: int, country: Country, country_code: str, party_id: str,
    start: datetime,
) -> TariffSet:  # fmt: skip
    rng = rng_for(seed, "tariffs")
    switch = start - timedelta(days=30 + rng.randrange(30))  # AC-ENERGY-PREV -> AC-ENERGY
    out: list[dict[str, Any]] = []
    for template in TEMPLATES:
        if not _version_ok(template, version):
            continue
        out.append(_render(template, version, rng, country, country_code, party_id, start, switch))
    ids = frozenset(t["id"] for t in out)
    ac = tuple(i for i in ("AC-ENERGY", "AC-TIME-PARK", "AC-WEEKEND", "AC-RESERVE") if i in ids)
    if version == "2.1.1":  # no TariffType: one tariff per connector, every template regular
        return TariffSet(
            tariffs=out,
            ids=ids,
            ac_regular=(*ac, "AC-TIME-OF-DAY", "FREE"),
            dc_regular=("DC-POWER", "DC-HPC", "DC-START-MAX"),
            ac_extra=(),
            dc_extra=(),
        )
    return TariffSet(
        tariffs=out,
        ids=ids,
        ac_regular=(*ac, "FREE"),
        dc_regular=("DC-POWER", "DC-HPC"),
        ac_extra=("AC-TIME-OF-DAY",),
        dc_extra=("DC-START-MAX",),
        predecessor={"AC-ENERGY": "AC-ENERGY-PREV"},
    )


def _price(base: float, factor: float, spread: float) -> float:
    if base == 0:
        return 0.0
    value = base * factor * spread
    return money(value, 2 if value >= 1 else 4 if factor > 5 else 3)


def _render(
    template: TariffTemplate,
    version: str,
    rng: random.Random,
    country: Country,
    country_code: str,
    party_id: str,
    start: datetime,
    switch: datetime,
) -> dict[str, Any]:
    spread = 0.9 + rng.random() * 0.2
    factor = country.price_factor
    vat = country.vat
    tax_included = template.tax_included
    if version == "2.3.0" and vat is None and tax_included == "YES":
        tax_included = "NO"  # a sales tax is added on top (tariff_19 of the 2.3.0 examples)
    gross = version == "2.3.0" and tax_included == "YES" and vat is not None
    multiplier = (1 + vat / 100) if gross and vat is not None else 1.0
    elements: list[dict[str, Any]] = []
    for components, restrictions in template.elements:
        rendered: list[dict[str, Any]] = []
        for dimension, base, step in components:
            pc: dict[str, Any] = {
                "type": dimension,
                "price": _price(base * multiplier, factor, spread),
            }
            if version != "2.1.1" and vat is not None and tax_included != "N/A":
                pc["vat"] = vat
            pc["step_size"] = step
            rendered.append(pc)
        element: dict[str, Any] = {"price_components": rendered}
        if restrictions is not None:
            element["restrictions"] = {
                k: list(v) if isinstance(v, tuple) else v for k, v in restrictions.items()
            }
        elements.append(element)
    tariff: dict[str, Any] = {}
    if version != "2.1.1":
        tariff["country_code"] = country_code
        tariff["party_id"] = party_id
    tariff["id"] = template.id
    tariff["currency"] = country.currency
    if version != "2.1.1" and template.type is not None:
        tariff["type"] = template.type
    tariff["tariff_alt_text"] = [{"language": "en", "text": template.text}]
    tariff["tariff_alt_url"] = f"https://www.{party_id.lower()}.example/tariffs/{template.id}"
    if version != "2.1.1":
        for key, bound in (("min_price", template.min_price), ("max_price", template.max_price)):
            if bound is not None:
                tariff[key] = _bound(version, bound * factor, vat, gross)
    tariff["elements"] = elements
    if version == "2.3.0":
        tariff["tax_included"] = tax_included
    if version != "2.1.1":
        if template.id == "AC-ENERGY-PREV":
            tariff["start_date_time"] = ts(switch - timedelta(days=365))
            tariff["end_date_time"] = ts(switch)
        elif template.id == "AC-ENERGY":
            tariff["start_date_time"] = ts(switch)
    if template.green:
        tariff["energy_mix"] = _green_mix(version, rng)
    updated = start - timedelta(days=31 + rng.randrange(60), seconds=rng.randrange(86400))
    if version != "2.1.1" and template.id == "AC-ENERGY":
        updated = max(updated, switch - timedelta(days=2))
    tariff["last_updated"] = ts(min(updated, start))
    return tariff


def _bound(version: str, amount: float, vat: float | None, gross: bool) -> dict[str, Any]:
    net = money(amount / (1 + vat / 100) if gross and vat is not None else amount)
    with_tax = money(net * (1 + vat / 100)) if vat is not None else net
    if version == "2.3.0":
        return {"before_taxes": net, "after_taxes": with_tax}
    return {"excl_vat": net, "incl_vat": with_tax}


def _green_mix(version: str, rng: random.Random) -> dict[str, Any]:
    wind = rng.choice((40, 50, 60, 70))
    key = "source" if version == "2.1.1" else "category"
    return {
        "is_green_energy": True,
        "energy_sources": [
            {"source": "WIND", "percentage": wind},
            {"source": "SOLAR", "percentage": 100 - wind},
        ],
        "environ_impact": [{key: "CARBON_DIOXIDE", "amount": 0}],
        "supplier_name": rng.choice(("Groene Stroom Maatschappij", "Windkracht Energie")),
        "energy_product_name": "100% wind and solar",
    }


def tariff_ids_for(
    tariffs: TariffSet, power: str, rng: random.Random, version: str
) -> Sequence[str]:
    """The tariff ids one Connector references: a regular one (plus its predecessor with a
    non-overlapping validity window) and, for 2.2+, sometimes one of another TariffType."""
    regular = tariffs.ac_regular if power == "AC" else tariffs.dc_regular
    weights = [1.0] * len(regular)
    if power == "AC":
        weights[-1] = 0.15  # FREE is rare
    chosen = rng.choices(regular, weights=weights)[0]
    out = [chosen]
    if chosen in tariffs.predecessor:
        out.insert(0, tariffs.predecessor[chosen])
    extra = tariffs.ac_extra if power == "AC" else tariffs.dc_extra
    if extra and rng.random() < 0.4:
        out.append(rng.choice(extra))
    return out
