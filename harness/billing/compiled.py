"""A tariff compiled once per policy into the lean form the pricer's hot path walks.

Per phase (charging, reservation, expired reservation) and per dimension the compiled tariff keeps
the ordered candidate elements that carry a component of that dimension (``ocpi-requirements.md``
§3.3: the first matching element *per dimension*, REQ-TAR-010; AMB-22 offers element-level
selection). Tariffs without restrictions get a constant selection. The compiled form is cached on
the Tariff object, keyed by the policy switches that change it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Final

from harness.billing.model import Dimension, PriceComponent, ReservationKind, Tariff, TaxIncluded
from harness.billing.money import HUNDRED
from harness.billing.policy import Policy
from harness.billing.restrictions import Check, EvalState, compile_checks, time_marks

__all__ = [
    "CHARGING",
    "DIM_ENERGY",
    "DIM_EXPIRY_FLAT",
    "DIM_FLAT",
    "DIM_PARKING",
    "DIM_TIME",
    "EXPIRED",
    "RESERVATION",
    "Choice",
    "CompiledElement",
    "CompiledTariff",
    "compile_tariff",
]

# phases
CHARGING: Final = 0
RESERVATION: Final = 1
EXPIRED: Final = 2
# slots of a selection tuple
DIM_ENERGY: Final = 0
DIM_TIME: Final = 1  # charging TIME, or reservation TIME in a reservation phase
DIM_PARKING: Final = 2
DIM_FLAT: Final = 3  # start fee, or reservation fee in a reservation phase
DIM_EXPIRY_FLAT: Final = 4  # expiry fee (RESERVATION_EXPIRES element) of an expired reservation
_SLOTS: Final = 5
_DIM_OF_SLOT = (
    Dimension.ENERGY,
    Dimension.TIME,
    Dimension.PARKING_TIME,
    Dimension.FLAT,
    Dimension.FLAT,
)

# (element index, component index, component, VAT factor 1 + vat/100 or None when no vat)
Choice = tuple[int, int, PriceComponent, Decimal | None]
Selection = tuple[Choice | None, ...]


class CompiledElement:
    __slots__ = ("checks", "components", "index", "reservation", "tests")

    def __init__(self, index: int, tariff: Tariff, policy: Policy) -> None:
        element = tariff.elements[index]
        self.index = index
        restr = element.restrictions
        self.reservation = restr.reservation if restr is not None else None
        self.checks: tuple[Check, ...] = compile_checks(restr, policy) if restr else ()
        self.tests = tuple(c.test for c in self.checks)
        first: dict[Dimension, Choice] = {}
        for j, comp in enumerate(element.components):
            factor = None if comp.vat is None else (HUNDRED + comp.vat).scaleb(-2)
            first.setdefault(comp.dimension, (index, j, comp, factor))  # AMB-21: first one wins
        self.components = first

    def matches(self, st: EvalState) -> bool:
        for test in self.tests:  # noqa: SIM110 - a loop is faster than all() on the hot path
            if not test(st):
                return False
        return True

    def why_not(self, st: EvalState) -> str | None:
        """The first failing restriction, in words (None when the element matches)."""
        for check in self.checks:
            if not check.test(st):
                return check.why(st)
        return None


class CompiledTariff:
    """The hot-path form of one tariff under one policy."""

    __slots__ = (
        "average_power",
        "bit_of",
        "by_mask",
        "charged_marks",
        "constant",
        "day_marks",
        "elapsed_marks",
        "elements",
        "full",
        "has_marks",
        "has_quantity",
        "has_timed",
        "kwh_marks",
        "needs_current",
        "needs_local",
        "needs_power",
        "per_element",
        "phase_elements",
        "quantity",
        "quantity_pairs",
        "simple",
        "slots",
        "tariff",
        "tax_mode",
        "timed",
        "tod_marks",
        "tod_steps",
    )

    def __init__(self, tariff: Tariff, policy: Policy) -> None:
        self.tariff = tariff
        self.per_element = policy.selection == "per_element"
        elements = [CompiledElement(i, tariff, policy) for i in range(len(tariff.elements))]
        self.elements = tuple(elements)
        charging = [e for e in elements if e.reservation is None]
        reserve = [e for e in elements if e.reservation is ReservationKind.RESERVATION]
        expires = [e for e in elements if e.reservation is ReservationKind.RESERVATION_EXPIRES]
        self.phase_elements = (tuple(charging), tuple(reserve), tuple(expires + reserve))

        def having(group: list[CompiledElement], dim: Dimension) -> tuple[CompiledElement, ...]:
            return tuple(e for e in group if dim in e.components)

        none: tuple[CompiledElement, ...] = ()
        self.slots = (
            (
                having(charging, Dimension.ENERGY),
                having(charging, Dimension.TIME),
                having(charging, Dimension.PARKING_TIME),
                having(charging, Dimension.FLAT),
                none,
            ),
            (none, having(reserve, Dimension.TIME), none, having(reserve, Dimension.FLAT), none),
            (
                none,
                having(expires, Dimension.TIME) + having(reserve, Dimension.TIME),
                none,
                having(reserve, Dimension.FLAT),
                having(expires, Dimension.FLAT),
            ),
        )
        # Per phase, every restricted element gets a bit (list order). Its timed tests (local
        # time, dates, weekdays, elapsed time) and its quantity tests (energy, power, current,
        # charged time) are kept apart: a mask of the elements whose timed tests pass is the same
        # for a whole time segment, so the walk evaluates those once per segment.
        restricted = [tuple(e for e in group if e.tests) for group in self.phase_elements]
        self.bit_of = tuple({e.index: 1 << k for k, e in enumerate(r)} for r in restricted)
        self.full = tuple((1 << len(r)) - 1 for r in restricted)
        self.timed = tuple(
            tuple(
                (self.full[ph] & ~(1 << k), tuple(c.test for c in e.checks if c.timed))
                for k, e in enumerate(r)
                if any(c.timed for c in e.checks)
            )
            for ph, r in enumerate(restricted)
        )
        self.quantity = tuple(
            tuple(
                (self.full[ph] & ~(1 << k), tuple(c.test for c in e.checks if not c.timed))
                for k, e in enumerate(r)
                if any(not c.timed for c in e.checks)
            )
            for ph, r in enumerate(restricted)
        )
        # the same, one (clear, test) pair per test: an element whose first test fails has its
        # bit cleared again by the others (no effect), and the loop has one level instead of two
        self.quantity_pairs = tuple(
            tuple((clear, test) for clear, tests in group for test in tests)
            for group in self.quantity
        )
        self.by_mask: tuple[dict[int, Selection], ...] = ({}, {}, {})
        # a phase whose candidates carry no checks selects the same thing at every instant
        self.constant: list[Selection | None] = [None, None, None]
        for phase in (CHARGING, RESERVATION, EXPIRED):
            if not restricted[phase]:
                self.constant[phase] = self._select(phase, None)
        restr = [e for e in tariff.elements if e.restrictions is not None]
        rs = [e.restrictions for e in restr if e.restrictions is not None]
        self.needs_local = any(r.uses_local_time for r in rs)
        self.needs_power = any(r.uses_power for r in rs)
        self.average_power = policy.power_basis == "average"
        self.needs_current = any(r.uses_current for r in rs)
        tod: set[int] = set()
        for r in rs:
            tod |= time_marks(r)
        self.tod_marks = tuple(sorted(tod))
        self.tod_steps = tuple(timedelta(seconds=m) for m in self.tod_marks)
        # (zone, local day) -> that day's tod_steps as UTC instants (filled by .segments)
        self.day_marks: dict[tuple[tzinfo, date], tuple[datetime, ...]] = {}
        durations = {v for r in rs for v in (r.min_duration, r.max_duration) if v is not None}
        if policy.duration_basis == "charging":
            self.elapsed_marks: tuple[timedelta, ...] = ()
            self.charged_marks = tuple(sorted(Decimal(v) / 3600 for v in durations))
        else:
            self.elapsed_marks = tuple(sorted(timedelta(seconds=v) for v in durations))
            self.charged_marks = ()
        kwh = {v for r in rs for v in (r.min_kwh, r.max_kwh) if v is not None}
        self.kwh_marks = tuple(sorted(kwh))
        self.has_marks = bool(
            self.tod_marks or self.elapsed_marks or self.charged_marks or self.kwh_marks
        )
        self.has_timed = any(self.timed)
        self.has_quantity = any(self.quantity)
        # charging periods of this tariff always select the same components
        self.simple: Selection | None = None if self.has_marks else self.constant[CHARGING]
        self.tax_mode = tax_mode(tariff, policy)

    def select(self, phase: int, st: EvalState) -> Selection:
        """The components in force at ``st`` (a full evaluation of every restriction)."""
        constant = self.constant[phase]
        if constant is not None:
            return constant
        return self.by(phase, self.timed_mask(phase, st) & self.quantity_mask(phase, st))

    def timed_mask(self, phase: int, st: EvalState) -> int:
        """Bits of the restricted elements whose timed tests pass at ``st``."""
        mask = self.full[phase]
        for clear, tests in self.timed[phase]:
            for test in tests:
                if not test(st):
                    mask &= clear
                    break
        return mask

    def quantity_mask(self, phase: int, st: EvalState) -> int:
        """Bits of the restricted elements whose quantity tests pass at ``st``."""
        mask = self.full[phase]
        for clear, tests in self.quantity[phase]:
            for test in tests:
                if not test(st):
                    mask &= clear
                    break
        return mask

    def by(self, phase: int, mask: int) -> Selection:
        """The selection when exactly the restricted elements in ``mask`` match (cached)."""
        cache = self.by_mask[phase]
        selection = cache.get(mask)
        if selection is None:
            selection = cache[mask] = self._select(phase, mask)
        return selection

    def _select(self, phase: int, mask: int | None) -> Selection:
        """Selection given which restricted elements match (``None``: as if all matched)."""
        bits = self.bit_of[phase]

        def ok(element: CompiledElement) -> bool:
            bit = bits.get(element.index)
            return bit is None or mask is None or bool(mask & bit)

        if self.per_element:  # AMB-22 alternative: the first matching element supplies all
            for element in self.phase_elements[phase]:
                if ok(element):
                    comps = element.components
                    return (
                        comps.get(Dimension.ENERGY) if phase == CHARGING else None,
                        comps.get(Dimension.TIME),
                        comps.get(Dimension.PARKING_TIME) if phase == CHARGING else None,
                        comps.get(Dimension.FLAT),
                        None,
                    )
            return (None,) * _SLOTS
        out: list[Choice | None] = [None] * _SLOTS
        for slot, candidates in enumerate(self.slots[phase]):
            dim = _DIM_OF_SLOT[slot]
            for element in candidates:
                if ok(element):
                    out[slot] = element.components[dim]
                    break
        return tuple(out)


# How VAT applies to a tariff's prices (see harness.billing.costing)
NO_VAT_KNOWN: Final = 0  # prices excl. VAT; absent vat = no VAT (2.2.1, AMB-25 default)
NO_VAT_UNKNOWN: Final = 1  # prices excl. VAT; absent vat = after-tax amount unknown
TAX_INCLUDED: Final = 2  # 2.3.0 tax_included YES
NO_TAX: Final = 3  # 2.3.0 tax_included N/A
VAT_UNKNOWN: Final = 4  # 2.1.1: no VAT field at all


def tax_mode(tariff: Tariff, policy: Policy) -> int:
    if tariff.version == "2.1.1":
        return VAT_UNKNOWN
    if tariff.tax_included is TaxIncluded.YES:
        return TAX_INCLUDED
    if tariff.tax_included is TaxIncluded.NOT_APPLICABLE:
        return NO_TAX
    if tariff.version == "2.3.0" or policy.absent_vat == "unknown":
        return NO_VAT_UNKNOWN
    return NO_VAT_KNOWN


# Compiled forms shared by equal tariffs: a verifier re-reads the same tariff JSON for every CDR
# of an export, and each read makes a new Tariff object with an empty cache. Keyed on content:
# the repr of the Tariff spells every value exactly (Decimal('0.30') and Decimal('0.3') differ,
# as they would in a breakdown), so two tariffs with the same id but other content never share.
_SHARED: dict[tuple[str, int], CompiledTariff] = {}
_SHARED_MAX = 512  # entries before the shared cache is cleared


def compile_tariff(tariff: Tariff, policy: Policy) -> CompiledTariff:
    """The compiled form of ``tariff`` under ``policy``: cached on the tariff, and shared with
    tariffs of the same content (bounded)."""
    key = policy.compile_key
    compiled = tariff.cache.get(key)
    if compiled is None:
        content = (repr(tariff), key)
        compiled = _SHARED.get(content)
        if compiled is None:
            if len(_SHARED) >= _SHARED_MAX:
                _SHARED.clear()
            compiled = _SHARED[content] = CompiledTariff(tariff, policy)
        tariff.cache[key] = compiled
    assert isinstance(compiled, CompiledTariff)
    return compiled
