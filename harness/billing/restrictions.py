"""TariffRestrictions as compiled checks over an evaluation state (``ocpi-requirements.md`` §3.4).

Each restriction becomes one :class:`Check`: a fast ``test(state) -> bool`` for the pricer's hot
path and a ``why(state) -> str`` used only when a breakdown is rendered, to say why an element
did not match. Boundaries follow the catalog: ``start_*``/``min_*`` inclusive, ``end_*``/``max_*``
exclusive; times and dates in the Location's local time; an ``end_time`` before ``start_time``
wraps past midnight; ``00:00`` as end means end of day; a lone start runs to 24:00 and a lone end
from 00:00 (AMB-11). Policy switches decide the ambiguous readings (AMB-09..AMB-12).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from harness.billing.model import DAY_NAMES, Restrictions
from harness.billing.money import fmt
from harness.billing.policy import Policy

__all__ = ["Check", "EvalState", "compile_checks", "time_marks"]


class EvalState:
    """What restrictions look at, for one instant of the session (a period start or a split)."""

    __slots__ = (
        "avg_power",
        "charged",
        "day",
        "elapsed",
        "instant",
        "kwh",
        "local",
        "max_current",
        "max_power",
        "min_current",
        "min_power",
        "tod",
        "weekday",
    )

    instant: datetime
    elapsed: timedelta  # since session start
    kwh: Decimal  # session energy before this instant
    charged: Decimal  # charging TIME hours before this instant (AMB-10 alternative)
    local: datetime | None  # local time in the Location's zone
    tod: int  # local seconds after midnight
    day: int  # local date ordinal
    weekday: int  # 0 = Monday
    min_current: Decimal | None
    max_current: Decimal | None
    min_power: Decimal | None
    max_power: Decimal | None
    avg_power: Decimal | None

    def __init__(
        self, instant: datetime, elapsed: timedelta, kwh: Decimal, charged: Decimal
    ) -> None:
        # Only what every check may read is set here; the pricer sets the local-time, current
        # and power fields when the tariff has restrictions that read them.
        self.instant = instant
        self.elapsed = elapsed
        self.kwh = kwh
        self.charged = charged
        self.local = None


Test = Callable[[EvalState], bool]
Why = Callable[[EvalState], str]


class Check(NamedTuple):
    name: str
    test: Test
    why: Why

    @property
    def timed(self) -> bool:
        """Whether the check depends only on the instant (local time, date, weekday, elapsed
        session time): its value is constant between the tariff's time marks."""
        return self.name in _TIMED


_TIMED = frozenset({"time", "date", "date_time", "day_of_week", "duration"})


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}" if minutes != 1440 else "24:00"


def _local_text(st: EvalState) -> str:
    if st.local is None:
        return "?"
    return f"{DAY_NAMES[st.weekday].title()} {st.local:%Y-%m-%d %H:%M:%S}"


def _time_window(start: int | None, end: int | None) -> Check:
    lo = 0 if start is None else start * 60
    hi = 86400 if end is None else end * 60
    label = f"{_hhmm(start or 0)}-{_hhmm(1440 if end is None else end)}"
    if lo < hi:

        def test(st: EvalState) -> bool:
            return lo <= st.tod < hi
    else:  # wraps past midnight (equal bounds: the whole day)

        def test(st: EvalState) -> bool:
            return st.tod >= lo or st.tod < hi

    return Check("time", test, lambda st: f"local time {_local_text(st)} is outside {label}")


def _dates(start: date | None, end: date | None) -> Check:
    lo = start.toordinal() if start is not None else None
    hi = end.toordinal() if end is not None else None

    def test(st: EvalState) -> bool:
        return (lo is None or st.day >= lo) and (hi is None or st.day < hi)

    label = f"[{start or '...'}, {end or '...'})"
    return Check("date", test, lambda st: f"local date {_local_text(st)} is outside {label}")


def _continuous(lo_dt: datetime | None, hi_dt: datetime | None) -> Check:
    def test(st: EvalState) -> bool:
        assert st.local is not None
        wall = st.local.replace(tzinfo=None)  # local wall time, compared with the dates' wall time
        return (lo_dt is None or wall >= lo_dt) and (hi_dt is None or wall < hi_dt)

    label = f"[{lo_dt or '...'}, {hi_dt or '...'})"
    return Check(
        "date_time", test, lambda st: f"local {_local_text(st)} is outside {label} (AMB-11)"
    )


def _days(days: frozenset[int], wrap_end: int | None) -> Check:
    names = ",".join(DAY_NAMES[d][:3] for d in sorted(days))
    if wrap_end is None:

        def test(st: EvalState) -> bool:
            return st.weekday in days
    else:  # AMB-12 window_start: the part after midnight belongs to the day the window opened
        end_s = wrap_end * 60

        def test(st: EvalState) -> bool:
            weekday = (st.weekday - 1) % 7 if st.tod < end_s else st.weekday
            return weekday in days

    return Check("day_of_week", test, lambda st: f"{_local_text(st)} is not in [{names}]")


def _min_max(
    name: str,
    lo: Decimal | None,
    hi: Decimal | None,
    read: Callable[[EvalState], Decimal | None],
    what: str,
    missing_matches: bool,
) -> Check:
    test = _bound_test(read, lo, hi, missing_matches)

    def why(st: EvalState) -> str:
        value = read(st)
        if value is None:
            return f"{name}: no {what} data in the period (AMB-09: missing data does not match)"
        bound = f">= {fmt(lo)}" if lo is not None and value < lo else f"< {fmt(hi or Decimal(0))}"
        return f"{name}: {what} {fmt(value)} is not {bound}"

    return Check(name, test, why)


def _bound_test(
    read: Callable[[EvalState], Decimal | None],
    lo: Decimal | None,
    hi: Decimal | None,
    missing_matches: bool,
) -> Test:
    """``lo <= read(st) < hi`` (missing: ``missing_matches``), specialised for the hot path:
    one bound compared, and the state's field read inline instead of through ``read``."""
    if read is _low_power and hi is None and lo is not None:

        def low_test(st: EvalState) -> bool:
            value = st.min_power
            if value is None:
                value = st.avg_power
                if value is None:
                    return missing_matches
            return value >= lo

        return low_test
    if read is _high_power and lo is None and hi is not None:

        def high_test(st: EvalState) -> bool:
            value = st.max_power
            if value is None:
                value = st.avg_power
                if value is None:
                    return missing_matches
            return value < hi

        return high_test
    field = _FIELD_OF.get(read)
    get: Callable[[EvalState], Decimal | None] = read if field is None else attrgetter(field)
    if hi is None and lo is not None:

        def min_test(st: EvalState) -> bool:
            value = get(st)
            return missing_matches if value is None else value >= lo

        return min_test
    if lo is None and hi is not None:

        def max_test(st: EvalState) -> bool:
            value = get(st)
            return missing_matches if value is None else value < hi

        return max_test

    def test(st: EvalState) -> bool:
        value = get(st)
        if value is None:
            return missing_matches
        return (lo is None or value >= lo) and (hi is None or value < hi)

    return test


def compile_checks(r: Restrictions, policy: Policy) -> tuple[Check, ...]:
    """The checks of one element's restrictions under ``policy`` (``reservation`` excluded: the
    pricer handles it by phase)."""
    checks: list[Check] = []
    start_time, end_time = r.start_time, r.end_time
    if policy.date_time_window == "continuous" and (r.start_date or r.end_date):
        lo_dt = hi_dt = None
        if r.start_date is not None:
            lo_dt = datetime.combine(r.start_date, time()) + timedelta(minutes=start_time or 0)
            start_time = None
        if r.end_date is not None and end_time is not None:
            hi_dt = datetime.combine(r.end_date, time()) + timedelta(minutes=end_time)
            end_time = None
        elif r.end_date is not None:
            hi_dt = datetime.combine(r.end_date, time())
        checks.append(_continuous(lo_dt, hi_dt))
    elif r.start_date is not None or r.end_date is not None:
        checks.append(_dates(r.start_date, r.end_date))
    if start_time is not None or end_time is not None:
        checks.append(_time_window(start_time, end_time))
    if r.day_of_week is not None:
        wrap_end = None
        if (
            policy.day_of_week_basis == "window_start"
            and r.start_time is not None
            and r.end_time is not None
            and r.end_time < r.start_time
        ):
            wrap_end = r.end_time
        checks.append(_days(r.day_of_week, wrap_end))
    if r.min_kwh is not None or r.max_kwh is not None:
        checks.append(
            _min_max("kwh", r.min_kwh, r.max_kwh, _kwh, "session energy so far (kWh)", False)
        )
    missing = policy.missing_power_data == "match"
    if r.min_current is not None:
        checks.append(
            _min_max("min_current", r.min_current, None, _min_current, "MIN_CURRENT", missing)
        )
    if r.max_current is not None:
        checks.append(
            _min_max("max_current", None, r.max_current, _max_current, "MAX_CURRENT", missing)
        )
    if policy.power_basis == "average":
        if r.min_power is not None or r.max_power is not None:
            checks.append(
                _min_max("power", r.min_power, r.max_power, _avg_power, "average power", missing)
            )
    else:
        if r.min_power is not None:
            checks.append(
                _min_max("min_power", r.min_power, None, _low_power, "MIN_POWER", missing)
            )
        if r.max_power is not None:
            checks.append(
                _min_max("max_power", None, r.max_power, _high_power, "MAX_POWER", missing)
            )
    if r.min_duration is not None or r.max_duration is not None:
        checks.append(_duration(r.min_duration, r.max_duration, policy))
    return tuple(checks)


def _kwh(st: EvalState) -> Decimal | None:
    return st.kwh


def _min_current(st: EvalState) -> Decimal | None:
    return st.min_current


def _max_current(st: EvalState) -> Decimal | None:
    return st.max_current


def _avg_power(st: EvalState) -> Decimal | None:
    return st.avg_power


def _low_power(st: EvalState) -> Decimal | None:
    return st.min_power if st.min_power is not None else st.avg_power


def _high_power(st: EvalState) -> Decimal | None:
    return st.max_power if st.max_power is not None else st.avg_power


_FIELD_OF: dict[Callable[[EvalState], Decimal | None], str] = {
    _kwh: "kwh",
    _min_current: "min_current",
    _max_current: "max_current",
    _avg_power: "avg_power",
}


def _duration(lo: int | None, hi: int | None, policy: Policy) -> Check:
    label = f"[{lo if lo is not None else 0} s, {hi if hi is not None else '...'} s)"
    if policy.duration_basis == "charging":
        lo_h = Decimal(lo) / 3600 if lo is not None else None
        hi_h = Decimal(hi) / 3600 if hi is not None else None

        def test(st: EvalState) -> bool:
            return (lo_h is None or st.charged >= lo_h) and (hi_h is None or st.charged < hi_h)

        def why(st: EvalState) -> str:
            return f"charging time so far {fmt(st.charged * 3600)} s is outside {label}"

        return Check("charged_duration", test, why)
    lo_td = timedelta(seconds=lo) if lo is not None else None
    hi_td = timedelta(seconds=hi) if hi is not None else None

    def test_session(st: EvalState) -> bool:
        return (lo_td is None or st.elapsed >= lo_td) and (hi_td is None or st.elapsed < hi_td)

    def why_session(st: EvalState) -> str:
        return f"session duration {st.elapsed.total_seconds():g} s is outside {label}"

    return Check("duration", test_session, why_session)


def time_marks(r: Restrictions) -> set[int]:
    """Local seconds-of-day at which this element's time/date/day checks can change value."""
    marks: set[int] = set()
    if r.start_time is not None:
        marks.add(r.start_time * 60 % 86400)
    if r.end_time is not None:
        marks.add(r.end_time * 60 % 86400)
    if r.uses_local_time:
        marks.add(0)  # midnight: dates, weekdays and windows ending at 24:00 flip here
    return marks
