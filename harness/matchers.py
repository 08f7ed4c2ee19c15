"""Named value matchers for ``expect.body`` and ``expect.headers``.

In a suite a matcher is written ``{match: NAME}`` or, with an argument, ``{match: {NAME: ARG}}``::

    data.last_updated: {match: iso8601_utc}
    data.country_code: {match: {regex: "^[A-Z]{2}$"}}
    data.total_cost.excl_vat: {match: {decimal_close: {value: "12.35", tolerance: "0.01"}}}

A matcher returns None when the value fits and a short message when it does not. A field that
is not there at all is passed as :data:`~harness.templating.MISSING`, so ``absent`` and
``null_or_absent`` can tell it from JSON null. :func:`default_matchers` returns a fresh
registry per run; plugins add to that copy, never to a module-level one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from harness.ocpi.timestamps import parse_datetime
from harness.templating import MISSING

__all__ = [
    "ArgCheck",
    "MatchFunc",
    "Matcher",
    "MatcherRegistry",
    "default_matchers",
    "describe",
    "json_equal",
]

MatchFunc = Callable[[object, object], "str | None"]
"""``(actual, arg) -> None | mismatch message``."""
ArgCheck = Callable[[object], "str | None"]
"""``arg -> None | why the argument is unusable`` (run by the loader on literal arguments)."""

_UTC_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,3})?Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def describe(value: object) -> str:
    """A short JSON-like rendering of a value for messages."""
    if value is MISSING:
        return "nothing (the field is absent)"
    text = _json_text(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _json_text(value: object) -> str:
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {_json_text(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    return repr(value)


def json_equal(a: object, b: object) -> bool:
    """Equality as JSON means it: ``true`` is not ``1``, ``1`` equals ``1.0``, order of keys
    does not matter, order of array items does."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True, slots=True)
class Matcher:
    """A named matcher. ``takes_arg`` says whether ``{match: {NAME: ARG}}`` is required."""

    name: str
    func: MatchFunc
    takes_arg: bool
    check_arg: ArgCheck | None = None
    description: str = ""

    def __call__(self, actual: object, arg: object = None) -> str | None:
        return self.func(actual, arg)


class MatcherRegistry:
    """Matchers by name; duplicate names are refused."""

    def __init__(self, matchers: Iterable[Matcher] = ()) -> None:
        self._matchers: dict[str, Matcher] = {}
        for matcher in matchers:
            self.register(matcher)

    def register(self, matcher: Matcher) -> None:
        if matcher.name in self._matchers:
            raise ValueError(f"a matcher named {matcher.name!r} is already registered")
        self._matchers[matcher.name] = matcher

    def get(self, name: str) -> Matcher | None:
        return self._matchers.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._matchers

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._matchers))

    def copy(self) -> MatcherRegistry:
        return MatcherRegistry(self._matchers.values())

    def match(self, name: str, actual: object, arg: object = None) -> str | None:
        """Run matcher ``name``; KeyError for a name that is not registered."""
        return self._matchers[name](actual, arg)


def _present(actual: object) -> str | None:
    return "the field is absent" if actual is MISSING else None


def _any(actual: object, _: object) -> str | None:
    return _present(actual)


def _any_string(actual: object, _: object) -> str | None:
    return None if isinstance(actual, str) else f"expected text, got {describe(actual)}"


def _non_empty_string(actual: object, _: object) -> str | None:
    if isinstance(actual, str) and actual.strip():
        return None
    return f"expected non-empty text, got {describe(actual)}"


def _iso8601_utc(actual: object, _: object) -> str | None:
    if isinstance(actual, str) and _UTC_FORM.fullmatch(actual) and parse_datetime(actual).ok:
        return None
    return (
        f"expected a UTC DateTime with 'Z' and at most 3 fraction digits "
        f"(2026-03-15T06:58:41.123Z), got {describe(actual)}"
    )


def _ocpi_datetime(actual: object, _: object) -> str | None:
    parsed = parse_datetime(actual)
    return None if parsed.ok else f"expected an OCPI DateTime: {parsed.error}"


def _uuid(actual: object, _: object) -> str | None:
    if isinstance(actual, str) and _UUID.fullmatch(actual):
        return None
    return f"expected a UUID, got {describe(actual)}"


def _regex(actual: object, arg: object) -> str | None:
    if isinstance(actual, str) and re.search(str(arg), actual):
        return None
    return f"expected text matching /{arg}/, got {describe(actual)}"


def _check_regex(arg: object) -> str | None:
    if not isinstance(arg, str):
        return "regex needs a pattern (text)"
    try:
        re.compile(arg)
    except re.error as exc:
        return f"bad regular expression {arg!r}: {exc}"
    return None


def _decimal_close(actual: object, arg: object) -> str | None:
    spec = arg if isinstance(arg, Mapping) else {}
    value, tolerance = _decimal(spec.get("value")), _decimal(spec.get("tolerance", 0))
    if value is None or tolerance is None:
        return f"decimal_close needs a numeric value and tolerance, got {describe(arg)}"
    number = _decimal(actual) if not isinstance(actual, str) else None
    if number is None:
        return f"expected a number, got {describe(actual)}"
    if abs(number - value) <= tolerance:
        return None
    return f"expected {value} ± {tolerance}, got {number} (off by {abs(number - value)})"


def _check_decimal_close(arg: object) -> str | None:
    if not isinstance(arg, Mapping) or "value" not in arg:
        return "decimal_close needs {value: NUMBER, tolerance: NUMBER}"
    extra = set(arg) - {"value", "tolerance"}
    if extra:
        return f"decimal_close takes only value and tolerance, not {', '.join(sorted(extra))}"
    if _decimal(arg["value"]) is None:
        return f"decimal_close value {arg['value']!r} is not a number"
    tolerance = _decimal(arg.get("tolerance", 0))
    if tolerance is None or tolerance < 0:
        return f"decimal_close tolerance {arg.get('tolerance')!r} is not a number >= 0"
    return None


def _one_of(actual: object, arg: object) -> str | None:
    options = arg if isinstance(arg, list | tuple) else ()
    if any(json_equal(actual, option) for option in options):
        return None
    return f"expected one of {describe(list(options))}, got {describe(actual)}"


def _check_list(arg: object) -> str | None:
    return None if isinstance(arg, list | tuple) and arg else "one_of needs a non-empty list"


def _size(actual: object) -> int | None:
    return len(actual) if isinstance(actual, str | list | tuple | Mapping) else None


def _length(actual: object, arg: object) -> str | None:
    size = _size(actual)
    return None if size == arg else f"expected length {arg}, got {describe(actual)}"


def _min_length(actual: object, arg: object) -> str | None:
    size = _size(actual)
    if size is not None and isinstance(arg, int) and size >= arg:
        return None
    return f"expected length >= {arg}, got {describe(actual)}"


def _check_count(arg: object) -> str | None:
    ok = isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0
    return None if ok else f"expected a whole number >= 0, got {arg!r}"


def _contains(actual: object, arg: object) -> str | None:
    if isinstance(actual, str) and isinstance(arg, str) and arg in actual:
        return None
    if isinstance(actual, list | tuple) and any(json_equal(item, arg) for item in actual):
        return None
    return f"expected something containing {describe(arg)}, got {describe(actual)}"


def _dig(item: object, path: str) -> object:
    for part in path.split("."):
        if isinstance(item, Mapping) and part in item:
            item = item[part]
        elif isinstance(item, list | tuple) and part.isdigit() and int(part) < len(item):
            item = item[int(part)]
        else:
            return MISSING
    return item


def _fan_out(item: object, parts: list[str]) -> list[object]:
    """The values at a dotted path in which ``*`` stands for every element of an array."""
    if not parts:
        return [item]
    head, rest = parts[0], parts[1:]
    if head == "*":
        items = item if isinstance(item, list | tuple) else []
        return [v for element in items for v in _fan_out(element, rest)]
    value = _dig(item, head)
    return [] if value is MISSING else _fan_out(value, rest)


def _unique(actual: object, arg: object) -> str | None:
    if actual is MISSING:  # an optional array that is not there has no value twice
        return None
    if not isinstance(actual, list | tuple):
        return f"expected an array, got {describe(actual)}"
    seen: list[object] = []
    for item in actual:
        for value in _fan_out(item, str(arg).split(".")):
            if any(json_equal(value, other) for other in seen):
                return f"expected unique values at {arg!r}, found {describe(value)} twice"
            seen.append(value)
    return None


def _some_item(actual: object, arg: object) -> str | None:
    if not isinstance(actual, list | tuple) or not isinstance(arg, Mapping):
        return f"expected an array with an item having {describe(arg)}, got {describe(actual)}"
    for item in actual:
        if all(json_equal(_dig(item, str(k)), v) for k, v in arg.items()):
            return None
    return f"expected an item having {describe(arg)} among {len(actual)} item(s)"


def _check_mapping(arg: object) -> str | None:
    if isinstance(arg, Mapping) and arg:
        return None
    return f"expected a mapping of dotted paths to values, got {arg!r}"


def _instant(value: object) -> object:
    return parse_datetime(value, lenient=True).value if isinstance(value, str) else None


def _not_before(actual: object, arg: object) -> str | None:
    got, bound = _instant(actual), _instant(arg)
    if got is None or bound is None:
        return f"expected a DateTime at or after {describe(arg)}, got {describe(actual)}"
    return None if got >= bound else f"expected at or after {describe(arg)}, got {describe(actual)}"  # type: ignore[operator]


def _before(actual: object, arg: object) -> str | None:
    got, bound = _instant(actual), _instant(arg)
    if got is None or bound is None:
        return f"expected a DateTime before {describe(arg)}, got {describe(actual)}"
    return None if got < bound else f"expected before {describe(arg)}, got {describe(actual)}"  # type: ignore[operator]


def _not_after(actual: object, arg: object) -> str | None:
    got, bound = _instant(actual), _instant(arg)
    if got is None or bound is None:
        return f"expected a DateTime at or before {describe(arg)}, got {describe(actual)}"
    if got <= bound:  # type: ignore[operator]
        return None
    return f"expected at or before {describe(arg)}, got {describe(actual)}"


def _absent(actual: object, _: object) -> str | None:
    return None if actual is MISSING else f"expected no such field, got {describe(actual)}"


def _null_or_absent(actual: object, _: object) -> str | None:
    return None if actual is MISSING or actual is None else f"expected null, got {describe(actual)}"


def _case_insensitive(actual: object, arg: object) -> str | None:
    if isinstance(actual, str) and isinstance(arg, str) and actual.casefold() == arg.casefold():
        return None
    return f"expected {describe(arg)} (any case), got {describe(actual)}"


def _not_equal(actual: object, arg: object) -> str | None:
    if actual is MISSING:
        return "expected a value, found no such field"
    return None if not json_equal(actual, arg) else f"expected anything but {describe(arg)}"


def _check_text(arg: object) -> str | None:
    return None if isinstance(arg, str) else f"expected text, got {arg!r}"


def _window(tariff: Mapping[str, object]) -> tuple[object, object]:
    return _instant(tariff.get("start_date_time")), _instant(tariff.get("end_date_time"))


def _overlap(a: tuple[object, object], b: tuple[object, object]) -> bool:
    """Do two validity windows [start, end) share an instant (None: unbounded)?"""
    (a0, a1), (b0, b1) = a, b
    starts_before_b_ends = b1 is None or a0 is None or a0 < b1  # type: ignore[operator]
    ends_after_b_starts = a1 is None or b0 is None or b0 < a1  # type: ignore[operator]
    return starts_before_b_ends and ends_after_b_starts


def _one_tariff_per_type(actual: object, arg: object) -> str | None:
    """Every Connector of the Locations in ``actual`` references, per Tariff.type, Tariffs of
    ``arg`` (the CPO's Tariffs) whose validity windows never overlap (REQ-LOC-022)."""
    if not isinstance(actual, list | tuple) or not isinstance(arg, list | tuple):
        return f"expected Locations and the list of Tariffs, got {describe(actual)}"
    tariffs = {t.get("id"): t for t in arg if isinstance(t, Mapping)}
    for location in actual:
        for connector in _fan_out(location, ["evses", "*", "connectors", "*"]):
            if not isinstance(connector, Mapping):
                continue
            ids = list(dict.fromkeys(connector.get("tariff_ids") or []))
            known = [tariffs[i] for i in ids if i in tariffs]
            for n, first in enumerate(known):
                for other in known[n + 1 :]:
                    same = first.get("type") == other.get("type")
                    if same and _overlap(_window(first), _window(other)):
                        where = f"{_dig(location, 'id')} connector {connector.get('id')}"
                        return (
                            f"{where} references {first.get('id')} and {other.get('id')}, both "
                            f"of type {first.get('type') or '(none)'} and valid at the same time"
                        )
    return None


_PROFILE_TARIFF = {"CHEAP": "PROFILE_CHEAP", "FAST": "PROFILE_FAST", "GREEN": "PROFILE_GREEN",
                   "REGULAR": "REGULAR"}  # fmt: skip


def _profile_tariffs(actual: object, arg: object) -> str | None:
    """A Connector (``actual``) references, for every ProfileType the CPO ACCEPTED charging
    preferences with (``arg.answers``: ProfileType -> ChargingPreferencesResponse), a Tariff of
    ``arg.tariffs`` (the CPO's Tariffs) of the corresponding TariffType (REQ-SES-024)."""
    if not isinstance(actual, Mapping) or not isinstance(arg, Mapping):
        return f"expected a Connector and {{tariffs, answers}}, got {describe(actual)}"
    tariffs, answers = arg.get("tariffs"), arg.get("answers")
    if not isinstance(tariffs, list | tuple) or not isinstance(answers, Mapping):
        return f"expected {{tariffs: [...], answers: {{...}}}}, got {describe(arg)}"
    types = {t.get("id"): t.get("type") for t in tariffs if isinstance(t, Mapping)}
    referenced = [types.get(i, "?") for i in actual.get("tariff_ids") or []]
    for profile, answer in answers.items():
        wanted = _PROFILE_TARIFF.get(str(profile), f"PROFILE_{profile}")
        if answer != "ACCEPTED" or wanted in referenced:
            continue
        if wanted == "REGULAR" and None in referenced:  # an untyped Tariff is the regular one
            continue
        return (
            f"charging preferences {profile} were ACCEPTED but the Connector's tariff_ids "
            f"{describe(actual.get('tariff_ids'))} hold no Tariff of type {wanted}"
        )
    return None


def _check_profile_tariffs(arg: object) -> str | None:
    if isinstance(arg, Mapping) and {"tariffs", "answers"} <= set(arg):
        return None
    return f"expected {{tariffs: ..., answers: {{PROFILE: answer}}}}, got {arg!r}"


def _starts(message: object) -> list[object]:
    periods = message.get("charging_periods") if isinstance(message, Mapping) else None
    if not isinstance(periods, list | tuple):
        return []
    return [p.get("start_date_time") if isinstance(p, Mapping) else None for p in periods]


def _periods_appended(actual: object, arg: object) -> str | None:
    """The PATCHes of a Session (``arg.patches``, in order, after ``arg.put``) only append
    charging periods (REQ-SES-014): none re-sends a period already sent, and every pushed
    period is in the CPO's Session ``actual`` (or the item of that list with the PUT's id).
    With ``arg.methods`` (the HTTP method of each update), a PUT among them may replace the
    periods: it becomes the new baseline."""
    if not isinstance(arg, Mapping) or not isinstance(arg.get("patches"), list | tuple):
        return f"expected {{put, patches: [...]}}, got {describe(arg)}"
    put, patches = arg.get("put"), arg["patches"]
    session = actual
    if isinstance(actual, list | tuple) and isinstance(put, Mapping):
        session = next(
            (s for s in actual if isinstance(s, Mapping) and s.get("id") == put.get("id")), None
        )
    if not isinstance(session, Mapping):
        return f"expected the Session (or a list holding it), got {describe(actual)}"
    seen = {start for start in _starts(put) if start is not None}
    final = set(_starts(session))
    methods = arg.get("methods")
    for number, patch in enumerate(patches, start=1):
        if (
            isinstance(methods, list | tuple)
            and number <= len(methods)
            and methods[number - 1] == "PUT"
        ):
            seen = {start for start in _starts(patch) if start is not None}  # PUT may replace
            continue
        for start in _starts(patch):
            if start in seen:
                return (
                    f"PATCH {number} sends again the charging period starting at {start}: "
                    "existing periods are replaced only with PUT"
                )
            if start not in final:
                return (
                    f"PATCH {number} sent a charging period starting at {start} that the "
                    "Session no longer has: periods were replaced or removed other than with PUT"
                )
            seen.add(start)
    return None


def _check_periods_appended(arg: object) -> str | None:
    if isinstance(arg, Mapping) and "patches" in arg:
        return None
    return f"expected {{put: ..., patches: ...}}, got {arg!r}"


_BUILTIN: tuple[Matcher, ...] = (
    Matcher("any", _any, False, None, "any value, but the field must be present"),
    Matcher("any_string", _any_string, False, None, "any JSON string"),
    Matcher("non_empty_string", _non_empty_string, False, None, "a string with non-blank text"),
    Matcher("iso8601_utc", _iso8601_utc, False, None, "DateTime as OCPI emits it: Z, <=3 digits"),
    Matcher("ocpi_datetime", _ocpi_datetime, False, None, "any DateTime form the spec allows"),
    Matcher("uuid", _uuid, False, None, "a UUID in 8-4-4-4-12 hex form"),
    Matcher("regex", _regex, True, _check_regex, "text in which the pattern is found"),
    Matcher("decimal_close", _decimal_close, True, _check_decimal_close, "number within tolerance"),
    Matcher("one_of", _one_of, True, _check_list, "equal to one of the listed values"),
    Matcher("length", _length, True, _check_count, "text, array or object of exactly n items"),
    Matcher("min_length", _min_length, True, _check_count, "at least n characters or items"),
    Matcher("contains", _contains, True, None, "text with the substring, or array with the item"),
    Matcher("unique", _unique, True, _check_text, "array, no value twice at the dotted path"),
    Matcher("some_item", _some_item, True, _check_mapping, "array with an item whose fields equal"),
    Matcher("not_before", _not_before, True, _check_text, "DateTime at or after the argument"),
    Matcher("before", _before, True, _check_text, "DateTime strictly before the argument"),
    Matcher("not_after", _not_after, True, _check_text, "DateTime at or before the argument"),
    Matcher("absent", _absent, False, None, "the field is not there"),
    Matcher("null_or_absent", _null_or_absent, False, None, "null, or not there"),
    Matcher("case_insensitive", _case_insensitive, True, _check_text, "equal text, ignoring case"),
    Matcher("not_equal", _not_equal, True, None, "present and different from the value"),
    Matcher(
        "periods_appended",
        _periods_appended,
        True,
        _check_periods_appended,
        "a Session whose PATCHes (argument: {put, patches}) only appended charging periods",
    ),
    Matcher(
        "profile_tariffs",
        _profile_tariffs,
        True,
        _check_profile_tariffs,
        "a Connector with a Tariff of the matching type for every ACCEPTED ProfileType "
        "(argument: {tariffs, answers})",
    ),
    Matcher(
        "one_tariff_per_type",
        _one_tariff_per_type,
        True,
        None,
        "Locations whose Connectors reference at most one valid Tariff per type at a time "
        "(argument: the Tariffs)",
    ),
)


def default_matchers() -> MatcherRegistry:
    """A fresh registry holding the built-in matchers."""
    return MatcherRegistry(_BUILTIN)
