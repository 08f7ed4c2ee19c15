"""Turn ``jsonschema`` errors into :class:`Violation` records a person can act on.

The raw errors of a nullable field (``anyOf: [null, X]``) or of a missing property point at the
wrong place or say too little; this module unwraps them so that every violation points at the
field itself (``/evses/0/connectors/1/standard``) and says what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

import jsonschema
from jsonschema.exceptions import ValidationError

from harness.schemas._dsl import ASCII_STRING_211, PRINTABLE_TEXT

Level = Literal["error", "warning"]

# Unknown fields: 2.1.1 and 2.2.1 do not promise tolerance, 2.3.0 requires it (REQ-230-001).
# Either way an unknown field is reported, never fatal (ocpi-requirements.md §7.4).
_WARNING_RULES = frozenset({"additionalProperties"})

_REQUIRED = re.compile(r"^'(?P<name>.+)' is a required property$")


@dataclass(frozen=True, slots=True)
class Violation:
    """One way in which a document breaks its schema."""

    path: str  # JSON pointer of the offending field ("" is the document itself)
    rule: str  # the failed keyword (required, enum, maxLength, pattern, type, ...)
    message: str
    level: Level = "error"

    def as_warning(self, why: str) -> Violation:
        return replace(self, level="warning", message=f"{self.message} (accepted: {why})")

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "message": self.message, "level": self.level}


def pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _short(value: object, limit: int = 60) -> str:
    if value is None or isinstance(value, bool):
        text = {None: "null", True: "true", False: "false"}[value]
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, Mapping):
        text = "an object"
    elif isinstance(value, list):
        text = f"a list of {len(value)}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_name(schema: Mapping[str, Any]) -> str | None:
    title = schema.get("title")
    return title if isinstance(title, str) else None


def _describe(error: ValidationError) -> tuple[str, str]:
    """(rule, message) for one leaf error."""
    rule = str(error.validator)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    title = _type_name(schema)
    value: Any = error.instance
    expected: Any = error.validator_value
    if rule == "enum":
        allowed = list(expected)
        listing = ", ".join(map(str, allowed)) if len(allowed) <= 12 else f"{len(allowed)} values"
        return rule, f"{_short(value)} is not a {title or 'allowed'} value ({listing})"
    if rule == "pattern" and title:
        described = schema.get("description")
        suffix = f": {described}" if isinstance(described, str) else ""
        return rule, f"{_short(value)} is not a valid {title}{suffix}"
    if rule == "pattern" and expected == ASCII_STRING_211:
        return rule, f"{_short(value)} is not printable ASCII (a 2.1.1 string; UTF-8 from 2.2)"
    if rule == "pattern" and expected == PRINTABLE_TEXT:
        return rule, f"{_short(value)} holds a control character (CR, LF, TAB, ...)"
    if rule == "maxLength":
        return rule, f"{len(value)} characters, more than the maximum {expected}"
    if rule == "minItems":
        return rule, f"needs at least {expected} item(s), got {len(value)}"
    if rule == "type":
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null") + " (or null)"
        return rule, f"{_short(value)} is not of type {expected}"
    if rule in ("minimum", "maximum"):
        return rule, f"{_short(value)} is out of range ({rule} {expected})"
    if rule == "const":
        return rule, f"{_short(value)} must be {expected!r}"
    return rule, error.message


def _nullable_branch(error: ValidationError) -> int | None:
    """Index of the non-null branch of an ``anyOf: [{"type": "null"}, X]``, if this is one."""
    if error.validator != "anyOf":
        return None
    branches = error.validator_value
    if isinstance(branches, Sequence) and len(branches) == 2 and branches[0] == {"type": "null"}:
        return 1
    return None


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    branch = _nullable_branch(error)
    if branch is not None and error.instance is not None:
        inner = [e for e in error.context or () if e.schema_path and e.schema_path[0] == branch]
        for child in inner:
            yield from _leaves(child)
        return
    yield error


def _violations(error: ValidationError) -> Iterator[Violation]:
    base = list(error.absolute_path)
    if error.validator == "required":
        match = _REQUIRED.match(error.message)
        name = match.group("name") if match else "?"
        yield Violation(pointer([*base, name]), "required", f"required field {name!r} is missing")
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        known = set(schema.get("properties", {}))
        for extra in sorted(set(error.instance) - known):
            yield Violation(
                pointer([*base, extra]),
                "additionalProperties",
                f"field {extra!r} is not defined for {_type_name(schema) or 'this object'}",
                "warning",
            )
        return
    if error.validator == "dependentRequired" and isinstance(error.instance, Mapping):
        dependencies: Any = error.validator_value
        for trigger, needed in dict(dependencies).items():
            if trigger in error.instance:
                for name in needed:
                    if name not in error.instance:
                        yield Violation(
                            pointer([*base, name]),
                            "dependentRequired",
                            f"field {name!r} is required when {trigger!r} is present",
                        )
        return
    rule, message = _describe(error)
    yield Violation(pointer(base), rule, message, "warning" if rule in _WARNING_RULES else "error")


def explain(
    validator: jsonschema.Draft202012Validator, instance: object, version: str
) -> list[Violation]:
    """All violations of ``instance``, deduplicated, ordered by path."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Violation] = []
    for error in validator.iter_errors(instance):
        for leaf in _leaves(error):
            for v in _violations(leaf):
                key = (v.path, v.rule, v.message)
                if key not in seen:
                    seen.add(key)
                    out.append(v)
    out.sort(key=lambda v: (v.path, v.rule))
    return out
