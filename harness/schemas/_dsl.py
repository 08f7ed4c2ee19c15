"""A small table language for writing OCPI object schemas the way the spec writes them.

Each OCPI object is a list of ``(field, type, cardinality)`` rows, exactly like the object
tables of the specification; :func:`compile_version` turns the tables of one version into
JSON Schema 2020-12 documents (one per module file). The generated files under
``harness/schemas/<version>/`` are committed; ``python -m harness.schemas._generate`` rewrites
them and a test checks that the committed files equal the generator's output.

Type expressions (the spec's notation):

``CiString(n)``  printable ASCII, at most n characters
``string(n)``    printable text (no control characters), at most n characters; ``string`` unbounded
``int`` / ``int(n)``  JSON integer / with at most n digits
``number``, ``boolean``
any other word   a named definition (object, enum or constrained type) of the same version

Cardinality: ``1`` required, ``?`` optional and nullable, ``*`` optional nullable list,
``+`` required non-empty list (terminology, Cardinality).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

JSON = dict[str, Any]

BASE_URI = "https://ocpi-harness.example/schemas"

_PRINTABLE_ASCII = r"^[\x20-\x7E]*$"
PRINTABLE_TEXT = r"^[^\x00-\x1F\x7F]*$"
# 2.1.1's string is printable ASCII (types.md §1.5, REQ-211-010). Written apart from the
# CiString pattern (same characters) so the lenient profile can relax exactly this one.
ASCII_STRING_211 = r"^[ -~]*$"

Row = tuple[str, str, str]


@dataclass(frozen=True)
class ObjectDef:
    """One OCPI object: its rows and optional extra JSON Schema keywords (cross-field rules)."""

    rows: tuple[Row, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    closed: bool = True  # additionalProperties false (reported as a warning, never an error)


@dataclass(frozen=True)
class EnumDef:
    values: tuple[str, ...]
    open: bool = False  # 2.3.0 OpenEnum: any string accepted, the listed values are known
    description: str = ""


@dataclass(frozen=True)
class TypeDef:
    """A named constrained primitive (DateTime, CountryCode, ...): raw JSON Schema keywords."""

    schema: Mapping[str, Any]
    description: str = ""


Definition = ObjectDef | EnumDef | TypeDef


@dataclass(frozen=True)
class VersionTables:
    version: str
    # module file name -> {definition name -> definition}
    modules: Mapping[str, Mapping[str, Definition]]
    string_pattern: str = PRINTABLE_TEXT  # 2.1.1 narrows string to ASCII

    def index(self) -> dict[str, str]:
        """Definition name -> module file that holds it; names are unique per version."""
        where: dict[str, str] = {}
        for module, defs in self.modules.items():
            for name in defs:
                if name in where:
                    raise ValueError(
                        f"{self.version}: {name} defined in {where[name]} and {module}"
                    )
                where[name] = module
        return where


def obj(*rows: Row, extra: Mapping[str, Any] | None = None, description: str = "") -> ObjectDef:
    return ObjectDef(rows=tuple(rows), extra=dict(extra or {}), description=description)


def insert_rows(base: ObjectDef, after: str, *rows: Row) -> ObjectDef:
    """``base`` with ``rows`` inserted after its field ``after`` (a later version's additions)."""
    names = [name for name, _, _ in base.rows]
    at = names.index(after) + 1
    return replace(base, rows=(*base.rows[:at], *rows, *base.rows[at:]))


def retype_rows(base: ObjectDef, **types: str) -> ObjectDef:
    """``base`` with the type of the named fields changed (cardinality kept)."""
    return replace(base, rows=tuple((n, types.get(n, t), c) for n, t, c in base.rows))


def enum(*values: str, open: bool = False, description: str = "") -> EnumDef:
    return EnumDef(values=tuple(values), open=open, description=description)


_SIZED = re.compile(r"^(CiString|string|int)\((\d+)\)$")


def file_uri(version: str, module: str) -> str:
    return f"{BASE_URI}/{version}/{module}.json"


class _Compiler:
    def __init__(self, tables: VersionTables) -> None:
        self.tables = tables
        self.where = tables.index()

    def ref(self, name: str) -> JSON:
        if name not in self.where:
            raise ValueError(f"{self.tables.version}: unknown type {name!r}")
        return {"$ref": f"{self.where[name]}.json#/$defs/{name}"}

    def type_schema(self, expr: str) -> JSON:
        match = _SIZED.match(expr)
        if match:
            kind, size = match.group(1), int(match.group(2))
            if kind == "CiString":
                return {"type": "string", "maxLength": size, "pattern": _PRINTABLE_ASCII}
            if kind == "string":
                return {"type": "string", "maxLength": size, "pattern": self.tables.string_pattern}
            limit = 10**size - 1
            return {"type": "integer", "minimum": -limit, "maximum": limit}
        if expr == "CiString":
            return {"type": "string", "pattern": _PRINTABLE_ASCII}
        if expr == "string":
            return {"type": "string", "pattern": self.tables.string_pattern}
        if expr == "int":
            return {"type": "integer"}
        if expr == "number":
            return {"type": "number"}
        if expr == "boolean":
            return {"type": "boolean"}
        if expr == "any":
            return {}
        return self.ref(expr)

    def field_schema(self, expr: str, card: str) -> JSON:
        item = self.type_schema(expr)
        if card == "1":
            return item
        if card == "?":
            return _nullable(item)
        if card == "*":
            return {"type": ["array", "null"], "items": item}
        if card == "+":
            return {"type": "array", "minItems": 1, "items": item}
        raise ValueError(f"unknown cardinality {card!r}")

    def definition(self, name: str, d: Definition) -> JSON:
        if isinstance(d, TypeDef):
            out: JSON = {"title": name, **d.schema}
        elif isinstance(d, EnumDef):
            if d.open:
                out = {
                    "title": name,
                    "type": "string",
                    "pattern": _PRINTABLE_ASCII,
                    "examples": list(d.values),
                    "x-open-enum": True,
                }
            else:
                out = {"title": name, "enum": list(d.values)}
        else:
            props: JSON = {}
            required: list[str] = []
            for fname, expr, card in d.rows:
                if fname in props:
                    raise ValueError(f"{name}.{fname} listed twice")
                props[fname] = self.field_schema(expr, card)
                if card in ("1", "+"):
                    required.append(fname)
            out = {"title": name, "type": "object", "properties": props, "required": required}
            if d.closed:
                out["additionalProperties"] = False
            out.update(d.extra)
        if d.description:
            out["description"] = d.description
        return out

    def compile(self) -> dict[str, JSON]:
        docs: dict[str, JSON] = {}
        for module, defs in self.tables.modules.items():
            docs[module] = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": file_uri(self.tables.version, module),
                "title": f"OCPI {self.tables.version} {module}",
                "$defs": {name: self.definition(name, d) for name, d in defs.items()},
            }
        return docs


def _nullable(item: JSON) -> JSON:
    if not item:
        return item
    t = item.get("type")
    if isinstance(t, str) and "$ref" not in item:
        return {**item, "type": [t, "null"]}
    return {"anyOf": [{"type": "null"}, item]}


def compile_version(tables: VersionTables) -> dict[str, JSON]:
    """Module file name -> JSON Schema document for one OCPI version."""
    return _Compiler(tables).compile()
