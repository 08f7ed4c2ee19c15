"""Assembly of Tariff and SessionInput from wire JSON, parametrised by what a version has.

Each ``v2_x_y`` module describes its version as a :class:`VersionShape` and delegates here, so the
three adapters differ only where OCPI differs (``ocpi-requirements.md`` §3.12, §6.5, §6.6).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from harness.billing.adapters.common import (
    BillingFieldError,
    as_mapping,
    read_component,
    read_datetime,
    read_periods,
    read_restrictions,
    read_string,
    required,
)
from harness.billing.model import (
    PriceBound,
    SessionInput,
    Tariff,
    TariffElement,
    TaxIncluded,
)
from harness.billing.money import json_type

__all__ = ["VersionShape", "build_session", "build_tariff"]

BoundReader = Callable[[object, str], PriceBound]
TaxReader = Callable[[Mapping[str, object], str, list[str]], TaxIncluded]


@dataclass(frozen=True, slots=True)
class VersionShape:
    """What one OCPI version's Tariff and CDR/Session objects carry."""

    version: str
    restriction_fields: frozenset[str]
    with_vat: bool
    lenient_price: bool  # 2.1.1 examples send prices as strings (ERR-11)
    with_validity: bool  # Tariff start_date_time / end_date_time
    read_bound: BoundReader | None  # min_price / max_price reader, None = not in this version
    read_tax_included: TaxReader | None
    end_keys: tuple[str, ...]  # CDR / Session keys holding the end instant
    start_keys: tuple[str, ...]
    location_keys: tuple[str, ...]  # objects that may carry a time_zone
    with_tariff_id: bool


def build_tariff(raw: object, shape: VersionShape, pointer: str = "") -> Tariff:
    obj = as_mapping(raw, pointer)
    warnings: list[str] = []
    tariff_id = read_string(required(obj, "id", pointer), f"{pointer}/id")
    currency = read_string(required(obj, "currency", pointer), f"{pointer}/currency")
    elements_raw = required(obj, "elements", pointer)
    if not isinstance(elements_raw, list):
        raise BillingFieldError(
            f"{pointer}/elements", f"expected an array, got {json_type(elements_raw)}"
        )
    if not elements_raw:
        raise BillingFieldError(f"{pointer}/elements", "must contain at least one element")
    elements = []
    for i, element in enumerate(elements_raw):
        e_ptr = f"{pointer}/elements/{i}"
        e_obj = as_mapping(element, e_ptr)
        comps_raw = required(e_obj, "price_components", e_ptr)
        if not isinstance(comps_raw, list) or not comps_raw:
            raise BillingFieldError(
                f"{e_ptr}/price_components", "expected a non-empty array of PriceComponent"
            )
        components = tuple(
            read_component(
                c,
                f"{e_ptr}/price_components/{j}",
                with_vat=shape.with_vat,
                lenient_price=shape.lenient_price,
                warnings=warnings,
            )
            for j, c in enumerate(comps_raw)
        )
        seen: set[str] = set()
        for j, comp in enumerate(components):
            if comp.dimension in seen:
                warnings.append(
                    f"{e_ptr}/price_components/{j}: second {comp.dimension} component in one "
                    "element; the first one is used (AMB-21)"
                )
            seen.add(comp.dimension)
        restrictions = None
        if e_obj.get("restrictions") is not None:
            restrictions = read_restrictions(
                e_obj["restrictions"],
                f"{e_ptr}/restrictions",
                allowed=shape.restriction_fields,
                warnings=warnings,
            )
        if restrictions is not None and restrictions.reservation is not None:
            for j, comp in enumerate(components):
                if comp.dimension not in ("FLAT", "TIME"):
                    warnings.append(
                        f"{e_ptr}/price_components/{j}: {comp.dimension} in a reservation "
                        "element (only FLAT and TIME allowed, REQ-TAR-016); never priced"
                    )
        elements.append(TariffElement(components, restrictions))
    min_price = max_price = None
    if shape.read_bound is not None:
        if obj.get("min_price") is not None:
            min_price = shape.read_bound(obj["min_price"], f"{pointer}/min_price")
        if obj.get("max_price") is not None:
            max_price = shape.read_bound(obj["max_price"], f"{pointer}/max_price")
    tax_included = TaxIncluded.NO
    if shape.read_tax_included is not None:
        tax_included = shape.read_tax_included(obj, pointer, warnings)
    start = end = None
    if shape.with_validity:
        if obj.get("start_date_time") is not None:
            start = read_datetime(obj["start_date_time"], f"{pointer}/start_date_time")
        if obj.get("end_date_time") is not None:
            end = read_datetime(obj["end_date_time"], f"{pointer}/end_date_time")
    return Tariff(
        id=tariff_id,
        currency=currency,
        elements=tuple(elements),
        version=shape.version,
        min_price=min_price,
        max_price=max_price,
        tax_included=tax_included,
        start_date_time=start,
        end_date_time=end,
        warnings=tuple(warnings),
    )


_fromisoformat: Final = datetime.fromisoformat


def _first_instant(obj: Mapping[str, object], keys: tuple[str, ...], what: str) -> datetime:
    for key in keys:
        value = obj.get(key)
        if value is not None:
            if type(value) is str and len(value) == 20 and value[19] == "Z" and value[10] == "T":
                try:
                    return _fromisoformat(value)  # the common form, without building a pointer
                except ValueError:
                    pass
            return read_datetime(value, f"/{key}")
    raise BillingFieldError(f"/{keys[0]}", f"required field is missing ({what})")


def build_session(raw: object, shape: VersionShape) -> SessionInput:
    """A CDR or a Session (possibly partial) as pricer input."""
    obj = as_mapping(raw, "")
    warnings: list[str] = []
    start = _first_instant(obj, shape.start_keys, "session start")
    end = _first_instant(obj, shape.end_keys, "session end")
    currency = obj.get("currency")
    if type(currency) is not str:
        currency = "" if currency is None else read_string(currency, "/currency")
    periods_raw = obj.get("charging_periods")
    if type(periods_raw) is not list:
        if periods_raw is None:
            raise BillingFieldError("/charging_periods", "required field is missing")
        raise BillingFieldError(
            "/charging_periods", f"expected an array, got {json_type(periods_raw)}"
        )
    if not periods_raw:
        raise BillingFieldError("/charging_periods", "must contain at least one ChargingPeriod")
    with_id = shape.with_tariff_id
    periods = read_periods(periods_raw, with_id, warnings)
    tariffs: tuple[Tariff, ...] = ()
    tariffs_raw = obj.get("tariffs")
    if tariffs_raw is not None:
        if not isinstance(tariffs_raw, list):
            raise BillingFieldError("/tariffs", f"expected an array, got {json_type(tariffs_raw)}")
        tariffs = tuple(build_tariff(t, shape, f"/tariffs/{i}") for i, t in enumerate(tariffs_raw))
    session: SessionInput = _new(
        SessionInput,
        (
            start,
            end,
            currency,
            periods,
            tariffs,
            _time_zone(obj, shape),
            shape.version,
            tuple(warnings) if warnings else (),
        ),
    )
    return session


_new: Final = tuple.__new__


def _time_zone(obj: Mapping[str, object], shape: VersionShape) -> str | None:
    """The Location's zone if the CDR carries one: location object first, then ``time_zone``."""
    for key in shape.location_keys:
        location = obj.get(key)
        if location is not None and isinstance(location, Mapping):
            zone = location.get("time_zone")
            if zone is not None:
                return read_string(zone, f"/{key}/time_zone")
    zone = obj.get("time_zone")  # harness extension: CdrLocation has no time_zone (AMB-13)
    return None if zone is None else read_string(zone, "/time_zone")
