"""Golden cases: every folder of fixtures/billing is priced and checked field by field.

A case folder holds ``tariff.json`` (or none: the CDR's own tariffs), ``cdr.json``, ``case.json``
(version, time zone, policy, expected totals as strings rounded to the currency's minor unit,
optional exact values, expected issue codes) and ``note.md`` with the arithmetic and its source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from harness.billing import parse_json
from tests.billing.golden import (
    MONEY_FIELDS,
    SPEC,
    VOLUME_FIELDS,
    Case,
    actual_field,
    load_cases,
    matches,
    report_of,
)

CASES = load_cases()
FIELDS = MONEY_FIELDS + VOLUME_FIELDS


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 50


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden_field(case: Case, field: str) -> None:
    expected = case.expected[field]
    actual = actual_field(report_of(case.name), field)
    assert matches(expected, actual), f"{case.name}: {field} expected {expected}, got {actual}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden_exact_values(case: Case) -> None:
    exact: dict[str, Any] = case.meta.get("expected_exact", {})
    report = report_of(case.name)
    for name, sides in exact.items():
        amount = report.amount(name)
        assert amount is not None, name
        for side, attr in (("excl_vat", "excl"), ("incl_vat", "incl")):
            want = sides[side]
            got = getattr(amount, attr)
            if want is None:
                assert got is None, (name, side)
            else:
                assert got == Decimal(want), f"{name}.{side}: exact {got} != {want}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden_issues(case: Case) -> None:
    """The MUST/SHOULD issues the engine raises are exactly the ones the case expects."""
    report = report_of(case.name)
    raised = sorted({i.code for i in report.issues if i.level != "INFO"})
    assert raised == sorted(case.meta.get("expected_issues", []))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden_breakdown_adds_up(case: Case) -> None:
    """The breakdown lines sum to the sub-totals (what a vendor compares line by line)."""
    report = report_of(case.name)
    for k, name in enumerate(MONEY_FIELDS[1:]):
        lines = [ln for ln in report.lines if ln.bucket == k and ln.choice is not None]
        amount = report.amount(name)
        if amount is None:
            assert not lines, name
            continue
        if amount.excl is not None and report.policy.rounding != "per_bucket":
            assert sum((ln.excl for ln in lines), Decimal(0)) == amount.excl, name


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.meta.get("spec_tariff")], ids=lambda c: c.name
)
def test_golden_matches_the_spec_example_tariff(case: Case) -> None:
    """Priced with the specification's own example file, the case gives the same totals."""
    path = SPEC / case.meta["spec_tariff"]
    if not path.is_file():
        pytest.skip(f"{path} not available")
    report = case.price(parse_json(path.read_text()))
    for field in FIELDS:
        assert matches(case.expected[field], actual_field(report, field)), field


@pytest.mark.parametrize("case", [c for c in CASES if c.meta.get("verify")], ids=lambda c: c.name)
def test_golden_cdr_totals_verify(case: Case) -> None:
    """Cases whose CDR carries its own totals verify without any MUST finding."""
    result = case.verify()
    assert result.ok, [f.message for f in result.findings if f.level == "MUST"]


def test_a_changed_expected_amount_fails() -> None:
    """Moving any expected amount by one cent is caught by the comparison."""
    checked = 0
    for case in CASES:
        report = report_of(case.name)
        for field in MONEY_FIELDS:
            expected = case.expected[field]
            if expected is None:
                continue
            for side in ("excl_vat", "incl_vat"):
                if expected[side] is None:
                    continue
                moved = dict(expected)
                moved[side] = f"{Decimal(expected[side]) + Decimal('0.01'):f}"
                assert not matches(moved, actual_field(report, field))
                checked += 1
    assert checked > 100


def test_golden_cases_price_identically_through_the_json_path() -> None:
    """The JSON form carries the same rounded totals as the report."""
    for case in CASES[:20]:
        report = report_of(case.name)
        data = parse_json(report.to_json_text())
        assert isinstance(data, dict)
        for field in MONEY_FIELDS:
            expected = case.expected[field]
            got = data[field]
            if expected is None:
                assert got is None
            else:
                assert {k: None if v is None else str(v) for k, v in got.items()} == expected
