"""step_size rules of ocpi-requirements.md §3.5 and their policy alternatives (AMB-02..06, 23)."""

from __future__ import annotations

from decimal import Decimal

from tests.billing.helpers import comp, element, run, session, tariff


def test_step_zero_means_no_rounding_with_a_warning() -> None:
    report = run(
        tariff(element(comp("TIME", "2", step=0))),
        session("2024-05-06T08:00:00Z", (7, {"TIME": "0.116667"})),
    )
    assert report.total_cost.excl == Decimal("0.233334")
    assert report.steps == []
    assert any("AMB-04" in i.message for i in report.issues)


def test_energy_steps_are_wh_and_time_steps_are_seconds() -> None:
    energy = run(
        tariff(element(comp("ENERGY", "1", step=250))),
        session("2024-05-06T08:00:00Z", (60, {"ENERGY": "1.001"})),
    )
    assert energy.lines[0].billed == Decimal("1.25")
    time = run(
        tariff(element(comp("TIME", "1", step=90))),
        session("2024-05-06T08:00:00Z", (60, {"TIME": "0.5"})),
    )
    assert time.lines[0].billed * 3600 == 1800  # 1800 s is a multiple of 90 s: unchanged
    time2 = run(
        tariff(element(comp("TIME", "1", step=700))),
        session("2024-05-06T08:00:00Z", (60, {"TIME": "0.5"})),
    )
    assert time2.lines[0].billed == Decimal("0.583333333334")  # 3 x 700 s; surplus kept to 1e-12 h


def test_surplus_goes_to_the_last_line_of_the_rounded_dimension() -> None:
    t = tariff(
        element(comp("ENERGY", "0.20", 500), start_time="00:00", end_time="17:00"),
        element(comp("ENERGY", "0.27", 500)),
    )
    report = run(
        t, session("2024-05-06T15:00:00Z", (120, {"ENERGY": "4.3"}), (30, {"ENERGY": "1.1"}))
    )
    first, last = report.lines
    assert (first.volume, first.billed) == (Decimal("4.3"), Decimal("4.3"))
    assert (last.volume, last.billed) == (Decimal("1.1"), Decimal("1.2"))
    (step,) = report.steps
    assert (step.group, step.total, step.rounded, step.step_size) == (
        "ENERGY",
        Decimal("5.4"),
        Decimal("5.5"),
        500,
    )
    assert last.step is step
    assert "session total 5400 Wh rounded up to 5500 Wh" in report.step_text(step)


def test_the_last_components_step_size_is_used() -> None:
    t = tariff(
        element(comp("TIME", "1", 1800), start_time="00:00", end_time="17:00"),
        element(comp("TIME", "1", 60)),
    )
    report = run(
        t, session("2024-05-06T16:50:00Z", (10, {"TIME": "0.166667"}), (6, {"TIME": "0.09"}))
    )
    assert report.steps[0].step_size == 60  # 924.0012 s -> 960 s, not 1800 s
    assert report.rounded("total_cost").excl == Decimal("0.27")  # type: ignore[union-attr]


def test_time_and_parking_share_one_group() -> None:
    t = tariff(element(comp("TIME", "1", 600), comp("PARKING_TIME", "2", 600)))
    report = run(
        t,
        session("2024-05-06T08:00:00Z", (21, {"TIME": "0.35"}), (16, {"PARKING_TIME": "0.266667"})),
    )
    assert [(s.group, s.dimension) for s in report.steps] == [("TIME+PARKING_TIME", "PARKING_TIME")]


def test_negative_energy_is_not_rounded() -> None:
    report = run(
        tariff(element(comp("ENERGY", "0.3", 1000))),
        session("2024-05-06T08:00:00Z", (60, {"ENERGY": "-2.5"})),
    )
    assert report.steps == []
    assert report.total_cost.excl == Decimal("-0.75")


def test_reservation_time_is_its_own_group() -> None:
    t = tariff(
        element(comp("TIME", "6", 600), reservation="RESERVATION"), element(comp("TIME", "1", 600))
    )
    report = run(
        t,
        session(
            "2024-05-06T08:00:00Z", (7, {"RESERVATION_TIME": "0.116667"}), (7, {"TIME": "0.116667"})
        ),
    )
    assert sorted(s.group for s in report.steps) == ["RESERVATION_TIME", "TIME+PARKING_TIME"]
    joined = run(
        t,
        session(
            "2024-05-06T08:00:00Z", (7, {"RESERVATION_TIME": "0.116667"}), (7, {"TIME": "0.116667"})
        ),
        reservation_step_group="with_time",
    )
    assert [s.group for s in joined.steps] == ["TIME+PARKING_TIME"]


def test_per_period_and_per_component_labels() -> None:
    t = tariff(element(comp("TIME", "2", 900)))
    cdr = session("2024-05-06T08:00:00Z", (20, {"TIME": "0.333333"}), (10, {"TIME": "0.166667"}))
    per_period = run(t, cdr, step_mode="per_period")
    assert [s.group for s in per_period.steps] == ["period 0", "period 1"]
    per_component = run(t, cdr, step_mode="per_component")
    assert [s.group for s in per_component.steps] == []  # 30 min: already a multiple
    assert per_period.total_cost.excl == Decimal("1.5")
