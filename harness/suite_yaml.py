"""Suite YAML with source positions, and schema errors told in the suite author's words.

The loader (:mod:`harness.loader`) uses this module in two steps:

1. :func:`read_yaml` parses the text with a SafeLoader subclass and converts the node tree
   itself, remembering where every value and every mapping key starts (:class:`Marks`). The
   scalars follow YAML 1.2: only ``true``/``false`` are booleans (so ``country_code: NO`` stays
   text), dates stay text, fractions become ``Decimal``. Custom tags and duplicate keys are
   refused.
2. :func:`schema_problems` validates the data against ``suite.schema.json`` and turns each
   error into a :class:`SuiteProblem` placed at the offending node: ``unknown key 'expct' (did
   you mean 'expect'?)`` at the key, ``missing required key 'title'`` at the mapping.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from harness.errors import HarnessError
from harness.matchers import describe
from harness.model import SourceLocation

__all__ = [
    "Marks",
    "SuiteError",
    "SuiteProblem",
    "context_of",
    "read_yaml",
    "schema_problems",
    "suggest",
]

Path = tuple[str | int, ...]

_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


@dataclass(frozen=True, slots=True)
class SuiteProblem:
    """One thing wrong with a suite file: where, in which case and step, and why."""

    location: SourceLocation
    reason: str
    context: str = ""

    def __str__(self) -> str:
        context = f"{self.context}: " if self.context else ""
        return f"{self.location}: {context}{self.reason}"


class SuiteError(HarnessError):
    """A suite file that cannot be used; ``problems`` lists every reason found, in file order.

    ``str()`` gives one ``file:line:column: [case ID step N: ]reason`` line per problem.
    """

    def __init__(self, problems: Iterable[SuiteProblem]) -> None:
        ordered = sorted(  # stable: problems at one place keep the order they were found in
            dict.fromkeys(problems),
            key=lambda p: (p.location.file, p.location.line, p.location.column),
        )
        if not ordered:
            raise ValueError("a SuiteError needs at least one problem")
        self.problems: tuple[SuiteProblem, ...] = tuple(ordered)
        self.location = ordered[0].location
        super().__init__("\n".join(str(p) for p in ordered))


def suggest(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close option, else ``""``."""
    choices = list(options)
    folded = [c for c in choices if c.casefold() == word.casefold()]
    close = folded or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(slots=True)
class Marks:
    """Where each value (by its path in the data) and each mapping key start."""

    file: str
    values: dict[Path, SourceLocation] = field(default_factory=dict)
    keys: dict[Path, SourceLocation] = field(default_factory=dict)

    def at(self, path: Sequence[str | int]) -> SourceLocation:
        """The value at ``path``, or its nearest recorded ancestor."""
        key = tuple(path)
        while key and key not in self.values:
            key = key[:-1]
        return self.values.get(key, SourceLocation(self.file, 1, 1))

    def key_at(self, path: Sequence[str | int]) -> SourceLocation:
        """The key naming the value at ``path`` (the value itself for list items)."""
        return self.keys.get(tuple(path)) or self.at(path)


class _SuiteLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars (no yes/no booleans, no timestamps, no octal)."""


_REPLACED = {_BOOL, _INT, _FLOAT, "tag:yaml.org,2002:timestamp"}
_SuiteLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SuiteLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_SuiteLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_SuiteLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def _location(file: str, mark: yaml.Mark) -> SourceLocation:
    return SourceLocation(file, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, loader: _SuiteLoader, marks: Marks) -> None:
        self.loader = loader
        self.marks = marks
        self.problems: list[SuiteProblem] = []
        self._active: set[int] = set()

    def problem(self, mark: yaml.Mark, reason: str) -> None:
        self.problems.append(SuiteProblem(_location(self.marks.file, mark), reason))

    def convert(self, node: yaml.Node, path: Path) -> object:
        self.marks.values.setdefault(path, _location(self.marks.file, node.start_mark))
        if id(node) in self._active:
            self.problem(node.start_mark, "a YAML alias refers to itself")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        self.problem(node.start_mark, f"unsupported YAML tag {node.tag!r} (suites are plain YAML)")
        return None

    def _scalar(self, node: yaml.ScalarNode) -> object:
        text = str(node.value)
        if node.tag not in {_STR, _NULL, _BOOL, _INT, _FLOAT}:
            self.problem(
                node.start_mark, f"unsupported YAML tag {node.tag!r} (suites are plain YAML)"
            )
            return None
        try:
            if node.tag == _STR:
                return text
            if node.tag == _NULL:
                return None
            if node.tag == _BOOL:
                return text.lower() == "true"
            if node.tag == _INT:
                return int(text)
            if node.tag == _FLOAT:
                number = Decimal(text)
                if number.is_finite():
                    return number
        except (ValueError, InvalidOperation):
            pass
        self.problem(node.start_mark, f"unsupported YAML value {text!r} with tag {node.tag!r}")
        return None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, object]:
        try:
            self.loader.flatten_mapping(node)
        except yaml.MarkedYAMLError as exc:
            self.problem(exc.problem_mark or node.start_mark, str(exc.problem))
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark, "a mapping key must be plain text")
                continue
            key = str(key_node.value)
            if key in result:
                first = self.marks.keys[(*path, key)]
                self.problem(
                    key_node.start_mark, f"duplicate key {key!r} (first at line {first.line})"
                )
                continue
            self.marks.keys[(*path, key)] = _location(self.marks.file, key_node.start_mark)
            result[key] = self.convert(value_node, (*path, key))
        return result


def read_yaml(text: str, file: str) -> tuple[object, Marks]:
    """Parse one YAML document into plain data plus the marks of every node."""
    marks = Marks(file)
    loader = _SuiteLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _location(file, mark) if mark is not None else SourceLocation(file, 1, 1)
        context = f" ({exc.context})" if exc.context else ""
        if "not allowed here" in str(exc.problem):
            context += "; check the indentation of this line"
        raise SuiteError(
            [SuiteProblem(where, f"YAML syntax error: {exc.problem}{context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise SuiteError([SuiteProblem(SourceLocation(file, 1, 1), f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise SuiteError(
            [SuiteProblem(SourceLocation(file, 1, 1), "the file holds no YAML document")]
        )
    converter = _Converter(loader, marks)
    data = converter.convert(node, ())
    if converter.problems:
        raise SuiteError(converter.problems)
    return data, marks


@cache
def _validator() -> Draft202012Validator:
    text = resources.files("harness.schemas").joinpath("suite.schema.json").read_text("utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def context_of(data: object, path: Sequence[str | int]) -> str:
    """``case TOK-RCV-001 step 2`` (or ``suite``, ``var token``) for a path into the data."""
    if not path:
        return ""
    if path[0] == "suite":
        return "suite"
    if path[0] == "vars" and len(path) > 1:
        return f"var {path[1]}"
    if path[0] != "cases" or len(path) < 2 or not isinstance(data, Mapping):
        return ""
    cases, index = data.get("cases"), path[1]
    case = cases[index] if isinstance(cases, list) and isinstance(index, int) else None
    case_id = case.get("id") if isinstance(case, Mapping) else None
    text = f"case {case_id}" if isinstance(case_id, str) else f"case #{int(index) + 1}"
    if len(path) > 3 and path[2] == "steps" and isinstance(path[3], int):
        text += f" step {path[3] + 1}"
    elif len(path) > 3 and path[2] == "vars":
        text += f" var {path[3]}"
    return text


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _required_groups(schema: object) -> list[list[str]] | None:
    """The key lists of a oneOf/anyOf whose branches only say ``required``."""
    if not isinstance(schema, list) or not all(
        isinstance(s, Mapping) and set(s) == {"required"} for s in schema
    ):
        return None
    return [list(s["required"]) for s in schema]


def _hint(schema: Mapping[str, Any]) -> str:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], str):
        return f"write it like {examples[0]!r}"
    return f"it must match {schema.get('pattern')}"


def _explain(error: ValidationError, data: object) -> tuple[Path, bool, str]:
    """(path to place the problem at, whether at the key, reason)."""
    path: Path = tuple(error.absolute_path)
    instance: Any = error.instance
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    value: Any = error.validator_value
    kind = error.validator
    if kind == "additionalProperties" and _unknown_keys(error):
        return _unknown_keys(error)[0]
    if kind == "required" and isinstance(instance, Mapping):
        missing = [k for k in value if k not in instance]  # one error per missing key
        key = next((k for k in missing if error.message.startswith(repr(k))), missing[0])
        return path, False, f"missing required key {key!r}"
    if kind in {"oneOf", "anyOf"} and isinstance(instance, Mapping):
        groups = _required_groups(value)
        if groups is not None:
            names = [g[0] for g in groups]
            present = [n for n in names if n in instance]
            if present and kind == "oneOf":
                return path, False, f"use only one of {', '.join(present)}"
            return path, False, f"needs one of: {', '.join(names)}"
    if kind in {"oneOf", "anyOf"} and error.context:
        return _explain(best_match(error.context), data)
    if kind == "not" and isinstance(instance, Mapping):
        mentioned = {k for s in value.get("anyOf", []) for k in s.get("required", [])}
        present = sorted(k for k in instance if k in mentioned)
        return path, False, f"use only one of {', '.join(present)}"
    if "propertyNames" in error.absolute_schema_path:
        return (
            (*path, str(instance)),
            True,
            f"{instance!r} is not a valid name here: {_hint(schema)}",
        )
    if kind == "type":
        wanted = value if isinstance(value, list) else [value]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
        return path, False, f"expected {words}, got {describe(instance)}"
    if kind == "enum":
        options = [str(v) for v in value]
        tail = suggest(str(instance), options)
        return path, False, f"{instance!r} is not one of {', '.join(options)}{tail}"
    if kind == "pattern":
        return path, False, f"{instance!r} is not valid here: {_hint(schema)}"
    if kind in {"minItems", "minProperties", "minLength"} and value == 1:
        return path, False, "must not be empty"
    return path, False, error.message


def _unknown_keys(error: ValidationError) -> list[tuple[Path, bool, str]]:
    """One problem per key that the object's schema does not list."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    known = list(schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    out = []
    for key in (k for k in instance if k not in known):
        tail = suggest(key, known) or (f" (expected one of: {', '.join(known)})" if known else "")
        out.append(((*error.absolute_path, key), True, f"unknown key {key!r}{tail}"))
    return out


def schema_problems(data: object, marks: Marks) -> list[SuiteProblem]:
    """Every schema error of ``data``, placed and worded for the suite author."""
    problems: dict[tuple[SourceLocation, str], SuiteProblem] = {}
    unknown_keys: dict[Path, set[str]] = {}
    explained: list[tuple[Path, bool, str]] = []
    for error in _validator().iter_errors(data):
        if error.validator == "additionalProperties":
            explained.extend(_unknown_keys(error))
        else:
            explained.append(_explain(error, data))
    for path, _, reason in explained:
        if reason.startswith("unknown key") and "did you mean" in reason:
            unknown_keys.setdefault(path[:-1], set()).add(reason.rsplit("'", 2)[-2])
    for path, at_key, reason in explained:
        suggested = unknown_keys.get(path, set())
        if reason.startswith(("missing required key", "needs one of")) and any(
            repr(k) in reason or f" {k}" in reason for k in suggested
        ):
            continue  # the typo already explains it
        location = marks.key_at(path) if at_key else marks.at(path)
        problem = SuiteProblem(location, reason, context_of(data, path))
        problems[(location, reason)] = problem
    return list(problems.values())
