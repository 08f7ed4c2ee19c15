"""step_size rounding (``ocpi-requirements.md`` §3.5; ``mod_cdrs.asciidoc`` §CDR object, step_size).

Default (``step_mode=session``), per tariff:
1. once per session per group: ENERGY; TIME+PARKING_TIME together; reservation TIME on its own
   (AMB-23, or with the TIME group under ``reservation_step_group=with_time``);
2. on the session total of the billed volume of the rounded dimension;
3. with the step_size of the last relevant component (the last line with that dimension billed),
   the surplus priced at that component and added to that line (AMB-05);
4. in the TIME+PARKING_TIME group, the parking total is rounded when the session has billed
   parking, else the TIME total (AMB-02/AMB-03; ``time_parking_step=last_time_based`` rounds the
   dimension of the last billed time-based line instead).
``step_mode=per_period`` rounds every line on its own (a common 2.1.1 reading, AMB-06);
``per_component`` rounds the total of each component separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from harness.billing.lines import Line, StepAdjustment
from harness.billing.model import Tariff
from harness.billing.money import ZERO, step_surplus
from harness.billing.policy import Policy

__all__ = ["apply_steps"]

_KWH_TO_WH = Decimal(1000)
_H_TO_S = Decimal(3600)
# accumulator slots per tariff: (total, last line) for ENERGY, TIME, PARKING_TIME, RESERVATION
_E, _T, _P, _R = 0, 2, 4, 6
_ANY_PARKING = 8  # any PARKING_TIME volume, billed or not (AMB-02 "any")
_LAST_TIME_BASED = 9  # last billed TIME / PARKING_TIME line with volume (AMB-03)
_SLOT_OF = {"ENERGY": _E, "TIME": _T, "PARKING_TIME": _P, "RESERVATION_TIME": _R}


def apply_steps(
    lines: Sequence[Line], tariffs: Sequence[Tariff], policy: Policy
) -> list[StepAdjustment]:
    """Set ``line.billed`` for every rounded line; return what was rounded, in order."""
    out: list[StepAdjustment] = []
    mode = policy.step_mode
    if mode != "session":
        _round_separately(lines, tariffs, mode == "per_period", out)
        return out
    acc: dict[int, list[object]] = {}
    for ln in lines:
        slot = _SLOT_OF.get(ln.dimension)
        if slot is None:
            continue  # FLAT
        row = acc.get(ln.part.tariff_index)
        if row is None:
            row = acc[ln.part.tariff_index] = [
                ZERO,
                None,
                ZERO,
                None,
                ZERO,
                None,
                ZERO,
                None,
                False,
                None,
            ]
        volume = ln.volume
        if slot == _P and volume > 0:
            row[_ANY_PARKING] = True
        if ln.choice is None:
            continue
        row[slot] += volume  # type: ignore[operator]
        if volume:
            row[slot + 1] = ln
            if slot in (_T, _P):
                row[_LAST_TIME_BASED] = ln
    with_time = policy.reservation_step_group == "with_time"
    for row in acc.values():
        _round(row, _E, _KWH_TO_WH, "ENERGY", tariffs, out)
        if with_time:  # AMB-23 alternative: reservation time joins the TIME group
            row[_T] += row[_R]  # type: ignore[operator]
            if row[_T + 1] is None:
                row[_T + 1] = row[_R + 1]
        else:
            _round(row, _R, _H_TO_S, "RESERVATION_TIME", tariffs, out)
        if policy.time_parking_step == "last_time_based":
            last = row[_LAST_TIME_BASED]
            if last is None:
                continue
            parking = last.dimension == "PARKING_TIME"  # type: ignore[attr-defined]
        elif policy.step_parking_presence == "any":
            parking = bool(row[_ANY_PARKING])
        else:
            parking = row[_P + 1] is not None and row[_P] > 0  # type: ignore[operator]
        _round(row, _P if parking else _T, _H_TO_S, "TIME+PARKING_TIME", tariffs, out)
    return out


def _round(
    row: list[object],
    slot: int,
    factor: Decimal,
    label: str,
    tariffs: Sequence[Tariff],
    out: list[StepAdjustment],
) -> None:
    total = row[slot]
    last = row[slot + 1]
    if last is None or total <= 0:  # type: ignore[operator]
        return
    assert isinstance(last, Line)
    assert isinstance(total, Decimal)
    _apply(last, total, factor, label, tariffs, out)


def _apply(
    last: Line,
    total: Decimal,
    factor: Decimal,
    label: str,
    tariffs: Sequence[Tariff],
    out: list[StepAdjustment],
) -> None:
    """Round ``total`` up to the step of ``last``'s component; the surplus goes on ``last``."""
    assert last.choice is not None
    step = last.choice[2].step_size
    if step <= 0:
        return  # AMB-04: step_size 0 means no rounding
    units = total * factor
    rest = units % step
    if not rest:
        return
    surplus = step_surplus(step - rest, factor)
    last.billed = last.billed + surplus
    adjustment = StepAdjustment(
        tariffs[last.part.tariff_index].id,
        label,
        last.dimension,
        total,
        total + surplus,
        step,
        last,
    )
    last.step = adjustment
    out.append(adjustment)


def _round_separately(
    lines: Sequence[Line], tariffs: Sequence[Tariff], per_period: bool, out: list[StepAdjustment]
) -> None:
    """AMB-06 alternatives: every line on its own, or every component's total on its own."""
    groups: dict[tuple[int, str, int, int], list[Line]] = {}
    for ln in lines:
        if ln.choice is None or ln.dimension == "FLAT" or ln.volume <= 0:
            continue
        factor = _KWH_TO_WH if ln.dimension == "ENERGY" else _H_TO_S
        if per_period:
            _apply(ln, ln.volume, factor, f"period {ln.part.period}", tariffs, out)
            continue
        key = (ln.part.tariff_index, ln.dimension, ln.choice[0], ln.choice[1])
        groups.setdefault(key, []).append(ln)
    for (_, dimension, element, comp), group in groups.items():
        factor = _KWH_TO_WH if dimension == "ENERGY" else _H_TO_S
        total = sum((ln.volume for ln in group), ZERO)
        _apply(group[-1], total, factor, f"element {element} component {comp}", tariffs, out)
