"""The records a pricing run produces: parts of periods, priced lines, step and clamp notes, issues.

They are slotted classes filled by the pricer and read by the report; nothing here formats text
except on demand, so pricing a CDR stays cheap and a breakdown costs only when it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple

from harness.billing.compiled import Choice, CompiledTariff, Selection

__all__ = [
    "BUCKETS",
    "ENERGY_COST",
    "FIXED_COST",
    "PARKING_COST",
    "RESERVATION_COST",
    "TIME_COST",
    "Amount",
    "Clamp",
    "Issue",
    "Line",
    "Part",
    "StepAdjustment",
]

Level = Literal["MUST", "SHOULD", "INFO"]

BUCKETS = (
    "total_energy_cost",
    "total_time_cost",
    "total_parking_cost",
    "total_fixed_cost",
    "total_reservation_cost",
)
ENERGY_COST, TIME_COST, PARKING_COST, FIXED_COST, RESERVATION_COST = range(5)


class Amount(NamedTuple):
    """A money amount excl. and incl. VAT (either may be unknown: None)."""

    excl: Decimal | None
    incl: Decimal | None


class Part(NamedTuple):
    """A charging period, or a piece of one (split at a restriction boundary, AMB-08 prorate),
    in one phase (charging / reservation), with the components selected for it. A NamedTuple:
    the walk builds one per period through ``tuple.__new__`` (cheap on the hot path).

    ``kwh`` and ``charged`` are the session's energy and charging time before the part starts:
    with the period they let the report rebuild what the restrictions saw there."""

    period: int  # index into the CDR's charging_periods
    sub: int  # piece number within the period (0 unless split)
    start: datetime
    end: datetime
    tariff_index: int
    compiled: CompiledTariff
    phase: int
    selection: Selection
    energy: Decimal | None
    time: Decimal | None
    parking: Decimal | None
    reservation: Decimal | None
    kwh: Decimal
    charged: Decimal


class Line:
    """One priced quantity: a dimension of a part with the component that prices it (or none)."""

    __slots__ = (
        "billed",
        "bucket",
        "choice",
        "dimension",
        "excl",
        "incl",
        "part",
        "slot",
        "step",
        "volume",
    )

    part: Part
    slot: int  # selection slot (compiled.DIM_*)
    dimension: str  # ENERGY, TIME, PARKING_TIME, RESERVATION_TIME, FLAT
    choice: Choice | None  # None: no element prices it here (no cost, REQ-TAR-010)
    volume: Decimal  # as consumed (kWh, h, or 1 for FLAT)
    billed: Decimal  # after step_size
    bucket: int  # index into BUCKETS
    excl: Decimal | None  # set by costing
    incl: Decimal | None
    step: StepAdjustment | None  # the step_size rounding whose surplus is on this line

    def __init__(
        self,
        part: Part,
        slot: int,
        dimension: str,
        choice: Choice | None,
        volume: Decimal,
        bucket: int,
    ) -> None:
        self.part = part
        self.slot = slot
        self.dimension = dimension
        self.choice = choice
        self.volume = self.billed = volume
        self.bucket = bucket
        self.step = None


@dataclass(slots=True)
class StepAdjustment:
    """One step_size rounding: a group total rounded up and where the surplus went."""

    tariff_id: str
    group: str  # "ENERGY", "TIME+PARKING_TIME", "RESERVATION_TIME", or a per-period/component key
    dimension: str
    total: Decimal  # before rounding, in the dimension's unit (kWh or h)
    rounded: Decimal
    step_size: int
    line: Line  # the line that carries the surplus (the last relevant component)


@dataclass(slots=True)
class Clamp:
    """min_price / max_price applied to one tariff's total (excl and incl independently)."""

    tariff_id: str
    bound: str  # "min_price" or "max_price"
    side: str  # "excl_vat" or "incl_vat"
    before: Decimal
    after: Decimal


@dataclass(slots=True)
class Issue:
    """Something about the input the pricer noticed (verify turns these into findings)."""

    code: str
    level: Level
    ref: str
    message: str
    pointer: str = ""
