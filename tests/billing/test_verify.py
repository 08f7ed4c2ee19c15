"""verify_cdr: the CDR's own totals against the reference, and the §3.9 consistency checks."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from harness.billing import AMOUNT_CHECK, Policy, parse_json, verify_cdr
from tests.billing.golden import FIXTURES

FOLDER = FIXTURES / "spec_tariff_13_time_and_parking"
TARIFF = parse_json((FOLDER / "tariff.json").read_text())
CDR = parse_json((FOLDER / "cdr.json").read_text())
assert isinstance(CDR, dict)


def cdr(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(CDR)
    assert isinstance(out, dict)
    out.update(changes)
    return out


def checks(result: Any, level: str | None = None) -> set[str]:
    return {f.check for f in result.findings if level is None or f.level == level}


def price(excl: str, incl: str) -> dict[str, Decimal]:
    return {"excl_vat": Decimal(excl), "incl_vat": Decimal(incl)}


def test_a_correct_cdr_has_no_findings_above_info() -> None:
    result = verify_cdr(TARIFF, CDR, time_zone=None)
    assert result.ok
    assert [f for f in result.findings if f.level != "INFO"] == []
    assert result.mismatches == ()


def test_total_cost_mismatch_is_a_must_finding_with_pointer_and_values() -> None:
    result = verify_cdr(TARIFF, cdr(total_cost=price("11.00", "12.75")), time_zone=None)
    assert not result.ok
    (finding,) = result.mismatches
    assert finding.check == AMOUNT_CHECK
    assert finding.level == "MUST"
    assert finding.ref == "REQ-CDR-025"
    assert finding.pointer == "/total_cost/excl_vat"
    assert (finding.expected, finding.actual) == ("11.25", "11")


def test_tolerance_applies_per_amount() -> None:
    off_by_a_cent = cdr(total_cost=price("11.26", "12.74"))
    assert verify_cdr(TARIFF, off_by_a_cent, time_zone=None).ok
    strict = verify_cdr(TARIFF, off_by_a_cent, time_zone=None, tolerance=Decimal("0"))
    assert {f.pointer for f in strict.mismatches} == {
        "/total_cost/excl_vat",
        "/total_cost/incl_vat",
    }


def test_subtotal_mismatch_names_the_bucket() -> None:
    result = verify_cdr(TARIFF, cdr(total_parking_cost=price("3.50", "4.20")), time_zone=None)
    assert {f.pointer for f in result.mismatches} == {
        "/total_parking_cost/excl_vat",
        "/total_parking_cost/incl_vat",
    }
    # the CDR no longer adds up either
    assert "cdr_subtotals_add_up" in checks(result, "MUST")


def test_subtotals_must_add_up_to_the_total() -> None:
    bad = cdr(total_time_cost=price("7.40", "8.25"))
    result = verify_cdr(TARIFF, bad, time_zone=None)
    assert "cdr_subtotals_add_up" in checks(result, "MUST")


def test_missing_total_cost_is_reported() -> None:
    partial = cdr()
    del partial["total_cost"]
    result = verify_cdr(TARIFF, partial, time_zone=None)
    assert any(f.pointer == "/total_cost" and f.ref == "REQ-CDR-018" for f in result.findings)


def test_absent_subtotal_is_info_only() -> None:
    partial = cdr()
    del partial["total_parking_cost"]
    result = verify_cdr(TARIFF, partial, time_zone=None)
    assert result.ok
    assert any(f.pointer == "/total_parking_cost" and f.level == "INFO" for f in result.findings)


def test_volumes_are_checked() -> None:
    result = verify_cdr(
        TARIFF,
        cdr(
            total_energy=Decimal("26"), total_time=Decimal("3.5"), total_parking_time=Decimal("0.9")
        ),
        time_zone=None,
    )
    assert {
        "cdr_total_energy_matches_periods",
        "cdr_total_time_matches_session",
        "cdr_total_parking_time_matches_periods",
    } <= checks(result, "MUST")


def test_energy_in_wh_is_flagged() -> None:
    wh = cdr(total_energy=Decimal("25"))
    wh["charging_periods"][0]["dimensions"][0]["volume"] = Decimal("25000")
    result = verify_cdr(TARIFF, wh, time_zone=None)
    energy = [f for f in result.findings if f.check == "cdr_energy_unit_kwh"]
    assert {f.ref for f in energy} == {"AMB-14"}
    assert {f.level for f in energy} == {"MUST", "SHOULD"}  # vs total_energy, and implausible kW


def test_session_only_dimensions_are_flagged() -> None:
    bad = cdr()
    bad["charging_periods"][0]["dimensions"].append({"type": "STATE_OF_CHARGE", "volume": 80})
    result = verify_cdr(TARIFF, bad, time_zone=None)
    (finding,) = [f for f in result.findings if f.check == "cdr_no_session_only_dimensions"]
    assert finding.ref == "REQ-CDR-019"
    assert finding.pointer == "/charging_periods/0/dimensions/2/type"


def test_tariff_refs_must_resolve_to_the_cdr_tariffs() -> None:
    bad = cdr(tariffs=[TARIFF])
    bad["charging_periods"][1]["tariff_id"] = "NOPE"
    result = verify_cdr(None, bad, time_zone=None)
    refs = [f for f in result.findings if f.check == "cdr_tariff_refs_resolve"]
    assert [f.pointer for f in refs] == ["/charging_periods/1/tariff_id"]
    assert refs[0].ref == "REQ-CDR-022"


def test_periods_outside_the_session_and_out_of_order() -> None:
    bad = cdr()
    bad["charging_periods"][1]["start_date_time"] = "2024-05-06T07:00:00Z"
    result = verify_cdr(TARIFF, bad, time_zone=None)
    assert {"periods_not_ordered", "cdr_periods_inside_session"} <= checks(result, "MUST")


def test_period_time_volume_must_match_its_length() -> None:
    bad = cdr()
    bad["charging_periods"][0]["dimensions"][1]["volume"] = Decimal("2.0")  # 2.5 h long
    result = verify_cdr(TARIFF, bad, time_zone=None)
    assert "cdr_period_time_matches_length" in checks(result, "SHOULD")


def test_incl_below_excl_is_flagged() -> None:
    result = verify_cdr(TARIFF, cdr(total_time_cost=price("7.50", "7.00")), time_zone=None)
    assert "cdr_incl_vat_not_below_excl" in checks(result, "SHOULD")


def test_restriction_boundary_inside_a_period_is_a_must_finding() -> None:
    folder = FIXTURES / "restriction_boundary_inside_period_reported"
    tariff = parse_json((folder / "tariff.json").read_text())
    raw = parse_json((folder / "cdr.json").read_text())
    assert isinstance(raw, dict)
    raw["total_cost"] = price("2.00", "2.00")
    result = verify_cdr(tariff, raw, time_zone="Europe/Madrid")  # type: ignore[arg-type]
    (finding,) = [f for f in result.findings if f.check == "restriction_boundary_inside_period"]
    assert (finding.level, finding.ref) == ("MUST", "REQ-CDR-013")
    assert "AMB-08" in finding.message
    assert not result.ok
    prorated = verify_cdr(
        tariff,
        raw,
        time_zone="Europe/Madrid",  # type: ignore[arg-type]
        policy=Policy(restriction_split="prorate"),
    )
    assert {f.pointer for f in prorated.mismatches} == {
        "/total_cost/excl_vat",
        "/total_cost/incl_vat",
    }


def test_clamped_session_checks_total_and_treats_subtotals_as_should() -> None:
    folder = FIXTURES / "spec_tariff_6_max_price_clamps"
    tariff = parse_json((folder / "tariff.json").read_text())
    raw = parse_json((folder / "cdr.json").read_text())
    assert isinstance(raw, dict)
    raw.update(
        total_cost=price("10.00", "11.00"),
        total_energy_cost=price("9.50", "10.45"),
        total_fixed_cost=price("0.50", "0.60"),
    )
    result = verify_cdr(tariff, raw, time_zone=None)  # type: ignore[arg-type]
    assert result.ok
    energy = [f for f in result.findings if f.pointer.startswith("/total_energy_cost")]
    assert {(f.level, f.ref) for f in energy} == {("SHOULD", "AMB-19")}
    wrong_total = dict(raw, total_cost=price("13.00", "14.35"))
    result = verify_cdr(tariff, wrong_total, time_zone=None)  # type: ignore[arg-type]
    assert {f.ref for f in result.mismatches if f.level == "MUST"} == {"REQ-TAR-019"}
    skip = verify_cdr(tariff, raw, time_zone=None, policy=Policy(clamped_subtotals="skip"))  # type: ignore[arg-type]
    assert not [f for f in skip.findings if f.pointer.startswith("/total_energy_cost")]


def test_credit_cdr_totals_are_negated() -> None:
    credit = cdr(
        credit=True,
        credit_reference_id="CDR-GOLDEN",
        total_cost=price("-11.25", "-12.75"),
        total_time_cost=price("7.50", "8.25"),
        total_parking_cost=price("-3.75", "-4.50"),
    )
    result = verify_cdr(TARIFF, credit, time_zone=None)
    assert result.ok
    assert {f.pointer for f in result.findings if f.check == "cdr_credit_sign"} == {
        "/total_time_cost/excl_vat",
        "/total_time_cost/incl_vat",
    }
    strict = verify_cdr(TARIFF, credit, time_zone=None, policy=Policy(credit_subtotals="negated"))
    assert not strict.ok
    positive = verify_cdr(TARIFF, dict(credit, total_cost=price("11.25", "12.75")), time_zone=None)
    assert {f.ref for f in positive.mismatches} == {"REQ-CDR-008"}
    no_ref = dict(credit)
    del no_ref["credit_reference_id"]
    assert "cdr_credit_reference" in checks(verify_cdr(TARIFF, no_ref, time_zone=None), "MUST")


def test_v211_total_cost_is_a_number() -> None:
    folder = FIXTURES / "v211_cdr_example_price_as_string"
    raw = parse_json((folder / "cdr.json").read_text())
    assert isinstance(raw, dict)
    assert verify_cdr(None, raw, time_zone=None, version="2.1.1").ok
    wrong = dict(raw, total_cost=Decimal("3.50"))
    result = verify_cdr(None, wrong, time_zone=None, version="2.1.1")
    assert [f.pointer for f in result.mismatches] == ["/total_cost"]


def test_v230_price_shape_with_taxes() -> None:
    folder = FIXTURES / "v230_cdr_example_missing_tax_included"
    raw = parse_json((folder / "cdr.json").read_text())
    assert isinstance(raw, dict)
    assert verify_cdr(None, raw, time_zone=None, version="2.3.0").ok
    wrong = dict(
        raw,
        total_cost={
            "before_taxes": Decimal("4.00"),
            "taxes": [{"name": "VAT", "amount": Decimal("0.80")}],
        },
    )
    result = verify_cdr(None, wrong, time_zone=None, version="2.3.0")
    assert [f.pointer for f in result.mismatches] == ["/total_cost/taxes"]


def test_v230_tax_included_without_vat_compares_after_tax_only() -> None:
    folder = FIXTURES / "v230_tax_included_without_vat"
    tariff = parse_json((folder / "tariff.json").read_text())
    raw = parse_json((folder / "cdr.json").read_text())
    assert isinstance(raw, dict)
    raw["total_cost"] = {
        "before_taxes": Decimal("4.66"),
        "taxes": [{"name": "GST", "amount": Decimal("0.59")}],
    }
    result = verify_cdr(tariff, raw, time_zone=None, version="2.3.0")  # type: ignore[arg-type]
    assert result.ok
    assert any(f.ref == "AMB-26" and f.level == "INFO" for f in result.findings)


def test_finding_json_form() -> None:
    result = verify_cdr(TARIFF, cdr(total_cost=price("11.00", "12.75")), time_zone=None)
    data = result.to_json()
    assert data["ok"] is False
    first = data["findings"][0]  # type: ignore[index]
    assert set(first) == {"check", "level", "ref", "pointer", "expected", "actual", "message"}


@pytest.mark.parametrize(
    "name", ["spec_tariff_13_time_and_parking", "spec_cdr_example_embedded_tariff"]
)
def test_render_text_verdict(name: str) -> None:
    folder = FIXTURES / name
    tariff_path = folder / "tariff.json"
    tariff = parse_json(tariff_path.read_text()) if tariff_path.exists() else None
    raw = parse_json((folder / "cdr.json").read_text())
    assert isinstance(raw, dict)
    text = verify_cdr(tariff, raw, time_zone=None).render_text()  # type: ignore[arg-type]
    assert text.endswith("policy defaults)")
    assert "OK: the CDR matches the reference" in text
