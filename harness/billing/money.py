"""Exact numbers for billing: Decimal conversion, currency minor units, rounding, formatting.

Everything in ``harness.billing`` is :class:`~decimal.Decimal` from the wire on. Python callers may
hand in ``int`` or ``float`` values; they are converted through ``str`` so ``0.1`` stays ``0.1``.
Money is rounded once, at the end, to the currency's minor unit with ROUND_HALF_UP (OCPI leaves
rounding to law and contract: ``ocpi-requirements.md`` §3.8, AMB-07).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Final

from harness.errors import BillingInputError

__all__ = [
    "HUNDRED",
    "ONE",
    "ZERO",
    "ceil_to_step",
    "div",
    "fmt",
    "json_type",
    "minor_unit",
    "parse_decimal_text",
    "quantize_money",
    "step_surplus",
    "to_decimal",
]

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
HUNDRED: Final = Decimal(100)

# Wide enough that divisions (hours <-> seconds, tax-inclusive prices) never lose a digit that
# could reach the minor unit of any currency.
_CTX = Context(prec=50)

# ISO 4217 minor units (number of decimals) of the currencies the harness knows. Written from
# the ISO 4217 list; extend here when a new currency shows up.
MINOR_UNITS: dict[str, int] = {
    # two decimals
    "AED": 2,
    "ARS": 2,
    "AUD": 2,
    "BAM": 2,
    "BGN": 2,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CNY": 2,
    "COP": 2,
    "CZK": 2,
    "DKK": 2,
    "EGP": 2,
    "EUR": 2,
    "GBP": 2,
    "GEL": 2,
    "HKD": 2,
    "HRK": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "MAD": 2,
    "MDL": 2,
    "MKD": 2,
    "MXN": 2,
    "MYR": 2,
    "NOK": 2,
    "NZD": 2,
    "PHP": 2,
    "PLN": 2,
    "QAR": 2,
    "RON": 2,
    "RSD": 2,
    "SAR": 2,
    "SEK": 2,
    "SGD": 2,
    "THB": 2,
    "TRY": 2,
    "TWD": 2,
    "UAH": 2,
    "USD": 2,
    "ZAR": 2,
    # no decimals
    "CLP": 0,
    "ISK": 0,
    "JPY": 0,
    "KRW": 0,
    "PYG": 0,
    "UGX": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
    # three decimals
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    # four decimals (units of account)
    "CLF": 4,
    "UYW": 4,
}

_QUANTUM: dict[int, Decimal] = {n: Decimal(1).scaleb(-n) for n in range(0, 7)}


def minor_unit(currency: str, *, allow_unknown: bool = False) -> int:
    """Decimals of ``currency`` (ISO 4217). Unknown codes are an error unless allowed (then 2)."""
    digits = MINOR_UNITS.get(currency)
    if digits is not None:
        return digits
    if allow_unknown:
        return 2
    raise BillingInputError(
        f"unknown currency {currency!r}: no ISO 4217 minor unit known for it "
        "(use --policy unknown_currency=two_decimals to price it with 2 decimals)"
    )


def quantize_money(value: Decimal, digits: int) -> Decimal:
    """Round ``value`` half-up to ``digits`` decimals (the one rounding step of the engine)."""
    return value.quantize(_QUANTUM[digits], rounding=ROUND_HALF_UP, context=_CTX)


def div(a: Decimal, b: Decimal) -> Decimal:
    """``a / b`` with 50 significant digits (exact whenever the quotient is a short decimal)."""
    return _CTX.divide(a, b)


def ceil_to_step(amount: Decimal, step: int) -> Decimal:
    """Round ``amount`` (in step units: Wh or seconds) up to the next multiple of ``step``."""
    blocks = _CTX.divide(amount, Decimal(step)).to_integral_value(rounding=ROUND_CEILING)
    return blocks * step


_SURPLUS_QUANTUM: Final = Decimal(1).scaleb(-12)


def step_surplus(missing_units: Decimal, factor: Decimal) -> Decimal:
    """The step_size surplus in the dimension's unit: ``missing_units`` (Wh or s) / ``factor``.

    A surplus of whole seconds is often a non-terminating number of hours (1200 s = 0.333... h);
    it is carried up to 12 decimals (rounded up: 3.6 ns at most), so every later product stays an
    exact decimal and the result cannot depend on the order of the arithmetic."""
    return _CTX.divide(missing_units, factor).quantize(
        _SURPLUS_QUANTUM, rounding=ROUND_CEILING, context=_CTX
    )


def to_decimal(value: object) -> Decimal:
    """Convert a JSON/Python number to Decimal; ``bool`` and strings are not numbers here."""
    if type(value) is Decimal:
        return value
    if type(value) is int:
        return Decimal(value)
    if type(value) is float:
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return Decimal(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, float):
        return Decimal(repr(float(value)))
    raise TypeError(f"expected a number, got {json_type(value)}")


def parse_decimal_text(text: str) -> Decimal | None:
    """A numeric string as Decimal, or None when it is not a finite number."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def fmt(value: Decimal, places: int | None = None) -> str:
    """Plain decimal text (never exponent notation); ``places`` fixes the number of decimals."""
    if places is not None:
        return f"{quantize_money(value, places):f}"
    text = f"{value.normalize(_CTX):f}"
    return "0" if text in ("-0", "0") else text


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
