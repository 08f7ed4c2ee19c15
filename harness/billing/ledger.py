"""The ledger lane: the per-period walk without per-line objects, for restricted tariffs.

In the default case (one tariff, session step rounding, no reservation, no pro-rated splits,
prices excluding VAT) every period is still evaluated (its selection, the data it lacks, the
restriction boundaries inside it), but in one loop that keeps, per dimension, the volume summed
per selected component, the billed total, and the last billed component (the one whose step_size
and price take the rounding surplus, §3.5), instead of a Part and a Line per priced quantity.
Money is then the sum over components of summed volume x price: the same exact Decimal arithmetic
the line-by-line path does, in fewer steps. The breakdown (parts, lines, steps) is produced by the
line-based walk on first access. ``tests/billing`` checks both paths agree, issues included.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from harness.billing.boundaries import find_changes
from harness.billing.compiled import (
    CHARGING,
    DIM_ENERGY,
    DIM_FLAT,
    DIM_PARKING,
    DIM_TIME,
    NO_VAT_KNOWN,
    TAX_INCLUDED,
    Choice,
    CompiledTariff,
    Selection,
    compile_tariff,
)
from harness.billing.costing import BucketRows, finish_report, line_cost
from harness.billing.evaluation import boundary_issue, crosses, data_missing_issue, fill_quantities
from harness.billing.lines import FIXED_COST, Part
from harness.billing.model import SessionInput, Tariff
from harness.billing.money import ZERO, div, step_surplus
from harness.billing.policy import Policy
from harness.billing.report import Detail, PriceReport
from harness.billing.restrictions import EvalState, Test
from harness.billing.segments import Segments
from harness.billing.walk import Walk

__all__ = ["ledger_applies", "price_ledger"]

# a component of the tariff: (element index, component index). Not id(): the choices are
# tuples, which need not keep their identity (e.g. compiled with mypyc)
Key = tuple[int, int]
_FACTORS: Final = (Decimal(1000), Decimal(3600), Decimal(3600))  # ENERGY Wh, TIME s, PARKING_TIME s
_new: Final = tuple.__new__


def ledger_applies(
    tariffs: Sequence[Tariff], session: SessionInput, policy: Policy, ct: CompiledTariff | None
) -> bool:
    """Whether the ledger lane can price this session (else the line-based walk does).

    ``ct`` is the compiled form of ``tariffs[0]`` under ``policy``, or None to compile it."""
    if len(tariffs) != 1 or policy.step_mode != "session" or policy.restriction_split != "error":
        return False
    if ct is None:
        ct = compile_tariff(tariffs[0], policy)
    if ct.tax_mode == TAX_INCLUDED:
        return False
    for p in session.periods:  # noqa: SIM110 - a loop is faster than all() here
        if p.reservation_time is not None:
            return False
    return True


def _rounding(
    sums: dict[Key, Decimal], last: Choice | None, total: Decimal, factor: Decimal
) -> None:
    """Round one dimension's billed total (as ``steps.apply_steps``); surplus on the last."""
    if last is None or total <= 0:
        return
    step = last[2].step_size
    if step <= 0:
        return
    rest = total * factor % step
    if rest:
        sums[last[0], last[1]] += step_surplus(step - rest, factor)


def _flush(
    sums: dict[Key, Decimal], choices: dict[Key, Choice], choice: Choice, run: Decimal
) -> None:
    """Add a run of volume priced by ``choice`` to its sum."""
    key = choice[0], choice[1]
    if key in sums:
        sums[key] += run
    else:
        sums[key] = run
        choices[key] = choice


def _kwh_moves(
    ct: CompiledTariff,
    timed_mask: int,
    quantity: tuple[tuple[int, Test], ...],
    st: EvalState,
    cum_kwh: Decimal,
    energy: Decimal,
    selection: Selection,
    j: int,
) -> bool:
    """Whether crossing the energy thresholds ``ct.kwh_marks[j:]`` inside a period (with no
    segment start and no charged-time threshold inside it) can select other components.

    Each threshold is evaluated with the session energy :func:`.boundaries.find_changes` computes
    there; False means it would find no change, so the period needs no boundary search."""
    marks = ct.kwh_marks
    after = cum_kwh + energy
    while j < len(marks) and marks[j] < after:
        st.kwh = cum_kwh + energy * div(marks[j] - cum_kwh, energy)
        qmask = -1
        for clear, test in quantity:
            if not test(st):
                qmask &= clear
        if ct.by(CHARGING, timed_mask & qmask) != selection:
            return True
        j += 1
    return False


def price_ledger(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    expand: Callable[[], Detail],
    *,
    tz: ZoneInfo | None,
    policy: Policy,
    reservation_expired: bool,
) -> PriceReport:
    """Price a session that :func:`ledger_applies` to (one tariff, charging phase only)."""
    walk = Walk(tariffs, session, tz, policy, reservation_expired)
    ct = walk.compiled[0]
    periods = session.periods
    issues = walk.issues
    order = walk.order()
    tariff_id = tariffs[0].id
    check_ids = policy.tariff_switch == "per_period"
    fixed = ct.simple
    # the session's energy and charging time so far: only kwh and charged-duration
    # restrictions read them (and the boundary search, for those restrictions only)
    sum_kwh = fixed is None and bool(ct.kwh_marks)
    sum_charged = fixed is None and bool(ct.charged_marks)
    if fixed is None:
        fixed = ct.constant[CHARGING]
    # per dimension: volume per component, keyed by (element, component) index (one tariff,
    # so that names the component); ``choices`` maps the same keys to the Choice itself
    e_sums: dict[Key, Decimal] = {}
    t_sums: dict[Key, Decimal] = {}
    p_sums: dict[Key, Decimal] = {}
    choices: dict[Key, Choice] = {}
    e_last: Choice | None = None
    t_last: Choice | None = None
    p_last: Choice | None = None
    e_run = t_run = p_run = ZERO
    any_parking = False
    last_time_based = -1
    flats: list[tuple[Choice, int]] = []
    # elements whose FLAT was already offered: one tariff and only the charging phase here, so
    # a FLAT offered once is never billed again (AMB-01, either flat_mode)
    flat_done: set[int] = set()
    last_flat: Choice | None = None
    cum_kwh = charged = ZERO
    restricted = fixed is None
    fixed_sel: Selection = () if fixed is None else fixed
    if restricted:
        seg = Segments(walk, ct, walk.lo, walk.hi)  # not kept on the walk: freed with this call
        starts = seg.starts
        nseg = len(starts)
        masks = seg.masks[CHARGING]
        has_timed = ct.has_timed
        full = ct.full[CHARGING]
        quantity = ct.quantity_pairs[CHARGING] if ct.has_quantity else ()
        needs_current, needs_power = ct.needs_current, ct.needs_power
        needs_data = needs_current or needs_power
        average_power = ct.average_power
        by_mask = ct.by_mask[CHARGING]
        kwh_marks, charged_marks = ct.kwh_marks, ct.charged_marks
        st = walk.scratch
        k = 0
    if type(order) is range:
        ordered = periods
        ends = walk.starts[1:]
    else:
        ordered = tuple([periods[i] for i in order])
        ends = [p.start for p in ordered[1:]]
    ends.append(session.end)
    for i, p, end in zip(order, ordered, ends, strict=True):
        # one unpacking instead of an attribute read per field (ChargingPeriod is a NamedTuple)
        start, energy, time_, parking, _, min_current, max_current, min_power, max_power, tid = p
        if tid is not None and check_ids and tid != tariff_id:
            walk.tariff_of(p, i, 0)  # the issue; the period is priced with the tariff
        if restricted:
            # the segment of the period start (timed tests, cached per segment), then the
            # quantity tests on the scratch state, then the cached selection
            if starts[k] > start:
                k = seg.locate(start)
            while k + 1 < nseg and starts[k + 1] <= start:
                k += 1
            if has_timed:
                mask = masks.get(k)
                if mask is None:
                    mask = seg.mask(CHARGING, k)
            else:
                mask = full
            timed_mask = mask
            qmask = -1  # the elements whose quantity tests pass (all bits: no test)
            if quantity:
                if sum_kwh:
                    st.kwh = cum_kwh
                if sum_charged:
                    st.charged = charged
                if needs_current:  # fill_quantities, written out
                    st.min_current = min_current
                    st.max_current = max_current
                if needs_power:
                    st.min_power = min_power
                    st.max_power = max_power
                    if energy is not None and (
                        min_power is None or max_power is None or average_power
                    ):
                        fill_quantities(st, ct, p, end)  # the average power
                    else:
                        st.avg_power = None
                for clear, test in quantity:
                    if not test(st):
                        qmask &= clear
                mask &= qmask
            sel = by_mask.get(mask)
            if sel is None:
                sel = ct.by(CHARGING, mask)
            if (
                needs_data
                and (energy or time_)
                and (
                    (needs_current and min_current is None and max_current is None)
                    or (needs_power and min_power is None and max_power is None)
                )
            ):
                issue = data_missing_issue(ct, p, i, policy)
                if issue is not None:
                    issues.append(issue)
            # see Walk.part: where a boundary can lie inside the period at all
            inner = k + 1 < nseg and starts[k + 1] < end  # a segment starts inside
            if (
                kwh_marks
                and energy
                and (j := bisect_right(kwh_marks, cum_kwh)) < len(kwh_marks)
                and kwh_marks[j] < cum_kwh + energy
            ):  # evaluation.crosses, written out: an energy threshold is crossed
                look = (
                    inner
                    or bool(charged_marks)
                    or _kwh_moves(ct, timed_mask, quantity, st, cum_kwh, energy, sel, j)
                )
            else:
                look = bool(
                    (charged_marks and time_ and crosses(charged_marks, charged, time_))
                    or (
                        inner
                        and (
                            (kwh_marks and energy is not None and energy < 0)
                            or (charged_marks and time_ is not None and time_ < 0)
                            or Walk.moves(ct, seg, k + 1, CHARGING, end, qmask, sel)
                        )
                    )
                )
            if look:
                vols = (energy, time_, parking, None)
                changes = find_changes(
                    walk, ct, seg, k, 0, CHARGING, p, end, sel, vols, cum_kwh, charged
                )
                if changes:  # priced as at the period start (restriction_split=error)
                    issues.append(boundary_issue(i, changes, sel))
        else:
            sel = fixed_sel
        flat = sel[DIM_FLAT]
        if flat is not None and flat is not last_flat and flat[0] not in flat_done:
            last_flat = flat
            flat_done.add(flat[0])
            part = _new(Part, (i, 0, start, end, 0, ct, CHARGING, sel, energy, time_, parking,
                               None, cum_kwh, charged))  # fmt: skip
            billed_flat = walk.flat_choice(part, DIM_FLAT, FIXED_COST)
            if billed_flat is not None:
                flats.append(billed_flat)
        # the three dimensions written out (ENERGY, TIME, PARKING_TIME): the hot path. Each
        # keeps a run (the volume summed while the same component prices it), flushed into the
        # per-component sums when another component takes over: sums in first-use order.
        if energy:
            choice = sel[DIM_ENERGY]
            if choice is not None:
                if choice is e_last:
                    e_run += energy
                else:
                    if e_last is not None:
                        _flush(e_sums, choices, e_last, e_run)
                    e_last = choice
                    e_run = energy
            if sum_kwh:
                cum_kwh += energy
        if time_:
            choice = sel[DIM_TIME]
            if choice is not None:
                if choice is t_last:
                    t_run += time_
                else:
                    if t_last is not None:
                        _flush(t_sums, choices, t_last, t_run)
                    t_last = choice
                    t_run = time_
                last_time_based = DIM_TIME
            if sum_charged:
                charged += time_
        if parking:
            if parking > 0:
                any_parking = True
            choice = sel[DIM_PARKING]
            if choice is not None:
                if choice is p_last:
                    p_run += parking
                else:
                    if p_last is not None:
                        _flush(p_sums, choices, p_last, p_run)
                    p_last = choice
                    p_run = parking
                last_time_based = DIM_PARKING
    if e_last is not None:
        _flush(e_sums, choices, e_last, e_run)
    if t_last is not None:
        _flush(t_sums, choices, t_last, t_run)
    if p_last is not None:
        _flush(p_sums, choices, p_last, p_run)
    # step_size, exactly as harness.billing.steps does for one tariff in session mode
    if e_sums:
        _rounding(e_sums, e_last, sum(e_sums.values(), ZERO), _FACTORS[DIM_ENERGY])
    if policy.time_parking_step == "last_time_based":
        if last_time_based == DIM_TIME:
            _rounding(t_sums, t_last, sum(t_sums.values(), ZERO), _FACTORS[DIM_TIME])
        elif last_time_based == DIM_PARKING:
            _rounding(p_sums, p_last, sum(p_sums.values(), ZERO), _FACTORS[DIM_PARKING])
    else:
        p_billed = sum(p_sums.values(), ZERO)
        if policy.step_parking_presence == "any":
            parking_group = any_parking
        else:
            parking_group = p_last is not None and p_billed > 0
        if parking_group:
            _rounding(p_sums, p_last, p_billed, _FACTORS[DIM_PARKING])
        elif t_sums:
            _rounding(t_sums, t_last, sum(t_sums.values(), ZERO), _FACTORS[DIM_TIME])
    mode = ct.tax_mode
    ex: list[Decimal | None] = [ZERO, ZERO, ZERO, ZERO, ZERO]
    inc: list[Decimal | None] = [ZERO, ZERO, ZERO, ZERO, ZERO]
    present = [False, False, False, False, False]
    for bucket, sums in ((DIM_ENERGY, e_sums), (DIM_TIME, t_sums), (DIM_PARKING, p_sums)):
        if not sums:
            continue
        if mode == NO_VAT_KNOWN:  # the common case, as costing.cost_lines does it
            present[bucket] = True
            excl_sum = incl_sum = ZERO
            for key, volume in sums.items():
                choice = choices[key]
                excl = volume * choice[2].price
                factor = choice[3]
                excl_sum += excl
                incl_sum += excl if factor is None else excl * factor
            ex[bucket] = excl_sum
            inc[bucket] = incl_sum
            continue
        for key, volume in sums.items():
            _add(ex, inc, present, bucket, line_cost(choices[key], volume, False, mode))
    for choice, bucket in flats:
        _add(ex, inc, present, bucket, line_cost(choice, ZERO, True, mode))
    rows: BucketRows = {0: (ex, inc)}
    return finish_report(
        tariffs,
        session,
        (0,),
        rows,
        present,
        expand,
        issues,
        policy=policy,
        tz=tz,
        reservation_expired=reservation_expired,
    )


def _add(
    ex: list[Decimal | None],
    inc: list[Decimal | None],
    present: list[bool],
    bucket: int,
    cost: tuple[Decimal | None, Decimal | None],
) -> None:
    present[bucket] = True
    excl, incl = cost
    current = ex[bucket]
    ex[bucket] = None if current is None or excl is None else current + excl
    current = inc[bucket]
    inc[bucket] = None if current is None or incl is None else current + incl
