"""Named interpretation switches: one per reading of an ambiguity in ``ocpi-requirements.md`` §7.1.

The default of every switch is the harness default written in §7.1; each other value is the
alternative reading seen in real implementations. Reports carry ``policy.to_json()`` so a reader
always knows which interpretation priced a CDR.

    >>> Policy.from_pairs(["flat_mode=every_distinct"]).flat_mode
    'every_distinct'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import count
from typing import Any, Literal, get_args

from harness.errors import BillingInputError

__all__ = ["POLICY_REFS", "Policy"]

FlatMode = Literal["first_per_phase", "every_distinct"]
StepParkingPresence = Literal["billed", "any"]
TimeParkingStep = Literal["parking_if_present", "last_time_based"]
StepMode = Literal["session", "per_period", "per_component"]
Rounding = Literal["none", "per_bucket", "per_total"]
RestrictionSplit = Literal["error", "prorate"]
PowerBasis = Literal["extremes", "average"]
MissingPowerData = Literal["no_match", "match"]
DurationBasis = Literal["session", "charging"]
DateTimeWindow = Literal["daily", "continuous"]
DayOfWeekBasis = Literal["instant", "window_start"]
TotalTimeReservation = Literal["include", "exclude"]
ParkingFlat = Literal["fixed", "parking_element"]
ClampedSubtotals = Literal["unclamped", "skip"]
CreditSubtotals = Literal["either", "negated"]
Selection = Literal["per_dimension", "per_element"]
ReservationStepGroup = Literal["own", "with_time"]
TariffSwitch = Literal["per_period", "session_start"]
AbsentVat = Literal["no_vat", "unknown"]
UnknownCurrency = Literal["error", "two_decimals"]


# compile-relevant switch values -> Policy.compile_key (at most the product of their choices);
# numbers from a counter and setdefault, so threads never give two keys one number
_COMPILE_KEYS: dict[tuple[str, ...], int] = {}
_NUMBERS = count()


@dataclass(frozen=True, slots=True)
class Policy:
    """The interpretation in force. Every field's first allowed value is the default."""

    flat_mode: FlatMode = "first_per_phase"  # AMB-01
    step_parking_presence: StepParkingPresence = "billed"  # AMB-02
    time_parking_step: TimeParkingStep = "parking_if_present"  # AMB-03
    step_mode: StepMode = "session"  # AMB-05, AMB-06
    rounding: Rounding = "none"  # AMB-07
    restriction_split: RestrictionSplit = "error"  # AMB-08
    power_basis: PowerBasis = "extremes"  # AMB-09
    missing_power_data: MissingPowerData = "no_match"  # AMB-09
    duration_basis: DurationBasis = "session"  # AMB-10
    date_time_window: DateTimeWindow = "daily"  # AMB-11
    day_of_week_basis: DayOfWeekBasis = "instant"  # AMB-12
    total_time_reservation: TotalTimeReservation = "include"  # AMB-17
    parking_flat: ParkingFlat = "fixed"  # AMB-18
    clamped_subtotals: ClampedSubtotals = "unclamped"  # AMB-19
    credit_subtotals: CreditSubtotals = "either"  # AMB-20
    selection: Selection = "per_dimension"  # AMB-22
    reservation_step_group: ReservationStepGroup = "own"  # AMB-23
    tariff_switch: TariffSwitch = "per_period"  # AMB-24
    absent_vat: AbsentVat = "no_vat"  # AMB-25
    unknown_currency: UnknownCurrency = "error"  # ISO 4217 table miss
    # the switches that change how a tariff compiles, as a small int (a cache key read for every
    # priced CDR: an int hashes for free, the tuple of switches would be hashed each time)
    compile_key: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise BillingInputError(
                    f"policy {name}={value!r} is not valid; choose one of {', '.join(allowed)}"
                )
        key = (
            self.absent_vat,
            self.selection,
            self.power_basis,
            self.missing_power_data,
            self.duration_basis,
            self.date_time_window,
            self.day_of_week_basis,
        )
        number = _COMPILE_KEYS.get(key)
        if number is None:
            number = _COMPILE_KEYS.setdefault(key, next(_NUMBERS))
        object.__setattr__(self, "compile_key", number)

    @classmethod
    def from_pairs(cls, pairs: Iterable[str]) -> Policy:
        """Build from ``KEY=VALUE`` strings (the CLI's ``--policy``); unknown ones are errors."""
        chosen: dict[str, Any] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not key:
                raise BillingInputError(f"policy {pair!r} is not KEY=VALUE")
            if key not in _CHOICES:
                raise BillingInputError(
                    f"unknown policy key {key!r}; valid keys: {', '.join(_CHOICES)}"
                )
            if value not in _CHOICES[key]:
                raise BillingInputError(
                    f"policy {key}={value!r} is not valid; choose one of {', '.join(_CHOICES[key])}"
                )
            chosen[key] = value
        return replace(cls(), **chosen)

    def to_json(self) -> dict[str, str]:
        """Every switch with its value, in declaration order."""
        return {name: getattr(self, name) for name in _CHOICES}

    def non_default(self) -> dict[str, str]:
        """Only the switches that differ from the defaults."""
        default = Policy()
        return {k: v for k, v in self.to_json().items() if getattr(default, k) != v}

    @staticmethod
    def choices() -> dict[str, tuple[str, ...]]:
        """Allowed values per key (first = default)."""
        return dict(_CHOICES)


# Every switch: its allowed values (the Literal type of its field; the first is the default)
# and the ambiguity it settles (ids of ocpi-requirements.md §7.1). Written out rather than read
# from the annotations so the module also works compiled (mypyc keeps no typing objects there).
_SWITCHES: dict[str, tuple[object, str]] = {
    "flat_mode": (FlatMode, "AMB-01"),
    "step_parking_presence": (StepParkingPresence, "AMB-02"),
    "time_parking_step": (TimeParkingStep, "AMB-03"),
    "step_mode": (StepMode, "AMB-06"),
    "rounding": (Rounding, "AMB-07"),
    "restriction_split": (RestrictionSplit, "AMB-08"),
    "power_basis": (PowerBasis, "AMB-09"),
    "missing_power_data": (MissingPowerData, "AMB-09"),
    "duration_basis": (DurationBasis, "AMB-10"),
    "date_time_window": (DateTimeWindow, "AMB-11"),
    "day_of_week_basis": (DayOfWeekBasis, "AMB-12"),
    "total_time_reservation": (TotalTimeReservation, "AMB-17"),
    "parking_flat": (ParkingFlat, "AMB-18"),
    "clamped_subtotals": (ClampedSubtotals, "AMB-19"),
    "credit_subtotals": (CreditSubtotals, "AMB-20"),
    "selection": (Selection, "AMB-22"),
    "reservation_step_group": (ReservationStepGroup, "AMB-23"),
    "tariff_switch": (TariffSwitch, "AMB-24"),
    "absent_vat": (AbsentVat, "AMB-25"),
    "unknown_currency": (UnknownCurrency, "AMB-07"),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    name: tuple(get_args(kind)) for name, (kind, _) in _SWITCHES.items()
}
POLICY_REFS: dict[str, str] = {name: ref for name, (_, ref) in _SWITCHES.items()}
