"""What restrictions look at, and the issues the walk raises about a period.

Helpers of :mod:`.walk` kept apart so the walk itself stays one concept: building evaluation
states (local time, session energy and time so far, period currents and powers), choosing the
default tariff (AMB-24), and wording the two period issues (missing power/current data, AMB-09;
a restriction boundary inside a period, AMB-08).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from harness.billing.boundaries import Change
from harness.billing.compiled import CompiledTariff, Selection
from harness.billing.lines import Issue, Part
from harness.billing.model import ChargingPeriod, SessionInput, Tariff
from harness.billing.money import div
from harness.billing.policy import Policy
from harness.billing.restrictions import EvalState

__all__ = [
    "boundary_issue",
    "crosses",
    "data_missing_issue",
    "default_tariff",
    "fill_quantities",
    "rebuild_state",
]

_US: Final = timedelta(microseconds=1)
_ZERO_TD: Final = timedelta(0)


def crosses(marks: tuple[Decimal, ...], before: Decimal, volume: Decimal) -> bool:
    """Whether a cumulative quantity passes a threshold strictly inside (before, before+volume)."""
    k = bisect_right(marks, before)
    return k < len(marks) and marks[k] < before + volume


def rebuild_state(part: Part, session: SessionInput, tz: ZoneInfo | None) -> EvalState:
    """What the restrictions saw at the start of ``part`` (for explaining a breakdown)."""
    ct = part.compiled
    st = EvalState(part.start, part.start - session.start, part.kwh, part.charged)
    if ct.needs_local and tz is not None:
        local = part.start.astimezone(tz)
        st.local = local
        st.tod = local.hour * 3600 + local.minute * 60 + local.second
        st.day = local.toordinal()
        st.weekday = local.weekday()
    fill_quantities(st, ct, session.periods[part.period], part.end)
    return st


def default_tariff(tariffs: Sequence[Tariff], session: SessionInput, issues: list[Issue]) -> int:
    """The tariff valid at the session start (AMB-24); the first one, with an issue, if none."""
    first = tariffs[0]
    if first.start_date_time is None and first.end_date_time is None:
        return 0
    start = session.start
    for i, t in enumerate(tariffs):
        if (t.start_date_time is None and t.end_date_time is None) or t.valid_at(start):
            return i
    issues.append(
        Issue(
            "tariff_not_valid_at_start",
            "SHOULD",
            "AMB-24",
            f"no tariff is valid at the session start {start:%Y-%m-%dT%H:%M:%SZ} "
            f"(start_date_time/end_date_time); tariff {tariffs[0].id!r} used",
        )
    )
    return 0


def fill_quantities(st: EvalState, ct: CompiledTariff, p: ChargingPeriod, end: datetime) -> None:
    """Set the period's currents and powers (average power when needed) on ``st``."""
    if ct.needs_current:
        st.min_current = p.min_current
        st.max_current = p.max_current
    if ct.needs_power:
        st.min_power = low = p.min_power
        st.max_power = high = p.max_power
        st.avg_power = None
        energy = p.energy
        if energy is not None and (low is None or high is None or ct.average_power):
            if p.time:
                st.avg_power = div(energy, p.time)
            else:
                length = end - p.start
                if length > _ZERO_TD:
                    st.avg_power = div(energy * 3_600_000_000, Decimal(length // _US))


def data_missing_issue(
    ct: CompiledTariff, p: ChargingPeriod, i: int, policy: Policy
) -> Issue | None:
    """AMB-09: power/current restrictions need data the CDR may not carry (REQ-CDR-023)."""
    missing = []
    if ct.needs_current and p.min_current is None and p.max_current is None:
        missing.append("MIN_CURRENT/MAX_CURRENT")
    if (
        ct.needs_power
        and p.min_power is None
        and p.max_power is None
        and (p.energy is None or (not p.time and policy.power_basis == "average"))
    ):
        missing.append("MIN_POWER/MAX_POWER (or ENERGY with TIME)")
    if not missing:
        return None
    how = "match" if policy.missing_power_data == "match" else "do not match"
    return Issue(
        "restriction_data_missing",
        "SHOULD",
        "REQ-CDR-023",
        f"period {i} has no {' or '.join(missing)}: current/power restrictions of "
        f"tariff {ct.tariff.id!r} cannot be evaluated and {how} (AMB-09)",
        f"/charging_periods/{i}/dimensions",
    )


def boundary_issue(i: int, changes: Sequence[Change], selection: Selection) -> Issue:
    """AMB-08: a priced component changes inside period ``i`` (REQ-CDR-013)."""
    instant, _, _, _, new_sel = changes[0]
    names = ("ENERGY", "TIME", "PARKING_TIME", "FLAT", "FLAT")
    moved = sorted({names[k] for k in range(len(new_sel)) if new_sel[k] != selection[k]})
    more = f" (and {len(changes) - 1} more)" if len(changes) > 1 else ""
    return Issue(
        "restriction_boundary_inside_period",
        "MUST",
        "REQ-CDR-013",
        f"period {i}: the priced {'/'.join(moved)} component changes at "
        f"{instant:%Y-%m-%dT%H:%M:%SZ}{more}, inside the period; the CPO should start a "
        "new ChargingPeriod there. Priced as at the period start (AMB-08; policy "
        "restriction_split=prorate splits it instead)",
        f"/charging_periods/{i}",
    )
