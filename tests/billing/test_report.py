"""The report: JSON form, breakdown, text; and the public API's inputs (models, zones, errors)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from harness.billing import (
    PriceReport,
    load_session,
    load_tariff,
    parse_json,
    price,
)
from harness.billing.report import dumps
from harness.errors import BillingInputError
from tests.billing.golden import FIXTURES, report_of
from tests.billing.helpers import comp, element, run, session, tariff


def test_json_form_keys_and_rounding() -> None:
    data = report_of("spec_tariff_4_complex_saturday").to_json()
    assert list(data)[:4] == ["currency", "ocpi_version", "time_zone", "reservation_expired"]
    assert data["total_cost"] == {"excl_vat": Decimal("12.38"), "incl_vat": Decimal("13.98")}
    assert data["total_fixed_cost"] == {"excl_vat": Decimal("2.50"), "incl_vat": Decimal("2.88")}
    assert data["total_reservation_cost"] is None
    assert data["total_time"] == Decimal("3.083333")
    exact = data["exact"]
    assert isinstance(exact, dict)
    assert exact["total_cost"] == {"excl_vat": Decimal("12.375"), "incl_vat": Decimal("13.975")}


def test_json_text_has_plain_numbers() -> None:
    text = report_of("currency_jpy_no_decimals").to_json_text()
    assert '"excl_vat": 556,' in text
    assert "E+" not in text and "e-" not in text
    parsed = json.loads(text, parse_float=Decimal)
    assert parsed["total_cost"]["incl_vat"] == 611
    assert dumps({"a": [Decimal("1.50"), None, True]}, indent=None) == '{"a": [1.50, null, true]}'


def test_breakdown_line_fields() -> None:
    breakdown = report_of("spec_tariff_4_complex_saturday").to_json()["breakdown"]
    assert isinstance(breakdown, list)
    assert [b["dimension"] for b in breakdown] == ["FLAT", "ENERGY", "TIME", "PARKING_TIME"]
    assert breakdown[1]["element"] is None  # no ENERGY component: free
    line = breakdown[3]
    assert line["local_start"] == "2024-06-08T15:24:00+02:00"
    assert (line["element"], line["price"], line["vat"], line["step_size"]) == (
        5,
        Decimal("6.00"),
        Decimal("10.0"),
        300,
    )
    assert (line["volume"], line["billed_volume"]) == (Decimal("1.183333"), Decimal("1.25"))
    assert line["bucket"] == "total_parking_cost"
    assert line["cost"] == {"excl_vat": Decimal("7.5"), "incl_vat": Decimal("8.25")}
    assert "step_size 300" in line["step"]
    assert [n["element"] for n in line["not_matched"]] == [4]


def test_breakdown_explains_elements_of_the_other_phase() -> None:
    report = report_of("spec_tariff_17_reservation_used")
    flat = next(ln for ln in report.lines if ln.dimension == "FLAT")
    assert report.not_matched(flat) == [
        (0, "a RESERVATION_EXPIRES element; not active in the charging phase (AMB-23)")
    ]


def test_render_text_lists_lines_steps_totals_and_issues() -> None:
    text = report_of("restriction_boundary_inside_period_reported").render_text()
    assert "time zone Europe/Madrid" in text
    assert "policy: defaults" in text
    assert "total_cost" in text and "2.00" in text
    assert (
        "[MUST REQ-CDR-013] period 0: the priced ENERGY component changes at 2024-01-16T16:00:00Z"
        in text
    )
    free = report_of("spec_tariff_8_energy_20kwh").render_text()
    assert "no element prices TIME here: no cost (REQ-TAR-010)" in free


def test_lines_for_a_bucket() -> None:
    report = report_of("spec_tariff_10_parking_after_charging")
    assert [ln.dimension for ln in report.lines_for("total_parking_cost")] == ["PARKING_TIME"]
    assert len(report.lines_for("total_cost")) == len(report.lines)


def test_models_can_be_passed_directly() -> None:
    t = load_tariff(tariff(element(comp("ENERGY", "0.3"))))
    s = load_session(session("2024-05-06T08:00:00Z", (60, {"ENERGY": 10})))
    report = price(t, s, time_zone=None)
    assert isinstance(report, PriceReport)
    assert report.total_cost.excl == 3
    assert price([t], s, time_zone=None).total_cost.excl == 3


def test_compiled_tariff_is_cached_on_the_model() -> None:
    t = load_tariff(tariff(element(comp("ENERGY", "0.3"))))
    price(t, session("2024-05-06T08:00:00Z", (60, {"ENERGY": 10})), time_zone=None)
    assert len(t.cache) == 1
    price(t, session("2024-05-06T08:00:00Z", (60, {"ENERGY": 11})), time_zone=None)
    assert len(t.cache) == 1


def test_missing_tariff_and_bad_zone_are_input_errors() -> None:
    cdr = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 10}))
    with pytest.raises(BillingInputError, match="tariff missing"):
        price(None, cdr, time_zone=None)
    with pytest.raises(BillingInputError, match="unknown IANA time zone 'Nowhere/Land'"):
        price(tariff(element(comp("ENERGY", "1"))), cdr, time_zone="Nowhere/Land")
    with pytest.raises(BillingInputError, match="input: not valid JSON"):
        parse_json("{")


def test_tariff_validity_and_unresolved_ids_are_reported() -> None:
    expired = tariff(element(comp("ENERGY", "1")), end_date_time="2020-01-01T00:00:00Z")
    cdr = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 1}))
    cdr["charging_periods"][0]["tariff_id"] = "OTHER"
    report = price(expired, cdr, time_zone=None)
    assert {i.code for i in report.issues} == {"tariff_not_valid_at_start", "tariff_id_unresolved"}
    assert report.total_cost.excl == 1


def test_currency_mismatch_and_missing_currency() -> None:
    t = tariff(element(comp("ENERGY", "1")), currency="SEK")
    cdr = session("2024-05-06T08:00:00Z", (60, {"ENERGY": 1}))
    assert "currency_mismatch" in {i.code for i in price(t, cdr, time_zone=None).issues}
    del cdr["currency"]
    report = price(t, cdr, time_zone=None)
    assert report.currency == "SEK"
    assert "currency_missing" in {i.code for i in report.issues}


def test_report_of_a_2_1_1_session_has_unknown_vat() -> None:
    report = run(
        tariff(element(comp("ENERGY", "1"))), session("2024-05-06T08:00:00Z", (60, {"ENERGY": 2}))
    )
    assert report.total_cost.incl == 2
    v211 = price(
        tariff(element({"type": "ENERGY", "price": 1, "step_size": 1})),
        session("2024-05-06T08:00:00Z", (60, {"ENERGY": 2})),
        time_zone=None,
        version="2.1.1",
    )
    assert v211.total_cost.incl is None
    assert v211.to_json()["total_cost"] == {"excl_vat": Decimal("2.00"), "incl_vat": None}


def test_fixture_notes_exist() -> None:
    for folder in FIXTURES.iterdir():
        note = folder / "note.md"
        assert note.is_file(), folder
        text = note.read_text()
        assert "Source:" in text and len(text) > 80, folder
