"""OCPI 2.3.0 adapter (``2.3.0/mod_tariffs.asciidoc``, ``types.asciidoc``; catalog §6.6).

Differences from 2.2.1 that matter for pricing:
- ``tax_included`` (YES / NO / N/A, required): with YES the component prices include taxes, so the
  engine derives the before-tax amount from ``vat`` when given and leaves it unknown otherwise
  (AMB-26); with N/A no tax applies; with NO taxes come on top. A tariff without the field (the
  2.3.0 ``cdr_example.json`` embeds one, ERR-08) is read as NO with a warning.
- ``min_price``/``max_price`` are PriceLimit ``{before_taxes, after_taxes?}``.
- CDR amounts are Price ``{before_taxes, taxes[]}`` (read by ``harness.billing.verify``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from harness.billing.adapters.base import build_session, build_tariff
from harness.billing.adapters.common import (
    BillingFieldError,
    as_mapping,
    opt_number,
    read_number,
    read_string,
    required,
)
from harness.billing.adapters.v2_2_1 import SHAPE as SHAPE_221
from harness.billing.model import PriceBound, SessionInput, Tariff, TaxIncluded

__all__ = ["SHAPE", "adapt_session", "adapt_tariff"]


def read_price_limit(raw: object, pointer: str) -> PriceBound:
    """A 2.3.0 PriceLimit: ``before_taxes`` required, ``after_taxes`` optional."""
    obj = as_mapping(raw, pointer)
    before = read_number(required(obj, "before_taxes", pointer), f"{pointer}/before_taxes")
    return PriceBound(before, opt_number(obj, "after_taxes", pointer))


def read_tax_included(obj: Mapping[str, object], pointer: str, warnings: list[str]) -> TaxIncluded:
    value = obj.get("tax_included")
    if value is None:
        warnings.append(
            f"{pointer}/tax_included: required in 2.3.0 but missing; read as NO (ERR-08)"
        )
        return TaxIncluded.NO
    text = read_string(value, f"{pointer}/tax_included")
    try:
        return TaxIncluded(text)
    except ValueError:
        raise BillingFieldError(
            f"{pointer}/tax_included", f"{text!r} is not YES, NO or N/A"
        ) from None


# the 2.2.1 shape with the 2.3.0 price bounds (PriceLimit) and tax_included
SHAPE = replace(
    SHAPE_221, version="2.3.0", read_bound=read_price_limit, read_tax_included=read_tax_included
)


def adapt_tariff(raw: object, pointer: str = "") -> Tariff:
    """A 2.3.0 Tariff object as a version-free Tariff."""
    return build_tariff(raw, SHAPE, pointer)


def adapt_session(raw: object) -> SessionInput:
    """A 2.3.0 CDR or Session (partial allowed: start, end, currency, charging_periods)."""
    return build_session(raw, SHAPE)
