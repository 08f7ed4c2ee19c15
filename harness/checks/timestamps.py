"""``timestamp_utc_format``: DateTime values the SUT emits are UTC, with ``Z``, ≤ 3 fractions.

Sources: ``types`` §DateTime (REQ-TF-056; REQ-211-009 in 2.1.1), AMB-40 (offsets are not
allowed; the lenient profile accepts them as a warning) and pitfall 5: what we ask of emitted
timestamps is stricter than what the spec allows readers to accept. Every string in the SUT's
body that has the shape of a date-time is checked (the envelope ``timestamp``, ``last_updated``,
``start_date_time``, ...). Levels:

* not a date-time at all, or longer than 25 characters: MUST;
* a form only the lenient reading accepts (``+00:00``, lower-case ``t``/``z``, a space,
  missing seconds): MUST under the strict profile, SHOULD under the lenient one;
* no ``Z`` (allowed, still UTC) or more than 3 fractional digits: SHOULD.

One finding per kind of problem and message: the first field, with the number of others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime

from harness.checks.base import CheckContext, FunctionCheck, Message
from harness.ocpi.problems import Level, tolerated
from harness.ocpi.timestamps import MAX_LENGTH, parse_datetime
from harness.ocpi.versions import VersionNumber
from harness.results import Finding
from harness.templating import MISSING

__all__ = ["TIMESTAMP_UTC_FORMAT", "timestamp_problems"]

_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}", re.ASCII)
_ENVELOPE_CODES = frozenset({"datetime_variant", "datetime_invalid"})
_FRACTION = re.compile(r"\.([0-9]+)", re.ASCII)


# The form a conformant SUT emits; such a string needs no closer look when it is a real date.
_WANTED = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z", re.ASCII
)


def _all_as_wanted(body: object) -> bool:
    """True when every date-time-shaped string in ``body`` is a valid DateTime in the wanted
    form: the common case, decided without building a JSON pointer for every value."""
    shape, wanted, parse = _SHAPE.match, _WANTED.fullmatch, datetime.fromisoformat
    stack: list[object] = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if shape(value) is not None:
                if wanted(value) is None:
                    return False
                try:
                    parse(value)
                except ValueError:
                    return False
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return True


def _strings(value: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            token = str(key).replace("~", "~0").replace("/", "~1")
            yield from _strings(item, f"{pointer}/{token}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{i}")


def timestamp_problems(text: str, strict: bool) -> tuple[str, Level, str] | None:
    """``(code, level, message)`` for one emitted DateTime, or None when it is as wanted."""
    exact = parse_datetime(text)
    if not exact.ok:
        loose = parse_datetime(text, lenient=True)
        if loose.ok and "too_long" not in loose.deviations:
            forms = ", ".join(loose.deviations)
            return "datetime_variant", tolerated(strict), f"{text!r} is not OCPI form ({forms})"
        why = "longer than 25 characters" if len(text) > MAX_LENGTH else "not an OCPI DateTime"
        return "datetime_invalid", Level.MUST, f"{text!r} is {why}"
    fraction = _FRACTION.search(text)
    if fraction is not None and len(fraction.group(1)) > 3:
        digits = len(fraction.group(1))
        return "datetime_precision", Level.SHOULD, f"{text!r} has {digits} fractional digits"
    if not text.endswith("Z"):
        return "datetime_without_z", Level.SHOULD, f"{text!r} has no 'Z' (UTC is meant)"
    return None


def _timestamp_utc_format(ctx: CheckContext, message: Message) -> list[Finding]:
    body = message.json
    if body is MISSING:
        return []
    if _all_as_wanted(body):
        return []
    req = "REQ-211-009" if ctx.version is VersionNumber.V2_1_1 else "REQ-TF-056"
    envelope_checked = message.is_response
    first: dict[str, tuple[str, Level, str]] = {}
    counts: dict[str, int] = {}
    for pointer, text in _strings(body):
        if _SHAPE.match(text) is None:
            continue
        problem = timestamp_problems(text, ctx.strict)
        if problem is None:
            continue
        if envelope_checked and pointer == "/timestamp" and problem[0] in _ENVELOPE_CODES:
            continue  # envelope_shape reports a malformed envelope timestamp
        code = problem[0]
        counts[code] = counts.get(code, 0) + 1
        first.setdefault(code, (pointer, problem[1], problem[2]))
    findings: list[Finding] = []
    for code, (pointer, level, text) in first.items():
        more = counts[code] - 1
        tail = f" (and {more} more field{'s' if more != 1 else ''} like it)" if more else ""
        findings.append(
            Finding(
                check="timestamp_utc_format",
                level=level,
                message=f"{text}{tail}; emit YYYY-MM-DDThh:mm:ss[.fff]Z",
                req=req,
                pointer=pointer,
                expected="UTC with Z, at most 3 fractional digits",
                exchange=message.index,
            )
        )
    return findings


TIMESTAMP_UTC_FORMAT = FunctionCheck(
    "timestamp_utc_format",
    "message",
    _timestamp_utc_format,
    "DateTime values the SUT emits are UTC with Z and at most 3 fractional digits",
)
