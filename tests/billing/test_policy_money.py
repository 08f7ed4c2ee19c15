"""Policy switches (names, values, errors) and money helpers (minor units, rounding)."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import get_args, get_type_hints

import pytest

from harness.billing import POLICY_REFS, Policy, compiled_modules
from harness.billing.money import ceil_to_step, fmt, minor_unit, quantize_money, to_decimal
from harness.errors import BillingInputError


def test_every_switch_names_its_ambiguity_and_defaults_to_the_first_value() -> None:
    choices = Policy.choices()
    assert set(POLICY_REFS) == set(choices)
    default = Policy()
    for key, values in choices.items():
        assert getattr(default, key) == values[0]
        assert len(values) >= 2
    assert default.non_default() == {}


def test_the_switch_table_is_the_fields_and_their_types() -> None:
    """policy._SWITCHES spells out what the annotations say (it must, to work compiled too)."""
    if "harness.billing.policy" in compiled_modules():
        pytest.skip("a compiled class keeps no typing objects; the pure build checks this")
    hints = get_type_hints(Policy)
    names = [f.name for f in fields(Policy) if f.init]
    assert list(Policy.choices()) == names
    for name in names:
        assert Policy.choices()[name] == get_args(hints[name]), name


def test_the_documented_defaults() -> None:
    p = Policy()
    assert (p.flat_mode, p.time_parking_step, p.step_mode, p.rounding, p.restriction_split) == (
        "first_per_phase",
        "parking_if_present",
        "session",
        "none",
        "error",
    )
    assert (p.power_basis, p.duration_basis, p.day_of_week_basis) == (
        "extremes",
        "session",
        "instant",
    )


def test_from_pairs_and_to_json() -> None:
    p = Policy.from_pairs(["flat_mode=every_distinct", " rounding = per_bucket "])
    assert p.non_default() == {"flat_mode": "every_distinct", "rounding": "per_bucket"}
    assert p.to_json()["step_mode"] == "session"
    assert "compile_key" not in p.to_json()


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["flat_mode"], "is not KEY=VALUE"),
        (["colour=red"], "unknown policy key 'colour'; valid keys: flat_mode, "),
        (["flat_mode=twice"], "choose one of first_per_phase, every_distinct"),
    ],
)
def test_bad_pairs_list_the_valid_ones(pairs: list[str], message: str) -> None:
    with pytest.raises(BillingInputError, match=message):
        Policy.from_pairs(pairs)


def test_constructor_validates_too() -> None:
    with pytest.raises(BillingInputError, match="step_mode='weekly'"):
        Policy(step_mode="weekly")  # type: ignore[arg-type]


def test_minor_units() -> None:
    assert [minor_unit(c) for c in ("EUR", "USD", "GBP", "JPY", "KWD", "BHD", "CHF", "HUF")] == [
        2,
        2,
        2,
        0,
        3,
        3,
        2,
        2,
    ]
    with pytest.raises(BillingInputError, match="unknown currency 'ZZZ'"):
        minor_unit("ZZZ")
    assert minor_unit("ZZZ", allow_unknown=True) == 2


def test_rounding_is_half_up() -> None:
    assert quantize_money(Decimal("0.125"), 2) == Decimal("0.13")
    assert quantize_money(Decimal("0.124999"), 2) == Decimal("0.12")
    assert quantize_money(Decimal("-0.125"), 2) == Decimal("-0.13")
    assert quantize_money(Decimal("555.5"), 0) == Decimal("556")
    assert str(quantize_money(Decimal("7.5"), 2)) == "7.50"


def test_ceil_to_step() -> None:
    assert ceil_to_step(Decimal("115.2"), 25) == 125
    assert ceil_to_step(Decimal("500"), 500) == 500
    assert ceil_to_step(Decimal("500.0001"), 500) == 1000


def test_to_decimal() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(3) == Decimal(3)
    for bad in (True, "1", None, [1]):
        with pytest.raises(TypeError):
            to_decimal(bad)


def test_fmt_never_uses_exponents() -> None:
    assert fmt(Decimal("1E+2")) == "100"
    assert fmt(Decimal("0.000001")) == "0.000001"
    assert fmt(Decimal("-0")) == "0"
    assert fmt(Decimal("2.875"), 2) == "2.88"


def test_the_compile_key_names_the_switches_that_change_compilation() -> None:
    """Equal compile-relevant switches share a key; any of them changed gives another key."""
    base = Policy()
    assert Policy().compile_key == base.compile_key
    assert Policy(rounding="per_total").compile_key == base.compile_key  # costing only
    keys = {
        Policy.from_pairs([f"{name}={Policy.choices()[name][1]}"]).compile_key
        for name in (
            "absent_vat",
            "selection",
            "power_basis",
            "missing_power_data",
            "duration_basis",
            "date_time_window",
            "day_of_week_basis",
        )
    }
    assert len(keys) == 7 and base.compile_key not in keys
