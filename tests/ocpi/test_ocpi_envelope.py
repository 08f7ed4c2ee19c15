from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from harness.ocpi import (
    DataCardinality,
    Envelope,
    Level,
    OcpiStatus,
    Problem,
    check_envelope,
    make_envelope,
    parse_envelope,
)

TS = "2015-06-30T21:59:59Z"


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def check(raw: bytes | str, version: str = "2.2.1", **kwargs: object) -> list[Problem]:
    return check_envelope(parse_envelope(raw), version=version, **kwargs)  # type: ignore[arg-type]


# -- parsing -------------------------------------------------------------------------------------


def test_parse_reads_fields_and_decimals() -> None:
    parsed = parse_envelope(b'{"data": {"price": 0.1}, "status_code": 1000, "timestamp": "x"}')
    assert parsed.ok and parsed.problems == ()
    envelope = parsed.envelope
    assert envelope is not None
    assert envelope.data == {"price": Decimal("0.1")}
    assert envelope.data_present and envelope.status_code == 1000
    assert envelope.timestamp == "x" and envelope.status_message is None


def test_parse_distinguishes_absent_from_null_data() -> None:
    absent = parse_envelope(body(status_code=2001, timestamp=TS)).envelope
    null = parse_envelope(body(data=None, status_code=2001, timestamp=TS)).envelope
    assert absent is not None and null is not None
    assert not absent.data_present and null.data_present
    assert absent.data is None and null.data is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty_body"),
        (b"   \n", "empty_body"),
        (None, "empty_body"),
        (b"\xff\xfe{}", "not_utf8"),
        (b"<html>502 Bad Gateway</html>", "invalid_json"),
        (b'{"status_code": 1000', "invalid_json"),
        (b'{"status_code": NaN}', "invalid_json"),
        (b'{"x": Infinity}', "invalid_json"),
        ("\ufeff{}", "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        (b"1" * 5000, "invalid_json"),
        (b"[]", "envelope_not_object"),
        (b"null", "envelope_not_object"),
        (b'"ok"', "envelope_not_object"),
        (b"1000", "envelope_not_object"),
    ],
)
def test_garbage_bodies_become_problems_not_exceptions(raw: bytes | str | None, code: str) -> None:
    parsed = parse_envelope(raw)
    assert not parsed.ok
    assert codes(list(parsed.problems)) == [code]
    assert parsed.problems[0].level is Level.MUST and parsed.problems[0].req == "REQ-TF-008"


def test_parse_accepts_an_already_parsed_mapping() -> None:
    parsed = parse_envelope({"status_code": 1000, "timestamp": TS})
    assert parsed.envelope is not None and parsed.envelope.status_code == 1000


# -- checks: one test per problem code ----------------------------------------------------------


def test_a_correct_envelope_has_no_problems() -> None:
    raw = body(data=[{"a": 1}], status_code=1000, status_message="Success", timestamp=TS)
    assert check(raw, expect="list", http_status=200) == []
    assert check(body(data={"a": 1}, status_code=1000, timestamp=TS), expect="one") == []
    assert check(body(status_code=1000, timestamp=TS), expect="none", http_status=200) == []


def test_missing_status_code() -> None:
    (problem,) = check(body(data=[], timestamp=TS))
    assert (problem.code, problem.pointer, problem.level) == (
        "missing_status_code",
        "/status_code",
        Level.MUST,
    )
    assert problem.req == "REQ-TF-008"


@pytest.mark.parametrize("value", ["1000", 1000.0, True, None, [1000], "1e3", 1.5])
def test_status_code_not_int(value: object) -> None:
    problems = check(body(status_code=value, timestamp=TS))
    assert codes(problems) == ["status_code_not_int"]


@pytest.mark.parametrize(
    ("code", "version", "req"),
    [
        (1001, "2.2.1", "REQ-TF-018"),
        (200, "2.3.0", "REQ-TF-018"),
        (5000, "2.2.1", "REQ-TF-018"),
        (2004, "2.1.1", "REQ-211-011"),
        (4001, "2.1.1", "REQ-211-011"),
        (1900, "2.1.1", "REQ-211-011"),
    ],
)
def test_unknown_status_code(code: int, version: str, req: str) -> None:
    (problem,) = check(body(status_code=code, timestamp=TS), version)
    assert (problem.code, problem.req, problem.level) == ("unknown_status_code", req, Level.MUST)


def test_custom_status_code_is_refused_for_standard_modules_only() -> None:
    raw = body(status_code=2901, timestamp=TS)
    (problem,) = check(raw)
    assert (problem.code, problem.req) == ("custom_status_code", "REQ-TF-017")
    assert check(raw, allow_custom_codes=True) == []


def test_missing_timestamp() -> None:
    (problem,) = check(body(status_code=1000))
    assert (problem.code, problem.pointer) == ("missing_timestamp", "/timestamp")


@pytest.mark.parametrize("value", ["30-06-2015", "", None, 1435701599, "2015-06-30"])
def test_timestamp_format(value: object) -> None:
    (problem,) = check(body(status_code=1000, timestamp=value))
    assert (problem.code, problem.level, problem.req) == (
        "timestamp_format",
        Level.MUST,
        "REQ-TF-056",
    )


def test_timestamp_variant_is_must_when_strict_and_should_when_lenient() -> None:
    raw = body(status_code=1000, timestamp="2015-06-30T21:59:59+00:00")
    (strict,) = check(raw)
    (lenient,) = check(raw, strict=False)
    assert strict.code == lenient.code == "timestamp_variant"
    assert (strict.level, lenient.level) == (Level.MUST, Level.SHOULD)
    (old,) = check(raw, "2.1.1")
    assert old.req == "REQ-211-009"


def test_status_message_not_string() -> None:
    (problem,) = check(body(status_code=1000, status_message=42, timestamp=TS))
    assert (problem.code, problem.pointer) == ("status_message_not_string", "/status_message")
    assert check(body(status_code=1000, status_message=None, timestamp=TS)) == []


@pytest.mark.parametrize("data", [[{"uid": "1"}], [], "text", 3])
def test_data_should_be_object(data: object) -> None:
    (problem,) = check(body(data=data, status_code=1000, timestamp=TS), expect="one")
    assert (problem.code, problem.level, problem.pointer) == (
        "data_should_be_object",
        Level.MUST,
        "/data",
    )


@pytest.mark.parametrize("data", [{"uid": "1"}, "text", 0])
def test_data_should_be_list(data: object) -> None:
    (problem,) = check(body(data=data, status_code=1000, timestamp=TS), expect="list")
    assert (problem.code, problem.req) == ("data_should_be_list", "REQ-TF-009")


@pytest.mark.parametrize("expect", ["one", "list"])
def test_missing_data_on_success_is_a_should(expect: DataCardinality) -> None:
    (absent,) = check(body(status_code=1000, timestamp=TS), expect=expect)
    (null,) = check(body(data=None, status_code=1000, timestamp=TS), expect=expect)
    assert absent.code == null.code == "missing_data"
    assert absent.level is Level.SHOULD


def test_data_is_not_checked_on_error_codes() -> None:
    raw = body(data="debug: missing field type", status_code=2001, timestamp=TS)
    assert check(raw, expect="one") == []
    assert check(raw, expect="list") == []


def test_data_should_be_absent() -> None:
    (value,) = check(body(data={"a": 1}, status_code=1000, timestamp=TS), expect="none")
    (null,) = check(body(data=None, status_code=1000, timestamp=TS), expect="none")
    assert value.code == null.code == "data_should_be_absent"
    assert (value.level, null.level) == (Level.SHOULD, Level.INFO)
    (old,) = check(body(data={"a": 1}, status_code=1000, timestamp=TS), "2.1.1", expect="none")
    assert old.level is Level.INFO


@pytest.mark.parametrize("http_status", [400, 401, 404, 500, 503])
def test_http_error_with_success_code(http_status: int) -> None:
    (problem,) = check(body(status_code=1000, timestamp=TS), http_status=http_status)
    assert (problem.code, problem.level) == ("http_error_with_success_code", Level.MUST)


def test_http_error_at_ocpi_layer() -> None:
    (problem,) = check(body(status_code=2001, timestamp=TS), http_status=422)
    assert (problem.code, problem.req, problem.level) == (
        "http_error_at_ocpi_layer",
        "REQ-TF-013",
        Level.MUST,
    )
    (old,) = check(body(status_code=3000, timestamp=TS), "2.1.1", http_status=500)
    assert (old.req, old.level) == ("REQ-211-006", Level.SHOULD)


@pytest.mark.parametrize("http_status", [200, 201, 400, 401, 403, 404, 405])
def test_error_codes_with_http_200_or_transport_errors_are_fine(http_status: int) -> None:
    assert check(body(status_code=2004, timestamp=TS), http_status=http_status) == []


@pytest.mark.parametrize("http_status", [200, 404, 502, 504])
def test_hub_errors_may_come_with_any_http_status(http_status: int) -> None:
    assert check(body(status_code=4002, timestamp=TS), http_status=http_status) == []


def test_no_envelope_on_an_http_error_is_only_a_should() -> None:
    (problem,) = check(b"", http_status=401)
    assert (problem.code, problem.level, problem.req) == ("empty_body", Level.SHOULD, "REQ-TF-016")
    (problem,) = check(b"", http_status=200)
    assert (problem.code, problem.level) == ("empty_body", Level.MUST)


def test_everything_wrong_at_once_reports_each_problem() -> None:
    raw = body(data=[1], status_code="1000", status_message=1, timestamp="now")
    assert codes(check(raw, expect="one", http_status=200)) == [
        "status_code_not_int",
        "timestamp_format",
        "status_message_not_string",
    ]


def test_check_accepts_an_envelope_directly() -> None:
    envelope = Envelope({"status_code": 1000, "timestamp": TS, "data": []})
    assert check_envelope(envelope, version="2.3.0", expect="list") == []


# -- making envelopes ---------------------------------------------------------------------------


def test_make_envelope_builds_a_checkable_envelope() -> None:
    when = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)
    made = make_envelope([{"a": 1}], OcpiStatus.SUCCESS, timestamp=when, status_message="Success")
    assert made == {
        "data": [{"a": 1}],
        "status_code": 1000,
        "status_message": "Success",
        "timestamp": "2024-05-01T12:00:00.250Z",
    }
    assert type(made["status_code"]) is int
    assert check(json.dumps(made), expect="list", http_status=200) == []


def test_make_envelope_can_leave_data_out() -> None:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    made = make_envelope(None, 2001, timestamp=when, include_data=False)
    assert made == {"status_code": 2001, "timestamp": "2024-05-01T00:00:00Z"}
    parsed = parse_envelope(json.dumps(made))
    assert parsed.envelope is not None and not parsed.envelope.data_present
