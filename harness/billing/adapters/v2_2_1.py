"""OCPI 2.2.1 adapter, the base version (``mod_tariffs.asciidoc``, ``mod_cdrs.asciidoc``).

- PriceComponent ``vat`` is a percentage; absent means no VAT applicable (AMB-25 policy).
- ``min_price``/``max_price`` are Price objects ``{excl_vat, incl_vat?}``.
- Restrictions include currents and ``reservation``; periods carry ``tariff_id``.
- The Location's time zone is not part of a CDR (AMB-13): the engine reads
  ``cdr_location.time_zone`` or a top-level ``time_zone`` if a caller added one.
"""

from __future__ import annotations

from harness.billing.adapters.base import VersionShape, build_session, build_tariff
from harness.billing.adapters.common import as_mapping, opt_number, read_number, required
from harness.billing.model import PriceBound, SessionInput, Tariff

__all__ = ["RESTRICTION_FIELDS", "SHAPE", "adapt_session", "adapt_tariff"]

RESTRICTION_FIELDS = frozenset(
    {
        "start_time",
        "end_time",
        "start_date",
        "end_date",
        "min_kwh",
        "max_kwh",
        "min_current",
        "max_current",
        "min_power",
        "max_power",
        "min_duration",
        "max_duration",
        "day_of_week",
        "reservation",
    }
)


def read_price(raw: object, pointer: str) -> PriceBound:
    """A 2.2.1 Price: ``excl_vat`` required, ``incl_vat`` optional."""
    obj = as_mapping(raw, pointer)
    excl = read_number(required(obj, "excl_vat", pointer), f"{pointer}/excl_vat")
    return PriceBound(excl, opt_number(obj, "incl_vat", pointer))


SHAPE = VersionShape(
    version="2.2.1",
    restriction_fields=RESTRICTION_FIELDS,
    with_vat=True,
    lenient_price=False,
    with_validity=True,
    read_bound=read_price,
    read_tax_included=None,
    end_keys=("end_date_time",),
    start_keys=("start_date_time",),
    location_keys=("cdr_location", "location"),
    with_tariff_id=True,
)


def adapt_tariff(raw: object, pointer: str = "") -> Tariff:
    """A 2.2.1 Tariff object as a version-free Tariff."""
    return build_tariff(raw, SHAPE, pointer)


def adapt_session(raw: object) -> SessionInput:
    """A 2.2.1 CDR or Session (partial allowed: start, end, currency, charging_periods)."""
    return build_session(raw, SHAPE)
