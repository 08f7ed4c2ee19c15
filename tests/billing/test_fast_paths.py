"""The shortcuts the pricer takes for speed give what the general paths give (issue 3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from harness.billing import Policy, load_session, load_tariff, price
from harness.billing.adapters.common import read_period, read_periods
from harness.billing.api import resolve_zone
from harness.billing.compiled import _SHARED, _SHARED_MAX, compile_tariff
from harness.billing.pricer import price_session, price_walk
from tests.billing.helpers import comp, element, session, tariff

DEFAULT = Policy()


def _period(**dims: Any) -> dict[str, Any]:
    return {
        "start_date_time": "2024-05-06T08:00:00Z",
        "dimensions": [{"type": k, "volume": v} for k, v in dims.items()],
    }


@pytest.mark.parametrize(
    "periods",
    [
        [_period(ENERGY=Decimal("1.5"), TIME=Decimal("0.25"), MAX_POWER=Decimal("22"))],
        [_period(ENERGY=3, TIME=Decimal("0.5"))],  # an int volume
        [_period(TIME=Decimal("-0.5"))],  # a negative time volume
        [_period(PARKING_TIME=Decimal("-0"))],  # -0 is read by the checked path
        [_period(ENERGY=Decimal("1"), STATE_OF_CHARGE=Decimal("80"))],  # session-only dimension
        [
            {
                "start_date_time": "2024-05-06T08:00:00Z",
                "dimensions": [
                    {"type": "ENERGY", "volume": Decimal("1")},
                    {"type": "ENERGY", "volume": Decimal("2")},  # repeated: summed
                ],
            }
        ],
        [{**_period(ENERGY=Decimal("1")), "start_date_time": "2024-05-06T10:00:00+02:00"}],
        [{**_period(ENERGY=Decimal("1")), "tariff_id": "T2"}, _period(TIME=Decimal("0.1"))],
    ],
)
def test_reading_all_periods_at_once_matches_reading_them_one_by_one(
    periods: list[dict[str, Any]],
) -> None:
    warnings_fast: list[str] = []
    warnings_one: list[str] = []
    try:
        expected = tuple(read_period(p, i, True, warnings_one) for i, p in enumerate(periods))
    except Exception as exc:  # the same error, named the same way
        with pytest.raises(type(exc), match=str(exc).replace("(", r"\(").replace(")", r"\)")):
            read_periods(periods, True, warnings_fast)
        return
    assert read_periods(periods, True, warnings_fast) == expected
    assert warnings_fast == warnings_one


def test_a_malformed_period_is_still_named_by_its_pointer() -> None:
    periods = [_period(ENERGY=Decimal("1")), {"start_date_time": "2024-05-06T08:30:00Z"}]
    with pytest.raises(Exception, match="/charging_periods/1/dimensions"):
        read_periods(periods, True, [])


def test_equal_tariffs_share_one_compiled_form() -> None:
    raw = tariff(element(comp("ENERGY", "0.30")), element(comp("TIME", "2"), start_time="18:00"))
    first, second = load_tariff(raw), load_tariff(raw)
    assert first is not second
    assert compile_tariff(first, DEFAULT) is compile_tariff(second, DEFAULT)


def test_same_id_other_content_is_compiled_apart() -> None:
    a = load_tariff(tariff(element(comp("ENERGY", "0.30"))))
    b = load_tariff(tariff(element(comp("ENERGY", "0.40"))))
    c = load_tariff(tariff(element(comp("ENERGY", "0.3"))))  # equal as a number, not as text
    assert a.id == b.id == c.id
    compiled = {id(compile_tariff(t, DEFAULT)) for t in (a, b, c)}
    assert len(compiled) == 3
    cdr = session("2024-05-06T08:00:00Z", (60, {"ENERGY": "10"}))
    assert price(a, cdr, time_zone="UTC").lines[0].choice[2].price == Decimal("0.30")  # type: ignore[index]
    assert price(b, cdr, time_zone="UTC").total_cost.excl == Decimal("4.00")
    assert str(price(c, cdr, time_zone="UTC").lines[0].choice[2].price) == "0.3"  # type: ignore[index]


def test_the_shared_compiled_forms_are_bounded() -> None:
    for n in range(_SHARED_MAX + 5):
        compile_tariff(load_tariff(tariff(element(comp("ENERGY", f"0.{n:04d}")))), DEFAULT)
    assert len(_SHARED) <= _SHARED_MAX


def test_other_policies_get_other_compiled_forms() -> None:
    t = load_tariff(tariff(element(comp("ENERGY", "0.30"), max_power="16")))
    other = Policy.from_pairs(["power_basis=average"])
    assert compile_tariff(t, DEFAULT) is not compile_tariff(t, other)


# A tariff whose second element has two quantity tests: below 16 kW the first element prices
# the energy whatever the session energy; from 5 kWh on, up to 32 kW, the second one does.
TIERED = tariff(
    element(comp("ENERGY", "0.20"), max_power="16"),
    element(comp("ENERGY", "0.35"), max_power="32", min_kwh="5"),
    element(comp("ENERGY", "0.50")),
)


@pytest.mark.parametrize(
    ("power", "boundary"),
    [("10", False), ("20", True), ("40", False)],
)
def test_an_energy_threshold_inside_a_period_is_reported_only_where_the_price_changes(
    power: str, boundary: bool
) -> None:
    cdr = session(
        "2024-05-06T08:00:00Z",
        (30, {"ENERGY": "3", "TIME": "0.5", "MAX_POWER": power}),
        (30, {"ENERGY": "4", "TIME": "0.5", "MAX_POWER": power}),  # 3 -> 7 kWh: passes 5
        (30, {"ENERGY": "4", "TIME": "0.5", "MAX_POWER": power}),
    )
    loaded = (load_tariff(TIERED),)
    session_ = load_session(cdr)
    zone = resolve_zone("Europe/Amsterdam")
    ledger = price_session(loaded, session_, tz=zone, policy=DEFAULT)
    walk = price_walk(loaded, session_, tz=zone, policy=DEFAULT)
    codes = [i.code for i in ledger.issues]
    assert ("restriction_boundary_inside_period" in codes) is boundary
    assert [i.message for i in ledger.issues] == [i.message for i in walk.issues]
    assert ledger.total_cost == walk.total_cost
    assert ledger.buckets == walk.buckets


def test_runs_of_one_component_are_summed_per_component_in_first_use_order() -> None:
    """Energy priced by A, then B, then A again: the rounding surplus goes to the last (A)."""
    t = tariff(
        element(comp("ENERGY", "0.30", 1000), start_time="08:00", end_time="09:00"),
        element(comp("ENERGY", "0.50", 1000)),
    )
    cdr = session(
        "2024-05-06T06:30:00Z",  # 08:30 in Amsterdam
        (30, {"ENERGY": "1.2"}),
        (60, {"ENERGY": "1.1"}),
        (30, {"ENERGY": "0.5"}),
    )
    cdr["charging_periods"][2]["start_date_time"] = "2024-05-07T06:00:00Z"  # next day 08:00
    cdr["end_date_time"] = "2024-05-07T06:30:00Z"
    loaded = (load_tariff(t),)
    session_ = load_session(cdr)
    zone = resolve_zone("Europe/Amsterdam")
    ledger = price_session(loaded, session_, tz=zone, policy=DEFAULT)
    walk = price_walk(loaded, session_, tz=zone, policy=DEFAULT)
    # 2.8 kWh billed as 3 kWh: the 0.2 kWh surplus at 0.30 (A prices the last period)
    a, b = Decimal("0.30"), Decimal("0.50")
    assert ledger.total_cost.excl == Decimal("1.2") * a + Decimal("1.1") * b + Decimal("0.7") * a
    assert ledger.total_cost == walk.total_cost
    assert ledger.buckets == walk.buckets
