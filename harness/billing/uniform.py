"""The fast lane: sessions whose every period is priced by the same components.

When a tariff has no restriction that can change the selected components (no time, date,
duration, energy, power or current restriction on the elements that matter) and the session has
no reservation part, every ENERGY, TIME, PARKING_TIME volume of every period is priced by the same
component. The step_size rules of §3.5 then reduce to rounding each group's session total with
that component's step, and the cost of a dimension is its billed total times its price: exactly
what the per-period walk computes line by line (Decimal products of short decimals are exact),
in a fraction of the time. The per-period breakdown is produced by the general walk on first
access, so reports from both paths read the same. ``tests/billing`` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from harness.billing.compiled import (
    DIM_ENERGY,
    DIM_FLAT,
    DIM_PARKING,
    DIM_TIME,
    TAX_INCLUDED,
    Choice,
    CompiledTariff,
)
from harness.billing.costing import BucketRows, finish_report, line_cost
from harness.billing.lines import FIXED_COST, PARKING_COST, Issue
from harness.billing.model import Dimension, SessionInput, Tariff
from harness.billing.money import ZERO, step_surplus
from harness.billing.policy import Policy
from harness.billing.report import Detail, PriceReport

__all__ = ["price_uniform"]

_KWH_TO_WH: Final = Decimal(1000)
_H_TO_S: Final = Decimal(3600)


def _rounded(total: Decimal, choice: Choice | None, factor: Decimal) -> Decimal:
    """The billed total of a group after step_size (the same arithmetic as ``steps._apply``)."""
    if choice is None or total <= 0:
        return total
    step = choice[2].step_size
    if step <= 0:
        return total
    rest = total * factor % step
    return total + step_surplus(step - rest, factor) if rest else total


def price_uniform(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    default: int,
    ct: CompiledTariff,
    issues: list[Issue],
    expand: Callable[[], Detail],
    *,
    tz: ZoneInfo | None,
    policy: Policy,
    reservation_expired: bool,
) -> PriceReport | None:
    """Price by totals, or None when the session needs the per-period walk. ``ct`` is the
    compiled form of ``tariffs[default]`` under ``policy``."""
    tariff = tariffs[default]
    sel = ct.simple
    if sel is None or ct.tax_mode == TAX_INCLUDED or policy.step_mode != "session":
        return None
    tariff_id = tariff.id
    check_ids = policy.tariff_switch == "per_period"
    energy = time_ = parking = ZERO
    has_e = has_t = has_p = any_parking = False
    last_time_based = -1  # slot of the last billed TIME / PARKING_TIME volume (AMB-03)
    bill_t, bill_p = sel[DIM_TIME] is not None, sel[DIM_PARKING] is not None
    previous = session.start
    for p in session.periods:
        # one unpacking instead of an attribute read per field (ChargingPeriod is a NamedTuple)
        start, e, t, k, reserve, _, _, _, _, period_tariff = p
        if start < previous or reserve is not None:
            return None
        if check_ids and period_tariff is not None and period_tariff != tariff_id:
            return None
        previous = start
        if e:
            if e < 0:
                return None  # net export: keep the line-by-line arithmetic
            energy += e
            has_e = True
        if t:
            time_ += t
            has_t = True
            if bill_t:
                last_time_based = DIM_TIME
        if k:
            parking += k
            has_p = True
            if k > 0:
                any_parking = True
            if bill_p:
                last_time_based = DIM_PARKING
    if session.periods[0].start < session.start:
        return None  # a period before the session start: the walk reports it

    # step_size, exactly as harness.billing.steps does for one tariff in session mode
    if policy.time_parking_step == "last_time_based":
        round_parking = last_time_based == DIM_PARKING
        round_time = last_time_based == DIM_TIME
    else:
        if policy.step_parking_presence == "any":
            round_parking = any_parking
        else:
            round_parking = bill_p and has_p and parking > 0
        round_time = not round_parking

    mode = ct.tax_mode
    ex: list[Decimal | None] = [ZERO, ZERO, ZERO, ZERO, ZERO]
    inc: list[Decimal | None] = [ZERO, ZERO, ZERO, ZERO, ZERO]
    present = [False, False, False, False, False]
    if has_e:
        choice = sel[DIM_ENERGY]
        if choice is not None:
            billed = _rounded(energy, choice, _KWH_TO_WH)
            ex[0], inc[0] = line_cost(choice, billed, False, mode)
            present[0] = True
    if has_t:
        choice = sel[DIM_TIME]
        if choice is not None:
            billed = _rounded(time_, choice, _H_TO_S) if round_time else time_
            ex[1], inc[1] = line_cost(choice, billed, False, mode)
            present[1] = True
    if has_p:
        choice = sel[DIM_PARKING]
        if choice is not None:
            billed = _rounded(parking, choice, _H_TO_S) if round_parking else parking
            ex[2], inc[2] = line_cost(choice, billed, False, mode)
            present[2] = True
    flat = sel[DIM_FLAT]
    if flat is not None:
        bucket = FIXED_COST
        if policy.parking_flat == "parking_element":
            dims = {c.dimension for c in tariff.elements[flat[0]].components}
            if Dimension.PARKING_TIME in dims and not dims & {Dimension.ENERGY, Dimension.TIME}:
                bucket = PARKING_COST
        present[bucket] = True
        excl, incl = line_cost(flat, ZERO, True, mode)
        ex[bucket] = _add(ex[bucket], excl)
        inc[bucket] = _add(inc[bucket], incl)
    rows: BucketRows = {default: (ex, inc)}
    return finish_report(
        tariffs,
        session,
        (default,),
        rows,
        present,
        expand,
        issues,
        policy=policy,
        tz=tz,
        reservation_expired=reservation_expired,
    )


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a + b
