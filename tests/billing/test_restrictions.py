"""Each TariffRestrictions field with its boundaries (ocpi-requirements.md §3.4, AMB-09..12)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.billing import BillingFieldError, price
from harness.errors import BillingInputError
from tests.billing.helpers import comp, element, elements_used, run, session, tariff

ENERGY = {"ENERGY": 1}


def energy_at(start: str, zone: str = "UTC", minutes: int = 1, **restriction: Any) -> int | None:
    """Which element prices 1 kWh in a one-period session starting at ``start``."""
    t = tariff(element(comp("ENERGY", "0.10"), **restriction), element(comp("ENERGY", "0.30")))
    return elements_used(run(t, session(start, (minutes, ENERGY)), zone), "ENERGY")[0]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2024-05-06T16:59:59Z", 1),
        ("2024-05-06T17:00:00Z", 0),  # start_time inclusive
        ("2024-05-06T19:59:00Z", 0),
        ("2024-05-06T20:00:00Z", 1),  # end_time exclusive
    ],
)
def test_time_window_boundaries(start: str, expected: int) -> None:
    assert energy_at(start, start_time="17:00", end_time="20:00") == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2024-05-06T21:59:00Z", 1),
        ("2024-05-06T22:00:00Z", 0),
        ("2024-05-06T23:30:00Z", 0),
        ("2024-05-07T00:00:00Z", 0),
        ("2024-05-07T05:59:00Z", 0),
        ("2024-05-07T06:00:00Z", 1),
    ],
)
def test_window_wrapping_past_midnight(start: str, expected: int) -> None:
    assert energy_at(start, start_time="22:00", end_time="06:00") == expected


@pytest.mark.parametrize(
    ("start", "expected"), [("2024-05-06T23:59:00Z", 0), ("2024-05-07T00:00:00Z", 1)]
)
def test_end_time_midnight_is_end_of_day(start: str, expected: int) -> None:
    assert energy_at(start, start_time="20:00", end_time="00:00") == expected


def test_lone_start_and_lone_end_time() -> None:
    assert energy_at("2024-05-06T23:00:00Z", start_time="18:00") == 0
    assert energy_at("2024-05-06T17:59:00Z", start_time="18:00") == 1
    assert energy_at("2024-05-06T00:00:00Z", end_time="07:00") == 0
    assert energy_at("2024-05-06T07:00:00Z", end_time="07:00") == 1


def test_equal_start_and_end_time_is_the_whole_day() -> None:
    assert energy_at("2024-05-06T03:00:00Z", start_time="10:00", end_time="10:00") == 0


def test_time_is_local_to_the_location() -> None:
    # 15:30Z is 17:30 in Amsterdam in May (UTC+2): inside 17:00-18:00 local, outside in UTC
    assert energy_at("2024-05-06T15:30:00Z", start_time="17:00", end_time="18:00") == 1
    assert (
        energy_at("2024-05-06T15:30:00Z", "Europe/Amsterdam", start_time="17:00", end_time="18:00")
        == 0
    )


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2024-06-30T23:59:00Z", 1),
        ("2024-07-01T00:00:00Z", 0),
        ("2024-07-02T23:59:00Z", 0),
        ("2024-07-03T00:00:00Z", 1),
    ],
)
def test_date_range_start_inclusive_end_exclusive(start: str, expected: int) -> None:
    assert energy_at(start, start_date="2024-07-01", end_date="2024-07-03") == expected


def test_day_of_week_uses_the_local_date() -> None:
    # Monday 2024-05-06 00:30 in Amsterdam is Sunday 22:30 UTC
    assert energy_at("2024-05-05T22:30:00Z", day_of_week=["MONDAY"]) == 1
    assert energy_at("2024-05-05T22:30:00Z", "Europe/Amsterdam", day_of_week=["MONDAY"]) == 0


def test_day_of_week_with_wrapping_window_policy() -> None:
    t = tariff(
        element(
            comp("ENERGY", "0.10"), start_time="20:00", end_time="15:00", day_of_week=["FRIDAY"]
        ),
        element(comp("ENERGY", "0.30")),
    )
    saturday_morning = session("2024-05-11T08:00:00Z", (10, ENERGY))
    assert elements_used(run(t, saturday_morning), "ENERGY") == [1]
    assert elements_used(run(t, saturday_morning, day_of_week_basis="window_start"), "ENERGY") == [
        0
    ]
    saturday_evening = session("2024-05-11T21:00:00Z", (10, ENERGY))
    assert elements_used(run(t, saturday_evening, day_of_week_basis="window_start"), "ENERGY") == [
        1
    ]


def kwh_tiers() -> dict[str, Any]:
    return tariff(
        element(comp("ENERGY", "0.40"), max_kwh="10"),
        element(comp("ENERGY", "0.30"), min_kwh="10", max_kwh="30"),
        element(comp("ENERGY", "0.20")),
    )


def test_kwh_bounds_on_the_session_energy_so_far() -> None:
    cdr = session(
        "2024-05-06T08:00:00Z", (10, {"ENERGY": 10}), (10, {"ENERGY": 20}), (10, {"ENERGY": 1})
    )
    assert elements_used(run(kwh_tiers(), cdr), "ENERGY") == [0, 1, 2]


def test_kwh_threshold_crossed_inside_a_period_is_reported_or_split() -> None:
    cdr = session("2024-05-06T08:00:00Z", (30, {"ENERGY": 15}))
    report = run(kwh_tiers(), cdr)
    assert [i.code for i in report.issues] == ["restriction_boundary_inside_period"]
    assert report.total_cost.excl == 6  # 15 x 0.40 at the period start
    split = run(kwh_tiers(), cdr, restriction_split="prorate")
    assert [(p.energy, p.start.minute) for p in split.parts] == [(10, 0), (5, 20)]
    assert split.total_cost.excl == 4 + 5 * 0.3


def test_current_bounds_min_inclusive_max_exclusive() -> None:
    t = tariff(
        element(comp("TIME", "1"), min_current="16", max_current="32"), element(comp("TIME", "9"))
    )

    def used(min_a: int, max_a: int) -> int | None:
        cdr = session(
            "2024-05-06T08:00:00Z", (60, {"TIME": 1, "MIN_CURRENT": min_a, "MAX_CURRENT": max_a})
        )
        return elements_used(run(t, cdr), "TIME")[0]

    assert used(16, 31) == 0
    assert used(15, 31) == 1
    assert used(16, 32) == 1


def test_power_bounds_and_average_fallback() -> None:
    t = tariff(
        element(comp("ENERGY", "0.6"), min_power="50", max_power="100"),
        element(comp("ENERGY", "0.3")),
    )
    with_dims = session(
        "2024-05-06T08:00:00Z", (60, {"ENERGY": 60, "MIN_POWER": 50, "MAX_POWER": 99})
    )
    assert elements_used(run(t, with_dims), "ENERGY") == [0]
    at_max = session(
        "2024-05-06T08:00:00Z", (60, {"ENERGY": 60, "MIN_POWER": 50, "MAX_POWER": 100})
    )
    assert elements_used(run(t, at_max), "ENERGY") == [1]
    # no power dimensions: ENERGY / TIME, else ENERGY / period length
    avg = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 30, "TIME": "0.5"}))
    assert elements_used(run(t, avg), "ENERGY") == [0]
    by_length = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 30}))
    assert elements_used(run(t, by_length), "ENERGY") == [1]


def test_missing_power_data_is_reported() -> None:
    t = tariff(element(comp("TIME", "1"), max_power="22"), element(comp("TIME", "3")))
    report = run(t, session("2024-05-06T08:00:00Z", (60, {"TIME": 1})))
    (issue,) = report.issues
    assert (issue.code, issue.level, issue.ref) == (
        "restriction_data_missing",
        "SHOULD",
        "REQ-CDR-023",
    )
    assert "AMB-09" in issue.message


@pytest.mark.parametrize(("minutes_before", "expected"), [(29, [1, 1]), (30, [1, 0])])
def test_duration_bounds(minutes_before: int, expected: list[int]) -> None:
    t = tariff(element(comp("ENERGY", "0.5"), min_duration=1800), element(comp("ENERGY", "0.1")))
    cdr = session("2024-05-06T08:00:00Z", (minutes_before, ENERGY), (10, ENERGY))
    assert elements_used(run(t, cdr), "ENERGY") == expected


def test_max_duration_is_exclusive() -> None:
    t = tariff(element(comp("ENERGY", "0"), max_duration=1800), element(comp("ENERGY", "0.25")))
    cdr = session("2024-05-06T08:00:00Z", (30, ENERGY), (10, ENERGY))
    assert elements_used(run(t, cdr), "ENERGY") == [0, 1]


def test_selection_is_per_dimension() -> None:
    t = tariff(
        element(comp("TIME", "1")),
        element(comp("ENERGY", "0.5"), max_power="10"),
        element(comp("ENERGY", "0.2"), comp("TIME", "5")),
    )
    report = run(t, session("2024-05-06T08:00:00Z", (60, {"ENERGY": 5, "TIME": 1, "MAX_POWER": 5})))
    assert elements_used(report, "ENERGY") == [1]
    assert elements_used(report, "TIME") == [0]


def test_no_matching_element_means_no_cost() -> None:
    t = tariff(element(comp("ENERGY", "0.5"), start_time="10:00", end_time="11:00"))
    report = run(t, session("2024-05-06T08:00:00Z", (60, ENERGY)))
    assert elements_used(report, "ENERGY") == [None]
    assert report.total_cost.excl == 0
    assert report.total_energy_cost is None


def test_reservation_elements_only_price_the_reservation_phase() -> None:
    t = tariff(
        element(comp("TIME", "9"), comp("FLAT", "2"), reservation="RESERVATION"),
        element(comp("TIME", "1")),
    )
    cdr = session("2024-05-06T08:00:00Z", (15, {"RESERVATION_TIME": "0.25"}), (60, {"TIME": 1}))
    report = run(t, cdr)
    assert [(ln.dimension, ln.choice[0] if ln.choice else None) for ln in report.lines] == [
        ("FLAT", 0),
        ("RESERVATION_TIME", 0),
        ("TIME", 1),
    ]
    assert report.total_reservation_cost is not None
    assert report.total_reservation_cost.excl == 2 + 9 * 0.25


def test_duplicate_component_first_wins_with_warning() -> None:
    t = tariff(element(comp("ENERGY", "0.10"), comp("ENERGY", "0.90")))
    report = run(t, session("2024-05-06T08:00:00Z", (60, {"ENERGY": 10})))
    assert report.total_cost.excl == 1
    assert any("AMB-21" in i.message for i in report.issues)


def test_reasons_name_the_failing_restriction() -> None:
    t = tariff(
        element(comp("ENERGY", "0.9"), start_time="20:00", end_time="22:00"),
        element(comp("ENERGY", "0.8"), min_kwh="50"),
        element(comp("ENERGY", "0.7"), max_power="5"),
        element(comp("ENERGY", "0.6"), day_of_week=["SUNDAY"]),
        element(comp("ENERGY", "0.5"), min_duration=3600),
        element(comp("ENERGY", "0.1")),
    )
    report = run(t, session("2024-05-06T08:00:00Z", (60, {"ENERGY": 10, "MAX_POWER": 10})))
    (line,) = report.lines
    reasons = dict(report.not_matched(line))
    assert "outside 20:00-22:00" in reasons[0]
    assert "session energy so far (kWh) 0 is not >= 50" in reasons[1]
    assert "MAX_POWER 10 is not < 5" in reasons[2]
    assert "Monday 2024-05-06 08:00:00 is not in [SUN]" in reasons[3]
    assert "session duration 0 s is outside [3600 s" in reasons[4]


def test_time_zone_is_required_only_when_a_restriction_needs_it() -> None:
    local = tariff(element(comp("ENERGY", "0.1"), start_time="10:00", end_time="11:00"))
    cdr = session("2024-05-06T08:00:00Z", (60, ENERGY))
    with pytest.raises(BillingInputError, match="time zone missing"):
        price(local, cdr, time_zone=None)
    plain = tariff(element(comp("ENERGY", "0.1"), max_kwh="100"))
    assert price(plain, cdr, time_zone=None).total_cost.excl == Decimal_("0.1")


def test_invalid_restriction_values_name_the_field() -> None:
    cdr = session("2024-05-06T08:00:00Z", (60, ENERGY))
    for restriction, pointer in (
        ({"start_time": "24:00"}, "/elements/0/restrictions/start_time"),
        ({"end_date": "2024-13-01"}, "/elements/0/restrictions/end_date"),
        ({"day_of_week": ["FUNDAY"]}, "/elements/0/restrictions/day_of_week/0"),
        ({"reservation": "MAYBE"}, "/elements/0/restrictions/reservation"),
        ({"min_kwh": []}, "/elements/0/restrictions/min_kwh"),
        ({"max_duration": 1.5}, "/elements/0/restrictions/max_duration"),
    ):
        with pytest.raises(BillingFieldError) as info:
            price(tariff(element(comp("ENERGY", "1"), **restriction)), cdr, time_zone="UTC")
        assert info.value.pointer == pointer


def Decimal_(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)
