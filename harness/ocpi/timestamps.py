"""The OCPI DateTime type: formatting and (strict or lenient) parsing.

Sources: ``types`` §DateTime of 2.2.1/2.3.0 (RFC 3339 profile: ``YYYY-MM-DDThh:mm:ss``, optional
fraction, optional ``Z``, no ``Z`` still means UTC, no numeric offsets, string(25)) and of 2.1.1
(ISO 8601 combined form, UTC, ``Z`` optional; REQ-211-009). Requirements REQ-TF-056; AMB-40 for
the lenient reading (RFC 3339 offsets and a few other field variants, normalised to UTC and
flagged); pitfall 5 for what we emit (``Z`` and at most 3 fraction digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

MAX_LENGTH = 25
"""DateTime is a string(25)."""

_STRICT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?P<h>[0-9]{2}):(?P<m>[0-9]{2}):(?P<s>[0-9]{2})"
    r"(?:\.(?P<frac>[0-9]+))?(?P<z>Z)?",
    re.ASCII,
)
_LENIENT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P<sep>[Tt ])(?P<h>[0-9]{2}):(?P<m>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:\.(?P<frac>[0-9]+))?)?"
    r"(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>[0-9]{2}):(?P<om>[0-9]{2}))?",
    re.ASCII,
)


@dataclass(frozen=True, slots=True)
class DateTimeParse:
    """The reading of one DateTime string.

    ``value`` is timezone-aware UTC, or None when the text is not accepted (``error`` says why).
    ``deviations`` names the non-spec forms a lenient reading accepted: ``lowercase_designator``,
    ``space_separator``, ``missing_seconds``, ``utc_offset``, ``too_long``.
    """

    text: object
    value: datetime | None
    deviations: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def format_datetime(dt: datetime) -> str:
    """Format an aware datetime as OCPI emits it: UTC, ``Z``, milliseconds only when non-zero.

    Sub-millisecond digits are dropped (not rounded), so the result is never later than ``dt``.

    Raises:
        ValueError: ``dt`` is naive (a harness bug: every time comes from a Clock, in UTC).
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("format_datetime needs a timezone-aware datetime")
    utc = dt.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    millis = utc.microsecond // 1000
    if millis:
        text += f".{millis:03d}"
    return text + "Z"


def _build(
    date: str, hour: str, minute: str, second: str | None, frac: str | None, tz: timezone
) -> datetime:
    year, month, day = (int(x) for x in date.split("-"))
    micro = int((frac or "0")[:6].ljust(6, "0"))
    return datetime(
        year, month, day, int(hour), int(minute), int(second or "0"), micro, tzinfo=tz
    ).astimezone(UTC)


def parse_datetime(text: object, *, lenient: bool = False) -> DateTimeParse:
    """Read an OCPI DateTime. Never raises.

    Strict: only the spec forms (all six examples of ``types`` §DateTime), at most 25 chars.
    Lenient additionally accepts, and lists in ``deviations``: RFC 3339 offsets (``+00:00``,
    ``+02:00``; converted to UTC), lowercase ``t``/``z``, a space instead of ``T``, missing
    seconds, and longer strings (fraction beyond microseconds is cut).
    """
    if not isinstance(text, str):
        return DateTimeParse(text, None, error=f"a DateTime must be a JSON string, got {text!r}")
    strict = _STRICT.fullmatch(text)
    if strict is not None and len(text) <= MAX_LENGTH:
        try:
            value = _build(
                strict["date"], strict["h"], strict["m"], strict["s"], strict["frac"], UTC
            )
        except (ValueError, OverflowError) as exc:
            return DateTimeParse(text, None, error=f"not a valid date or time: {exc}")
        return DateTimeParse(text, value)
    if not lenient:
        reason = "longer than 25 characters" if strict is not None else "not in the OCPI form"
        return DateTimeParse(
            text, None, error=f"{text!r} is {reason} (YYYY-MM-DDThh:mm:ss[.fraction][Z], UTC)"
        )
    loose = _LENIENT.fullmatch(text)
    if loose is None:
        return DateTimeParse(text, None, error=f"{text!r} is not an RFC 3339 date-time")
    deviations: list[str] = []
    if loose["sep"] == "t" or loose["z"] == "z":
        deviations.append("lowercase_designator")
    if loose["sep"] == " ":
        deviations.append("space_separator")
    if loose["s"] is None:
        deviations.append("missing_seconds")
    tz: timezone = UTC
    if loose["sign"] is not None:
        deviations.append("utc_offset")
        hours, minutes = int(loose["oh"]), int(loose["om"])
        if hours > 23 or minutes > 59:
            return DateTimeParse(text, None, error=f"{text!r} has an impossible UTC offset")
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if loose["sign"] == "-" else offset)
    if len(text) > MAX_LENGTH:
        deviations.append("too_long")
    try:
        value = _build(loose["date"], loose["h"], loose["m"], loose["s"], loose["frac"], tz)
    except (ValueError, OverflowError) as exc:
        return DateTimeParse(text, None, error=f"not a valid date or time: {exc}")
    return DateTimeParse(text, value, tuple(deviations))
