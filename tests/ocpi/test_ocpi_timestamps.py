from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from harness.ocpi import format_datetime, parse_datetime

SPEC_FORMS = [
    ("2015-06-29T20:39:09Z", datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC)),
    ("2015-06-29T20:39:09", datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC)),
    ("2016-12-29T17:45:09.2Z", datetime(2016, 12, 29, 17, 45, 9, 200000, tzinfo=UTC)),
    ("2016-12-29T17:45:09.2", datetime(2016, 12, 29, 17, 45, 9, 200000, tzinfo=UTC)),
    ("2018-01-01T01:08:01.123Z", datetime(2018, 1, 1, 1, 8, 1, 123000, tzinfo=UTC)),
    ("2018-01-01T01:08:01.123", datetime(2018, 1, 1, 1, 8, 1, 123000, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "expected"), SPEC_FORMS)
def test_every_spec_form_parses_strictly_as_utc(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed.value == expected
    assert parsed.value.tzinfo is UTC
    assert parsed.deviations == () and parsed.error is None


@pytest.mark.parametrize(
    ("text", "deviations", "expected"),
    [
        (
            "2015-06-29T20:39:09+00:00",
            ("utc_offset",),
            datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC),
        ),
        (
            "2015-06-29T22:39:09+02:00",
            ("utc_offset",),
            datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC),
        ),
        (
            "2015-06-29T18:09:09-02:30",
            ("utc_offset",),
            datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC),
        ),
        (
            "2015-06-29t20:39:09z",
            ("lowercase_designator",),
            datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC),
        ),
        (
            "2015-06-29 20:39:09Z",
            ("space_separator",),
            datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC),
        ),
        ("2015-06-29T20:39Z", ("missing_seconds",), datetime(2015, 6, 29, 20, 39, tzinfo=UTC)),
        (
            "2015-06-29T20:39:09.123456789Z",
            ("too_long",),
            datetime(2015, 6, 29, 20, 39, 9, 123456, tzinfo=UTC),
        ),
        (
            "2015-06-29T20:39:09.1234+01:00",
            ("utc_offset", "too_long"),
            datetime(2015, 6, 29, 19, 39, 9, 123400, tzinfo=UTC),
        ),
    ],
)
def test_lenient_forms_are_refused_strictly_and_normalised_leniently(
    text: str, deviations: tuple[str, ...], expected: datetime
) -> None:
    strict = parse_datetime(text)
    assert strict.value is None and strict.error
    lenient = parse_datetime(text, lenient=True)
    assert lenient.value == expected
    assert lenient.deviations == deviations


def test_the_25_character_limit() -> None:
    assert parse_datetime("2015-06-29T20:39:09.1234Z").ok  # 25 characters
    assert parse_datetime("2015-06-29T20:39:09.12345").ok  # 25 characters
    assert not parse_datetime("2015-06-29T20:39:09.12345Z").ok  # 26
    assert "25" in (parse_datetime("2015-06-29T20:39:09.12345Z").error or "")


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        20150629,
        "",
        "yesterday",
        "2015-13-01T00:00:00Z",
        "2015-02-30T00:00:00Z",
        "2015-06-29T24:00:00Z",
        "2015-06-29T20:39:60Z",
        "2015-06-29",
        "20150629T203909Z",
        "2015-06-29T20:39:09+0200",
        "2015-06-29T20:39:09+25:00",
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:30:00+01:00",
        "9999-12-31T23:30:00-01:00",
        "２０１５-06-29T20:39:09Z",
        "2015-06-29T20:39:09ZZ",
        " 2015-06-29T20:39:09Z",
    ],
)
def test_garbage_is_refused_in_both_modes_without_raising(garbage: object) -> None:
    assert parse_datetime(garbage).value is None
    lenient = parse_datetime(garbage, lenient=True)
    assert lenient.value is None and lenient.error


def test_format_datetime_emits_z_and_milliseconds_only_when_present() -> None:
    assert format_datetime(datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC)) == "2015-06-29T20:39:09Z"
    assert (
        format_datetime(datetime(2015, 6, 29, 20, 39, 9, 123456, tzinfo=UTC))
        == "2015-06-29T20:39:09.123Z"
    )
    assert (
        format_datetime(datetime(2015, 6, 29, 20, 39, 9, 999, tzinfo=UTC)) == "2015-06-29T20:39:09Z"
    )
    plus_two = timezone(timedelta(hours=2))
    assert (
        format_datetime(datetime(2015, 6, 29, 22, 39, 9, tzinfo=plus_two)) == "2015-06-29T20:39:09Z"
    )


def test_format_datetime_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_datetime(datetime(2015, 6, 29, 20, 39, 9))  # noqa: DTZ001


@pytest.mark.parametrize("micro", [0, 1000, 123000, 999000])
def test_format_then_parse_round_trips_at_millisecond_precision(micro: int) -> None:
    dt = datetime(2021, 3, 28, 1, 59, 59, micro, tzinfo=UTC)
    text = format_datetime(dt)
    assert len(text) <= 25
    assert parse_datetime(text).value == dt
