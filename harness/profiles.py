"""Profiles: how strictly to judge, and what the SUT claims to support.

``--profile strict`` (the letter of the spec), ``--profile lenient`` (variants common in the
field accepted as warnings; docs/ocpi-requirements.md §7.4) or ``--profile FILE``: a SUT
profile in TOML or JSON (examples in ``fixtures/profiles/``)::

    name = "Example CPO"
    base = "strict"                     # or "lenient"
    sut_role = "CPO"
    ocpi_versions = ["2.2.1"]
    capabilities = ["credentials", "locations.sender", "tokens.receiver",
                    "commands.receiver", "commands.start_session"]
    routing_headers_required = false    # true: missing OCPI-to/from-* are MUST (hub profile)

    [checks]
    disabled = ["request_content_type"]
    levels = { routing_headers = "MUST" }

    [billing]
    tolerance = "0.01"
    policy = { rounding = "per_total" }

Capabilities select cases: a case runs when every capability it (or its suite) ``requires`` is
declared; the rest are SKIPPED with the reason. A declared capability implies its parents
(``commands.start_session`` implies ``commands``). Without a ``capabilities`` list the
capabilities are read from the SUT's version details (``module`` and ``module.sender``/
``module.receiver``); features beyond a module interface then count as not declared.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from harness.errors import UsageError
from harness.ocpi.problems import Level
from harness.ocpi.roles import Role
from harness.ocpi.versions import VersionNumber, require_version

__all__ = ["BUILTIN_PROFILES", "Profile", "load_profile", "satisfied"]

BUILTIN_PROFILES = ("strict", "lenient")
_KEYS = frozenset(
    {
        "name",
        "base",
        "sut_role",
        "ocpi_versions",
        "capabilities",
        "routing_headers_required",
        "checks",
        "billing",
        "description",
    }
)


@dataclass(frozen=True, slots=True)
class Profile:
    """The judging rules of a run and, from a file, the SUT's claims."""

    name: str = "strict"
    strict: bool = True
    capabilities: frozenset[str] | None = None
    sut_role: Role | None = None
    versions: tuple[VersionNumber, ...] = ()
    routing_headers_required: bool = False
    levels: Mapping[str, Level] = field(default_factory=lambda: MappingProxyType({}))
    disabled: frozenset[str] = frozenset()
    billing_tolerance: Decimal | None = None
    billing_policy: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    source: str | None = None

    @property
    def schema_profile(self) -> str:
        return "strict" if self.strict else "lenient"

    def effective_capabilities(self, discovered: Collection[str]) -> frozenset[str]:
        """The declared capabilities, or the discovered ones when none are declared."""
        return self.capabilities if self.capabilities is not None else frozenset(discovered)

    def missing(self, requires: Iterable[str], discovered: Collection[str]) -> list[str]:
        """The required capabilities the SUT does not claim, in order."""
        have = self.effective_capabilities(discovered)
        return [r for r in dict.fromkeys(requires) if not satisfied(r, have)]

    def policies(self) -> dict[str, str]:
        """The interpretations in force, for the report."""
        out = {
            "schema_profile": self.schema_profile,
            "token_encoding": "version (Base64 from 2.2)" if self.strict else "version, lenient",
            "routing_headers_required": str(self.routing_headers_required).lower(),
        }
        if self.billing_tolerance is not None:
            out["billing_tolerance"] = str(self.billing_tolerance)
        out.update({f"billing.{k}": v for k, v in sorted(self.billing_policy.items())})
        return out


def satisfied(requirement: str, capabilities: Collection[str]) -> bool:
    """``requirement`` is declared, or implied by a more specific declared capability."""
    if requirement in capabilities:
        return True
    prefix = requirement + "."
    return any(c.startswith(prefix) for c in capabilities)


def _fail(source: str, message: str) -> UsageError:
    return UsageError(f"profile {source}: {message}")


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise _fail(str(path), f"cannot read it: {exc.strerror or exc}") from None
    try:
        data: object = (
            json.loads(text, parse_float=Decimal)
            if path.suffix.lower() == ".json"
            else tomllib.loads(text)
        )
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise _fail(str(path), f"not valid {path.suffix.lstrip('.') or 'TOML'}: {exc}") from None
    if not isinstance(data, Mapping):
        raise _fail(str(path), "must be a table/object at the top")
    return data


def _strings(data: Mapping[str, Any], key: str, source: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, f"{key} must be a list of strings")
    return list(value)


def _from_mapping(data: Mapping[str, Any], source: str, default_name: str) -> Profile:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise _fail(
            source, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )
    base = data.get("base", "strict")
    if base not in BUILTIN_PROFILES:
        raise _fail(source, f"base must be strict or lenient, not {base!r}")
    checks = data.get("checks", {})
    billing = data.get("billing", {})
    if not isinstance(checks, Mapping) or not isinstance(billing, Mapping):
        raise _fail(source, "[checks] and [billing] must be tables")
    try:
        role = Role(data["sut_role"].upper()) if "sut_role" in data else None
        versions = tuple(require_version(v) for v in _strings(data, "ocpi_versions", source))
        levels = {str(k): Level(str(v).upper()) for k, v in dict(checks.get("levels", {})).items()}
        tolerance = Decimal(str(billing["tolerance"])) if "tolerance" in billing else None
    except (ValueError, AttributeError, InvalidOperation, UsageError) as exc:
        raise _fail(source, str(exc)) from None
    capabilities = (
        frozenset(_strings(data, "capabilities", source)) if "capabilities" in data else None
    )
    policy = billing.get("policy", {})
    if not isinstance(policy, Mapping):
        raise _fail(source, "billing.policy must be a table of KEY = VALUE")
    return Profile(
        name=str(data.get("name", default_name)),
        strict=base == "strict",
        capabilities=capabilities,
        sut_role=role,
        versions=versions,
        routing_headers_required=bool(data.get("routing_headers_required", False)),
        levels=MappingProxyType(levels),
        disabled=frozenset(_strings(checks, "disabled", source)),
        billing_tolerance=tolerance,
        billing_policy=MappingProxyType({str(k): str(v) for k, v in policy.items()}),
        source=source,
    )


def load_profile(spec: str | Path | None) -> Profile:
    """``strict`` (default), ``lenient``, or a TOML/JSON profile file."""
    if spec is None or str(spec) == "strict":
        return Profile()
    if str(spec) == "lenient":
        return Profile(name="lenient", strict=False)
    path = Path(spec)
    if not path.is_file():
        raise UsageError(f"--profile is strict, lenient or a file; no file {str(spec)!r}")
    return _from_mapping(_read(path), str(path), path.stem)


def profile_from_mapping(data: Mapping[str, Any], name: str = "profile") -> Profile:
    """A profile from already-parsed data (tests, the embedded default)."""
    return _from_mapping(data, name, name)
