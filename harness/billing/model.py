"""The version-free billing model: what the adapters produce and the pricer consumes.

One Tariff/ChargingPeriod shape for OCPI 2.1.1, 2.2.1 and 2.3.0 (``style-models.md`` §2.6: adapters
at the edge, one internal model in the middle). All numbers are Decimal; all instants are aware
UTC datetimes; restriction times are minutes after local midnight, resolved against the
Location's time zone by the pricer, never here.

Objects built once per tariff are frozen dataclasses. Objects built per priced CDR are
NamedTuples (``ChargingPeriod``, ``SessionInput``): cheap to build, and immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

__all__ = [
    "DAY_NAMES",
    "ChargingPeriod",
    "Dimension",
    "PriceBound",
    "PriceComponent",
    "ReservationKind",
    "Restrictions",
    "SessionInput",
    "Tariff",
    "TariffElement",
    "TaxIncluded",
]


class Dimension(StrEnum):
    """TariffDimensionType (the same four values in every version)."""

    ENERGY = "ENERGY"
    FLAT = "FLAT"
    PARKING_TIME = "PARKING_TIME"
    TIME = "TIME"


class ReservationKind(StrEnum):
    """ReservationRestrictionType (2.2+)."""

    RESERVATION = "RESERVATION"
    RESERVATION_EXPIRES = "RESERVATION_EXPIRES"


class TaxIncluded(StrEnum):
    """TaxIncluded (2.3.0). Earlier versions behave as ``NO`` (prices exclude VAT)."""

    YES = "YES"
    NO = "NO"
    NOT_APPLICABLE = "N/A"


DAY_NAMES = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@dataclass(frozen=True, slots=True)
class PriceComponent:
    """One priced dimension: ``price`` per kWh, per hour or per session (FLAT)."""

    dimension: Dimension
    price: Decimal
    vat: Decimal | None  # percent; None = no VAT applicable (2.2.1) / unknown (2.1.1)
    step_size: int  # Wh for ENERGY, seconds for TIME / PARKING_TIME, ignored for FLAT


@dataclass(frozen=True, slots=True)
class Restrictions:
    """TariffRestrictions, parsed. Times are minutes after local midnight (end 00:00 -> 1440)."""

    start_time: int | None = None
    end_time: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    min_kwh: Decimal | None = None
    max_kwh: Decimal | None = None
    min_current: Decimal | None = None
    max_current: Decimal | None = None
    min_power: Decimal | None = None
    max_power: Decimal | None = None
    min_duration: int | None = None  # seconds
    max_duration: int | None = None
    day_of_week: frozenset[int] | None = None  # 0 = Monday
    reservation: ReservationKind | None = None

    @property
    def uses_local_time(self) -> bool:
        """True when evaluating this restriction needs the Location's time zone."""
        return (
            self.start_time is not None
            or self.end_time is not None
            or self.start_date is not None
            or self.end_date is not None
            or self.day_of_week is not None
        )

    @property
    def uses_power(self) -> bool:
        return self.min_power is not None or self.max_power is not None

    @property
    def uses_current(self) -> bool:
        return self.min_current is not None or self.max_current is not None


@dataclass(frozen=True, slots=True)
class TariffElement:
    components: tuple[PriceComponent, ...]
    restrictions: Restrictions | None = None


@dataclass(frozen=True, slots=True)
class PriceBound:
    """min_price / max_price: a 2.2.1 Price or a 2.3.0 PriceLimit (excl = before taxes)."""

    excl: Decimal
    incl: Decimal | None


@dataclass(frozen=True, slots=True)
class Tariff:
    """A tariff in version-free form. ``warnings`` are adapter notes (lenient readings)."""

    id: str
    currency: str
    elements: tuple[TariffElement, ...]
    version: str = "2.2.1"
    min_price: PriceBound | None = None
    max_price: PriceBound | None = None
    tax_included: TaxIncluded = TaxIncluded.NO
    start_date_time: datetime | None = None
    end_date_time: datetime | None = None
    warnings: tuple[str, ...] = ()
    # compiled forms keyed by policy; filled by harness.billing.compiled, not part of equality
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def uses_local_time(self) -> bool:
        """True when any restriction needs the Location's time zone (AMB-13)."""
        return any(
            e.restrictions is not None and e.restrictions.uses_local_time for e in self.elements
        )

    def valid_at(self, instant: datetime) -> bool:
        """Tariff validity window: start inclusive, end exclusive (UTC)."""
        if self.start_date_time is not None and instant < self.start_date_time:
            return False
        return not (self.end_date_time is not None and instant >= self.end_date_time)


class ChargingPeriod(NamedTuple):
    """One ChargingPeriod: starts at ``start``, ends where the next one starts (or the session).

    Volumes are None when the dimension is absent. ``energy`` is kWh, the three time volumes are
    hours, currents are A (summed over phases), powers kW. (A NamedTuple: built per priced CDR,
    so construction cost matters.)
    """

    start: datetime
    energy: Decimal | None = None
    time: Decimal | None = None
    parking_time: Decimal | None = None
    reservation_time: Decimal | None = None
    min_current: Decimal | None = None
    max_current: Decimal | None = None
    min_power: Decimal | None = None
    max_power: Decimal | None = None
    tariff_id: str | None = None


class SessionInput(NamedTuple):
    """Everything the pricer needs from a CDR or Session besides the tariff and the policy."""

    start: datetime
    end: datetime
    currency: str
    periods: tuple[ChargingPeriod, ...]
    tariffs: tuple[Tariff, ...] = ()  # tariffs embedded in the CDR
    time_zone: str | None = None  # cdr_location.time_zone / location.time_zone / time_zone
    version: str = "2.2.1"
    warnings: tuple[str, ...] = ()
