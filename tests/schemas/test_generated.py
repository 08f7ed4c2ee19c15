"""The committed JSON Schema files are exactly what the tables generate, and are themselves
valid JSON Schema 2020-12 documents."""

from __future__ import annotations

import json

import jsonschema
import pytest

from harness.schemas import SUPPORTED_VERSIONS, object_names
from harness.schemas._generate import SCHEMA_DIR, stale_files


def test_committed_schemas_match_tables() -> None:
    stale = stale_files()
    assert stale == [], "run: python -m harness.schemas._generate"


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_schema_files_are_valid_2020_12(version: str) -> None:
    files = sorted((SCHEMA_DIR / version).glob("*.json"))
    assert files
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(doc)
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_every_definition_compiles(version: str) -> None:
    # every $ref resolves: building and using each validator would raise otherwise
    from harness.schemas import validate

    for name in object_names(version):
        validate(version, name, {"surely": "not valid"})
