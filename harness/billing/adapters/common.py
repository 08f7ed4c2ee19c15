"""Field readers shared by the version adapters: each names the JSON pointer of what is wrong.

A malformed input raises :class:`BillingFieldError` (a ``BillingInputError``) whose message is
``<document>: <pointer>: <problem>``, so the CLI can say which file and which field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final

from harness.billing.model import (
    DAY_NAMES,
    ChargingPeriod,
    Dimension,
    PriceComponent,
    ReservationKind,
    Restrictions,
)
from harness.billing.money import json_type, parse_decimal_text, to_decimal
from harness.errors import BillingInputError

__all__ = [
    "BillingFieldError",
    "as_mapping",
    "opt_number",
    "read_component",
    "read_datetime",
    "read_int",
    "read_number",
    "read_period",
    "read_periods",
    "read_restrictions",
    "read_string",
    "required",
]

_DAY_INDEX = {name: i for i, name in enumerate(DAY_NAMES)}
_TARIFF_DIMENSIONS = {d.value: d for d in Dimension}

# CdrDimensionType values that only make sense in a Session (REQ-CDR-019); ignored for pricing.
SESSION_ONLY_DIMENSIONS = frozenset(
    {"CURRENT", "ENERGY_EXPORT", "ENERGY_IMPORT", "POWER", "STATE_OF_CHARGE"}
)
_PERIOD_FIELDS = {
    "ENERGY": "energy",
    "TIME": "time",
    "PARKING_TIME": "parking_time",
    "RESERVATION_TIME": "reservation_time",
    "MIN_CURRENT": "min_current",
    "MAX_CURRENT": "max_current",
    "MIN_POWER": "min_power",
    "MAX_POWER": "max_power",
}
_NON_NEGATIVE = frozenset({"TIME", "PARKING_TIME", "RESERVATION_TIME"})


class BillingFieldError(BillingInputError):
    """A field of a pricing input is missing or malformed."""

    def __init__(self, pointer: str, problem: str, document: str = "input") -> None:
        self.pointer = pointer
        self.problem = problem
        self.document = document
        super().__init__(f"{document}: {pointer or '/'}: {problem}")

    def in_document(self, document: str) -> BillingFieldError:
        """The same error, attributed to a named document (e.g. a file path)."""
        return BillingFieldError(self.pointer, self.problem, document)


def as_mapping(value: object, pointer: str) -> Mapping[str, object]:
    if type(value) is dict:
        return value
    if not isinstance(value, Mapping):
        raise BillingFieldError(pointer, f"expected an object, got {json_type(value)}")
    return value


def required(obj: Mapping[str, object], key: str, pointer: str) -> object:
    value = obj.get(key)
    if value is None:
        raise BillingFieldError(f"{pointer}/{key}", "required field is missing")
    return value


def read_number(value: object, pointer: str) -> Decimal:
    try:
        number = to_decimal(value)
    except TypeError as exc:
        raise BillingFieldError(pointer, str(exc)) from None
    if not number.is_finite():
        raise BillingFieldError(pointer, "expected a finite number")
    return number


def opt_number(obj: Mapping[str, object], key: str, pointer: str) -> Decimal | None:
    value = obj.get(key)
    return None if value is None else read_number(value, f"{pointer}/{key}")


def read_int(value: object, pointer: str) -> int:
    number = read_number(value, pointer)
    if number != number.to_integral_value():
        raise BillingFieldError(pointer, f"expected an integer, got {number}")
    return int(number)


def read_string(value: object, pointer: str) -> str:
    if not isinstance(value, str):
        raise BillingFieldError(pointer, f"expected a string, got {json_type(value)}")
    return value


def read_datetime(value: object, pointer: str) -> datetime:
    """An OCPI DateTime as aware UTC. ``Z`` optional (naive = UTC); offsets are normalised."""
    if type(value) is str and len(value) == 20 and value[19] == "Z" and value[10] == "T":
        try:
            return _fromisoformat(value)
        except ValueError:
            pass
    text = read_string(value, pointer)
    if len(text) < 19 or text[10] != "T" or text[4] != "-" or text[13] != ":":
        raise BillingFieldError(pointer, f"expected an RFC 3339 DateTime, got {text!r}")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BillingFieldError(pointer, f"expected an RFC 3339 DateTime, got {text!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.tzinfo is not UTC:
        return parsed.astimezone(UTC)
    return parsed


def _read_time(value: object, pointer: str, *, end: bool) -> int:
    text = read_string(value, pointer)
    if (
        len(text) != 5
        or text[2] != ":"
        or not (text[:2].isdigit() and text[3:].isdigit())
        or int(text[:2]) > 23
        or int(text[3:]) > 59
    ):
        raise BillingFieldError(pointer, f"expected a time HH:MM (00:00-23:59), got {text!r}")
    minutes = int(text[:2]) * 60 + int(text[3:])
    return 1440 if end and minutes == 0 else minutes  # end_time 00:00 = end of the day


def _read_date(value: object, pointer: str) -> date:
    text = read_string(value, pointer)
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BillingFieldError(pointer, f"expected a date YYYY-MM-DD, got {text!r}") from None


def read_restrictions(
    value: object, pointer: str, *, allowed: frozenset[str], warnings: list[str]
) -> Restrictions | None:
    """TariffRestrictions; fields outside ``allowed`` (not in this version) are ignored."""
    raw = as_mapping(value, pointer)
    for key in raw:
        if key not in allowed and raw[key] is not None:
            warnings.append(f"{pointer}/{key}: not a restriction of this OCPI version; ignored")
    kwargs: dict[str, object] = {}
    for key in ("start_time", "end_time"):
        if key in allowed and raw.get(key) is not None:
            kwargs[key] = _read_time(raw[key], f"{pointer}/{key}", end=key == "end_time")
    for key in ("start_date", "end_date"):
        if key in allowed and raw.get(key) is not None:
            kwargs[key] = _read_date(raw[key], f"{pointer}/{key}")
    for key in ("min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power"):
        if key in allowed:
            number = opt_number(raw, key, pointer)
            if number is not None:
                kwargs[key] = number
    for key in ("min_duration", "max_duration"):
        if key in allowed and raw.get(key) is not None:
            kwargs[key] = read_int(raw[key], f"{pointer}/{key}")
    days = raw.get("day_of_week")
    if "day_of_week" in allowed and days is not None:
        if not isinstance(days, Sequence) or isinstance(days, str):
            raise BillingFieldError(f"{pointer}/day_of_week", "expected an array of DayOfWeek")
        indexes: set[int] = set()
        for i, day in enumerate(days):
            name = read_string(day, f"{pointer}/day_of_week/{i}")
            if name not in _DAY_INDEX:
                raise BillingFieldError(
                    f"{pointer}/day_of_week/{i}", f"{name!r} is not a DayOfWeek (MONDAY..SUNDAY)"
                )
            indexes.add(_DAY_INDEX[name])
        if days:  # an empty list restricts nothing
            kwargs["day_of_week"] = frozenset(indexes)
    reservation = raw.get("reservation")
    if "reservation" in allowed and reservation is not None:
        text = read_string(reservation, f"{pointer}/reservation")
        try:
            kwargs["reservation"] = ReservationKind(text)
        except ValueError:
            raise BillingFieldError(
                f"{pointer}/reservation",
                f"{text!r} is not RESERVATION or RESERVATION_EXPIRES",
            ) from None
    if not kwargs:
        return None
    return Restrictions(**kwargs)  # type: ignore[arg-type]


def read_component(
    value: object, pointer: str, *, with_vat: bool, lenient_price: bool, warnings: list[str]
) -> PriceComponent:
    raw = as_mapping(value, pointer)
    type_text = read_string(required(raw, "type", pointer), f"{pointer}/type")
    dimension = _TARIFF_DIMENSIONS.get(type_text)
    if dimension is None:
        raise BillingFieldError(
            f"{pointer}/type", f"{type_text!r} is not ENERGY, FLAT, PARKING_TIME or TIME"
        )
    price_raw = required(raw, "price", pointer)
    if lenient_price and isinstance(price_raw, str):
        parsed = parse_decimal_text(price_raw)
        if parsed is None:
            raise BillingFieldError(f"{pointer}/price", f"expected a number, got {price_raw!r}")
        warnings.append(f"{pointer}/price: number sent as a string (ERR-11); read as {parsed}")
        price = parsed
    else:
        price = read_number(price_raw, f"{pointer}/price")
    vat = opt_number(raw, "vat", pointer) if with_vat else None
    if not with_vat and raw.get("vat") is not None:
        warnings.append(f"{pointer}/vat: no VAT field in this OCPI version; ignored")
    step = read_int(required(raw, "step_size", pointer), f"{pointer}/step_size")
    if step < 0:
        raise BillingFieldError(f"{pointer}/step_size", "must not be negative")
    if step == 0 and dimension is not Dimension.FLAT:
        warnings.append(f"{pointer}/step_size: 0 on a {dimension} component; no rounding (AMB-04)")
    return PriceComponent(dimension, price, vat, step)


# CdrDimensionType -> index in ChargingPeriod (0 is the start)
_SLOT_OF = {
    "ENERGY": 1,
    "TIME": 2,
    "PARKING_TIME": 3,
    "RESERVATION_TIME": 4,
    "MIN_CURRENT": 5,
    "MAX_CURRENT": 6,
    "MIN_POWER": 7,
    "MAX_POWER": 8,
}
_fromisoformat: Final = datetime.fromisoformat
_new: Final = tuple.__new__
# the same, negative where the volume must not be negative
_FAST_SLOT = {name: -k if name in _NON_NEGATIVE else k for name, k in _SLOT_OF.items()}


class _Unusual(Exception):
    """Raised by the fast path of :func:`read_periods` on anything it does not take as is."""


def _fast_periods(periods: list[object], with_tariff_id: bool) -> tuple[ChargingPeriod, ...]:
    """Every period of well-formed input (the fast path of :func:`read_period`, in one loop):
    each dimension type once, all known, every volume a finite Decimal, none of the time
    volumes negative (-0 too: the checked path reads it), timestamps in the common form."""
    out: list[ChargingPeriod] = []
    slot_of = _SLOT_OF
    decimal = Decimal
    fromisoformat = _fromisoformat
    new = _new
    for value in periods:
        text = value["start_date_time"]  # type: ignore[index]
        if type(text) is not str or len(text) != 20 or text[19] != "Z" or text[10] != "T":
            raise _Unusual
        vals: list[object] = [None, None, None, None, None, None, None, None, None, None]
        for dim in value["dimensions"]:  # type: ignore[index]
            k = slot_of[dim["type"]]
            volume = dim["volume"]
            if type(volume) is not decimal or not volume.is_finite() or vals[k] is not None:
                raise _Unusual  # ints, odd values, a repeated dimension: the checked path
            vals[k] = volume
        time_, parking, reserve = vals[2], vals[3], vals[4]
        if (
            (time_ is not None and time_.is_signed())  # type: ignore[attr-defined]
            or (parking is not None and parking.is_signed())  # type: ignore[attr-defined]
            or (reserve is not None and reserve.is_signed())  # type: ignore[attr-defined]
        ):
            raise _Unusual  # negative (-0 too) time volumes: the checked path reads them
        vals[0] = fromisoformat(text)
        if with_tariff_id:
            tariff_id = value.get("tariff_id")  # type: ignore[attr-defined]
            if tariff_id is not None and type(tariff_id) is not str:
                raise _Unusual
            vals[9] = tariff_id
        out.append(new(ChargingPeriod, vals))
    return tuple(out)


def read_periods(
    periods: list[object], with_tariff_id: bool, warnings: list[str]
) -> tuple[ChargingPeriod, ...]:
    """The ChargingPeriods of a CDR or Session: one loop over well-formed input, else period by
    period through :func:`read_period` (which reads leniently where allowed, names what is
    wrong and adds warnings)."""
    try:
        return _fast_periods(periods, with_tariff_id)
    except (_Unusual, KeyError, TypeError, ValueError, AttributeError):
        pass
    return tuple([read_period(p, i, with_tariff_id, warnings) for i, p in enumerate(periods)])


def read_period(
    value: object, index: int, with_tariff_id: bool, warnings: list[str]
) -> ChargingPeriod:
    """A ChargingPeriod. Well-formed input takes a fast path; anything unusual (ints as
    strings, repeated or unknown dimensions, offsets in timestamps) goes through
    :func:`_read_period_checked`, which reads leniently where allowed and names what is wrong."""
    try:
        text = value["start_date_time"]  # type: ignore[index]
        vals: list[object] = [None, None, None, None, None, None, None, None, None, None]
        for dim in value["dimensions"]:  # type: ignore[index]
            k = _FAST_SLOT[dim["type"]]
            volume = dim["volume"]
            if type(volume) is not Decimal:
                if type(volume) is not int:
                    raise KeyError(k)
                volume = Decimal(volume)
            elif not volume.is_finite():
                raise KeyError(k)
            if k < 0:  # a volume that must not be negative (-0 too: the checked path reads it)
                if volume.is_signed():
                    raise KeyError(k)
                k = -k
            if vals[k] is not None:
                raise KeyError(k)  # a repeated dimension: the checked path sums it
            vals[k] = volume
        if type(text) is str and len(text) == 20 and text[19] == "Z" and text[10] == "T":
            vals[0] = _fromisoformat(text)
            if with_tariff_id:
                tariff_id = value.get("tariff_id")  # type: ignore[attr-defined]
                if tariff_id is not None and type(tariff_id) is not str:
                    raise KeyError("tariff_id")
                vals[9] = tariff_id
            return _new(ChargingPeriod, vals)
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    pointer = f"/charging_periods/{index}"
    return _read_period_checked(value, pointer, with_tariff_id=with_tariff_id, warnings=warnings)


def _read_period_checked(
    value: object, pointer: str, *, with_tariff_id: bool, warnings: list[str]
) -> ChargingPeriod:
    raw = as_mapping(value, pointer)
    start = read_datetime(required(raw, "start_date_time", pointer), f"{pointer}/start_date_time")
    fields: dict[str, object] = {}
    dims = required(raw, "dimensions", pointer)
    if not isinstance(dims, list):
        raise BillingFieldError(
            f"{pointer}/dimensions", f"expected an array, got {json_type(dims)}"
        )
    for j, dim in enumerate(dims):
        dim_ptr = f"{pointer}/dimensions/{j}"
        dim_raw = as_mapping(dim, dim_ptr)
        type_text = read_string(required(dim_raw, "type", dim_ptr), f"{dim_ptr}/type")
        volume = read_number(required(dim_raw, "volume", dim_ptr), f"{dim_ptr}/volume")
        attr = _PERIOD_FIELDS.get(type_text)
        if attr is None:
            if type_text not in SESSION_ONLY_DIMENSIONS and type_text != "FLAT":
                warnings.append(f"{dim_ptr}/type: unknown dimension {type_text!r}; ignored")
            continue
        if volume < 0 and type_text in _NON_NEGATIVE:
            raise BillingFieldError(f"{dim_ptr}/volume", f"{type_text} volume must not be negative")
        previous = fields.get(attr)
        if previous is not None:
            if attr in ("energy", "time", "parking_time", "reservation_time"):
                warnings.append(f"{dim_ptr}: second {type_text} dimension in one period; summed")
                volume = previous + volume  # type: ignore[operator]
            else:
                warnings.append(f"{dim_ptr}: second {type_text} dimension; the first one is used")
                continue
        fields[attr] = volume
    if with_tariff_id and raw.get("tariff_id") is not None:
        fields["tariff_id"] = read_string(raw["tariff_id"], f"{pointer}/tariff_id")
    return ChargingPeriod(start, **fields)  # type: ignore[arg-type]
