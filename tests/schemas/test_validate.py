"""The validation API: violations, profiles, partial bodies, arrays, errors for bad names."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from harness.errors import UnknownObjectError, UnknownVersionError, UsageError
from harness.schemas import is_valid, object_names, schema_for, validate

TOKEN: dict[str, Any] = {
    "country_code": "NL",
    "party_id": "EXA",
    "uid": "04A1B2C3D4E5F6",
    "type": "RFID",
    "contract_id": "NL-EXA-C12345678-X",
    "issuer": "Example Mobility",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": "2026-02-01T10:00:00Z",
}


def _token(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(TOKEN)
    for key, value in changes.items():
        if value is ...:
            del out[key]
        else:
            out[key] = value
    return out


def test_valid_token_has_no_violation() -> None:
    assert validate("2.2.1", "Token", TOKEN) == []
    assert is_valid("2.2.1", "Token", TOKEN)


def test_missing_required_field_points_at_the_field() -> None:
    [v] = validate("2.2.1", "Token", _token(issuer=...))
    assert (v.path, v.rule, v.level) == ("/issuer", "required", "error")
    assert "issuer" in v.message


def test_enum_violation_names_the_enum() -> None:
    [v] = validate("2.2.1", "Token", _token(whitelist="SOMETIMES"))
    assert (v.path, v.rule) == ("/whitelist", "enum")
    assert "WhitelistType" in v.message and "SOMETIMES" in v.message


def test_optional_fields_accept_null_required_do_not() -> None:
    assert validate("2.2.1", "Token", _token(visual_number=None, group_id=None)) == []
    [v] = validate("2.2.1", "Token", _token(issuer=None))
    assert (v.path, v.rule) == ("/issuer", "type")


def test_max_length_and_cistring_charset() -> None:
    [v] = validate("2.2.1", "Token", _token(uid="X" * 37))
    assert (v.path, v.rule) == ("/uid", "maxLength")
    [v] = validate("2.2.1", "Token", _token(uid="tab\there"))
    assert (v.path, v.rule) == ("/uid", "pattern")


def test_unknown_field_is_a_warning_not_an_error() -> None:
    [v] = validate("2.2.1", "Token", _token(colour="blue"))
    assert (v.path, v.rule, v.level) == ("/colour", "additionalProperties", "warning")
    assert is_valid("2.2.1", "Token", _token(colour="blue"))


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-02-01T10:00:00Z",
        "2026-02-01T10:00:00",
        "2026-02-01T10:00:00.123Z",
        "2026-02-01T10:00:00.5",
    ],
)
def test_every_spec_datetime_shape_is_valid(stamp: str) -> None:
    assert validate("2.2.1", "DateTime", stamp) == []


@pytest.mark.parametrize(
    ("stamp", "lenient_level"),
    [
        ("2026-02-01T10:00:00+00:00", "warning"),  # AMB-40: offsets tolerated when lenient
        ("2026-02-01T12:00:00+02:00", "warning"),
        ("2026-02-01 10:00", "warning"),
        ("01/02/2026", "error"),
        ("2026-02-01T10:00:00.123456789012Z", "warning"),  # more than 25 characters
    ],
)
def test_datetime_strict_vs_lenient(stamp: str, lenient_level: str) -> None:
    strict = validate("2.2.1", "Token", _token(last_updated=stamp))
    assert [(v.path, v.level) for v in strict][:1] == [("/last_updated", "error")]
    lenient = validate("2.2.1", "Token", _token(last_updated=stamp), profile="lenient")
    assert {v.level for v in lenient} == {lenient_level}
    assert all(v.path == "/last_updated" for v in lenient)


def test_lenient_accepts_lowercase_codes_as_warnings() -> None:
    doc = _token(country_code="nl", party_id="exa")
    assert {v.path for v in validate("2.2.1", "Token", doc)} == {"/country_code", "/party_id"}
    lenient = validate("2.2.1", "Token", doc, profile="lenient")
    assert {(v.path, v.level) for v in lenient} == {
        ("/country_code", "warning"),
        ("/party_id", "warning"),
    }


TOKEN_211: dict[str, Any] = {
    "uid": "04A1B2C3D4E5F6",
    "type": "RFID",
    "auth_id": "NL-EXA-C12345678-X",
    "issuer": "Example Mobility",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": "2026-02-01T10:00:00Z",
}


def test_a_211_string_is_printable_ascii_and_utf8_is_only_a_lenient_variant() -> None:
    doc = {**TOKEN_211, "issuer": "Müller Mobilität"}
    assert validate("2.1.1", "Token", TOKEN_211) == []
    (strict,) = validate("2.1.1", "Token", doc)
    assert (strict.path, strict.rule, strict.level) == ("/issuer", "pattern", "error")
    assert "printable ASCII" in strict.message
    (lenient,) = validate("2.1.1", "Token", doc, profile="lenient")
    assert (lenient.path, lenient.level) == ("/issuer", "warning")
    # a control character stays an error in every profile and version
    tab = {**TOKEN_211, "issuer": "a\tb"}
    assert [v.level for v in validate("2.1.1", "Token", tab, profile="lenient")] == ["error"]
    assert validate("2.2.1", "Token", _token(issuer="Müller Mobilität")) == []
    assert "control character" in validate("2.2.1", "Token", _token(issuer="a\tb"))[0].message


def test_partial_requires_only_last_updated_in_2_2_1() -> None:
    assert (
        validate(
            "2.2.1", "Token", {"valid": False, "last_updated": "2026-02-02T00:00:00Z"}, partial=True
        )
        == []
    )
    [v] = validate("2.2.1", "Token", {"valid": False}, partial=True)
    assert (v.path, v.rule) == ("/last_updated", "required")
    # a wrong value is still wrong in a PATCH body
    [v] = validate(
        "2.2.1", "Token", {"valid": "no", "last_updated": "2026-02-02T00:00:00Z"}, partial=True
    )
    assert (v.path, v.rule) == ("/valid", "type")


def test_partial_in_2_1_1_requires_nothing() -> None:
    assert validate("2.1.1", "Token", {"valid": False}, partial=True) == []


def test_array_form() -> None:
    versions = [{"version": "2.2.1", "url": "https://cpo.example/ocpi/2.2.1"}]
    assert validate("2.2.1", "Version[]", versions) == []
    found = validate("2.2.1", "Version[]", [*versions, {"version": "9"}])
    assert {(v.path, v.rule) for v in found} == {("/1/url", "required"), ("/1/version", "enum")}


def test_2_3_0_open_enum_accepts_unknown_values() -> None:
    assert validate("2.3.0", "ConnectorType", "SOME_FUTURE_PLUG") == []
    assert validate("2.2.1", "ConnectorType", "SOME_FUTURE_PLUG")[0].rule == "enum"
    assert validate("2.3.0", "TaxIncluded", "MAYBE")[0].rule == "enum"  # a closed enum


def test_version_specific_shapes() -> None:
    price_221 = {"excl_vat": 1.5, "incl_vat": 1.8}
    price_230 = {"before_taxes": 1.5, "taxes": [{"name": "VAT", "amount": 0.3}]}
    assert validate("2.2.1", "Price", price_221) == []
    assert validate("2.3.0", "Price", price_230) == []
    assert any(v.rule == "required" for v in validate("2.3.0", "Price", price_221))
    assert "Price" not in object_names("2.1.1")  # 2.1.1 costs are plain numbers
    assert schema_for("2.3.0", "Role")["$ref"].endswith("/Role")
    assert validate("2.3.0", "Role", "HUB")[0].rule == "enum"
    assert validate("2.2.1", "Role", "HUB") == []


def test_cross_field_rules() -> None:
    hours = {"twentyfourseven": False}
    [v] = validate("2.2.1", "Hours", hours)
    assert (v.path, v.rule) == ("/regular_hours", "required")
    start = {
        "response_url": "https://emsp.example/cb/1",
        "token": TOKEN,
        "location_id": "LOC1",
        "connector_id": "1",
    }
    [v] = validate("2.2.1", "StartSession", start)
    assert (v.path, v.rule) == ("/evse_uid", "dependentRequired")


def test_coordinates_regex_per_version() -> None:
    assert validate("2.2.1", "GeoLocation", {"latitude": "52.37403", "longitude": "4.88969"}) == []
    bad = validate("2.2.1", "GeoLocation", {"latitude": "52.3740", "longitude": "4.88969"})
    assert [(v.path, v.rule) for v in bad] == [("/latitude", "pattern")]
    # 2.1.1 wants exactly six decimals
    assert (
        validate("2.1.1", "GeoLocation", {"latitude": "52.374030", "longitude": "4.889690"}) == []
    )
    assert validate("2.1.1", "GeoLocation", {"latitude": "52.37403", "longitude": "4.889690"})


def test_unknown_names_raise_clear_errors() -> None:
    with pytest.raises(UnknownVersionError, match=r"2\.2\.1"):
        validate("2.2", "Token", {})
    with pytest.raises(UnknownObjectError, match="did you mean Token"):
        validate("2.2.1", "Tokne", {})
    with pytest.raises(UsageError, match="profile"):
        validate("2.2.1", "Token", {}, profile="relaxed")
    with pytest.raises(UnknownObjectError, match="not an object"):
        validate("2.2.1", "TokenType", "RFID", partial=True)


def test_seven_decimal_southern_latitude_is_a_lenient_warning() -> None:
    # the regex allows 7 decimals, string(10) does not leave room for them after "-36."
    point = {"latitude": "-36.8484597", "longitude": "174.7633315"}
    [v] = validate("2.2.1", "GeoLocation", point)
    assert (v.path, v.rule, v.level) == ("/latitude", "maxLength", "error")
    [v] = validate("2.2.1", "GeoLocation", point, profile="lenient")
    assert (v.path, v.level) == ("/latitude", "warning")
