"""Per-version adapters: wire JSON to the version-free model, and the errors they name."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from harness.billing import BillingFieldError, load_session, load_tariff, load_tariffs
from harness.billing.adapters import adapt_tariff
from harness.billing.model import Dimension, ReservationKind, TaxIncluded
from harness.errors import BillingInputError
from tests.billing.helpers import comp, element, session, tariff


def test_v221_tariff() -> None:
    t = load_tariff(
        tariff(
            element(
                comp("ENERGY", "0.25", 1, "10.0"),
                start_time="08:00",
                end_time="00:00",
                day_of_week=["MONDAY", "SUNDAY"],
                min_current=Decimal("6"),
            ),
            element(comp("TIME", "5", 60), reservation="RESERVATION_EXPIRES"),
            min_price={"excl_vat": Decimal("1"), "incl_vat": Decimal("1.21")},
            start_date_time="2024-01-01T00:00:00Z",
        )
    )
    first, second = t.elements
    assert first.components[0].dimension is Dimension.ENERGY
    assert first.components[0].vat == Decimal("10.0")
    r = first.restrictions
    assert r is not None
    assert (r.start_time, r.end_time, r.day_of_week, r.min_current) == (
        480,
        1440,
        frozenset({0, 6}),
        Decimal("6"),
    )
    assert second.restrictions is not None
    assert second.restrictions.reservation is ReservationKind.RESERVATION_EXPIRES
    assert t.min_price is not None and t.min_price.incl == Decimal("1.21")
    assert t.start_date_time == datetime(2024, 1, 1, tzinfo=UTC)
    assert t.uses_local_time


def test_v211_tariff_has_no_vat_and_reads_string_prices() -> None:
    raw = tariff(
        element(
            {"type": "TIME", "price": "2.00", "vat": 21, "step_size": 300},
            min_current=Decimal("16"),
        )
    )
    t = load_tariff(raw, "2.1.1")
    comp_ = t.elements[0].components[0]
    assert (comp_.price, comp_.vat) == (Decimal("2.00"), None)
    assert t.elements[0].restrictions is None  # min_current does not exist in 2.1.1
    assert any("ERR-11" in w for w in t.warnings)
    assert any("vat" in w for w in t.warnings)
    assert any("min_current" in w for w in t.warnings)
    with pytest.raises(BillingFieldError, match="price: expected a number, got 'two'"):
        load_tariff(tariff(element({"type": "TIME", "price": "two", "step_size": 1})), "2.1.1")
    with pytest.raises(BillingFieldError, match="expected a number, got string"):
        load_tariff(tariff(element({"type": "TIME", "price": "2.00", "step_size": 1})), "2.2.1")


def test_v230_tax_included_and_price_limits() -> None:
    t = load_tariff(
        tariff(
            element(comp("TIME", "2.1")),
            tax_included="YES",
            max_price={"before_taxes": Decimal("10"), "after_taxes": Decimal("12")},
        ),
        "2.3.0",
    )
    assert t.tax_included is TaxIncluded.YES
    assert t.max_price is not None and (t.max_price.excl, t.max_price.incl) == (10, 12)
    missing = load_tariff(tariff(element(comp("TIME", "2"))), "2.3.0")
    assert missing.tax_included is TaxIncluded.NO
    assert any("ERR-08" in w for w in missing.warnings)
    with pytest.raises(BillingFieldError) as info:
        load_tariff(tariff(element(comp("TIME", "2")), tax_included="MAYBE"), "2.3.0")
    assert info.value.pointer == "/tax_included"
    with pytest.raises(BillingFieldError) as info:
        load_tariff(
            tariff(
                element(comp("TIME", "2")), tax_included="NO", min_price={"excl_vat": Decimal("1")}
            ),
            "2.3.0",
        )
    assert info.value.pointer == "/min_price/before_taxes"


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        ({"currency": "EUR", "elements": []}, "/id"),
        ({"id": "T", "currency": "EUR", "elements": []}, "/elements"),
        (
            {"id": "T", "currency": "EUR", "elements": [{"price_components": []}]},
            "/elements/0/price_components",
        ),
        (
            {
                "id": "T",
                "currency": "EUR",
                "elements": [{"price_components": [{"type": "SOLAR", "price": 1, "step_size": 1}]}],
            },
            "/elements/0/price_components/0/type",
        ),
        (
            {
                "id": "T",
                "currency": "EUR",
                "elements": [{"price_components": [{"type": "TIME", "price": 1, "step_size": -5}]}],
            },
            "/elements/0/price_components/0/step_size",
        ),
        (
            {
                "id": "T",
                "currency": "EUR",
                "elements": [
                    {
                        "price_components": [
                            {"type": "TIME", "price": 1, "step_size": Decimal("1.5")}
                        ]
                    }
                ],
            },
            "/elements/0/price_components/0/step_size",
        ),
        (
            {
                "id": "T",
                "currency": "EUR",
                "elements": [
                    {
                        "price_components": [{"type": "TIME", "price": 1, "step_size": 1}],
                        "restrictions": "weekdays",
                    }
                ],
            },
            "/elements/0/restrictions",
        ),
    ],
)
def test_malformed_tariffs_name_the_pointer(raw: dict[str, Any], pointer: str) -> None:
    with pytest.raises(BillingFieldError) as info:
        adapt_tariff(raw, "2.2.1")
    assert info.value.pointer == pointer
    assert str(info.value).startswith(f"input: {pointer}:")


def test_tariff_list_pointers_carry_the_index() -> None:
    good = tariff(element(comp("TIME", "1")))
    bad = tariff(element({"type": "TIME", "step_size": 1}))
    with pytest.raises(BillingFieldError) as info:
        load_tariffs([good, bad])
    assert info.value.pointer == "/1/elements/0/price_components/0/price"


def test_session_timestamps_are_normalised_to_utc() -> None:
    s = load_session(
        {
            "start_date_time": "2024-05-06T10:00:00+02:00",
            "end_date_time": "2024-05-06T09:00:00",
            "charging_periods": [
                {
                    "start_date_time": "2024-05-06T08:00:00.250Z",
                    "dimensions": [{"type": "ENERGY", "volume": 1}],
                }
            ],
        }
    )
    assert s.start == datetime(2024, 5, 6, 8, tzinfo=UTC)
    assert s.end == datetime(2024, 5, 6, 9, tzinfo=UTC)
    assert s.periods[0].start == datetime(2024, 5, 6, 8, 0, 0, 250000, tzinfo=UTC)
    assert s.periods[0].energy == Decimal(1)
    assert s.currency == ""


def test_session_dimension_handling() -> None:
    raw = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 1}))
    raw["charging_periods"][0]["dimensions"] += [
        {"type": "ENERGY", "volume": 2},
        {"type": "STATE_OF_CHARGE", "volume": 80},
        {"type": "WIND_SPEED", "volume": 3},
        {"type": "MAX_CURRENT", "volume": 16},
    ]
    s = load_session(raw)
    p = s.periods[0]
    assert (p.energy, p.max_current) == (Decimal(3), Decimal(16))
    assert any("summed" in w for w in s.warnings)
    assert any("WIND_SPEED" in w for w in s.warnings)
    assert not any("STATE_OF_CHARGE" in w for w in s.warnings)  # verify reports it, not the adapter


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"start_date_time": "yesterday"}, "/start_date_time"),
        ({"end_date_time": None}, "/end_date_time"),
        ({"charging_periods": []}, "/charging_periods"),
        ({"charging_periods": {"a": 1}}, "/charging_periods"),
        ({"currency": 978}, "/currency"),
    ],
)
def test_malformed_sessions_name_the_pointer(change: dict[str, Any], pointer: str) -> None:
    raw = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 1}))
    raw.update(change)
    with pytest.raises(BillingFieldError) as info:
        load_session(raw)
    assert info.value.pointer == pointer


@pytest.mark.parametrize(
    ("dimension", "problem"),
    [
        ({"type": "TIME", "volume": -1}, "TIME volume must not be negative"),
        ({"type": "TIME", "volume": "1"}, "expected a number, got string"),
        ({"type": "TIME", "volume": True}, "expected a number, got boolean"),
        ({"volume": 1}, "required field is missing"),
        ({"type": "TIME", "volume": float("nan")}, "expected a finite number"),
    ],
)
def test_malformed_dimensions(dimension: dict[str, Any], problem: str) -> None:
    raw = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 1}))
    raw["charging_periods"][0]["dimensions"].append(dimension)
    with pytest.raises(BillingFieldError, match=problem):
        load_session(raw)


def test_v211_cdr_and_session_keys() -> None:
    cdr = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 1}))
    cdr["stop_date_time"] = cdr.pop("end_date_time")
    cdr["location"] = {"time_zone": "Europe/Brussels"}
    s = load_session(cdr, "2.1.1")
    assert s.time_zone == "Europe/Brussels"
    assert s.version == "2.1.1"
    with pytest.raises(BillingFieldError, match="/end_date_time: required field is missing"):
        load_session(cdr, "2.2.1")


def test_unknown_version() -> None:
    with pytest.raises(BillingInputError, match=r"unknown OCPI version '3\.0'"):
        load_tariff(tariff(element(comp("TIME", "1"))), "3.0")


def test_floats_from_python_callers_go_through_str() -> None:
    t = load_tariff(tariff(element({"type": "ENERGY", "price": 0.1, "step_size": 1})))
    assert t.elements[0].components[0].price == Decimal("0.1")
