"""Which billing rules decided the price of a CDR, and the wrong readings that would change it.

A rule *decides* a CDR's price when pricing the same charging periods under a plausible wrong
reading of that rule gives a different ``total_cost`` (by more than the tolerance). The wrong
readings are the bugs real implementations ship (``interop-pitfalls.md`` #8, #9): restrictions
evaluated in UTC, restrictions OR-ed, a restriction kind ignored, exclusive ends taken as
inclusive, step_size, min/max price or RESERVATION_EXPIRES ignored, and ChargingPeriods not split
where the price changes. Each is a transformation of the inputs (tariffs, time zone, charging
periods) fed to the reference pricer, so the engine stays the single reference: nothing here
prices anything itself.

The breakdown of the reference report says *how* an element was chosen (:func:`restriction_use`:
which restriction kinds rejected an earlier element or were carried by the chosen one); only a
re-pricing says whether that choice changed the money. The suites use :func:`exercised` to pick,
from a SUT's CDR history, the CDRs whose price depends on the rule a case verifies, and the mock
fault ``misprice_cdr`` uses :func:`mistaken_report` to bill a CDR under a wrong reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from harness.billing.api import load_session, resolve_tariffs, resolve_zone
from harness.billing.evaluation import rebuild_state
from harness.billing.features import FEATURE_REQS
from harness.billing.lines import Amount
from harness.billing.model import (
    ChargingPeriod,
    PriceComponent,
    ReservationKind,
    Restrictions,
    SessionInput,
    Tariff,
    TariffElement,
)
from harness.billing.money import fmt
from harness.billing.policy import Policy
from harness.billing.pricer import price_session
from harness.billing.report import PriceReport

__all__ = [
    "FEATURES",
    "MISTAKES",
    "Exercise",
    "Feature",
    "exercised",
    "looks_like_expired_reservation",
    "merge_price_changes",
    "mistaken_report",
    "restriction_use",
]

_UTC = ZoneInfo("UTC")
_TOLERANCE = Decimal("0.01")
_KWH_EPS = Decimal("0.001")
_POWER_EPS = Decimal("0.001")

Inputs = tuple[tuple[Tariff, ...], ZoneInfo | None, SessionInput]
Transform = Callable[[tuple[Tariff, ...], ZoneInfo | None, SessionInput, PriceReport], Inputs]


@dataclass(frozen=True, slots=True)
class Feature:
    """A billing rule, the requirement that states it and the wrong reading that tests it."""

    name: str
    req: str
    rule: str  # the rule, in words
    mistake: str  # the wrong reading, in words
    transform: Transform


@dataclass(frozen=True, slots=True)
class Exercise:
    """Evidence that ``feature`` decided a CDR's price: the total under the wrong reading."""

    feature: str
    req: str
    reference: Amount
    mistaken: Amount
    digits: int = 2  # the currency's minor unit, for the text

    def text(self) -> str:
        mistake = FEATURES[self.feature].mistake
        return (
            f"{self.feature} ({self.req}): priced as the rule says "
            f"{_money(self.reference, self.digits)}, with {mistake} "
            f"{_money(self.mistaken, self.digits)}"
        )


def _money(amount: Amount, digits: int) -> str:
    excl = "?" if amount.excl is None else fmt(amount.excl, digits)
    incl = "?" if amount.incl is None else fmt(amount.incl, digits)
    return f"{excl} excl. / {incl} incl. VAT"


# -- tariff transformations ------------------------------------------------------------------------


def _fresh(tariff: Tariff, elements: Sequence[TariffElement], **changes: object) -> Tariff:
    """A copy of ``tariff`` with other elements (and its own, empty, compile cache)."""
    return dataclasses.replace(tariff, elements=tuple(elements), cache={}, **changes)  # type: ignore[arg-type]


def _map_restrictions(
    tariffs: tuple[Tariff, ...], change: Callable[[Restrictions], Restrictions | None]
) -> tuple[Tariff, ...]:
    out = []
    for t in tariffs:
        elements = []
        for e in t.elements:
            r = e.restrictions
            new = change(r) if r is not None else None
            if new is not None and new == Restrictions():
                new = None
            elements.append(e if new is r else TariffElement(e.components, new))
        out.append(_fresh(t, elements))
    return tuple(out)


def _clear(*names: str) -> Callable[[Restrictions], Restrictions]:
    def change(r: Restrictions) -> Restrictions:
        if all(getattr(r, n) is None for n in names):
            return r
        return dataclasses.replace(r, **dict.fromkeys(names))

    return change


def _ignore(*names: str) -> Transform:
    def transform(
        tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
    ) -> Inputs:
        return _map_restrictions(tariffs, _clear(*names)), zone, session

    return transform


def _in_utc(
    tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
) -> Inputs:
    return tariffs, _UTC, session


def _inclusive_end(r: Restrictions) -> Restrictions:
    changes: dict[str, object] = {}
    if r.end_time is not None:
        changes["end_time"] = r.end_time + 1  # one minute later: the end minute still matches
    if r.end_date is not None:
        changes["end_date"] = r.end_date + timedelta(days=1)
    if r.max_kwh is not None:
        changes["max_kwh"] = r.max_kwh + _KWH_EPS
    if r.max_duration is not None:
        changes["max_duration"] = r.max_duration + 1
    for name in ("max_power", "max_current"):
        value = getattr(r, name)
        if value is not None:
            changes[name] = value + _POWER_EPS
    return dataclasses.replace(r, **changes) if changes else r  # type: ignore[arg-type]


def _ends_inclusive(
    tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
) -> Inputs:
    return _map_restrictions(tariffs, _inclusive_end), zone, session


_GROUPS: tuple[tuple[str, ...], ...] = (
    ("start_time",),
    ("end_time",),
    ("start_date",),
    ("end_date",),
    ("min_kwh",),
    ("max_kwh",),
    ("min_current",),
    ("max_current",),
    ("min_power",),
    ("max_power",),
    ("min_duration",),
    ("max_duration",),
    ("day_of_week",),
)


def _or_split(r: Restrictions) -> list[Restrictions]:
    """One Restrictions per restriction field set (the reservation kind stays on each)."""
    parts = []
    for group in _GROUPS:
        values = {n: getattr(r, n) for n in group}
        if any(v is not None for v in values.values()):
            parts.append(Restrictions(reservation=r.reservation, **values))
    return parts


def _restrictions_ored(
    tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
) -> Inputs:
    out = []
    for t in tariffs:
        elements: list[TariffElement] = []
        for e in t.elements:
            parts = _or_split(e.restrictions) if e.restrictions is not None else []
            if len(parts) < 2:
                elements.append(e)
            else:
                elements.extend(TariffElement(e.components, p) for p in parts)
        out.append(_fresh(t, elements))
    return tuple(out), zone, session


def _no_step_size(
    tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
) -> Inputs:
    out = []
    for t in tariffs:
        elements = [
            TariffElement(
                tuple(
                    c if c.step_size <= 1 else PriceComponent(c.dimension, c.price, c.vat, 1)
                    for c in e.components
                ),
                e.restrictions,
            )
            for e in t.elements
        ]
        out.append(_fresh(t, elements))
    return tuple(out), zone, session


def _without(bound: str) -> Transform:
    def transform(
        tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
    ) -> Inputs:
        return tuple(_fresh(t, t.elements, **{bound: None}) for t in tariffs), zone, session

    return transform


def _no_expiry_elements(
    tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, _: PriceReport
) -> Inputs:
    out = []
    for t in tariffs:
        kept = [
            e
            for e in t.elements
            if e.restrictions is None
            or e.restrictions.reservation is not ReservationKind.RESERVATION_EXPIRES
        ]
        out.append(_fresh(t, kept) if kept and len(kept) != len(t.elements) else t)
    return tuple(out), zone, session


def merge_price_changes(report: PriceReport) -> list[int]:
    """Indexes of the charging periods that start where the priced components change (the
    reference selection differs from the previous period's): a CPO that does not split there
    would have merged each of them into the period before (REQ-CDR-013)."""
    last: dict[int, tuple[int, object]] = {}
    for part in report.parts:
        last[part.period] = (part.tariff_index, part.selection)
    first: dict[int, tuple[int, object]] = {}
    for part in report.parts:
        first.setdefault(part.period, (part.tariff_index, part.selection))
    out = []
    for i in sorted(first):
        if i > 0 and i - 1 in last and first[i] != last[i - 1]:
            out.append(i)
    return out


def _sum(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else a + b


def _pick(
    a: Decimal | None, b: Decimal | None, fn: Callable[[Decimal, Decimal], Decimal]
) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else fn(a, b)


def _merge(a: ChargingPeriod, b: ChargingPeriod) -> ChargingPeriod:
    return ChargingPeriod(
        start=a.start,
        energy=_sum(a.energy, b.energy),
        time=_sum(a.time, b.time),
        parking_time=_sum(a.parking_time, b.parking_time),
        reservation_time=_sum(a.reservation_time, b.reservation_time),
        min_current=_pick(a.min_current, b.min_current, min),
        max_current=_pick(a.max_current, b.max_current, max),
        min_power=_pick(a.min_power, b.min_power, min),
        max_power=_pick(a.max_power, b.max_power, max),
        tariff_id=a.tariff_id,
    )


def _periods_not_split(
    tariffs: tuple[Tariff, ...], zone: ZoneInfo | None, session: SessionInput, ref: PriceReport
) -> Inputs:
    merged_into_previous = set(merge_price_changes(ref))
    if not merged_into_previous:
        return tariffs, zone, session
    periods: list[ChargingPeriod] = []
    for i, p in enumerate(session.periods):
        if i in merged_into_previous and periods:
            periods[-1] = _merge(periods[-1], p)
        else:
            periods.append(p)
    return tariffs, zone, session._replace(periods=tuple(periods))


FEATURES: Mapping[str, Feature] = {
    f.name: f
    for f in (
        Feature(
            "local_time",
            "REQ-TAR-012",
            "start/end_time, start/end_date and day_of_week are evaluated in the Location's "
            "local time",
            "time, date and day restrictions evaluated in UTC",
            _in_utc,
        ),
        Feature(
            "exclusive_end",
            "REQ-TAR-012",
            "end_time, end_date and every max_* bound are exclusive",
            "end_time, end_date and max_* bounds treated as inclusive",
            _ends_inclusive,
        ),
        Feature(
            "restrictions_and",
            "REQ-TAR-011",
            "the restrictions of one element are combined with AND",
            "the restrictions of one element OR-ed (each one enough to match)",
            _restrictions_ored,
        ),
        Feature(
            "kwh_restrictions",
            "REQ-TAR-013",
            "min_kwh/max_kwh select elements by the session energy so far",
            "min_kwh/max_kwh ignored",
            _ignore("min_kwh", "max_kwh"),
        ),
        Feature(
            "power_restrictions",
            "REQ-TAR-014",
            "min/max_current and min/max_power select elements by the instantaneous values",
            "min/max_current and min/max_power ignored",
            _ignore("min_current", "max_current", "min_power", "max_power"),
        ),
        Feature(
            "duration_restrictions",
            "REQ-TAR-015",
            "min_duration/max_duration select elements by the session duration so far",
            "min_duration/max_duration ignored",
            _ignore("min_duration", "max_duration"),
        ),
        Feature(
            "reservation_expires",
            "REQ-TAR-017",
            "an expired reservation is priced with the RESERVATION_EXPIRES element",
            "RESERVATION_EXPIRES elements ignored",
            _no_expiry_elements,
        ),
        Feature(
            "min_price",
            "REQ-TAR-018",
            "the total is at least min_price",
            "min_price ignored",
            _without("min_price"),
        ),
        Feature(
            "max_price",
            "REQ-TAR-019",
            "the total is at most max_price",
            "max_price ignored",
            _without("max_price"),
        ),
        Feature(
            "step_size",
            "REQ-TAR-020",
            "consumed amounts are rounded up to the step_size of the last relevant component",
            "step_size ignored (amounts billed per second / per Wh)",
            _no_step_size,
        ),
        Feature(
            "price_changes",
            "REQ-CDR-013",
            "a ChargingPeriod starts wherever the active PriceComponents change",
            "ChargingPeriods not split where the price changes (each merged into the one before)",
            _periods_not_split,
        ),
    )
}


assert tuple(FEATURES) == tuple(FEATURE_REQS)
assert all(f.req == FEATURE_REQS[f.name] for f in FEATURES.values())

MISTAKES: Mapping[str, str] = {
    "utc_time": "local_time",
    "inclusive_end": "exclusive_end",
    "restrictions_or": "restrictions_and",
    "ignore_kwh": "kwh_restrictions",
    "ignore_power": "power_restrictions",
    "ignore_duration": "duration_restrictions",
    "ignore_reservation_expires": "reservation_expires",
    "ignore_min_price": "min_price",
    "ignore_max_price": "max_price",
    "ignore_step_size": "step_size",
    "no_period_split": "price_changes",
}
"""The wrong readings by name (the ``mistake`` of the mock fault ``misprice_cdr``) and the
feature each one gets wrong."""


# -- evaluation ------------------------------------------------------------------------------------


def looks_like_expired_reservation(session: SessionInput) -> bool:
    """A CDR with reservation time and no charging (no ENERGY, TIME or PARKING_TIME volume):
    a reservation that expired without a session (REQ-TAR-017)."""
    periods = session.periods
    if not any(p.reservation_time for p in periods):
        return False
    return not any(p.energy or p.time or p.parking_time for p in periods)


def _inputs(
    cdr: Mapping[str, object] | SessionInput,
    tariffs: object,
    time_zone: str | ZoneInfo | None,
    version: str,
) -> tuple[tuple[Tariff, ...], ZoneInfo | None, SessionInput]:
    session = load_session(cdr, version)
    found = resolve_tariffs(tariffs, session, version)  # type: ignore[arg-type]
    zone = resolve_zone(time_zone if time_zone is not None else session.time_zone)
    return found, zone, session


def mistaken_report(
    feature: str,
    cdr: Mapping[str, object] | SessionInput,
    *,
    tariffs: object = None,
    time_zone: str | ZoneInfo | None,
    version: str = "2.2.1",
    policy: Policy | None = None,
    reservation_expired: bool = False,
) -> tuple[PriceReport, PriceReport, SessionInput]:
    """(reference report, report under ``feature``'s wrong reading, the session it priced):
    what a CPO with that bug would bill. ``KeyError`` for an unknown feature."""
    spec = FEATURES[feature]
    policy = policy if policy is not None else Policy()
    found, zone, session = _inputs(cdr, tariffs, time_zone, version)
    ref = price_session(
        found, session, tz=zone, policy=policy, reservation_expired=reservation_expired
    )
    t2, z2, s2 = spec.transform(found, zone, session, ref)
    wrong = price_session(t2, s2, tz=z2, policy=policy, reservation_expired=reservation_expired)
    return ref, wrong, s2


def _differs(a: Amount, b: Amount, tolerance: Decimal) -> bool:
    for x, y in ((a.excl, b.excl), (a.incl, b.incl)):
        if x is not None and y is not None and abs(x - y) > tolerance:
            return True
    return False


def exercised(
    cdr: Mapping[str, object] | SessionInput,
    *,
    tariffs: object = None,
    time_zone: str | ZoneInfo | None,
    version: str = "2.2.1",
    policy: Policy | None = None,
    reservation_expired: bool = False,
    features: Sequence[str] | None = None,
    tolerance: Decimal = _TOLERANCE,
) -> dict[str, Exercise]:
    """The features (all, or those named) whose wrong reading changes this CDR's
    ``total_cost`` by more than ``tolerance`` (``price_changes`` also when a price change
    already falls inside one of its periods, REQ-CDR-013); raises BillingInputError when the
    CDR cannot be priced at all, KeyError for an unknown feature name."""
    names = list(FEATURES) if features is None else list(features)
    specs = [FEATURES[n] for n in names]
    policy = policy if policy is not None else Policy()
    found, zone, session = _inputs(cdr, tariffs, time_zone, version)
    ref = price_session(
        found, session, tz=zone, policy=policy, reservation_expired=reservation_expired
    )
    out: dict[str, Exercise] = {}
    for spec in specs:
        if spec.name == "price_changes" and any(
            i.code == "restriction_boundary_inside_period" for i in ref.issues
        ):  # the CDR already hides a price change inside a period: the rule decides it
            out[spec.name] = Exercise(
                spec.name, spec.req, ref.total_cost, ref.total_cost, ref.digits
            )
            continue
        t2, z2, s2 = spec.transform(found, zone, session, ref)
        if t2 is found and z2 is zone and s2 is session:
            continue  # the wrong reading changes nothing here
        wrong = price_session(t2, s2, tz=z2, policy=policy, reservation_expired=reservation_expired)
        if _differs(ref.total_cost, wrong.total_cost, tolerance):
            out[spec.name] = Exercise(
                spec.name, spec.req, ref.total_cost, wrong.total_cost, ref.digits
            )
    return out


def restriction_use(report: PriceReport) -> dict[str, set[str]]:
    """From the breakdown: per restriction check name (``time``, ``date``, ``day_of_week``,
    ``kwh``, ``min_power``, ``duration``...), how it took part in choosing the priced elements:
    ``"selected"`` (the chosen element carries it) and/or ``"rejected"`` (it failed on an
    earlier candidate element)."""
    out: dict[str, set[str]] = {}
    zone = report.zone()
    for ln in report.lines:
        part = ln.part
        ct = part.compiled
        chosen = ln.choice[0] if ln.choice is not None else None
        if chosen is not None:
            for check in ct.elements[chosen].checks:
                out.setdefault(check.name, set()).add("selected")
        candidates = ct.slots[part.phase][ln.slot] if not ct.per_element else ct.elements
        state = None
        for element in candidates:
            if chosen is not None and element.index >= chosen:
                break
            if not element.checks:
                continue
            if state is None:
                state = rebuild_state(part, report.session, zone)
            for check in element.checks:
                if not check.test(state):
                    out.setdefault(check.name, set()).add("rejected")
                    break
    return out
