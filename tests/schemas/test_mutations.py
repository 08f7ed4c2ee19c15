"""Mutation tests: every single-field breakage of a valid document is rejected at that field.

Seeds are our own fixtures (fixtures/<version>/<Object>/*.json) plus a few valid examples of
the specification when ../shared/ocpi-spec is present.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from harness.schemas import validate
from harness.schemas.mutations import mutations
from tests.schemas.spec_tables import SPEC_ROOT

ROOT = Path(__file__).resolve().parents[2]

SPEC_SEEDS = [
    ("2.2.1", "Location", "location_example.json"),
    ("2.2.1", "CDR", "cdr_example.json"),
    ("2.2.1", "Tariff", "tariff_4_complex.json"),
    ("2.2.1", "Token", "token_example_2_full_rfid.json"),
    ("2.2.1", "Session", "session_example_1_simple_start.json"),
    ("2.2.1", "Credentials", "credentials_example3.json"),
    ("2.3.0", "Location", "location_example.json"),
    ("2.3.0", "Tariff", "tariff_20_simple_north_american_inclusive.json"),
]


def _seeds() -> list[tuple[str, str, Path]]:
    seeds: list[tuple[str, str, Path]] = []
    for version in ("2.1.1", "2.2.1", "2.3.0"):
        for path in sorted((ROOT / "fixtures" / version).glob("*/*.json")):
            seeds.append((version, path.parent.name, path))
    if SPEC_ROOT.is_dir():
        for version, name, file in SPEC_SEEDS:
            seeds.append((version, name, SPEC_ROOT / version / "examples" / file))
    return seeds


SEEDS = _seeds()


def _load(path: Path) -> object:
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)


@pytest.mark.parametrize(
    ("version", "name", "path"),
    SEEDS,
    ids=[f"{v}-{p.parent.name if 'fixtures' in p.parts else 'spec'}-{p.stem}" for v, _, p in SEEDS],
)
def test_every_mutation_is_caught_at_its_field(version: str, name: str, path: Path) -> None:
    document = _load(path)
    assert [v for v in validate(version, name, document) if v.level == "error"] == []
    kinds: Counter[str] = Counter()
    missed: list[str] = []
    for m in mutations(version, name, document):
        kinds[m.kind] += 1
        found = [v for v in validate(version, name, m.document) if v.level == "error"]
        if m.expect_rule is None:
            if found:
                missed.append(f"{m.kind} {m.path}: should be valid, got {found[0].message}")
        elif not any(v.path == m.path and v.rule == m.expect_rule for v in found):
            got = [(v.path, v.rule) for v in found][:3]
            missed.append(f"{m.kind} {m.path}: expected {m.expect_rule} here, got {got}")
    assert missed == []
    assert sum(kinds.values()) > 0


def test_seeds_exist() -> None:
    assert len(SEEDS) >= 5
