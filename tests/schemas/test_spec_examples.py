"""The specification's own examples against our schemas.

Every example JSON in ``../shared/ocpi-spec/2.2.1/examples/`` and ``2.3.0/examples/``, and every
inline JSON example of the 2.1.1 Markdown, validates against the object schema it is mapped to in
:mod:`tests.schemas.spec_examples`, except the examples ``ocpi-requirements.md`` §5 / §7.3 list as
wrong: those must fail with exactly the listed violations (pointer, rule, level) and nothing else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from harness.schemas import Violation, validate
from tests.schemas.spec_examples import (
    EXAMPLES_211,
    EXAMPLES_221,
    EXAMPLES_230,
    SPEC_ROOT,
    Defect,
    Example,
)

pytestmark = pytest.mark.skipif(not SPEC_ROOT.is_dir(), reason="../shared/ocpi-spec not present")

FOLDER_TABLES: dict[str, dict[str, Example]] = {"2.2.1": EXAMPLES_221, "2.3.0": EXAMPLES_230}

# A request line written above the body inside a 2.1.1 code block ("PUT To URL: https://...").
_REQUEST_LINE = re.compile(r"^\s*(GET|POST|PUT|PATCH|DELETE) To URL: \S+\s*$")
_FENCE_OPEN = re.compile(r"^\s*```json\s*$")
_FENCE_CLOSE = re.compile(r"^\s*```\s*$")


def _found(violations: list[Violation], prefix: str = "") -> set[Defect]:
    return {(prefix + v.path, v.rule, v.level) for v in violations}


def check(version: str, example: Example, document: Any) -> set[Defect]:
    """All violations of ``document`` read as ``example`` says, as (pointer, rule, level)."""
    name, kind = example.object_name, example.kind
    if kind == "full":
        return _found(validate(version, name, document))
    if kind == "partial":
        return _found(validate(version, name, document, partial=True))
    if kind == "array":
        return _found(validate(version, f"{name}[]", document))
    if kind.startswith("wrap:"):
        key = kind.removeprefix("wrap:")
        assert isinstance(document, dict), "a wrapped example is a JSON object"
        assert list(document) == [key], f"expected exactly one member {key!r}, got {list(document)}"
        return _found(validate(version, name, document[key]), f"/{key}")
    if kind.startswith("env:"):
        target = kind.removeprefix("env:")
        found = _found(validate(version, "Response", document))
        assert isinstance(document, dict), "an envelope is a JSON object"
        if target:
            assert "data" in document, "this envelope must carry data"
            found |= _found(validate(version, target, document["data"]), "/data")
        else:
            assert "data" not in document, "an error envelope carries no data"
        return found
    raise AssertionError(f"unknown kind {kind!r}")


def _describe(found: set[Defect], expected: set[Defect]) -> str:
    lines = [f"  unexpected: {d}" for d in sorted(found - expected)]
    lines += [f"  missing:    {d}" for d in sorted(expected - found)]
    return "\n".join(lines)


# ---------------------------------------------------------------- example folders (2.2.1, 2.3.0)


@pytest.mark.parametrize("version", sorted(FOLDER_TABLES))
def test_every_example_file_is_mapped(version: str) -> None:
    on_disk = {p.name for p in (SPEC_ROOT / version / "examples").glob("*.json")}
    table = set(FOLDER_TABLES[version])
    assert on_disk - table == set(), "example files without a mapping (add them to the table)"
    assert table - on_disk == set(), "mapped example files that no longer exist"


def test_table_sizes_match_the_requirements_catalog() -> None:
    # §5.1: 59 files (no tariff_7); §5.2: 61 (the same plus tariff_19 and tariff_20)
    assert (len(EXAMPLES_221), len(EXAMPLES_230)) == (59, 61)


FOLDER_CASES = [
    pytest.param(version, name, id=f"{version}/{name}")
    for version, table in sorted(FOLDER_TABLES.items())
    for name in sorted(table)
]


@pytest.mark.parametrize(("version", "file_name"), FOLDER_CASES)
def test_example_file(version: str, file_name: str) -> None:
    example = FOLDER_TABLES[version][file_name]
    document = json.loads((SPEC_ROOT / version / "examples" / file_name).read_text("utf-8"))
    found = check(version, example, document)
    expected = set(example.defects)
    assert found == expected, (
        f"{version}/{file_name} as {example.kind} {example.object_name}"
        f" ({example.why or 'listed as valid'}):\n{_describe(found, expected)}"
    )


def test_errata_examples_are_the_invalid_ones() -> None:
    """§7.3 ERR-04 and ERR-08 name the only example files that break the schemas."""
    invalid = {
        (version, name)
        for version, table in FOLDER_TABLES.items()
        for name, example in table.items()
        if any(level == "error" for _, _, level in example.defects)
    }
    assert invalid == {
        ("2.2.1", "location_put_example_add_evse.json"),
        ("2.2.1", "tariff_put_example.json"),
        ("2.3.0", "location_put_example_add_evse.json"),
        ("2.3.0", "tariff_put_example.json"),
        ("2.3.0", "cdr_example.json"),
    }


# ---------------------------------------------------------------- 2.1.1 inline Markdown examples


@dataclass(frozen=True)
class Block:
    file: str
    index: int
    heading: str  # nearest Markdown heading above the block
    line: int  # 1-based line of the opening fence
    text: str


def inline_blocks(file_name: str) -> list[Block]:
    """The ```json code blocks of one 2.1.1 Markdown file, in order."""
    lines = (SPEC_ROOT / "2.1.1" / file_name).read_text("utf-8").splitlines()
    blocks: list[Block] = []
    heading = ""
    i = 0
    while i < len(lines):
        if lines[i].startswith("#"):
            heading = lines[i].lstrip("#").strip()
        if _FENCE_OPEN.match(lines[i]):
            end = i + 1
            while not _FENCE_CLOSE.match(lines[end]):
                end += 1
            text = "\n".join(lines[i + 1 : end])
            blocks.append(Block(file_name, len(blocks), heading, i + 1, text))
            i = end
        i += 1
    return blocks


def body(block: Block) -> str:
    """The JSON text of a block, without a leading 'PUT To URL: ...' request line."""
    lines = block.text.splitlines()
    while lines and (not lines[0].strip() or _REQUEST_LINE.match(lines[0])):
        lines.pop(0)
    return "\n".join(lines)


def test_every_inline_example_is_mapped() -> None:
    present = {
        (b.file, b.index)
        for path in sorted((SPEC_ROOT / "2.1.1").glob("*.md"))
        for b in inline_blocks(path.name)
    }
    assert present - set(EXAMPLES_211) == set(), "```json blocks without a mapping"
    assert set(EXAMPLES_211) - present == set(), "mapped blocks that no longer exist"


INLINE_CASES = [
    pytest.param(file_name, index, id=f"2.1.1/{file_name}#{index}")
    for file_name, index in sorted(EXAMPLES_211)
]


@pytest.mark.parametrize(("file_name", "index"), INLINE_CASES)
def test_inline_example(file_name: str, index: int) -> None:
    mapped = EXAMPLES_211[(file_name, index)]
    example = mapped.example
    block = inline_blocks(file_name)[index]
    where = f"{file_name} line {block.line} ({block.heading!r})"
    assert mapped.heading in block.heading, f"{where}: the mapping expects {mapped.heading!r}"
    text = body(block)
    if example.kind == "skip":
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
        pytest.skip(f"{where}: {example.why}")
    found = check("2.1.1", example, json.loads(text))
    expected = set(example.defects)
    assert found == expected, (
        f"{where} as {example.kind} {example.object_name}"
        f" ({example.why or 'listed as valid'}):\n{_describe(found, expected)}"
    )


def test_request_lines_are_stripped() -> None:
    [put_evse] = [b for b in inline_blocks("mod_locations.md") if "add an EVSE" in b.heading]
    assert put_evse.text.lstrip().startswith("PUT To URL:")
    assert json.loads(body(put_evse))["uid"]
