"""Invariants of the pricer over generated tariffs and sessions (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.billing import Policy, load_session, load_tariff, price
from harness.billing.api import resolve_zone
from harness.billing.pricer import price_session, price_walk

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZONES = ("UTC", "Europe/Amsterdam", "America/New_York", "Asia/Tokyo")
DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

prices = st.integers(min_value=0, max_value=400).map(lambda n: Decimal(n).scaleb(-2))
vats = st.sampled_from([None, Decimal("0"), Decimal("5.2"), Decimal("10"), Decimal("21")])
steps = st.sampled_from([0, 1, 60, 300, 900, 100, 500, 1000])
hours = st.integers(min_value=0, max_value=23).map(lambda h: f"{h:02d}:00")


@st.composite
def components(draw: Any, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=len(kinds), unique=True))
    out = []
    for kind in chosen:
        comp: dict[str, Any] = {"type": kind, "price": draw(prices), "step_size": draw(steps)}
        vat = draw(vats)
        if vat is not None:
            comp["vat"] = vat
        out.append(comp)
    return out


@st.composite
def restrictions(draw: Any) -> dict[str, Any] | None:
    kind = draw(st.sampled_from(["none", "time", "days", "kwh", "power", "duration", "mixed"]))
    if kind == "none":
        return None
    r: dict[str, Any] = {}
    if kind in ("time", "mixed"):
        r["start_time"], r["end_time"] = draw(hours), draw(hours)
    if kind in ("days", "mixed"):
        r["day_of_week"] = draw(
            st.lists(st.sampled_from(DAYS), min_size=1, max_size=5, unique=True)
        )
    if kind == "kwh":
        r["min_kwh" if draw(st.booleans()) else "max_kwh"] = Decimal(draw(st.integers(1, 40)))
    if kind == "power":
        r["max_power"] = Decimal(draw(st.integers(3, 150)))
    if kind == "duration":
        r["min_duration" if draw(st.booleans()) else "max_duration"] = (
            draw(st.integers(1, 12)) * 900
        )
    return r


@st.composite
def tariffs(
    draw: Any,
    kinds: tuple[str, ...] = ("ENERGY", "TIME", "PARKING_TIME", "FLAT"),
    restricted: bool = True,
) -> dict[str, Any]:
    elements = []
    for _ in range(draw(st.integers(1, 4))):
        element: dict[str, Any] = {"price_components": draw(components(kinds))}
        r = draw(restrictions()) if restricted else None
        if r:
            element["restrictions"] = r
        elements.append(element)
    return {
        "id": "P",
        "currency": "EUR",
        "elements": elements,
        "last_updated": "2024-01-01T00:00:00Z",
    }


@st.composite
def sessions(draw: Any) -> dict[str, Any]:
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 525_000)) * 6)
    t = start
    periods = []
    for _ in range(draw(st.integers(1, 6))):
        tenths = draw(st.integers(1, 15))  # 6-minute units: TIME volumes are exact tenths of hours
        length = Decimal(tenths) / 10
        dims: list[dict[str, Any]] = []
        if draw(st.integers(0, 4)) == 0:
            dims.append({"type": "PARKING_TIME", "volume": length})
        else:
            power = Decimal(draw(st.integers(2, 150)))
            dims.append({"type": "ENERGY", "volume": power * length})
            dims.append({"type": "TIME", "volume": length})
            if draw(st.booleans()):
                dims.append({"type": "MAX_POWER", "volume": power})
                dims.append({"type": "MIN_POWER", "volume": power})
        periods.append({"start_date_time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "dimensions": dims})
        t += timedelta(minutes=6 * tenths)
    return {
        "start_date_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date_time": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "currency": "EUR",
        "charging_periods": periods,
    }


@SETTINGS
@given(tariffs(), sessions(), st.sampled_from(ZONES))
def test_total_is_the_sum_of_the_buckets_before_clamping(
    tariff: dict[str, Any], cdr: dict[str, Any], zone: str
) -> None:
    report = price(tariff, cdr, time_zone=zone)
    for side in ("excl", "incl"):
        parts = [getattr(a, side) for a in report.buckets.values() if a is not None]
        total = getattr(report.unclamped_cost, side)
        if any(p is None for p in parts):
            assert total is None
        else:
            assert total == sum(parts, Decimal(0))
    # no min/max price here, so nothing is clamped
    assert report.total_cost == report.unclamped_cost


@SETTINGS
@given(tariffs(), sessions(), st.sampled_from(ZONES))
def test_incl_vat_is_never_below_excl_vat_with_non_negative_rates(
    tariff: dict[str, Any], cdr: dict[str, Any], zone: str
) -> None:
    report = price(tariff, cdr, time_zone=zone)
    amounts = [report.total_cost, *[a for a in report.buckets.values() if a is not None]]
    for amount in amounts:
        assert amount.excl is not None and amount.incl is not None
        assert amount.incl >= amount.excl
    for line in report.lines:
        assert line.incl is not None and line.excl is not None
        assert line.incl >= line.excl


@SETTINGS
@given(
    tariffs(),
    sessions(),
    st.sampled_from(ZONES),
    st.integers(0, 5),
    st.sampled_from(
        [Decimal("0.2"), Decimal("0.25"), Decimal("0.5"), Decimal("0.6"), Decimal("0.8")]
    ),
)
def test_splitting_a_period_where_nothing_changes_keeps_the_price(
    tariff: dict[str, Any], cdr: dict[str, Any], zone: str, which: int, fraction: Decimal
) -> None:
    periods = cdr["charging_periods"]
    index = which % len(periods)
    baseline = price(tariff, cdr, time_zone=zone)
    # only split where no restriction boundary lies inside the period
    prorated = price(tariff, cdr, time_zone=zone, policy=Policy(restriction_split="prorate"))
    if any(p.period == index and p.sub > 0 for p in prorated.parts):
        return
    start = datetime.fromisoformat(periods[index]["start_date_time"])
    end = (
        datetime.fromisoformat(periods[index + 1]["start_date_time"])
        if index + 1 < len(periods)
        else datetime.fromisoformat(cdr["end_date_time"])
    )
    middle = start + (end - start) * float(fraction)
    assert (middle - start).total_seconds() * 10 % 1 == 0  # an exact instant (6-minute grid)
    first, second = [], []
    for dim in periods[index]["dimensions"]:
        if dim["type"] in ("ENERGY", "TIME", "PARKING_TIME"):
            first.append({"type": dim["type"], "volume": dim["volume"] * fraction})
            second.append({"type": dim["type"], "volume": dim["volume"] * (1 - fraction)})
        else:
            first.append(dim)
            second.append(dim)
    split = dict(cdr)
    split["charging_periods"] = [
        *periods[:index],
        {"start_date_time": periods[index]["start_date_time"], "dimensions": first},
        {"start_date_time": middle.strftime("%Y-%m-%dT%H:%M:%SZ"), "dimensions": second},
        *periods[index + 1 :],
    ]
    again = price(tariff, split, time_zone=zone)
    assert again.total_cost == baseline.total_cost
    assert again.buckets == baseline.buckets


@SETTINGS
@given(
    st.builds(
        lambda comps, bound: {
            "id": "E",
            "currency": "EUR",
            "elements": [{"price_components": comps}],
            "last_updated": "2024-01-01T00:00:00Z",
            **bound,
        },
        components(("ENERGY", "FLAT")).filter(lambda cs: any(c["type"] == "ENERGY" for c in cs)),
        st.sampled_from(
            [
                {},
                {"min_price": {"excl_vat": Decimal("2.00"), "incl_vat": Decimal("2.20")}},
                {"max_price": {"excl_vat": Decimal("9.00"), "incl_vat": Decimal("9.90")}},
            ]
        ),
    ),
    sessions(),
    st.integers(0, 5),
    st.integers(1, 5000).map(lambda n: Decimal(n).scaleb(-3)),
)
def test_more_energy_never_costs_less_under_an_energy_only_tariff(
    tariff: dict[str, Any], cdr: dict[str, Any], which: int, extra: Decimal
) -> None:
    periods = cdr["charging_periods"]
    index = which % len(periods)
    before = price(tariff, cdr, time_zone=None).total_cost
    more = dict(cdr, charging_periods=[dict(p) for p in periods])
    target = more["charging_periods"][index]
    dims = [dict(d) for d in target["dimensions"]]
    energy = next((d for d in dims if d["type"] == "ENERGY"), None)
    if energy is None:
        dims.append({"type": "ENERGY", "volume": extra})
    else:
        energy["volume"] += extra
    target["dimensions"] = dims
    after = price(tariff, more, time_zone=None).total_cost
    assert after.excl is not None and before.excl is not None
    assert after.excl >= before.excl
    if after.incl is not None and before.incl is not None:
        assert after.incl >= before.incl


@SETTINGS
@given(
    tariffs(restricted=False),
    sessions(),
    st.sampled_from(list(Policy.choices()["step_mode"])),
    st.sampled_from(list(Policy.choices()["time_parking_step"])),
    st.sampled_from(list(Policy.choices()["step_parking_presence"])),
)
def test_the_fast_lane_and_the_walk_agree(
    tariff: dict[str, Any], cdr: dict[str, Any], step_mode: str, tps: str, presence: str
) -> None:
    """Uniform sessions are totalled directly; the per-period walk must give the same money."""
    policy = Policy.from_pairs(
        [f"step_mode={step_mode}", f"time_parking_step={tps}", f"step_parking_presence={presence}"]
    )
    loaded = (load_tariff(tariff),)
    session = load_session(cdr)
    fast = price_session(loaded, session, tz=None, policy=policy)
    walk = price_walk(loaded, session, tz=None, policy=policy)
    assert fast.total_cost == walk.total_cost
    assert fast.buckets == walk.buckets
    assert fast.lines and len(fast.lines) == len(walk.lines)  # the breakdown expands on demand


@SETTINGS
@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in Policy.choices().items()}))
def test_policy_round_trips_through_pairs(values: dict[str, str]) -> None:
    policy = Policy.from_pairs(f"{k}={v}" for k, v in values.items())
    assert policy.to_json() == values
    assert Policy.from_pairs(f"{k}={v}" for k, v in policy.to_json().items()) == policy


def test_resolve_zone_caches() -> None:
    assert resolve_zone("Europe/Amsterdam") is resolve_zone("Europe/Amsterdam")


LANE_SWITCHES = ("flat_mode", "time_parking_step", "step_parking_presence", "absent_vat",
                 "parking_flat", "selection", "missing_power_data", "power_basis",
                 "duration_basis", "day_of_week_basis")  # fmt: skip


@SETTINGS
@given(
    tariffs(),
    sessions(),
    st.sampled_from(ZONES),
    st.fixed_dictionaries({k: st.sampled_from(Policy.choices()[k]) for k in LANE_SWITCHES}),
)
def test_the_ledger_and_the_walk_agree(
    tariff: dict[str, Any], cdr: dict[str, Any], zone: str, switches: dict[str, str]
) -> None:
    """Restricted tariffs are totalled per component by the ledger; the line-by-line walk must
    give the same money, and the same issues."""
    policy = Policy.from_pairs(f"{k}={v}" for k, v in switches.items())
    loaded = (load_tariff(tariff),)
    session = load_session(cdr)
    tz = resolve_zone(zone)
    fast = price_session(loaded, session, tz=tz, policy=policy)
    walk = price_walk(loaded, session, tz=tz, policy=policy)
    assert fast.total_cost == walk.total_cost
    assert fast.buckets == walk.buckets
    assert [i.message for i in fast.issues] == [i.message for i in walk.issues]
