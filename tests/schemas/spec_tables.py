"""Read the object and enum tables out of the OCPI specification text (AsciiDoc, 2.2.1/2.3.0).

Used by the table tests to pin our schema tables to the specification: field names,
cardinalities and types of every object, and the values of every enum. Only facts (names,
types, cardinalities, values) are extracted; no prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SPEC_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "ocpi-spec"

_LINK = re.compile(r"<<[^,>]*,([^>]*)>>")
_HEADING = re.compile(
    r"^={3,5}\s+_?([A-Za-z][A-Za-z0-9]*)_?\s+_?(object|class|enum|OpenEnum|type|Object)_?\s*$"
)


@dataclass(frozen=True)
class SpecRow:
    name: str
    type: str
    card: str


@dataclass(frozen=True)
class SpecTable:
    file: str
    heading: str
    kind: str  # object | class | enum
    rows: tuple[SpecRow, ...]
    values: tuple[str, ...]


def _cells(block: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for line in block:
        if line.startswith("|") and not line.startswith("|==="):
            rows.append([c.strip() for c in line[1:].split("|")])
        elif rows and line.strip():
            rows[-1][-1] += " " + line.strip()
    return rows


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(
    r"^#{2,4}\s+(?:[\d.]+\s+)?[_*]?([A-Za-z][A-Za-z0-9]*)[_*]?\s+[_*]?(object|class|enum|Object)[_*]?\s*$"
)
_ANCHOR = re.compile(r"\[\[[^\]]*\]\]")
_STYLE_SUFFIX = re.compile(r"\s+[a-z]$")


def _name(cell: str) -> str:
    text = _ANCHOR.sub("", _LINK.sub(r"\1", cell))
    text = _STYLE_SUFFIX.sub("", text.strip())
    return text.strip("`_*> ")


def _clean_type(cell: str) -> str:
    text = _MD_LINK.sub(r"\1", _LINK.sub(r"\1", cell))
    text = _STYLE_SUFFIX.sub("", text.strip())
    text = re.sub(r"\[(\d+)\]", r"(\1)", text)
    text = re.sub(r"^String", "string", text)
    text = text.replace("_", "").replace("`", "").strip()
    return re.sub(r"\s+", "", text)


def read_tables(version: str, file: str) -> list[SpecTable]:
    path = SPEC_ROOT / version / file
    lines = path.read_text(encoding="utf-8").splitlines()
    tables: list[SpecTable] = []
    i = 0
    while i < len(lines):
        m = _HEADING.match(lines[i].strip())
        if not m:
            i += 1
            continue
        heading, kind = m.group(1), m.group(2).lower()
        # find the next table; stop at the next heading
        j = i + 1
        while (
            j < len(lines) and lines[j].strip() != "|===" and not _HEADING.match(lines[j].strip())
        ):
            j += 1
        if j >= len(lines) or lines[j].strip() != "|===":
            i = j
            continue
        k = j + 1
        while k < len(lines) and lines[k].strip() != "|===":
            k += 1
        cells = _cells(lines[j + 1 : k])
        header, body = (cells[0], cells[1:]) if cells else ([], [])
        rows: list[SpecRow] = []
        values: list[str] = []
        if header and header[0].lower().startswith("property") and len(header) >= 3:
            for c in body:
                if len(c) >= 3 and c[0]:
                    rows.append(SpecRow(_name(c[0]), _clean_type(c[1]), c[2].strip("` ")))
        elif header and header[0].lower().startswith("value"):
            for c in body:
                if c and c[0]:
                    values.append(_name(c[0]))
        tables.append(SpecTable(file, heading, kind, tuple(rows), tuple(values)))
        i = k + 1
    return tables


def read_markdown_tables(version: str, file: str) -> list[SpecTable]:
    """The same for the Markdown text of 2.1.1 (pipe tables under ``### n.m Name *kind*``)."""
    lines = (SPEC_ROOT / version / file).read_text(encoding="utf-8").splitlines()
    tables: list[SpecTable] = []
    i = 0
    while i < len(lines):
        m = _MD_HEADING.match(lines[i].strip())
        if not m:
            i += 1
            continue
        heading, kind = m.group(1), m.group(2).lower()
        j = i + 1
        while j < len(lines) and not lines[j].startswith("|") and not lines[j].startswith("#"):
            j += 1
        if j >= len(lines) or not lines[j].startswith("|"):
            i = j
            continue
        block = []
        while j < len(lines) and lines[j].startswith("|"):
            block.append([c.strip() for c in lines[j].strip().strip("|").split("|")])
            j += 1
        header, body = block[0], [r for r in block[1:] if not set("".join(r)) <= set("-: ")]
        rows: list[SpecRow] = []
        values: list[str] = []
        first = header[0].lower()
        if first in ("property", "field name") and len(header) >= 3:
            for c in body:
                if len(c) >= 3 and c[0] and c[1]:
                    rows.append(SpecRow(_name(c[0]), _clean_type(c[1]), c[2].strip("` ")))
        elif len(header) == 2 or first.startswith("value"):
            values = [_name(c[0]) for c in body if c and c[0]]
        tables.append(SpecTable(file, heading, kind, tuple(rows), tuple(values)))
        i = j
    return tables


def all_tables(version: str) -> list[SpecTable]:
    """Every object/class/enum table of one version's specification text."""
    out: list[SpecTable] = []
    root = SPEC_ROOT / version
    for path in sorted(root.glob("*.asciidoc")):
        out.extend(read_tables(version, path.name))
    for path in sorted(root.glob("*.md")):
        if path.name.startswith(("template", "README", "changelog", "version_history")):
            continue
        out.extend(read_markdown_tables(version, path.name))
    return out
