"""harness.billing.exercise: which rule decided a CDR's price, and the wrong readings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from harness.billing import price
from harness.billing.api import load_session
from harness.billing.exercise import (
    FEATURES,
    MISTAKES,
    exercised,
    looks_like_expired_reservation,
    merge_price_changes,
    mistaken_report,
    restriction_use,
)
from harness.billing.features import FEATURE_REQS, features
from harness.errors import BillingInputError
from tests.billing.helpers import comp, element, session, tariff

# Amsterdam in January is UTC+1: 21:00 local is 20:00 UTC
NIGHT = tariff(
    element(comp("ENERGY", "0.20"), start_time="21:00", end_time="07:00"),
    element(comp("ENERGY", "0.40")),
)


def _cdr(tariff_: dict[str, Any], start: str, *periods: tuple[float, dict[str, Any]]) -> Any:
    return session(start, *periods, tariffs=[tariff_])


def test_the_feature_names_match_their_requirements() -> None:
    assert tuple(FEATURES) == features()
    assert {f.name: f.req for f in FEATURES.values()} == dict(FEATURE_REQS)
    assert set(MISTAKES.values()) == set(FEATURES)


def test_local_time_decides_a_session_across_the_local_window_start() -> None:
    # 19:30 UTC = 20:30 local; the period at 20:00 UTC starts the local night rate
    cdr = _cdr(NIGHT, "2026-01-13T19:30:00", (30, {"ENERGY": 5}), (60, {"ENERGY": 10}))
    found = exercised(cdr, time_zone="Europe/Amsterdam")
    assert "local_time" in found and found["local_time"].req == "REQ-TAR-012"
    # reference: 5 x 0.40 + 10 x 0.20 = 4.00; in UTC the second period is still peak: 6.00
    assert found["local_time"].reference.excl == Decimal("4.00")
    assert found["local_time"].mistaken.excl == Decimal("6.00")
    assert "price_changes" in found  # the price changes at the second period's start
    assert "kwh_restrictions" not in found and "step_size" not in found
    text = found["local_time"].text()
    assert "evaluated in UTC 6.00 excl." in text and "as the rule says 4.00 excl." in text


def test_a_session_that_never_meets_a_restriction_boundary_exercises_nothing() -> None:
    cdr = _cdr(NIGHT, "2026-01-13T10:00:00", (60, {"ENERGY": 10}))
    assert exercised(cdr, time_zone="Europe/Amsterdam") == {}


def test_exclusive_end_and_and_of_time_bounds() -> None:
    # a period starting exactly at 07:00 local: an inclusive end would keep the night rate
    cdr = _cdr(NIGHT, "2026-01-14T05:00:00", (60, {"ENERGY": 4}), (60, {"ENERGY": 4}))
    found = exercised(
        cdr, time_zone="Europe/Amsterdam", features=["exclusive_end", "restrictions_and"]
    )
    assert set(found) == {"exclusive_end"}  # 21:00-07:00 split in two equals the same window
    peak = tariff(
        element(comp("ENERGY", "0.50"), start_time="17:00", end_time="21:00"),
        element(comp("ENERGY", "0.30")),
    )
    cdr = _cdr(peak, "2026-01-14T10:00:00", (60, {"ENERGY": 4}))  # 11:00 local: off-peak
    found = exercised(cdr, time_zone="Europe/Amsterdam", features=["restrictions_and"])
    assert set(found) == {"restrictions_and"}  # OR-ed: "from 17:00" or "until 21:00" matches


def test_kwh_power_and_duration_restrictions() -> None:
    bands = tariff(
        element(comp("ENERGY", "0.60"), max_kwh="10"),
        element(comp("ENERGY", "0.50"), min_power="50", max_power="150"),
        element(comp("ENERGY", "0.40")),
        element(comp("PARKING_TIME", "6.00"), min_duration=3600),
    )
    cdr = _cdr(
        bands,
        "2026-01-14T10:00:00",
        (10, {"ENERGY": 10, "TIME": Decimal(1) / 6, "MIN_POWER": 60, "MAX_POWER": 60}),
        (20, {"ENERGY": 20, "TIME": Decimal(1) / 3, "MIN_POWER": 200, "MAX_POWER": 200}),
        (60, {"PARKING_TIME": 1}),
    )
    found = exercised(cdr, time_zone="UTC")
    # at 200 kW the 50-150 kW band does not apply: 0.40, not 0.50 (ignored, or min OR max)
    assert {"kwh_restrictions", "power_restrictions", "restrictions_and"} <= set(found)
    cdr = _cdr(
        bands,
        "2026-01-14T10:00:00",
        (30, {"ENERGY": 5, "TIME": Decimal("0.5")}),
        (30, {"PARKING_TIME": Decimal("0.5")}),  # idle, before the fee starts at one hour
        (30, {"PARKING_TIME": Decimal("0.5")}),
    )
    assert "duration_restrictions" in exercised(cdr, time_zone="UTC")


def test_min_and_max_price_and_step_size() -> None:
    capped = tariff(
        element(comp("FLAT", "1.00"), comp("ENERGY", "0.50")),
        min_price={"excl_vat": Decimal("2.00"), "incl_vat": Decimal("2.00")},
        max_price={"excl_vat": Decimal("20.00"), "incl_vat": Decimal("20.00")},
    )
    small = _cdr(capped, "2026-01-14T10:00:00", (10, {"ENERGY": 1}))
    big = _cdr(capped, "2026-01-14T10:00:00", (60, {"ENERGY": 60}))
    assert set(exercised(small, time_zone="UTC")) == {"min_price"}
    assert set(exercised(big, time_zone="UTC")) == {"max_price"}
    stepped = tariff(element(comp("PARKING_TIME", "2.40", step=900)))
    cdr = _cdr(stepped, "2026-01-14T10:00:00", (61, {"PARKING_TIME": Decimal(61) / 60}))
    found = exercised(cdr, time_zone="UTC")
    assert set(found) == {"step_size"}
    reference = found["step_size"].reference.excl
    assert reference is not None and abs(reference - Decimal("3.00")) < Decimal("0.001")
    # billed: 5 started quarters of an hour at 2.40 / h; per second it would be 2.44


def test_periods_not_split_hide_a_price_change() -> None:
    cdr = _cdr(NIGHT, "2026-01-13T19:30:00", (30, {"ENERGY": 5}), (60, {"ENERGY": 10}))
    ref, wrong, merged = mistaken_report("price_changes", cdr, time_zone="Europe/Amsterdam")
    assert merge_price_changes(ref) == [1]
    assert len(merged.periods) == 1 and merged.periods[0].energy == Decimal(15)
    assert any(i.code == "restriction_boundary_inside_period" for i in wrong.issues)
    # a CDR that already merged them still exercises the rule (the price change is inside)
    one = _cdr(NIGHT, "2026-01-13T19:30:00", (90, {"ENERGY": 15}))
    assert "price_changes" in exercised(one, time_zone="Europe/Amsterdam")


def test_restriction_use_names_what_selected_and_rejected() -> None:
    cdr = _cdr(NIGHT, "2026-01-13T19:30:00", (30, {"ENERGY": 5}), (60, {"ENERGY": 10}))
    report = price(None, cdr, time_zone="Europe/Amsterdam")
    assert restriction_use(report) == {"time": {"selected", "rejected"}}


def test_expired_reservation_detection_and_errors() -> None:
    reserved = session("2026-01-13T10:00:00", (30, {"RESERVATION_TIME": Decimal("0.5")}))
    charged = session("2026-01-13T10:00:00", (30, {"ENERGY": 3}))
    assert looks_like_expired_reservation(load_session(reserved))
    assert not looks_like_expired_reservation(load_session(charged))
    with pytest.raises(KeyError):
        exercised(_cdr(NIGHT, "2026-01-13T10:00:00", (5, {"ENERGY": 1})), time_zone="UTC",
                  features=["nonsense"])  # fmt: skip
    with pytest.raises(BillingInputError):
        exercised(charged, time_zone="UTC")  # no tariff at all
