"""Restriction boundaries strictly inside a charging period (AMB-08, REQ-CDR-013).

Restrictions are evaluated at each period start. A CPO must start a new ChargingPeriod whenever
another component becomes active, so a verifier also looks *inside* each period, at every instant
where a restriction can change value: a time-segment start (a local time-of-day mark, a duration
threshold; see :mod:`.segments`) or the moment a cumulative quantity (session kWh, charged time)
crosses a threshold, interpolated linearly within the period. The instants where a priced
component really changes are returned; the walk reports them or splits the period there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from harness.billing.compiled import (
    CHARGING,
    DIM_ENERGY,
    DIM_EXPIRY_FLAT,
    DIM_FLAT,
    DIM_PARKING,
    DIM_TIME,
    EXPIRED,
    CompiledTariff,
    Selection,
)
from harness.billing.lines import Part
from harness.billing.model import ChargingPeriod
from harness.billing.money import ZERO, div
from harness.billing.segments import Segments

if TYPE_CHECKING:
    from harness.billing.walk import Volumes, Walk

__all__ = ["Change", "find_changes", "split_part"]

# (instant, fraction of the period elapsed, session kWh there, charged hours there, selection)
Change = tuple[datetime, Decimal, Decimal, Decimal, Selection]

_US = timedelta(microseconds=1)


def find_changes(
    walk: Walk,
    ct: CompiledTariff,
    seg: Segments,
    k: int,
    ti: int,
    phase: int,
    p: ChargingPeriod,
    end: datetime,
    selection: Selection,
    vols: Volumes,
    cum_kwh: Decimal,
    charged: Decimal,
) -> list[Change]:
    """Instants strictly inside [p.start, end) where a priced component changes, in order."""
    start = p.start
    starts = seg.starts
    cands: dict[datetime, Decimal | None] = {}
    if k + 1 < len(starts) and starts[k + 1] < end:
        for instant in seg.inside(k, start, end):
            cands[instant] = None
    energy, time_ = vols[0], vols[1]
    if ct.kwh_marks and energy and energy > 0:
        _threshold(ct.kwh_marks, cum_kwh, energy, start, end, cands)
    if ct.charged_marks and time_ and time_ > 0:
        _threshold(ct.charged_marks, charged, time_, start, end, cands)
    if not cands:
        return []
    relevant = _relevant_slots(walk, ti, phase, vols, selection)
    out: list[Change] = []
    current = selection
    total_us = Decimal((end - start) // _US)
    for instant in sorted(cands):
        frac = cands[instant]
        if frac is None:
            frac = div(Decimal((instant - start) // _US), total_us)
        kwh = cum_kwh + energy * frac if energy else cum_kwh
        chg = charged + time_ * frac if time_ else charged
        k = seg.locate(instant, k)
        mask = seg.mask(phase, k) if ct.has_timed else ct.full[phase]
        if ct.has_quantity:
            mask &= ct.quantity_mask(phase, walk.quantities(ct, p, end, kwh, chg))
        new_sel = ct.by(phase, mask)
        for slot in relevant:
            if new_sel[slot] != current[slot]:
                out.append((instant, frac, kwh, chg, new_sel))
                current = new_sel
                break
    return out


def split_part(part: Part, changes: Sequence[Change]) -> list[Part]:
    """AMB-08 prorate: ``part`` cut at every change, volumes shared by the fraction of the
    period elapsed (energy by the threshold's own fraction), the last piece taking the rest so
    the pieces add up exactly."""
    vols = (part.energy, part.time, part.parking, part.reservation)
    used = [ZERO, ZERO, ZERO, ZERO]
    out: list[Part] = []
    done = ZERO
    start, selection, kwh, charged = part.start, part.selection, part.kwh, part.charged
    for sub, (instant, frac, kwh_at, charged_at, new_sel) in enumerate(changes):
        share = frac - done
        piece: list[Decimal | None] = [None, None, None, None]
        for n, v in enumerate(vols):
            if v is not None:
                piece[n] = v * share
                used[n] += v * share
        out.append(part._replace(sub=sub, start=start, end=instant, selection=selection,
                                 energy=piece[0], time=piece[1], parking=piece[2],
                                 reservation=piece[3], kwh=kwh, charged=charged))  # fmt: skip
        done, start, selection, kwh, charged = frac, instant, new_sel, kwh_at, charged_at
    rest = [None if v is None else v - used[n] for n, v in enumerate(vols)]
    out.append(part._replace(sub=len(changes), start=start, selection=selection, energy=rest[0],
                             time=rest[1], parking=rest[2], reservation=rest[3], kwh=kwh,
                             charged=charged))  # fmt: skip
    return out


def _threshold(
    marks: tuple[Decimal, ...],
    before: Decimal,
    volume: Decimal,
    start: datetime,
    end: datetime,
    cands: dict[datetime, Decimal | None],
) -> None:
    """Where a cumulative quantity crosses a threshold, assuming a constant rate in the period."""
    after = before + volume
    total_us = (end - start) // _US
    for mark in marks:
        if before < mark < after:
            frac = div(mark - before, volume)
            instant = start + timedelta(microseconds=int(total_us * frac))
            if start < instant < end:
                cands[instant] = frac


def _relevant_slots(
    walk: Walk, ti: int, phase: int, vols: Volumes, selection: Selection
) -> list[int]:
    """Selection slots whose change would change the price of this part."""
    slots: list[int] = []
    if phase == CHARGING:
        if vols[0]:
            slots.append(DIM_ENERGY)
        if vols[1]:
            slots.append(DIM_TIME)
        if vols[2]:
            slots.append(DIM_PARKING)
    elif vols[3]:
        slots.append(DIM_TIME)
    for slot in (DIM_FLAT,) if phase != EXPIRED else (DIM_FLAT, DIM_EXPIRY_FLAT):
        if walk.every_distinct or (selection[slot] is None and walk.flat_pending(ti, phase, slot)):
            slots.append(slot)
    return slots
