"""The per-period walk: parts, selections and priced lines (``ocpi-requirements.md`` §3.2-§3.6).

- Each period is priced by its ``tariff_id``'s tariff, else the tariff valid at session start
  (AMB-24). A period carrying RESERVATION_TIME is in the reservation phase, where only
  ``reservation`` elements apply (AMB-23); RESERVATION_EXPIRES ones too when the reservation
  expired (REQ-TAR-017).
- Restrictions are evaluated at the period start (AMB-08); :mod:`.boundaries` finds the instants
  inside a period where the priced components change, reported as an issue (the CPO should have
  split, REQ-CDR-013) or, with ``restriction_split=prorate``, split with pro-rated volumes.
- FLAT: the first FLAT that becomes active per phase, once (AMB-01), or every distinct one.

Each priced quantity becomes a :class:`~harness.billing.lines.Line`; the ledger lane
(:mod:`.ledger`) runs the same evaluation in one loop that keeps per-component totals instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from harness.billing.boundaries import Change, find_changes, split_part
from harness.billing.compiled import (
    CHARGING,
    DIM_ENERGY,
    DIM_EXPIRY_FLAT,
    DIM_FLAT,
    DIM_PARKING,
    DIM_TIME,
    EXPIRED,
    RESERVATION,
    Choice,
    CompiledTariff,
    Selection,
    compile_tariff,
)
from harness.billing.evaluation import (
    boundary_issue,
    crosses,
    data_missing_issue,
    default_tariff,
    fill_quantities,
)
from harness.billing.lines import (
    ENERGY_COST,
    FIXED_COST,
    PARKING_COST,
    RESERVATION_COST,
    TIME_COST,
    Issue,
    Line,
    Part,
)
from harness.billing.model import ChargingPeriod, Dimension, SessionInput, Tariff
from harness.billing.money import ONE, ZERO
from harness.billing.policy import Policy
from harness.billing.restrictions import EvalState
from harness.billing.segments import Segments
from harness.errors import BillingInputError

__all__ = ["Volumes", "Walk"]

_US: Final = timedelta(microseconds=1)
_ZERO_TD: Final = timedelta(0)
_new: Final = tuple.__new__
Volumes = tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]


class Walk:
    """One pass over the periods producing parts and lines."""

    __slots__ = (
        "compiled",
        "default",
        "every_distinct",
        "flat_billed",
        "hi",
        "hints",
        "index_of",
        "issues",
        "lines",
        "lo",
        "locals",
        "parking_flat",
        "parts",
        "policy",
        "prorate",
        "res_phase",
        "scratch",
        "segments",
        "session",
        "start",
        "starts",
        "tariffs",
        "tz",
    )

    def __init__(
        self,
        tariffs: Sequence[Tariff],
        session: SessionInput,
        tz: ZoneInfo | None,
        policy: Policy,
        reservation_expired: bool,
    ) -> None:
        self.tariffs = tariffs
        self.session = session
        self.start = session.start
        self.tz = tz
        self.policy = policy
        if len(tariffs) == 1:
            self.compiled = [compile_tariff(tariffs[0], policy)]
        else:
            self.compiled = [compile_tariff(t, policy) for t in tariffs]
        self.issues: list[Issue] = []
        # parts, lines, segments and hints belong to run(), made there (the ledger lane
        # uses the walk's state and helpers, not its own line-by-line pass)
        self.flat_billed: set[tuple[int, object, object]] = set()
        self.every_distinct = policy.flat_mode == "every_distinct"
        self.prorate = policy.restriction_split == "prorate"
        self.parking_flat = policy.parking_flat == "parking_element"
        self.res_phase = EXPIRED if reservation_expired else RESERVATION
        self.locals: dict[datetime, datetime] = {}  # UTC instant -> local time (cache)
        self.index_of: dict[str, int] | None = None  # tariff id -> first index (on demand)
        self.default = default_tariff(tariffs, session, self.issues)
        self.starts = starts = [p.start for p in session.periods]
        self.lo = min(self.start, min(starts))
        self.hi = max(session.end, max(starts))
        self.scratch = EvalState(self.start, _ZERO_TD, ZERO, ZERO)

    def order(self) -> list[int] | range:
        """The periods' indexes in time order (an issue when the CDR does not keep that order)."""
        starts = self.starts
        if starts == sorted(starts):
            return range(len(starts))
        self.issues.append(
            Issue(
                "periods_not_ordered",
                "MUST",
                "REQ-CDR-013",
                "charging_periods are not ordered by start_date_time; priced in time order",
                "/charging_periods",
            )
        )
        periods = self.session.periods
        return sorted(range(len(starts)), key=lambda k: periods[k].start)

    def run(self) -> None:
        session = self.session
        periods = session.periods
        n = len(periods)
        order = self.order()
        self.parts: list[Part] = []
        self.lines: list[Line] = []
        self.segments: dict[int, Segments] = {}
        self.hints: dict[int, int] = {}
        per_period = self.policy.tariff_switch == "per_period"
        res_phase = self.res_phase
        compiled = self.compiled
        emit = self.emit
        part = self.part
        cumulate = any(ct.simple is None for ct in compiled)
        cum_kwh = charged = ZERO
        for pos, i in enumerate(order):
            p = periods[i]
            end = periods[order[pos + 1]].start if pos + 1 < n else session.end
            ti = self.default
            if per_period and p.tariff_id is not None:
                ti = self.tariff_of(p, i, ti)
            ct = compiled[ti]
            energy, time_, parking, reserve = p.energy, p.time, p.parking_time, p.reservation_time
            if reserve is None:
                if ct.simple is not None:  # the common case: nothing to evaluate
                    emit(_new(Part, (i, 0, p.start, end, ti, ct, CHARGING, ct.simple, energy,
                                     time_, parking, None, cum_kwh, charged)))  # fmt: skip
                else:
                    part(i, p, end, ti, CHARGING, (energy, time_, parking, None), cum_kwh, charged)
            else:
                charging_dims = energy is not None or time_ is not None or parking is not None
                if reserve > 0 or not charging_dims:
                    vols = (None, None, None, reserve)
                    part(i, p, end, ti, res_phase, vols, cum_kwh, charged)
                if charging_dims:
                    part(i, p, end, ti, CHARGING, (energy, time_, parking, None), cum_kwh, charged)
            if cumulate:
                if energy:
                    cum_kwh += energy
                if time_:
                    charged += time_
        # the segments point back at the walk: drop them so the walk is freed by reference
        # counting, not left as cyclic garbage for the collector (costly at high CDR rates)
        self.segments = {}

    def tariff_of(self, p: ChargingPeriod, i: int, default: int) -> int:
        """The tariff of a period's ``tariff_id`` (AMB-24); unknown ids fall back to default."""
        index_of = self.index_of
        if index_of is None:
            index_of = self.index_of = {}
            for k, t in enumerate(self.tariffs):
                index_of.setdefault(t.id, k)
        found = index_of.get(p.tariff_id)  # type: ignore[arg-type]
        if found is not None:
            return found
        self.issues.append(
            Issue(
                "tariff_id_unresolved",
                "MUST",
                "REQ-CDR-022",
                f"tariff_id {p.tariff_id!r} is not among the tariffs given; period "
                f"priced with tariff {self.tariffs[default].id!r}",
                f"/charging_periods/{i}/tariff_id",
            )
        )
        return default

    def local(self, instant: datetime) -> datetime:
        """``instant`` in the Location's time zone (cached: period ends are next starts)."""
        local = self.locals.get(instant)
        if local is None:
            tz = self.tz
            if tz is None:
                raise BillingInputError(
                    "time zone missing: the tariff has time, date or day_of_week restrictions "
                    "evaluated in the Location's local time; give time_zone (--time-zone) or "
                    "cdr_location.time_zone (AMB-13)"
                )
            local = self.locals[instant] = instant.astimezone(tz)
        return local

    def state(
        self,
        ct: CompiledTariff,
        p: ChargingPeriod | None,
        instant: datetime,
        end: datetime,
        kwh: Decimal,
        charged: Decimal,
    ) -> EvalState:
        """Everything the restrictions of ``ct`` look at, at ``instant`` (of period ``p``)."""
        st = EvalState(instant, instant - self.start, kwh, charged)
        if ct.needs_local:
            local = self.local(instant)
            st.local = local
            st.tod = local.hour * 3600 + local.minute * 60 + local.second
            day = st.day = local.toordinal()
            st.weekday = (day + 6) % 7
        if p is not None:
            fill_quantities(st, ct, p, end)
        return st

    def quantities(
        self, ct: CompiledTariff, p: ChargingPeriod, end: datetime, kwh: Decimal, charged: Decimal
    ) -> EvalState:
        """The scratch state for quantity tests (energy, charged time, current, power)."""
        st = self.scratch
        st.kwh = kwh
        st.charged = charged
        fill_quantities(st, ct, p, end)
        return st

    def _segments(self, ti: int) -> Segments:
        seg = self.segments.get(ti)
        if seg is None:
            seg = self.segments[ti] = Segments(self, self.compiled[ti], self.lo, self.hi)
        return seg

    def part(
        self,
        i: int,
        p: ChargingPeriod,
        end: datetime,
        ti: int,
        phase: int,
        vols: Volumes,
        cum_kwh: Decimal,
        charged: Decimal,
    ) -> None:
        """Price one period in one phase, splitting it (prorate) or reporting inner boundaries."""
        ct = self.compiled[ti]
        start = p.start
        selection = ct.constant[phase]
        if selection is not None:  # no restricted element in this phase: nothing can change
            self.emit(_new(Part, (i, 0, start, end, ti, ct, phase, selection, *vols, cum_kwh,
                                  charged)))  # fmt: skip
            return
        # The hot path, written out: segment of the period start (timed tests, cached per
        # segment), then the quantity tests on the scratch state, then the cached selection.
        seg = self.segments.get(ti)
        if seg is None:
            seg = self._segments(ti)
        starts = seg.starts
        n = len(starts)
        k = self.hints.get(ti, 0)
        if k >= n or starts[k] > start:
            k = seg.locate(start)
        while k + 1 < n and starts[k + 1] <= start:
            k += 1
        self.hints[ti] = k
        if ct.has_timed:
            mask = seg.masks[phase].get(k)
            if mask is None:
                mask = seg.mask(phase, k)
        else:
            mask = ct.full[phase]
        qmask = -1  # the restricted elements whose quantity tests pass (all bits: no test)
        if ct.has_quantity:
            st = self.scratch
            st.kwh = cum_kwh
            st.charged = charged
            if ct.needs_current or ct.needs_power:
                fill_quantities(st, ct, p, end)
            for clear, tests in ct.quantity[phase]:
                for test in tests:
                    if not test(st):
                        qmask &= clear
                        break
            mask &= qmask
        selection = ct.by_mask[phase].get(mask)
        if selection is None:
            selection = ct.by(phase, mask)
        if (
            (
                (ct.needs_current and p.min_current is None and p.max_current is None)
                or (ct.needs_power and p.min_power is None and p.max_power is None)
            )
            and phase == CHARGING
            and (vols[0] or vols[1])
        ):
            issue = data_missing_issue(ct, p, i, self.policy)
            if issue is not None:
                self.issues.append(issue)
        changes: Sequence[Change] = ()
        energy, time_ = vols[0], vols[1]
        # A boundary can only lie inside the period where a cumulative threshold is crossed in
        # it, or where a segment starts inside it. In the second case, with no threshold crossed
        # (and volumes that only grow), the quantity tests give the same result all through the
        # period, so the selection of each inner segment follows from its timed mask: if none
        # differs from the selection at the start there is no boundary to look for.
        if (
            (ct.kwh_marks and energy and crosses(ct.kwh_marks, cum_kwh, energy))
            or (ct.charged_marks and time_ and crosses(ct.charged_marks, charged, time_))
            or (
                k + 1 < n
                and starts[k + 1] < end
                and (
                    (ct.kwh_marks and energy is not None and energy < 0)
                    or (ct.charged_marks and time_ is not None and time_ < 0)
                    or self.moves(ct, seg, k + 1, phase, end, qmask, selection)
                )
            )
        ):
            changes = find_changes(
                self, ct, seg, k, ti, phase, p, end, selection, vols, cum_kwh, charged
            )
        if not changes:
            self.emit(_new(Part, (i, 0, start, end, ti, ct, phase, selection, *vols, cum_kwh,
                                  charged)))  # fmt: skip
            return
        if not self.prorate:
            self.issues.append(boundary_issue(i, changes, selection))
            self.emit(_new(Part, (i, 0, start, end, ti, ct, phase, selection, *vols, cum_kwh,
                                  charged)))  # fmt: skip
            return
        # AMB-08 prorate: one part per piece, volumes shared by the fraction of the period
        first = _new(Part, (i, 0, start, end, ti, ct, phase, selection, *vols, cum_kwh, charged))
        for piece in split_part(first, changes):
            self.emit(piece)

    @staticmethod
    def moves(
        ct: CompiledTariff,
        seg: Segments,
        j: int,
        phase: int,
        end: datetime,
        qmask: int,
        selection: Selection,
    ) -> bool:
        """Whether a segment from ``j`` on, starting before ``end``, selects other components."""
        starts = seg.starts
        masks = seg.masks[phase]
        by_mask = ct.by_mask[phase]
        while j < len(starts) and starts[j] < end:
            mask = masks.get(j)
            if mask is None:
                mask = seg.mask(phase, j)
            mask &= qmask
            other = by_mask.get(mask)
            if other is None:
                other = ct.by(phase, mask)
            if other != selection:
                return True
            j += 1
        return False

    def flat_pending(self, ti: int, phase: int, slot: int) -> bool:
        """Whether a FLAT that becomes active now would still be billed (first_per_phase)."""
        return (ti, phase, slot) not in self.flat_billed

    def emit(self, part: Part) -> None:
        self.parts.append(part)
        lines = self.lines
        sel = part.selection
        if part.phase == CHARGING:
            if sel[DIM_FLAT] is not None:
                self._flat(part, DIM_FLAT, FIXED_COST)
            if part.energy:
                lines.append(Line(part, DIM_ENERGY, "ENERGY", sel[0], part.energy, ENERGY_COST))
            if part.time:
                lines.append(Line(part, DIM_TIME, "TIME", sel[1], part.time, TIME_COST))
            if part.parking:
                lines.append(
                    Line(part, DIM_PARKING, "PARKING_TIME", sel[2], part.parking, PARKING_COST)
                )
        else:
            self._flat(part, DIM_FLAT, RESERVATION_COST)
            self._flat(part, DIM_EXPIRY_FLAT, RESERVATION_COST)
            if part.reservation:
                lines.append(
                    Line(
                        part,
                        DIM_TIME,
                        "RESERVATION_TIME",
                        sel[1],
                        part.reservation,
                        RESERVATION_COST,
                    )
                )

    def _flat(self, part: Part, slot: int, bucket: int) -> None:
        flat = self.flat_choice(part, slot, bucket)
        if flat is not None:
            self.lines.append(Line(part, slot, "FLAT", flat[0], ONE, flat[1]))

    def flat_choice(self, part: Part, slot: int, bucket: int) -> tuple[Choice, int] | None:
        """The FLAT of ``slot`` if it is billed now (AMB-01), with its bucket (AMB-18)."""
        choice = part.selection[slot]
        if choice is None:
            return None
        key: tuple[int, object, object]
        if self.every_distinct:
            key = (part.tariff_index, choice[0], choice[1])
        else:
            key = (part.tariff_index, part.phase, slot)
        if key in self.flat_billed:
            return None
        self.flat_billed.add(key)
        if self.parking_flat and bucket == FIXED_COST:
            dims = {c.dimension for c in part.compiled.tariff.elements[choice[0]].components}
            if Dimension.PARKING_TIME in dims and not dims & {Dimension.ENERGY, Dimension.TIME}:
                bucket = PARKING_COST  # AMB-18 alternative: a parking element's FLAT
        return choice, bucket
