"""OCPI 2.1.1 adapter (``mod_tariffs.md``, ``mod_cdrs.md``; catalog §6.5).

What 2.1.1 lacks and how the engine reads it:
- PriceComponent has no ``vat``: prices exclude VAT and the VAT is unknown, so every ``incl_vat``
  the engine reports for a 2.1.1 tariff is null.
- No ``min_price``/``max_price``, no tariff validity window, no reservation and no current
  restrictions (a current restriction found in a 2.1.1 tariff is ignored with a warning).
- The CDR ends at ``stop_date_time``; a Session at ``end_datetime``; the time zone can come from
  the embedded ``location`` (2.1.1 CDRs carry a full Location).
- Periods have no ``tariff_id``; the FLAT CdrDimensionType is informational and ignored.
- Prices sent as numeric strings (as in the 2.1.1 CDR example, ERR-11) are read with a warning.
- Element selection is per dimension as in 2.2.1 (AMB-22), step_size per the 2.2.1 session rules
  (AMB-06); both are policy switches.
"""

from __future__ import annotations

from harness.billing.adapters.base import VersionShape, build_session, build_tariff
from harness.billing.model import SessionInput, Tariff

__all__ = ["SHAPE", "adapt_session", "adapt_tariff"]

SHAPE = VersionShape(
    version="2.1.1",
    restriction_fields=frozenset(
        {
            "start_time",
            "end_time",
            "start_date",
            "end_date",
            "min_kwh",
            "max_kwh",
            "min_power",
            "max_power",
            "min_duration",
            "max_duration",
            "day_of_week",
        }
    ),
    with_vat=False,
    lenient_price=True,
    with_validity=False,
    read_bound=None,
    read_tax_included=None,
    end_keys=("stop_date_time", "end_datetime", "end_date_time"),
    start_keys=("start_date_time", "start_datetime"),
    location_keys=("location",),
    with_tariff_id=False,
)


def adapt_tariff(raw: object, pointer: str = "") -> Tariff:
    """A 2.1.1 Tariff object (wire JSON, numbers as Decimal or int) as a version-free Tariff."""
    return build_tariff(raw, SHAPE, pointer)


def adapt_session(raw: object) -> SessionInput:
    """A 2.1.1 CDR or Session (partial allowed: start, end, currency, charging_periods)."""
    return build_session(raw, SHAPE)
