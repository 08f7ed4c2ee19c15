"""``ocpi-harness suites --coverage``: which requirements the suites verify, per OCPI version,
module and SUT role, and which interop pitfalls they catch.

The requirement catalogue is ``docs/ocpi-requirements.md`` §4 (the shared docs beside the
checkout, ``../shared/docs/``) when present, else the compact copy shipped in the package
(``harness/data/requirements.json``, written by ``tools/extract_requirements.py``). A
requirement counts when its level is M or MN and its check kind is active, passive, a flow or
billing (A, P, F, B); the 2.1.1 and 2.3.0 delta lists (§4.2, §4.3) have no check kind, so their
M/MN items count. ``suites/not_checkable.yaml`` lists ids that cannot be checked from outside,
with the reason; they are shown apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.model import Suite
from harness.ocpi.roles import Role

__all__ = [
    "Requirement",
    "coverage_matrix",
    "default_catalogue",
    "format_matrix",
    "is_not_checkable",
    "load_not_checkable",
    "parse_catalogue",
    "sut_roles",
]

PACKAGE = Path(__file__).resolve().parent
SHARED_DOC = PACKAGE.parent.parent / "shared" / "docs" / "ocpi-requirements.md"
PACKAGED = PACKAGE / "data" / "requirements.json"
PITFALL_ROWS = tuple(range(1, 16))
CHECKABLE_KINDS = frozenset("APFB")
SECTIONS = {"4.1": "2.2.1", "4.2": "2.1.1", "4.3": "2.3.0"}

# module -> (role owning the SENDER interface, role owning the RECEIVER interface)
_INTERFACE_OWNER: Mapping[str, tuple[str | None, str | None]] = {
    "locations": ("CPO", "EMSP"),
    "sessions": ("CPO", "EMSP"),
    "cdrs": ("CPO", "EMSP"),
    "tariffs": ("CPO", "EMSP"),
    "tokens": ("EMSP", "CPO"),
    "commands": ("EMSP", "CPO"),
    "chargingprofiles": ("EMSP", "CPO"),
    "hubclientinfo": (None, "BOTH"),
}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One catalogue row: id, module, role text, level and check kind (None for deltas)."""

    id: str
    version: str
    module: str
    role: str
    level: str
    kind: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "module": self.module,
            "role": self.role,
            "level": self.level,
            "kind": self.kind,
        }

    @property
    def checkable(self) -> bool:
        if self.level not in ("M", "MN"):
            return False
        if self.kind is None:
            return True
        return bool(CHECKABLE_KINDS & set(self.kind))


_ROW = re.compile(r"^\|\s*(REQ-[A-Z0-9-]+)\s*\|(.*)\|\s*$")


def _delta_module(affects: str) -> str:
    prefix = affects.split()[0].split("-")[0].split(",")[0].strip().upper() if affects else ""
    names = {
        "TF": "transport", "VER": "versions", "CRED": "credentials", "LOC": "locations",
        "SES": "sessions", "CDR": "cdrs", "TAR": "tariffs", "TOK": "tokens", "CMD": "commands",
        "CP": "chargingprofiles", "HCI": "hubclientinfo", "TYP": "types",
        "IRC": "invoicereconciliation", "PAY": "payments",
    }  # fmt: skip
    return names.get(prefix, "general")


def parse_catalogue(text: str) -> list[Requirement]:
    """The requirement rows of §4.1 (2.2.1) and the delta rows of §4.2 / §4.3."""
    out: list[Requirement] = []
    section: str | None = None
    for line in text.splitlines():
        heading = re.match(r"^###\s+(4\.[123])\b", line)
        if heading:
            section = heading.group(1)
            continue
        if line.startswith("## ") and section is not None:
            section = None
        if section is None:
            continue
        row = _ROW.match(line)
        if not row:
            continue
        cells = [c.strip() for c in row.group(2).split("|")]
        version = SECTIONS[section]
        if section == "4.1" and len(cells) >= 6:
            module, role, level, kind = cells[0], cells[1], cells[2], cells[-1]
            out.append(Requirement(row.group(1), version, module, role, level, kind or None))
        elif section != "4.1" and len(cells) >= 4:
            affects, role, level = cells[0], cells[1], cells[2]
            module = _delta_module(affects)
            out.append(Requirement(row.group(1), version, module, role, level, None))
    return out


def default_catalogue(path: Path | None = None) -> list[Requirement]:
    """The shared catalogue when it is there, else the packaged copy."""
    doc = path or SHARED_DOC
    if doc.is_file():
        return parse_catalogue(doc.read_text(encoding="utf-8"))
    data = json.loads(PACKAGED.read_text(encoding="utf-8"))
    return [Requirement(**item) for item in data["requirements"]]


def sut_roles(req: Requirement) -> frozenset[str]:
    """The SUT roles (CPO, EMSP) a requirement applies to."""
    role = req.role
    if role.strip() in ("Hub", "–", "-", ""):
        return frozenset()
    if "(CPO)" in role:
        return frozenset({"CPO"})
    if "eMSP)" in role:
        return frozenset({"EMSP"})
    owner = _INTERFACE_OWNER.get(req.module)
    if owner is not None and role.startswith(("Sender", "Receiver")):
        who = owner[0] if role.startswith("Sender") else owner[1]
        if who is None:
            return frozenset()
        return frozenset({"CPO", "EMSP"}) if who == "BOTH" else frozenset({who})
    return frozenset({"CPO", "EMSP"})


def load_not_checkable(path: Path) -> dict[str, str]:
    """``{key: reason}`` from ``suites/not_checkable.yaml`` (empty when absent).

    The key is the REQ id, or ``REQ id@ROLE`` when the entry names ``roles`` (the requirement
    can be checked from outside for one SUT role but not the other)."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("not_checkable", []) if isinstance(data, Mapping) else []
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, Mapping):
            continue
        reason = str(item.get("reason", ""))
        roles = item.get("roles")
        if isinstance(roles, list) and roles:
            for role in roles:
                out[f"{item['id']}@{str(role).upper()}"] = reason
        else:
            out[str(item["id"])] = reason
    return out


def is_not_checkable(not_checkable: Mapping[str, str], req: str, role: str) -> bool:
    """Whether ``req`` is listed as not checkable for a SUT in ``role``."""
    return req in not_checkable or f"{req}@{role.upper()}" in not_checkable


def _pitfall_of(fault_key: str) -> int | None:
    match = re.match(r"^pitfall-(\d\d)", fault_key)
    return int(match.group(1)) if match else None


def coverage_matrix(
    suites: Sequence[Suite],
    catalogue: Iterable[Requirement],
    not_checkable: Mapping[str, str],
) -> dict[str, Any]:
    """Per version and SUT role: covered / uncovered / not checkable REQ ids by module, plus
    cases without proof and pitfall rows covered."""
    reqs = [r for r in catalogue if r.checkable]
    versions: dict[str, Any] = {}
    combos = sorted({(s.ocpi_version.value, s.sut_role.value) for s in suites})
    for version, role in combos:
        cited: dict[str, list[str]] = {}
        for suite in suites:
            if suite.ocpi_version.value == version and suite.sut_role.value == role:
                for case in suite.cases:
                    for req in case.reqs:
                        cited.setdefault(req, []).append(case.id)
        modules: dict[str, dict[str, list[str]]] = {}
        for item in reqs:
            if item.version != version or role not in sut_roles(item):
                continue
            row = modules.setdefault(
                item.module, {"covered": [], "uncovered": [], "not_checkable": []}
            )
            if item.id in cited:
                row["covered"].append(item.id)
            elif is_not_checkable(not_checkable, item.id, role):
                row["not_checkable"].append(item.id)
            else:
                row["uncovered"].append(item.id)
        covered = sum(len(m["covered"]) for m in modules.values())
        excluded = sum(len(m["not_checkable"]) for m in modules.values())
        total = sum(len(m["covered"]) + len(m["uncovered"]) for m in modules.values())
        versions.setdefault(version, {})[role] = {
            "covered": covered,
            "total": total,
            "not_checkable": excluded,
            "modules": dict(sorted(modules.items())),
        }
    without_proof = [
        {"case": c.id, "suite": s.id, "version": s.ocpi_version.value, "role": s.sut_role.value}
        for s in suites
        for c in s.cases
        if not c.proofs
    ]
    pitfalls: dict[int, set[str]] = {}
    for suite in suites:
        for case in suite.cases:
            for number in case.pitfalls:
                pitfalls.setdefault(number, set()).add(case.id)
            for proof in case.proofs:
                row_of = _pitfall_of(proof.fault_key)
                if row_of is not None:
                    pitfalls.setdefault(row_of, set()).add(case.id)
    return {
        "versions": versions,
        "cases": sum(len(s.cases) for s in suites),
        "cases_without_proof": without_proof,
        "pitfalls": {
            "covered": {str(k): sorted(v) for k, v in sorted(pitfalls.items())},
            "uncovered": [r for r in PITFALL_ROWS if r not in pitfalls],
        },
        "not_checkable": dict(sorted(not_checkable.items())),
    }


def format_matrix(matrix: Mapping[str, Any]) -> str:
    """The matrix as text."""
    lines: list[str] = []
    for version, roles in matrix["versions"].items():
        for role, data in roles.items():
            lines.append(
                f"OCPI {version}, SUT {role}: {data['covered']}/{data['total']} M/MN requirements "
                f"(check kind A/P/F/B) covered, {data['not_checkable']} not checkable"
            )
            for module, row in data["modules"].items():
                n = len(row["covered"]) + len(row["uncovered"])
                lines.append(f"  {module:<18} {len(row['covered'])}/{n}")
                if row["covered"]:
                    lines.append(f"    covered:       {', '.join(row['covered'])}")
                if row["uncovered"]:
                    lines.append(f"    NOT covered:   {', '.join(row['uncovered'])}")
                if row["not_checkable"]:
                    lines.append(f"    not checkable: {', '.join(row['not_checkable'])}")
    missing = matrix["cases_without_proof"]
    lines.append(f"cases without proof: {len(missing)} of {matrix['cases']}")
    for item in missing:
        lines.append(f"  (no proof) {item['case']}  [{item['suite']}, {item['version']}]")
    covered = matrix["pitfalls"]["covered"]
    lines.append(f"pitfall rows covered: {len(covered)}/{len(PITFALL_ROWS)}")
    for row, cases in covered.items():
        lines.append(f"  #{row:<3} {', '.join(cases)}")
    if matrix["pitfalls"]["uncovered"]:
        uncovered = ", ".join(f"#{r}" for r in matrix["pitfalls"]["uncovered"])
        lines.append(f"  not covered: {uncovered}")
    return "\n".join(lines) + "\n"


def role_names() -> tuple[str, ...]:
    return tuple(r.value for r in (Role.CPO, Role.EMSP))
