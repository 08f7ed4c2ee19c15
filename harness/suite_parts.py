"""Building blocks of the third loading pass (see :mod:`harness.suite_build`).

:class:`PartsBuilder` holds what every part of a suite needs: the problem list, ``${...}``
names checked against the names in scope, module and duration checks, and the parts shared
by several step kinds: expectations (with matchers and checks) and save rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from harness.matchers import MatcherRegistry
from harness.model import (
    CheckRef,
    DataExpectation,
    Expectation,
    FieldPath,
    FrozenJson,
    MatcherRef,
    SaveRule,
    SourceLocation,
    ValueAssertion,
)
from harness.ocpi.modules import module_ids
from harness.ocpi.problems import Level
from harness.ocpi.roles import InterfaceRole
from harness.ocpi.versions import VersionNumber
from harness.schemas import object_names
from harness.suite_yaml import Marks, SuiteProblem, context_of, suggest
from harness.templating import Reference, TemplateError, freeze, parse_text

if TYPE_CHECKING:
    from harness.loader import FixtureSource

__all__ = ["EXPECT_KINDS", "SAVE_ROOTS", "PartsBuilder", "Path", "field_path", "parse_duration"]

Path = tuple[str | int, ...]

SAVE_ROOTS: Mapping[str, frozenset[str]] = {
    "request": frozenset({"body", "headers", "status"}),
    "crawl": frozenset({"items", "pages"}),
    "await_call": frozenset({"body", "headers", "path", "query", "response", "calls", "methods"}),
    "hook": frozenset({"result"}),
    "registration": frozenset({"result"}),
    "verify_billing": frozenset({"reference", "ok", "checked", "exercised"}),
}
"""What each step kind can save from (the first segment of a save path)."""

EXPECT_KINDS = frozenset({"request", "crawl", "await_call", "registration"})
_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?")


def parse_duration(value: object) -> timedelta:
    """``90``, ``"1m30s"``, ``"500ms"``... as a timedelta (ValueError when malformed)."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and value >= 0:
        return timedelta(microseconds=int(Decimal(value) * 1_000_000))
    match = _DURATION.fullmatch(value) if isinstance(value, str) and value else None
    if match is None:
        raise ValueError(f"not a duration: {value!r}")
    h, m, s, ms = (int(g) if g else 0 for g in match.groups())
    return timedelta(hours=h, minutes=m, seconds=s, milliseconds=ms)


def field_path(text: str) -> FieldPath:
    """``data.0.uid`` as a FieldPath."""
    return FieldPath(text, tuple(text.split(".")))


def _statuses(value: int | list[int]) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


class PartsBuilder:
    """Shared state and the parts common to several step kinds."""

    def __init__(
        self,
        data: object,
        marks: Marks,
        *,
        fixtures: FixtureSource,
        checks: Collection[str],
        matchers: MatcherRegistry,
    ) -> None:
        if not isinstance(data, Mapping):
            raise TypeError("SuiteBuilder needs schema-valid suite data")
        self._data: Mapping[str, Any] = data
        self._marks = marks
        self._fixtures = fixtures
        self._checks = checks
        self._matchers = matchers
        self._problems: list[SuiteProblem] = []
        self._version = VersionNumber(data["suite"]["ocpi_version"])
        self._objects = frozenset(object_names(self._version))
        self._modules = frozenset(str(m) for m in module_ids(self._version))
        raw_interface = data["suite"].get("interface")
        self._interface = InterfaceRole(raw_interface) if raw_interface else None

    # -- helpers ---------------------------------------------------------------------------

    def _loc(self, path: Path) -> SourceLocation:
        return self._marks.at(path)

    def _problem(self, path: Path, reason: str, *, at_key: bool = False) -> None:
        where = self._marks.key_at(path) if at_key else self._marks.at(path)
        self._problems.append(SuiteProblem(where, reason, context_of(self._data, path)))

    def _template(self, value: object, path: Path, scope: Collection[str]) -> FrozenJson:
        """Check every ``${...}`` in ``value`` against ``scope``; return it frozen."""
        if isinstance(value, str) and "${" in value:
            try:
                parts = parse_text(value)
            except TemplateError as exc:
                self._problem(path, exc.reason)
                return value
            for part in parts:
                if isinstance(part, Reference) and part.root not in scope:
                    tail = suggest(part.root, scope)
                    self._problem(path, f"unknown name {part.root!r} in {part.expression}{tail}")
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self._template(item, (*path, key), scope)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._template(item, (*path, i), scope)
        return freeze(value)

    def _text(self, value: str, path: Path, scope: Collection[str]) -> str:
        self._template(value, path, scope)
        return value

    def _templates(
        self, raw: Mapping[str, Any], path: Path, scope: Collection[str]
    ) -> Mapping[str, FrozenJson]:
        return MappingProxyType({k: self._template(v, (*path, k), scope) for k, v in raw.items()})

    def _module(self, name: str, path: Path) -> str:
        if name == "versions":
            self._problem(path, "versions has no endpoint; use url: ${sut.versions_url}")
        elif name not in self._modules:
            self._problem(path, f"OCPI {self._version} has no module {name!r}")
        return name

    def _duration(self, value: object, path: Path) -> timedelta:
        try:
            return parse_duration(value)
        except ValueError as exc:
            self._problem(path, str(exc))
            return timedelta(0)

    # -- expectations and saves ------------------------------------------------------------

    def _expect(
        self, raw: Mapping[str, Any], path: Path, scope: set[str], kind: str
    ) -> Expectation:
        if kind == "await_call":
            for key in ("http_status", "ocpi_status"):
                if key in raw:
                    self._problem(
                        (*path, key),
                        f"{key} does not apply to await_call (it checks the SUT's request)",
                        at_key=True,
                    )
        http, ocpi = _statuses(raw.get("http_status", [])), _statuses(raw.get("ocpi_status", []))
        if any(not 100 <= code <= 599 for code in http):
            self._problem((*path, "http_status"), "an HTTP status is between 100 and 599")
        if any(not 1000 <= code <= 9999 for code in ocpi):
            self._problem((*path, "ocpi_status"), "an OCPI status_code has four digits (1000-9999)")
        data = None
        if "data" in raw:
            spec = raw["data"]
            schema = spec.get("schema")
            if schema is not None and schema not in self._objects:
                tail = suggest(schema, self._objects)
                self._problem(
                    (*path, "data", "schema"),
                    f"OCPI {self._version} has no object {schema!r}{tail}",
                )
            data = DataExpectation(
                schema,
                spec.get("cardinality"),
                spec.get("partial", False),
                self._loc((*path, "data")),
            )
        headers = tuple(
            ValueAssertion(
                FieldPath(k, (k,)),
                self._expected(v, (*path, "headers", k), scope),
                self._marks.key_at((*path, "headers", k)),
            )
            for k, v in raw.get("headers", {}).items()
        )
        body = tuple(
            ValueAssertion(
                field_path(k),
                self._expected(v, (*path, "body", k), scope),
                self._marks.key_at((*path, "body", k)),
            )
            for k, v in raw.get("body", {}).items()
        )
        return Expectation(
            http_status=http,
            ocpi_status=ocpi,
            data=data,
            headers=headers,
            body=body,
            checks=self._check_refs(raw.get("checks", []), (*path, "checks"), scope),
            level=Level(raw.get("level", "MUST")),
            req=raw.get("req"),
            location=self._loc(path),
        )

    def _expected(self, value: object, path: Path, scope: set[str]) -> FrozenJson | MatcherRef:
        if not (isinstance(value, Mapping) and "match" in value):
            return self._template(value, path, scope)
        spec, where = value["match"], (*path, "match")
        name, arg = (spec, None) if isinstance(spec, str) else next(iter(spec.items()))
        has_arg = not isinstance(spec, str)
        matcher = self._matchers.get(name)
        if matcher is None:
            self._problem(where, f"unknown matcher {name!r}{suggest(name, self._matchers.names())}")
        elif matcher.takes_arg and not has_arg:
            self._problem(where, f"matcher {name} needs an argument: {{match: {{{name}: ...}}}}")
        elif has_arg and not matcher.takes_arg:
            self._problem(where, f"matcher {name} takes no argument: {{match: {name}}}")
        elif has_arg and matcher.check_arg is not None and "${" not in repr(arg):
            why = matcher.check_arg(arg)
            if why is not None:
                self._problem((*where, name), why)
        frozen = self._template(arg, (*where, name), scope) if has_arg else None
        return MatcherRef(name, frozen, self._loc(path))

    def _check_refs(self, raw: list[Any], path: Path, scope: set[str]) -> tuple[CheckRef, ...]:
        out = []
        for i, item in enumerate(raw):
            spec = item if isinstance(item, Mapping) else {"name": item}
            name = spec["name"]
            if name not in self._checks:
                self._problem((*path, i), f"unknown check {name!r}{suggest(name, self._checks)}")
            level = Level(spec["level"]) if "level" in spec else None
            args = self._templates(spec.get("args", {}), (*path, i, "args"), scope)
            out.append(CheckRef(name, level, args, self._loc((*path, i))))
        return tuple(out)

    def _save(self, raw: Mapping[str, str], path: Path, kind: str) -> tuple[SaveRule, ...]:
        roots = SAVE_ROOTS.get(kind, frozenset())
        out = []
        for name, source in raw.items():
            field = field_path(source)
            if roots and field.segments[0] not in roots:
                options = ", ".join(sorted(roots))
                tail = suggest(field.segments[0], roots)
                self._problem(
                    (*path, name),
                    f"a {kind} step saves from {options}, not {field.segments[0]!r}{tail}",
                )
            out.append(SaveRule(name, field, self._marks.key_at((*path, name))))
        return tuple(out)
