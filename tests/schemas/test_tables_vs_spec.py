"""Pin our schema tables to the specification's own tables (field names, cardinality, types,
enum values), for every object, class and enum the spec text defines."""

from __future__ import annotations

import pytest

from harness.schemas._dsl import EnumDef, ObjectDef, TypeDef
from harness.schemas.tables import ALL_TABLES
from tests.schemas.spec_tables import SPEC_ROOT, SpecTable, all_tables

pytestmark = pytest.mark.skipif(not SPEC_ROOT.is_dir(), reason="../shared/ocpi-spec not present")

# Our refined types and the spec type each one stands for.
REFINED = {
    "CountryCode": {"CiString(2)", "string(2)"},
    "PartyId": {"CiString(3)", "string(3)"},
    "CountryAlpha3": {"string(3)"},
    "Currency": {"string(3)"},
    "Latitude": {"string(10)"},
    "Longitude": {"string(11)"},
    "LocalTime": {"string(5)"},
    "LocalDate": {"string(10)"},
    "LanguageCode": {"string(2)"},
    "CredentialsToken": {"string(64)"},
    "Weekday": {"int(1)"},
    "Percentage": {"number"},
    "TimeZone": {"string(255)"},
}

# Where we deliberately differ from the letter of a table, and why.
DEVIATIONS = {
    # 2.1.1 Hours is a choice between regular_hours and twentyfourseven (rules.HOURS_211)
    ("2.1.1", "Hours", "twentyfourseven"): "choice",
}


def _tables(version: str) -> list[SpecTable]:
    return [t for t in all_tables(version) if t.rows or t.values]


def _ids(version: str) -> list[str]:
    return [t.heading for t in _tables(version)]


def _our(version: str, name: str) -> ObjectDef | EnumDef | TypeDef:
    for defs in ALL_TABLES[version].modules.values():
        if name in defs:
            return defs[name]
    pytest.fail(f"{version}: the spec defines {name} but our tables do not")


@pytest.mark.parametrize("version", ["2.1.1", "2.2.1", "2.3.0"])
def test_every_spec_table_is_read(version: str) -> None:
    # guard against the reader silently finding nothing
    tables = _tables(version)
    assert len(tables) > 50
    names = {t.heading for t in tables}
    assert {"Location", "EVSE", "Connector", "CDR", "Tariff", "Token", "Session"} <= names


@pytest.mark.parametrize("version", ["2.1.1", "2.2.1", "2.3.0"])
def test_tables_match_spec(version: str) -> None:
    problems: list[str] = []
    for table in _tables(version):
        ours = _our(version, table.heading)
        if table.values:
            if not isinstance(ours, EnumDef):
                problems.append(f"{table.heading}: spec enum, ours is {type(ours).__name__}")
                continue
            if list(ours.values) != list(table.values):
                problems.append(f"{table.heading}: values {ours.values} != spec {table.values}")
            if ours.open != (table.kind == "openenum"):
                problems.append(f"{table.heading}: open={ours.open}, spec kind {table.kind}")
            continue
        if not isinstance(ours, ObjectDef):
            problems.append(f"{table.heading}: spec object, ours is {type(ours).__name__}")
            continue
        spec_rows = {r.name: r for r in table.rows}
        our_rows = {name: (t, c) for name, t, c in ours.rows}
        if list(spec_rows) != list(our_rows):
            problems.append(f"{table.heading}: fields {list(our_rows)} != spec {list(spec_rows)}")
            continue
        for name, row in spec_rows.items():
            our_type, our_card = our_rows[name]
            if (version, table.heading, name) in DEVIATIONS:
                continue
            if our_card != row.card:
                problems.append(f"{table.heading}.{name}: card {our_card} != spec {row.card}")
            if our_type != row.type and row.type not in REFINED.get(our_type, set()):
                problems.append(f"{table.heading}.{name}: type {our_type} != spec {row.type}")
    assert problems == []


def test_deviations_are_still_deviations() -> None:
    # an entry that no longer differs must be removed from DEVIATIONS
    for version, obj_name, field in DEVIATIONS:
        ours = _our(version, obj_name)
        assert isinstance(ours, ObjectDef)
        spec = next(t for t in _tables(version) if t.heading == obj_name)
        spec_card = next(r.card for r in spec.rows if r.name == field)
        our_card = next(c for n, _, c in ours.rows if n == field)
        assert our_card != spec_card
