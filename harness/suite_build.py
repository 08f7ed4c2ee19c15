"""Third loading pass: schema-valid suite data -> :mod:`harness.model` objects.

The schema already guarantees the shape, so this pass checks what a schema cannot: names that
must exist somewhere else (fixtures, matchers, checks, OCPI objects and modules of the suite's
version, billing policy switches), ``${...}`` names in scope at each step, and keys that do not
apply to a step kind. It collects every problem and raises one :class:`SuiteError`. This module
builds the suite, cases and steps; :mod:`harness.suite_parts` the shared parts (expectations,
matchers, checks, saves) and the name checks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from harness.billing.features import features
from harness.billing.policy import Policy
from harness.model import (
    STEP_KINDS,
    AssumeStep,
    AwaitCallStep,
    CallSpec,
    Case,
    CrawlSpec,
    CrawlStep,
    Expectation,
    FixtureRef,
    HookStep,
    Override,
    Payload,
    Proof,
    RegistrationStep,
    RequestSpec,
    RequestStep,
    SaveRule,
    SetStep,
    SourceLocation,
    Step,
    Suite,
    TickStep,
    VarDef,
    VerifyBillingStep,
)
from harness.ocpi.problems import Level
from harness.ocpi.roles import InterfaceRole, Role
from harness.ocpi.timestamps import parse_datetime
from harness.ocpi.versions import VersionNumber
from harness.suite_parts import EXPECT_KINDS, SAVE_ROOTS, PartsBuilder, Path, field_path
from harness.suite_yaml import SuiteError, suggest
from harness.templating import BUILTIN_ROOTS, freeze

__all__ = ["RUNNER_FINDINGS", "SuiteBuilder"]

RUNNER_FINDINGS = frozenset(
    {
        "expect.http_status",
        "expect.ocpi_status",
        "expect.headers",
        "expect.body",
        "save_path_missing",
        "transport",
        "await_call",
        "endpoint_advertised",
        "credentials_handshake",
        "registration",
    }
)
"""Finding names the runner itself reports (besides the registered checks)."""


class SuiteBuilder(PartsBuilder):
    """Builds one :class:`Suite` from validated data; :meth:`build` raises SuiteError."""

    # -- suite and cases -------------------------------------------------------------------

    def build(self) -> Suite:
        header = self._data["suite"]
        self._module(header["module"], ("suite", "module"))
        scope = set(BUILTIN_ROOTS)
        suite_vars = self._vars(self._data.get("vars", {}), ("vars",), scope)
        cases: list[Case] = []
        seen: dict[str, SourceLocation] = {}
        for i, raw in enumerate(self._data["cases"]):
            case = self._case(raw, ("cases", i), set(scope), header["id"])
            if case.id in seen:
                self._problem(("cases", i, "id"), f"duplicate case id (first at {seen[case.id]})")
            seen.setdefault(case.id, case.location)
            cases.append(case)
        if self._problems:
            raise SuiteError(self._problems)
        return Suite(
            id=header["id"],
            title=header["title"],
            description=header.get("description"),
            ocpi_version=self._version,
            sut_role=Role(header["sut_role"]),
            module=header["module"],
            interface=self._interface,
            requires=tuple(header.get("requires", ())),
            vars=suite_vars,
            cases=tuple(cases),
            path=self._marks.file,
            location=self._loc(("suite",)),
        )

    def _vars(self, raw: Mapping[str, Any], path: Path, scope: set[str]) -> tuple[VarDef, ...]:
        out = []
        for name, value in raw.items():
            if name in BUILTIN_ROOTS:
                self._problem((*path, name), f"{name!r} is a built-in name", at_key=True)
            payload = (
                self._payload(value, (*path, name), scope)
                if isinstance(value, Mapping)
                else Payload(value=self._template(value, (*path, name), scope))
            )
            out.append(VarDef(name, payload, self._marks.key_at((*path, name))))
            scope.add(name)
        return tuple(out)

    def _payload(self, raw: Mapping[str, Any], path: Path, scope: Collection[str]) -> Payload:
        fixture = None
        if "fixture" in raw:
            ref = raw["fixture"]
            if not self._fixtures.exists(ref):
                self._problem((*path, "fixture"), f"no fixture file {ref!r} under fixtures/")
            fixture = FixtureRef(ref, self._loc((*path, "fixture")))
        overrides = tuple(
            Override(
                field_path(k),
                self._template(v, (*path, "overrides", k), scope),
                self._loc((*path, "overrides", k)),
            )
            for k, v in raw.get("overrides", {}).items()
        )
        key = "value" if "value" in raw else "body"
        return Payload(
            value=self._template(raw.get(key), (*path, key), scope),
            fixture=fixture,
            overrides=overrides,
            remove=tuple(field_path(p) for p in raw.get("remove", ())),
        )

    def _case(self, raw: Mapping[str, Any], path: Path, scope: set[str], suite_id: str) -> Case:
        case_vars = self._vars(raw.get("vars", {}), (*path, "vars"), scope)
        steps: list[Step] = []
        for j, raw_step in enumerate(raw["steps"]):
            step_path = (*path, "steps", j)
            step = self._step(raw_step, step_path, j + 1, scope)
            steps.append(step)
            scope.update(self._bound_names(step, raw_step, step_path))
        closing: list[Step] = []
        for j, raw_step in enumerate(raw.get("finally", ())):
            step_path = (*path, "finally", j)
            step = self._step(raw_step, step_path, len(steps) + j + 1, scope)
            closing.append(step)
            scope.update(self._bound_names(step, raw_step, step_path))
        return Case(
            id=raw["id"],
            title=raw["title"],
            reqs=tuple(raw["reqs"]),
            spec=raw.get("spec"),
            requires=tuple(raw.get("requires", ())),
            vars=case_vars,
            steps=tuple(steps),
            suite_id=suite_id,
            location=self._loc(path),
            proofs=tuple(
                self._proof(p, (*path, "proofs", k)) for k, p in enumerate(raw.get("proofs", ()))
            ),
            pitfalls=tuple(raw.get("pitfalls", ())),
            finally_steps=tuple(closing),
        )

    def _proof(self, raw: Mapping[str, Any], path: Path) -> Proof:
        check = raw["check"]
        if check not in self._checks and check not in RUNNER_FINDINGS:
            known = set(self._checks) | RUNNER_FINDINGS
            self._problem((*path, "check"), f"unknown check {check!r}{suggest(check, known)}")
        fault = raw["fault"]
        return Proof(
            fault=fault if isinstance(fault, str) else MappingProxyType(dict(freeze(fault))),  # type: ignore[arg-type]
            check=check,
            req=raw["req"],
            level=Level(raw.get("level", "MUST")),
            location=self._loc(path),
        )

    def _bound_names(self, step: Step, raw: Mapping[str, Any], path: Path) -> set[str]:
        names = set(step.values) if isinstance(step, SetStep) else set()
        names.update(raw.get("save", {}))
        for name in names & BUILTIN_ROOTS.keys():
            self._problem(
                (*path, "save" if "save" in raw else "set", name),
                f"{name!r} is a built-in name",
                at_key=True,
            )
        return names

    # -- steps -----------------------------------------------------------------------------

    def _step(self, raw: Mapping[str, Any], path: Path, index: int, scope: set[str]) -> Step:
        kind = next(k for k in STEP_KINDS if k in raw)
        body, where = raw[kind], (*path, kind)
        name, loc = raw.get("name"), self._loc(path)
        for key, allowed in (("expect", kind in EXPECT_KINDS), ("save", kind in SAVE_ROOTS)):
            if key in raw and not allowed:
                self._problem((*path, key), f"{key} does not apply to a {kind} step", at_key=True)
        expect = None
        if "expect" in raw and kind in EXPECT_KINDS:
            expect = self._expect(raw["expect"], (*path, "expect"), scope, kind)
        save = self._save(raw.get("save", {}), (*path, "save"), kind)
        if kind == "request":
            return RequestStep(index, name, self._request(body, where, scope), expect, save, loc)
        if kind == "crawl":
            return CrawlStep(index, name, self._crawl(body, where, scope), expect, save, loc)
        if kind == "await_call":
            return AwaitCallStep(index, name, self._call(body, where, scope), expect, save, loc)
        if kind == "verify_billing":
            return self._verify(body, where, scope, index, name, save, loc)
        if kind == "hook":
            within = (
                self._duration(body["within"], (*where, "within")) if "within" in body else None
            )
            args = self._templates(body.get("args", {}), (*where, "args"), scope)
            return HookStep(index, name, body["action"], args, within, save, loc)
        if kind == "tick":
            return self._tick(body, where, scope, index, name, loc)
        if kind == "registration":
            return self._registration(body, where, scope, index, name, expect, save, loc)
        if kind == "assume":
            that = self._template(body["that"], (*where, "that"), scope)
            expected = self._expected(body["is"], (*where, "is"), scope)
            return AssumeStep(index, name, that, expected, body["reason"], loc)
        return SetStep(index, name, self._templates(body, where, scope), loc)

    def _registration(
        self,
        raw: Mapping[str, Any],
        path: Path,
        scope: set[str],
        index: int,
        name: str | None,
        expect: Expectation | None,
        save: tuple[SaveRule, ...],
        loc: SourceLocation,
    ) -> RegistrationStep:
        action = raw["action"]
        version: VersionNumber | None = None
        if "version" in raw:
            if action != "update":
                self._problem((*path, "version"), "version applies to update only", at_key=True)
            version = VersionNumber(raw["version"])
        if "token_a" in raw and action not in ("register", "restore"):
            self._problem(
                (*path, "token_a"), "token_a applies to register and restore only", at_key=True
            )
        token_a = (
            self._text(raw["token_a"], (*path, "token_a"), scope) if "token_a" in raw else None
        )
        within = self._duration(raw["within"], (*path, "within")) if "within" in raw else None
        return RegistrationStep(
            index, name, action, raw.get("partner"), version, token_a, within, expect, save, loc
        )

    def _request(self, raw: Mapping[str, Any], path: Path, scope: set[str]) -> RequestSpec:
        payload: Payload | None = None
        if "raw_body" in raw:
            payload = Payload(raw=raw["raw_body"])
        elif "body" in raw or "fixture" in raw:
            payload = self._payload(raw, path, scope)
        for key in ("overrides", "remove"):
            if key in raw and ("body" not in raw and "fixture" not in raw):
                self._problem((*path, key), f"{key} needs a body or a fixture", at_key=True)
        role = raw.get("role")
        return RequestSpec(
            method=raw["method"],
            endpoint=self._module(raw["endpoint"], (*path, "endpoint"))
            if "endpoint" in raw
            else None,
            role=InterfaceRole(role) if role else self._interface,
            url=self._text(raw["url"], (*path, "url"), scope) if "url" in raw else None,
            path=self._text(raw.get("path", ""), (*path, "path"), scope),
            query=self._templates(raw.get("query", {}), (*path, "query"), scope),
            headers=self._templates(raw.get("headers", {}), (*path, "headers"), scope),
            body=payload,
            auth=raw.get("auth", "current"),
            token_encoding=raw.get("token_encoding", "version"),
            location=self._loc(path),
        )

    def _crawl(self, raw: Mapping[str, Any], path: Path, scope: set[str]) -> CrawlSpec:
        return CrawlSpec(
            endpoint=self._module(raw["endpoint"], (*path, "endpoint")),
            role=InterfaceRole(raw.get("role", "SENDER")),
            path=self._text(raw.get("path", ""), (*path, "path"), scope),
            query=self._templates(raw.get("query", {}), (*path, "query"), scope),
            auth=raw.get("auth", "current"),
            max_pages=raw.get("max_pages", 100),
            checks=self._check_refs(raw.get("checks", []), (*path, "checks"), scope),
            location=self._loc(path),
        )

    def _call(self, raw: Mapping[str, Any], path: Path, scope: set[str]) -> CallSpec:
        return CallSpec(
            partner=raw.get("partner"),
            method="|".join(raw["method"]) if isinstance(raw["method"], list) else raw["method"],
            module=self._module(raw["module"], (*path, "module")),
            path=self._text(raw.get("path", ""), (*path, "path"), scope),
            within=self._duration(raw["within"], (*path, "within")),
            count=raw.get("count", 1),
            location=self._loc(path),
        )

    def _verify(
        self,
        raw: Mapping[str, Any],
        path: Path,
        scope: set[str],
        index: int,
        name: str | None,
        save: tuple[SaveRule, ...],
        loc: SourceLocation,
    ) -> VerifyBillingStep:
        choices = Policy.choices()
        for key, value in raw.get("policy", {}).items():
            if key not in choices:
                self._problem(
                    (*path, "policy", key),
                    f"unknown policy {key!r}{suggest(key, choices)}",
                    at_key=True,
                )
            elif value not in choices[key]:
                options = ", ".join(choices[key])
                self._problem(
                    (*path, "policy", key), f"policy {key} is one of {options}, not {value!r}"
                )
        tolerance = raw.get("tolerance")
        if ("cdr" in raw) == ("cdrs" in raw):
            self._problem(path, "verify_billing takes exactly one of cdr and cdrs")
        for key in ("exercising", "locations"):
            if key in raw and "cdrs" not in raw:
                self._problem((*path, key), f"{key} needs cdrs (a list of CDRs)", at_key=True)
        known = features()
        for i, feature in enumerate(raw.get("exercising", [])):
            if feature not in known:
                self._problem(
                    (*path, "exercising", i),
                    f"unknown billing feature {feature!r}{suggest(str(feature), known)}; "
                    f"one of {', '.join(known)}",
                )
        return VerifyBillingStep(
            index=index,
            name=name,
            cdr=self._template(raw.get("cdr"), (*path, "cdr"), scope),
            tariffs=self._template(raw.get("tariffs"), (*path, "tariffs"), scope),
            time_zone=self._template(raw.get("time_zone"), (*path, "time_zone"), scope),
            tolerance=Decimal(str(tolerance)) if tolerance is not None else None,
            policy=MappingProxyType(dict(raw.get("policy", {}))),
            reservation_expired=raw.get("reservation_expired", False),
            level=Level(raw.get("level", "MUST")),
            req=raw.get("req"),
            save=save,
            location=loc,
            cdrs=self._template(raw.get("cdrs"), (*path, "cdrs"), scope),
            exercising=tuple(raw.get("exercising", ())),
            locations=self._template(raw.get("locations"), (*path, "locations"), scope),
        )

    def _tick(
        self,
        raw: object,
        path: Path,
        scope: set[str],
        index: int,
        name: str | None,
        loc: SourceLocation,
    ) -> TickStep:
        if not isinstance(raw, Mapping):
            return TickStep(index, name, self._duration(raw, path), None, loc)
        if "by" in raw:
            return TickStep(index, name, self._duration(raw["by"], (*path, "by")), None, loc)
        to = self._text(str(raw["to"]), (*path, "to"), scope)
        if "${" not in to and not parse_datetime(to).ok:
            self._problem(
                (*path, "to"), f"tick to needs an OCPI DateTime: {parse_datetime(to).error}"
            )
        return TickStep(index, name, None, to, loc)
