"""``${a.b.c}`` substitution over an immutable :class:`Variables` mapping. No evaluation.

A reference is a dotted path: the first segment names a variable, the rest are object keys or
list indexes. A string that is exactly one reference (``"${token}"``) becomes the referenced
value with its type; references inside longer text are written as text (numbers as written,
booleans as ``true``/``false``). ``$${`` is a literal ``${``.

    >>> render("/${t.country_code}/${t.uid}", Variables({"t": {"country_code": "NL", "uid": "A1"}}))
    '/NL/A1'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from harness.errors import HarnessError
from harness.model import FrozenJson, SourceLocation

__all__ = [
    "BUILTIN_ROOTS",
    "LATER_OFFSETS",
    "MISSING",
    "Reference",
    "TemplateError",
    "Variables",
    "freeze",
    "lookup",
    "parse_text",
    "references",
    "render",
    "render_text",
    "select",
    "thaw",
]

BUILTIN_ROOTS: Mapping[str, str] = MappingProxyType(
    {
        "self": "the harness's own party: country_code, party_id, versions_url",
        "sut": "the system under test: country_code, party_id, versions_url, role",
        "partners": "the mock partners by name: partners.<name>.url, .versions_url, .tokens, ...",
        "suite": "the running suite: id, ocpi_version, module",
        "case": "the running case: id, title",
        "run": "the run: id, seed",
        "now": "the injected clock's current time as an OCPI DateTime (UTC, Z)",
        "later": "now plus an offset as an OCPI DateTime: later.30m, later.2h, ... (LATER_OFFSETS)",
        "earlier": "now minus an offset (LATER_OFFSETS): earlier.5m leaves room for clock skew",
    }
)

LATER_OFFSETS: Mapping[str, int] = MappingProxyType(
    {
        "1m": 60, "2m": 120, "5m": 300, "10m": 600, "15m": 900, "30m": 1800, "45m": 2700,
        "1h": 3600, "2h": 7200, "3h": 10800, "4h": 14400, "6h": 21600, "12h": 43200,
        "1d": 86400,
    }
)  # fmt: skip
"""The keys of the ``later`` and ``earlier`` roots and their offsets from ``now`` in seconds."""
"""Names the runner puts in scope for every case (suite variables may not shadow them)."""

_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*")


class TemplateError(HarnessError):
    """A ``${...}`` expression that is malformed or does not resolve."""

    def __init__(
        self, message: str, *, expression: str | None = None, location: SourceLocation | None = None
    ) -> None:
        super().__init__(f"{location}: {message}" if location is not None else message)
        self.reason = message
        self.expression = expression
        self.location = location


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""What :func:`lookup` returns for a path that leads nowhere (distinct from JSON null)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One ``${...}`` expression: its text, the variable it starts from, the path after it."""

    expression: str
    root: str
    segments: tuple[str, ...]


def parse_text(text: str) -> tuple[str | Reference, ...]:
    """Split ``text`` into literal parts and references; raises TemplateError on bad syntax."""
    parts: list[str | Reference] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i):
            literal.append("${")
            i += 3
            continue
        if not text.startswith("${", i):
            literal.append(text[i])
            i += 1
            continue
        end = text.find("}", i + 2)
        if end < 0:
            raise TemplateError(f"unterminated '${{' in {text!r}", expression=text[i:])
        inner = text[i + 2 : end]
        if _PATH.fullmatch(inner) is None:
            raise TemplateError(
                f"bad reference '${{{inner}}}': write a dotted name such as ${{token.uid}} "
                "(no spaces, no expressions)",
                expression=f"${{{inner}}}",
            )
        if literal:
            parts.append("".join(literal))
            literal = []
        root, *rest = inner.split(".")
        parts.append(Reference(f"${{{inner}}}", root, tuple(rest)))
        i = end + 1
    if literal:
        parts.append("".join(literal))
    return tuple(parts)


def references(value: object) -> Iterator[Reference]:
    """Every reference in a JSON value (strings inside objects and arrays included)."""
    if isinstance(value, str):
        if "${" in value:
            for part in parse_text(value):
                if isinstance(part, Reference):
                    yield part
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from references(item)


_SCALARS = frozenset({str, int, bool, Decimal, type(None)})


def freeze(value: object) -> FrozenJson:
    """A read-only deep copy of JSON data (objects become mappings, arrays tuples)."""
    kind = type(value)
    if kind in _SCALARS:
        return value  # type: ignore[return-value]
    if kind is dict:  # the common case first: JSON objects and arrays as json.loads makes them
        scalars = _SCALARS
        return MappingProxyType(
            {
                k if type(k) is str else str(k): v if type(v) in scalars else freeze(v)
                for k, v in value.items()  # type: ignore[attr-defined]
            }
        )
    if kind is list:
        scalars = _SCALARS
        return tuple([v if type(v) in scalars else freeze(v) for v in value])  # type: ignore[attr-defined]
    if value is None or isinstance(value, bool | int | Decimal | str):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    raise TypeError(f"not JSON data: {type(value).__name__}")


def thaw(value: object) -> object:
    """A mutable deep copy of (possibly frozen) JSON data."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


class Variables(Mapping[str, object]):
    """The values in scope. Immutable: :meth:`with_values` returns a new mapping."""

    __slots__ = ("_data",)

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        self._data: dict[str, FrozenJson] = {k: freeze(v) for k, v in (values or {}).items()}

    def __getitem__(self, key: str) -> FrozenJson:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Variables({sorted(self._data)})"

    def with_values(self, values: Mapping[str, object]) -> Variables:
        """A copy with ``values`` added (replacing names already bound)."""
        new = Variables()
        new._data = {**self._data, **{k: freeze(v) for k, v in values.items()}}
        return new


def lookup(document: object, segments: Sequence[str]) -> object:
    """The value at ``segments`` in ``document``, or :data:`MISSING`."""
    current = document
    for segment in segments:
        if isinstance(current, Mapping):
            if segment not in current:
                return MISSING
            current = current[segment]
        elif isinstance(current, list | tuple) and segment.isdigit():
            index = int(segment)
            if index >= len(current):
                return MISSING
            current = current[index]
        else:
            return MISSING
    return current


def _pointer_token(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def select(document: object, segments: Sequence[str]) -> list[tuple[str, object]]:
    """Every ``(JSON pointer, value)`` that ``segments`` reaches; ``*`` fans out over array
    items (and object values). A path that leads nowhere gives one pair with MISSING; a ``*``
    over an empty array gives none."""
    found: list[tuple[str, object]] = [("", document)]
    for segment in segments:
        step: list[tuple[str, object]] = []
        for pointer, value in found:
            if segment == "*" and isinstance(value, list | tuple):
                step.extend((f"{pointer}/{i}", item) for i, item in enumerate(value))
            elif segment == "*" and isinstance(value, Mapping):
                step.extend((f"{pointer}/{_pointer_token(k)}", v) for k, v in value.items())
            else:
                child = MISSING if value is MISSING else lookup(value, (segment,))
                step.append((f"{pointer}/{_pointer_token(segment)}", child))
        found = step
    return found


def _resolve(ref: Reference, variables: Mapping[str, object], loc: SourceLocation | None) -> object:
    if ref.root not in variables:
        known = ", ".join(sorted(variables)) or "none"
        raise TemplateError(
            f"{ref.expression}: unknown name {ref.root!r} (in scope: {known})",
            expression=ref.expression,
            location=loc,
        )
    current: object = variables[ref.root]
    walked = ref.root
    for segment in ref.segments:
        child = lookup(current, (segment,))
        if child is MISSING:
            if isinstance(current, Mapping):
                keys = ", ".join(sorted(current)) or "none"
                why = f"{walked} has no key {segment!r} (keys: {keys})"
            elif isinstance(current, list | tuple):
                why = f"{walked} has {len(current)} items; {segment!r} is not an index below that"
            else:
                why = f"{walked} is {type(current).__name__}, not an object or array"
            raise TemplateError(f"{ref.expression}: {why}", expression=ref.expression, location=loc)
        current = child
        walked = f"{walked}.{segment}"
    return current


def _as_text(value: object, ref: Reference, loc: SourceLocation | None) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    kind = "null" if value is None else type(value).__name__
    raise TemplateError(
        f"{ref.expression} is {kind}; only text, numbers and booleans can be embedded in text "
        f"(use the reference alone, as the whole string, to pass the value itself)",
        expression=ref.expression,
        location=loc,
    )


def render(
    value: object, variables: Mapping[str, object], location: SourceLocation | None = None
) -> object:
    """Substitute every reference in ``value``; returns fresh, mutable JSON."""
    if isinstance(value, str):
        if "${" not in value:
            return value
        parts = parse_text(value)
        if len(parts) == 1 and isinstance(parts[0], Reference):
            return thaw(_resolve(parts[0], variables, location))
        return "".join(
            part
            if isinstance(part, str)
            else _as_text(_resolve(part, variables, location), part, location)
            for part in parts
        )
    if isinstance(value, Mapping):
        return {k: render(v, variables, location) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [render(v, variables, location) for v in value]
    return thaw(value)


def render_text(
    text: str, variables: Mapping[str, object], location: SourceLocation | None = None
) -> str:
    """Render ``text`` and insist on a text result (URLs, paths, header values)."""
    result = render(text, variables, location)
    if isinstance(result, str):
        return result
    if isinstance(result, bool | int | Decimal):
        return _as_text(result, Reference(text, "", ()), location)
    raise TemplateError(
        f"{text} must give text, got {type(result).__name__}", expression=text, location=location
    )
