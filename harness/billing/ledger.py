"""The ledger lane: the per-period walk without per-line objects, for restricted tariffs.

In the default case (one tariff, session step rounding, no reservation, no pro-rated splits,
prices excluding VAT) the walk still evaluates every period, but instead of a Line per priced
quantity the ledger keeps, per dimension, the volume summed per selected component, the billed
total, and the last billed component (the one whose step_size and price take the rounding surplus,
§3.5). Money is then the sum over components of summed volume x price: the same exact Decimal
arithmetic the line-by-line path does, in fewer steps. The breakdown is produced by the line-based
walk on first access. ``tests/billing`` checks both paths agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from harness.billing.compiled import (
    DIM_ENERGY,
    DIM_FLAT,
    DIM_PARKING,
    DIM_TIME,
    TAX_INCLUDED,
    Choice,
    compile_tariff,
)
from harness.billing.costing import BucketRows, finish_report, line_cost
from harness.billing.lines import FIXED_COST, Part
from harness.billing.model import SessionInput, Tariff
from harness.billing.money import ZERO, step_surplus
from harness.billing.policy import Policy
from harness.billing.report import Detail, PriceReport
from harness.billing.walk import Walk

__all__ = ["Ledger", "ledger_applies", "price_ledger"]

_FACTORS = (Decimal(1000), Decimal(3600), Decimal(3600))  # ENERGY Wh, TIME s, PARKING_TIME s


class Ledger:
    """Per dimension (ENERGY, TIME, PARKING_TIME): volume per component, billed total, last."""

    __slots__ = (
        "any_parking",
        "billed",
        "choices",
        "flat_done",
        "flats",
        "last",
        "last_time_based",
        "present",
        "sums",
    )

    def __init__(self) -> None:
        # volume per component, keyed by the id of its Choice: one tariff, one compiled form,
        # so one Choice object per (element, component), and an int is the cheapest key
        self.sums: tuple[dict[int, Decimal], ...] = ({}, {}, {})
        self.choices: dict[int, Choice] = {}
        self.billed = [ZERO, ZERO, ZERO]
        self.last: list[Choice | None] = [None, None, None]
        self.present = [False, False, False]  # some volume of the dimension, priced or not
        self.flats: list[tuple[Choice, int]] = []
        # FLAT choices already offered to the walk: one tariff and only the charging phase
        # here, so a FLAT offered once is never billed again (AMB-01, either flat_mode)
        self.flat_done: set[int] = set()
        self.any_parking = False
        self.last_time_based = -1

    def add(self, part: Part, walk: Walk) -> None:
        selection = part.selection
        flat = selection[DIM_FLAT]
        if flat is not None and id(flat) not in self.flat_done:
            self.flat_done.add(id(flat))
            billed_flat = walk.flat_choice(part, DIM_FLAT, FIXED_COST)
            if billed_flat is not None:
                self.flats.append(billed_flat)
        # the three dimensions written out (ENERGY, TIME, PARKING_TIME): the hot path
        volume = part.energy
        if volume:
            self.present[DIM_ENERGY] = True
            choice = selection[DIM_ENERGY]
            if choice is not None:
                sums = self.sums[DIM_ENERGY]
                key = id(choice)
                if key in sums:
                    sums[key] += volume
                else:
                    sums[key] = volume
                    self.choices[key] = choice
                self.billed[DIM_ENERGY] += volume
                self.last[DIM_ENERGY] = choice
        volume = part.time
        if volume:
            self.present[DIM_TIME] = True
            choice = selection[DIM_TIME]
            if choice is not None:
                sums = self.sums[DIM_TIME]
                key = id(choice)
                if key in sums:
                    sums[key] += volume
                else:
                    sums[key] = volume
                    self.choices[key] = choice
                self.billed[DIM_TIME] += volume
                self.last[DIM_TIME] = choice
                self.last_time_based = DIM_TIME
        volume = part.parking
        if volume:
            self.present[DIM_PARKING] = True
            if volume > 0:
                self.any_parking = True
            choice = selection[DIM_PARKING]
            if choice is not None:
                sums = self.sums[DIM_PARKING]
                key = id(choice)
                if key in sums:
                    sums[key] += volume
                else:
                    sums[key] = volume
                    self.choices[key] = choice
                self.billed[DIM_PARKING] += volume
                self.last[DIM_PARKING] = choice
                self.last_time_based = DIM_PARKING


def ledger_applies(tariffs: Sequence[Tariff], session: SessionInput, policy: Policy) -> bool:
    """Whether the ledger lane can price this session (else the line-based walk does)."""
    if len(tariffs) != 1 or policy.step_mode != "session" or policy.restriction_split != "error":
        return False
    if compile_tariff(tariffs[0], policy).tax_mode == TAX_INCLUDED:
        return False
    return all(p.reservation_time is None for p in session.periods)


def _round(ledger: Ledger, slot: int) -> None:
    """Round one dimension's billed total (as ``steps.apply_steps``); surplus on the last."""
    last = ledger.last[slot]
    total = ledger.billed[slot]
    if last is None or total <= 0:
        return
    step = last[2].step_size
    if step <= 0:
        return
    factor = _FACTORS[slot]
    rest = total * factor % step
    if rest:
        ledger.sums[slot][id(last)] += step_surplus(step - rest, factor)


def price_ledger(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    expand: Callable[[], Detail],
    *,
    tz: ZoneInfo | None,
    policy: Policy,
    reservation_expired: bool,
) -> PriceReport:
    ledger = Ledger()
    walk = Walk(tariffs, session, tz, policy, reservation_expired, ledger=ledger)
    walk.run()
    _round(ledger, DIM_ENERGY)
    if policy.time_parking_step == "last_time_based":
        if ledger.last_time_based >= 0:
            _round(ledger, ledger.last_time_based)
    else:
        if policy.step_parking_presence == "any":
            parking = ledger.any_parking
        else:
            parking = ledger.last[DIM_PARKING] is not None and ledger.billed[DIM_PARKING] > 0
        _round(ledger, DIM_PARKING if parking else DIM_TIME)
    mode = walk.compiled[0].tax_mode
    ex: list[Decimal | None] = [ZERO, ZERO, ZERO, ZERO, ZERO]
    inc: list[Decimal | None] = [ZERO, ZERO, ZERO, ZERO, ZERO]
    present = [False, False, False, False, False]
    choices = ledger.choices
    costs = [(slot, choices[key], volume, False) for slot in (DIM_ENERGY, DIM_TIME, DIM_PARKING)
             for key, volume in ledger.sums[slot].items()]  # fmt: skip
    costs += [(bucket, choice, ZERO, True) for choice, bucket in ledger.flats]
    for bucket, choice, volume, flat in costs:
        present[bucket] = True
        excl, incl = line_cost(choice, volume, flat, mode)
        current = ex[bucket]
        ex[bucket] = None if current is None or excl is None else current + excl
        current = inc[bucket]
        inc[bucket] = None if current is None or incl is None else current + incl
    rows: BucketRows = {0: (ex, inc)}
    return finish_report(
        tariffs,
        session,
        (0,),
        rows,
        present,
        expand,
        walk.issues,
        policy=policy,
        tz=tz,
        reservation_expired=reservation_expired,
    )
