"""OCPI 2.3.0 object tables, as changes to the 2.2.1 tables.

Written from the specification's own object tables (2.3.0/release/core @ 3979887; the text is in
``../shared/ocpi-spec/2.3.0/``). Everything 2.3.0 keeps from 2.2.1 is taken from
:mod:`harness.schemas.tables.v2_2_1`; only what changed is written here (``ocpi-requirements.md``
§6.4, §6.6). ``tests/schemas/test_tables_vs_spec.py`` re-reads the spec's tables and fails on any
difference in field names, cardinality, types or enum values.
"""

from __future__ import annotations

from dataclasses import replace

from harness.schemas._dsl import (
    Definition,
    EnumDef,
    ObjectDef,
    VersionTables,
    enum,
    insert_rows,
    obj,
    retype_rows,
)
from harness.schemas.tables.common import common_types
from harness.schemas.tables.v2_2_1 import MODULES as BASE

MODULES: dict[str, dict[str, Definition]] = {module: dict(defs) for module, defs in BASE.items()}


def _obj(module: str, name: str) -> ObjectDef:
    found = MODULES[module][name]
    assert isinstance(found, ObjectDef)
    return found


def _open(module: str, *names: str) -> None:
    """2.3.0 turns these enums into OpenEnums (types, OpenEnum; REQ-230-003)."""
    for name in names:
        found = MODULES[module][name]
        assert isinstance(found, EnumDef)
        MODULES[module][name] = replace(found, open=True)


# credentials: hub_party_id (REQ-230-006)
MODULES["credentials"]["Credentials"] = insert_rows(
    _obj("credentials", "Credentials"), "url", ("hub_party_id", "CiString(5)", "?")
)

# commands: CommandType is an OpenEnum
_open("commands", "CommandType")

# invoicereconciliation: a new module (edition 2; REQ-230-020/021)
MODULES["invoicereconciliation"] = {
    "InvoiceReconciliationRecord": obj(
        ("country_code", "CountryCode", "1"),
        ("party_id", "PartyId", "1"),
        ("id", "CiString(36)", "1"),
        ("invoice_id", "CiString(255)", "1"),
        ("cdrs", "CiString(36)", "+"),
        ("last_updated", "DateTime", "1"),
    ),
}

# locations: parking places, help phone, EVSE parking, connector capabilities (REQ-230-012..018)
locations = MODULES["locations"]
locations["Location"] = insert_rows(
    insert_rows(_obj("locations", "Location"), "evses", ("parking_places", "Parking", "*")),
    "energy_mix",
    ("help_phone", "CiString(25)", "?"),
)
locations["EVSE"] = insert_rows(
    insert_rows(_obj("locations", "EVSE"), "parking_restrictions", ("parking", "EVSEParking", "*")),
    "images",
    ("accepted_service_providers", "string(50)", "*"),
)
locations["Connector"] = insert_rows(
    _obj("locations", "Connector"),
    "terms_and_conditions",
    ("capabilities", "ConnectorCapability", "*"),
)
locations["Parking"] = obj(
    ("id", "CiString(36)", "1"),
    ("physical_reference", "string(12)", "?"),
    ("vehicle_types", "VehicleType", "+"),
    ("max_vehicle_weight", "number", "?"),
    ("max_vehicle_height", "number", "?"),
    ("max_vehicle_length", "number", "?"),
    ("max_vehicle_width", "number", "?"),
    ("parking_space_length", "number", "?"),
    ("parking_space_width", "number", "?"),
    ("dangerous_goods_allowed", "boolean", "?"),
    ("direction", "ParkingDirection", "?"),
    ("drive_through", "boolean", "?"),
    ("restricted_to_type", "boolean", "1"),
    ("reservation_required", "boolean", "1"),
    ("time_limit", "number", "?"),
    ("roofed", "boolean", "?"),
    ("images", "Image", "*"),
    ("lighting", "boolean", "?"),
    ("refrigeration_outlet", "boolean", "?"),
    ("standards", "CiString(36)", "*"),
    ("apds_reference", "CiString", "?"),
)
locations["EVSEParking"] = obj(
    ("parking_id", "CiString(36)", "1"),
    ("evse_position", "EVSEPosition", "?"),
)
locations["ConnectorCapability"] = enum(
    "ISO_15118_2_PLUG_AND_CHARGE", "ISO_15118_20_PLUG_AND_CHARGE", open=True
)
locations["EVSEPosition"] = enum("LEFT", "RIGHT", "CENTER")
locations["ParkingDirection"] = enum("PARALLEL", "PERPENDICULAR", "ANGLE")
locations["VehicleType"] = enum(
    "MOTORCYCLE",
    "PERSONAL_VEHICLE",
    "PERSONAL_VEHICLE_WITH_TRAILER",
    "VAN",
    "SEMI_TRACTOR",
    "RIGID",
    "TRUCK_WITH_TRAILER",
    "BUS",
    "DISABLED",
    open=True,
)


def _with_values(module: str, name: str, after: dict[str, str]) -> EnumDef:
    """The enum ``name`` with each new value inserted after the given one, now open."""
    found = MODULES[module][name]
    assert isinstance(found, EnumDef)
    values = list(found.values)
    for new, before in after.items():
        values.insert(values.index(before) + 1, new)
    return replace(found, values=tuple(values), open=True)


locations["ConnectorType"] = _with_values(
    "locations", "ConnectorType", {"MCS": "IEC_62196_T3C", "SAE_J3400": "PANTOGRAPH_TOP_DOWN"}
)
locations["ParkingRestriction"] = enum(
    "CUSTOMERS", "DISABLED", "EMPLOYEES", "EV_ONLY", "MOTORCYCLES", "PLUGGED", "TAXIS", "TENANTS",
    open=True,
)  # fmt: skip
_open(
    "locations",
    "Capability",
    "EnvironmentalImpactCategory",
    "Facility",
    "ImageCategory",
    "ParkingType",
)

# tariffs: tax_included, PriceLimit (REQ-230-010/011)
tariffs = MODULES["tariffs"]
tariffs["Tariff"] = insert_rows(
    retype_rows(_obj("tariffs", "Tariff"), min_price="PriceLimit", max_price="PriceLimit"),
    "elements",
    ("tax_included", "TaxIncluded", "1"),
)
tariffs["PriceLimit"] = obj(("before_taxes", "number", "1"), ("after_taxes", "number", "?"))
tariffs["TaxIncluded"] = enum("YES", "NO", "N/A")

# tokens: EMAID (REQ-230-019)
MODULES["tokens"]["TokenType"] = enum(
    "AD_HOC_USER", "APP_USER", "EMAID", "OTHER", "RFID", open=True
)

# common types: Price with taxes, TaxAmount, Role without HUB (REQ-230-008/009)
common = MODULES["common"]
common.update(common_types("2.3.0"))
common["Price"] = obj(("before_taxes", "number", "1"), ("taxes", "TaxAmount", "*"))
common["TaxAmount"] = obj(
    ("name", "string", "1"),
    ("account_number", "string", "?"),
    ("percentage", "number", "?"),
    ("amount", "number", "1"),
)
common["Role"] = enum("CPO", "EMSP", "NAP", "NSP", "OTHER", "SCSP")

# versions: 2.3.0, invoicereconciliation (AMB-44: the module exists, the table omits it)
versions = MODULES["versions"]
_module_ids = versions["ModuleID"]
assert isinstance(_module_ids, EnumDef)
versions["ModuleID"] = enum(*_module_ids.values, "invoicereconciliation", open=True)
versions["VersionNumber"] = enum("2.0", "2.1", "2.1.1", "2.2", "2.2.1", "2.3.0", open=True)

TABLES = VersionTables(version="2.3.0", modules=MODULES)
