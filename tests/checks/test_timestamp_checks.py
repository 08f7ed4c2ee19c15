"""timestamp_utc_format: what the SUT emits is UTC with Z and at most 3 fractional digits."""

from __future__ import annotations

import pytest

from harness.checks import default_checks
from harness.checks.timestamps import timestamp_problems
from harness.ocpi import Level
from tests.checks.helpers import call, context, envelope, response

CHECK = default_checks().get("timestamp_utc_format")


@pytest.mark.parametrize(
    ("text", "strict", "expected"),
    [
        ("2026-03-01T12:00:00Z", True, None),
        ("2026-03-01T12:00:00.123Z", True, None),
        ("2026-03-01T12:00:00", True, ("datetime_without_z", Level.SHOULD)),
        ("2026-03-01T12:00:00.1234Z", True, ("datetime_precision", Level.SHOULD)),
        ("2026-03-01T12:00:00.123456789Z", True, ("datetime_invalid", Level.MUST)),
        ("2026-03-01T12:00:00+00:00", True, ("datetime_variant", Level.MUST)),
        ("2026-03-01T12:00:00+00:00", False, ("datetime_variant", Level.SHOULD)),
        ("2026-03-01T12:00:00.1234567890123Z", True, ("datetime_invalid", Level.MUST)),
        ("2026-13-01T12:00:00Z", True, ("datetime_invalid", Level.MUST)),
    ],
)
def test_each_form(text: str, strict: bool, expected: tuple[str, Level] | None) -> None:
    found = timestamp_problems(text, strict)
    assert (found[:2] if found else None) == expected


def test_one_finding_per_kind_with_a_count_of_the_others() -> None:
    data = [{"id": str(i), "last_updated": "2026-03-01T12:00:00+00:00"} for i in range(3)]
    [finding] = CHECK(context(), response(envelope(data)))
    assert finding.pointer == "/data/0/last_updated" and "2 more fields" in finding.message
    assert finding.req == "REQ-TF-056" and finding.level is Level.MUST


def test_the_envelope_timestamp_is_left_to_envelope_shape_unless_only_imprecise() -> None:
    bad = envelope([], timestamp="2026-03-01T12:00:00+00:00")
    assert CHECK(context(), response(bad)) == []
    fine_but_long = envelope([], timestamp="2026-03-01T12:00:00.1234Z")
    [finding] = CHECK(context(), response(fine_but_long))
    assert finding.pointer == "/timestamp" and finding.level is Level.SHOULD


def test_requests_from_the_sut_are_checked_too_and_other_strings_ignored() -> None:
    message = call({"note": "2026 was a year", "start_date_time": "2026-03-01 12:00:00Z"})
    [finding] = CHECK(context(), message)
    assert finding.pointer == "/start_date_time"
