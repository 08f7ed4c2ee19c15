"""Value matchers: each built-in accepts what it should and explains what it refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.matchers import Matcher, MatcherRegistry, default_matchers, describe, json_equal
from harness.templating import MISSING

REGISTRY = default_matchers()

CASES: list[tuple[str, object, object, bool]] = [
    # (matcher, arg, actual, matches)
    ("any", None, 0, True),
    ("any", None, None, True),
    ("any", None, MISSING, False),
    ("any_string", None, "", True),
    ("any_string", None, 1, False),
    ("non_empty_string", None, "x", True),
    ("non_empty_string", None, "  ", False),
    ("non_empty_string", None, MISSING, False),
    ("iso8601_utc", None, "2026-03-15T06:58:41Z", True),
    ("iso8601_utc", None, "2026-03-15T06:58:41.123Z", True),
    ("iso8601_utc", None, "2026-03-15T06:58:41.1234Z", False),  # more than 3 digits
    ("iso8601_utc", None, "2026-03-15T06:58:41", False),  # no Z
    ("iso8601_utc", None, "2026-03-15T06:58:41+00:00", False),
    ("iso8601_utc", None, "2026-13-15T06:58:41Z", False),  # month 13
    ("iso8601_utc", None, 1773558000, False),
    ("ocpi_datetime", None, "2026-03-15T06:58:41", True),
    ("ocpi_datetime", None, "2026-03-15T06:58:41.1234", True),  # no Z still means UTC
    ("ocpi_datetime", None, "2026-03-15T06:58:41.123456Z", False),  # over string(25)
    ("ocpi_datetime", None, "2026-03-15T06:58:41+01:00", False),
    ("ocpi_datetime", None, "15/03/2026", False),
    ("uuid", None, "5b1e7d8a-2f4c-4e3b-9a61-0c7d2e9f4a10", True),
    ("uuid", None, "5b1e7d8a2f4c4e3b9a610c7d2e9f4a10", False),
    ("regex", "^[A-Z]{2}$", "NL", True),
    ("regex", "^[A-Z]{2}$", "nl", False),
    ("regex", "RML", "NL-RML-C1", True),  # search, as JSON Schema's pattern
    ("regex", "x", 5, False),
    ("decimal_close", {"value": "12.35", "tolerance": "0.01"}, Decimal("12.36"), True),
    ("decimal_close", {"value": "12.35", "tolerance": "0.01"}, Decimal("12.37"), False),
    ("decimal_close", {"value": 30, "tolerance": 0}, 30, True),
    ("decimal_close", {"value": "1.1"}, 1.1, True),  # float from a Python caller
    ("decimal_close", {"value": "12.35", "tolerance": "0.01"}, "12.35", False),  # text
    ("decimal_close", {"value": "1", "tolerance": "1"}, True, False),  # a boolean
    ("one_of", ["ACCEPTED", "REJECTED"], "REJECTED", True),
    ("one_of", ["ACCEPTED", "REJECTED"], "accepted", False),
    ("one_of", [1, 2], True, False),  # true is not 1
    ("length", 2, "NL", True),
    ("length", 2, ["a"], False),
    ("length", 0, {}, True),
    ("min_length", 1, [{"x": 1}], True),
    ("min_length", 1, [], False),
    ("min_length", 1, None, False),
    ("contains", "RML", "NL-RML-1", True),
    ("contains", {"a": 1}, [{"a": 1}, {"b": 2}], True),
    ("contains", "x", ["y"], False),
    ("some_item", {"id": "T1"}, [{"id": "T0"}, {"id": "T1", "x": 2}], True),
    ("some_item", {"a.b": 1}, [{"a": {"b": 1}}], True),
    ("some_item", {"id": "T9"}, [{"id": "T0"}], False),
    ("some_item", {"id": "T0"}, "T0", False),
    ("not_before", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z", True),
    ("not_before", "2026-03-01T12:00:00Z", "2026-03-01T11:59:59Z", False),
    ("before", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z", False),
    ("before", "2026-03-01T12:00:00Z", "2026-03-01T11:59:59.5Z", True),
    ("before", "2026-03-01T12:00:00Z", None, False),
    ("not_after", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z", True),
    ("not_after", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00.001Z", False),
    ("not_after", "2026-03-01T12:00:00Z", "not a date", False),
    ("absent", None, MISSING, True),
    ("absent", None, None, False),
    ("null_or_absent", None, MISSING, True),
    ("null_or_absent", None, None, True),
    ("null_or_absent", None, "", False),
    ("case_insensitive", "nl", "NL", True),
    ("case_insensitive", "nl", "BE", False),
    ("case_insensitive", "1", 1, False),
    ("not_equal", "a", "b", True),
    ("not_equal", "a", "a", False),
    ("not_equal", "a", MISSING, False),
    ("unique", "id", [{"id": "L1"}, {"id": "L2"}], True),
    ("unique", "id", [{"id": "L1"}, {"id": "L1"}], False),
    ("unique", "evses.*.uid", [{"evses": [{"uid": "E1"}, {"uid": "E2"}]}, {"evses": []}], True),
    ("unique", "evses.*.uid", [{"evses": [{"uid": "E1"}]}, {"evses": [{"uid": "E1"}]}], False),
    ("unique", "evses.*.uid", [{"evses": []}, {}], True),
    ("unique", "id", {"id": "L1"}, False),
]


@pytest.mark.parametrize(
    ("name", "arg", "actual", "matches"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_builtin_matchers(name: str, arg: object, actual: object, matches: bool) -> None:
    message = REGISTRY.match(name, actual, arg)
    if matches:
        assert message is None
    else:
        assert isinstance(message, str) and message


def test_every_documented_matcher_is_registered() -> None:
    expected = {
        "any", "any_string", "non_empty_string", "iso8601_utc", "ocpi_datetime", "uuid",
        "regex", "decimal_close", "one_of", "length", "min_length", "contains", "absent",
        "null_or_absent", "case_insensitive", "not_equal", "some_item", "not_before", "before",
        "not_after", "unique", "one_tariff_per_type", "profile_tariffs",
        "periods_appended",
    }  # fmt: skip
    assert set(REGISTRY.names()) == expected
    for name in expected:
        matcher = REGISTRY.get(name)
        assert matcher is not None and matcher.description


def test_mismatch_messages_show_the_value() -> None:
    message = REGISTRY.match(
        "decimal_close", Decimal("12.40"), {"value": "12.35", "tolerance": "0.01"}
    )
    assert message == "expected 12.35 ± 0.01, got 12.40 (off by 0.05)"
    assert "nothing (the field is absent)" in (REGISTRY.match("any_string", MISSING) or "")


@pytest.mark.parametrize(
    ("name", "arg", "problem"),
    [
        ("regex", "([", "bad regular expression"),
        ("regex", 5, "needs a pattern"),
        ("decimal_close", {"tolerance": "1"}, "needs {value"),
        ("decimal_close", {"value": "x"}, "not a number"),
        ("decimal_close", {"value": "1", "tolerance": "-1"}, ">= 0"),
        ("decimal_close", {"value": "1", "tol": "1"}, "only value and tolerance"),
        ("one_of", [], "non-empty list"),
        ("length", -1, "whole number"),
        ("min_length", True, "whole number"),
        ("case_insensitive", 3, "expected text"),
    ],
)
def test_bad_arguments_are_caught_before_running(name: str, arg: object, problem: str) -> None:
    matcher = REGISTRY.get(name)
    assert matcher is not None and matcher.check_arg is not None
    assert problem in (matcher.check_arg(arg) or "")


def test_good_arguments_pass_the_argument_check() -> None:
    for name, arg in [("regex", "^x$"), ("decimal_close", {"value": 1}), ("one_of", [1])]:
        matcher = REGISTRY.get(name)
        assert matcher is not None and matcher.check_arg is not None
        assert matcher.check_arg(arg) is None


def test_registries_are_independent_and_refuse_duplicates() -> None:
    mine = default_matchers()
    extra = Matcher("always", lambda actual, arg: None, False, None, "for tests")
    mine.register(extra)
    assert "always" in mine and "always" not in default_matchers()
    with pytest.raises(ValueError, match="already registered"):
        mine.register(extra)
    copy = mine.copy()
    assert copy.names() == mine.names() and copy is not mine
    assert MatcherRegistry().names() == ()


def test_json_equal_follows_json_not_python() -> None:
    assert not json_equal(True, 1) and not json_equal(0, False)
    assert json_equal(1, Decimal("1.0")) and json_equal({"a": [1]}, {"a": [1]})
    assert not json_equal([1, 2], [2, 1]) and not json_equal("1", 1)
    assert not json_equal({"a": 1}, {"a": 1, "b": 2})


def test_describe_is_short_json() -> None:
    assert describe({"a": Decimal("1.50"), "b": [True, None]}) == '{"a": 1.50, "b": [true, null]}'
    assert describe("x" * 100).endswith("...") and len(describe("x" * 100)) == 80


def test_one_tariff_per_type_allows_successive_tariffs_and_refuses_overlapping_ones() -> None:
    tariffs = [
        {"id": "OLD", "type": "REGULAR", "end_date_time": "2026-01-01T00:00:00Z"},
        {"id": "NEW", "type": "REGULAR", "start_date_time": "2026-01-01T00:00:00Z"},
        {"id": "CHEAP", "type": "PROFILE_CHEAP"},
        {"id": "ALSO", "type": "REGULAR", "start_date_time": "2026-06-01T00:00:00Z"},
    ]

    def locations(*ids: str) -> list[object]:
        connector = {"id": "1", "tariff_ids": list(ids)}
        return [{"id": "L1", "evses": [{"uid": "E1", "connectors": [connector]}]}]

    match = REGISTRY.get("one_tariff_per_type")
    assert match is not None
    assert match(locations("OLD", "NEW", "CHEAP"), tariffs) is None  # [start, end) windows
    assert match(locations("NEW", "NEW"), tariffs) is None  # the same tariff twice is one
    assert match(locations("UNKNOWN", "NEW"), tariffs) is None  # resolving is REQ-TAR-026
    problem = match(locations("OLD", "NEW", "ALSO"), tariffs)
    assert problem is not None and "NEW and ALSO" in problem and "L1 connector 1" in problem
    assert match({"not": "a list"}, tariffs) is not None
