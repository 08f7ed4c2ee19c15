"""OCPI 2.1.1 object tables.

Written from the specification's own object tables (release-2.1.1-bugfixes @ 28ea453; the text is in
``../shared/ocpi-spec/2.1.1/``), one entry per object, class and enum, in the order and with the
names the spec uses. Field types are refined where the spec states a format (see
:mod:`harness.schemas.tables.common`). ``tests/schemas/test_tables_vs_spec.py`` re-reads the
spec's tables and fails on any difference in field names, cardinality, types or enum values.
"""

from __future__ import annotations

from harness.schemas._dsl import ASCII_STRING_211, Definition, VersionTables, enum, obj
from harness.schemas.tables import rules
from harness.schemas.tables.common import common_types
from harness.schemas.tables.v2_2_1 import MODULES as _MODULES_221

# Classes and enums whose 2.1.1 table equals the 2.2.1 one field for field are taken from there
# (the spec-table test still re-reads each of them from the 2.1.1 text).
V221: dict[str, Definition] = {
    name: definition for defs in _MODULES_221.values() for name, definition in defs.items()
}

MODULES: dict[str, dict[str, Definition]] = {
    "credentials": {
        "Credentials": obj(
            ("token", "CredentialsToken", "1"),
            ("url", "URL", "1"),
            ("business_details", "BusinessDetails", "1"),
            ("party_id", "PartyId", "1"),
            ("country_code", "CountryCode", "1"),
        ),
    },
    "cdrs": {
        "CDR": obj(
            ("id", "CiString(36)", "1"),
            ("start_date_time", "DateTime", "1"),
            ("stop_date_time", "DateTime", "1"),
            ("auth_id", "string(36)", "1"),
            ("auth_method", "AuthMethod", "1"),
            ("location", "Location", "1"),
            ("meter_id", "string(255)", "?"),
            ("currency", "Currency", "1"),
            ("tariffs", "Tariff", "*"),
            ("charging_periods", "ChargingPeriod", "+"),
            ("total_cost", "number", "1"),
            ("total_energy", "number", "1"),
            ("total_time", "number", "1"),
            ("total_parking_time", "number", "?"),
            ("remark", "string(255)", "?"),
            ("last_updated", "DateTime", "1"),
        ),
        "AuthMethod": enum("AUTH_REQUEST", "WHITELIST"),
        "CdrDimension": V221["CdrDimension"],
        "CdrDimensionType": enum(
            "ENERGY", "FLAT", "MAX_CURRENT", "MIN_CURRENT", "PARKING_TIME", "TIME"
        ),
        "ChargingPeriod": obj(
            ("start_date_time", "DateTime", "1"),
            ("dimensions", "CdrDimension", "+"),
        ),
    },
    "commands": {
        "CommandResponse": obj(
            ("result", "CommandResponseType", "1"),
        ),
        "ReserveNow": obj(
            ("response_url", "URL", "1"),
            ("token", "Token", "1"),
            ("expiry_date", "DateTime", "1"),
            ("reservation_id", "int", "1"),
            ("location_id", "string(39)", "1"),
            ("evse_uid", "string(39)", "?"),
        ),
        "StartSession": obj(
            ("response_url", "URL", "1"),
            ("token", "Token", "1"),
            ("location_id", "string(39)", "1"),
            ("evse_uid", "string(39)", "?"),
        ),
        "StopSession": obj(
            ("response_url", "URL", "1"),
            ("session_id", "string(36)", "1"),
        ),
        "UnlockConnector": obj(
            ("response_url", "URL", "1"),
            ("location_id", "string(39)", "1"),
            ("evse_uid", "string(39)", "1"),
            ("connector_id", "string(36)", "1"),
        ),
        "CommandResponseType": enum(
            "NOT_SUPPORTED", "REJECTED", "ACCEPTED", "TIMEOUT", "UNKNOWN_SESSION"
        ),
        "CommandType": enum("RESERVE_NOW", "START_SESSION", "STOP_SESSION", "UNLOCK_CONNECTOR"),
    },
    "locations": {
        "Location": obj(
            ("id", "string(39)", "1"),
            ("type", "LocationType", "1"),
            ("name", "string(255)", "?"),
            ("address", "string(45)", "1"),
            ("city", "string(45)", "1"),
            ("postal_code", "string(10)", "1"),
            ("country", "CountryAlpha3", "1"),
            ("coordinates", "GeoLocation", "1"),
            ("related_locations", "AdditionalGeoLocation", "*"),
            ("evses", "EVSE", "*"),
            ("directions", "DisplayText", "*"),
            ("operator", "BusinessDetails", "?"),
            ("suboperator", "BusinessDetails", "?"),
            ("owner", "BusinessDetails", "?"),
            ("facilities", "Facility", "*"),
            ("time_zone", "TimeZone", "?"),
            ("opening_times", "Hours", "?"),
            ("charging_when_closed", "boolean", "?"),
            ("images", "Image", "*"),
            ("energy_mix", "EnergyMix", "?"),
            ("last_updated", "DateTime", "1"),
        ),
        "EVSE": obj(
            ("uid", "string(39)", "1"),
            ("evse_id", "string(48)", "?"),
            ("status", "Status", "1"),
            ("status_schedule", "StatusSchedule", "*"),
            ("capabilities", "Capability", "*"),
            ("connectors", "Connector", "+"),
            ("floor_level", "string(4)", "?"),
            ("coordinates", "GeoLocation", "?"),
            ("physical_reference", "string(16)", "?"),
            ("directions", "DisplayText", "*"),
            ("parking_restrictions", "ParkingRestriction", "*"),
            ("images", "Image", "*"),
            ("last_updated", "DateTime", "1"),
        ),
        "Connector": obj(
            ("id", "string(36)", "1"),
            ("standard", "ConnectorType", "1"),
            ("format", "ConnectorFormat", "1"),
            ("power_type", "PowerType", "1"),
            ("voltage", "int", "1"),
            ("amperage", "int", "1"),
            ("tariff_id", "string(36)", "?"),
            ("terms_and_conditions", "URL", "?"),
            ("last_updated", "DateTime", "1"),
        ),
        "AdditionalGeoLocation": V221["AdditionalGeoLocation"],
        "BusinessDetails": V221["BusinessDetails"],
        "Capability": enum(
            "CHARGING_PROFILE_CAPABLE",
            "CREDIT_CARD_PAYABLE",
            "REMOTE_START_STOP_CAPABLE",
            "RESERVABLE",
            "RFID_READER",
            "UNLOCK_CAPABLE",
        ),
        "ConnectorFormat": V221["ConnectorFormat"],
        "ConnectorType": enum(
            "CHADEMO",
            "DOMESTIC_A",
            "DOMESTIC_B",
            "DOMESTIC_C",
            "DOMESTIC_D",
            "DOMESTIC_E",
            "DOMESTIC_F",
            "DOMESTIC_G",
            "DOMESTIC_H",
            "DOMESTIC_I",
            "DOMESTIC_J",
            "DOMESTIC_K",
            "DOMESTIC_L",
            "IEC_60309_2_single_16",
            "IEC_60309_2_three_16",
            "IEC_60309_2_three_32",
            "IEC_60309_2_three_64",
            "IEC_62196_T1",
            "IEC_62196_T1_COMBO",
            "IEC_62196_T2",
            "IEC_62196_T2_COMBO",
            "IEC_62196_T3A",
            "IEC_62196_T3C",
            "TESLA_R",
            "TESLA_S",
        ),
        "EnergyMix": V221["EnergyMix"],
        "EnergySource": V221["EnergySource"],
        "EnergySourceCategory": V221["EnergySourceCategory"],
        "EnvironmentalImpact": obj(
            ("source", "EnvironmentalImpactCategory", "1"),
            ("amount", "number", "1"),
        ),
        "EnvironmentalImpactCategory": V221["EnvironmentalImpactCategory"],
        "ExceptionalPeriod": V221["ExceptionalPeriod"],
        "Facility": enum(
            "HOTEL",
            "RESTAURANT",
            "CAFE",
            "MALL",
            "SUPERMARKET",
            "SPORT",
            "RECREATION_AREA",
            "NATURE",
            "MUSEUM",
            "BUS_STOP",
            "TAXI_STAND",
            "TRAIN_STATION",
            "AIRPORT",
            "CARPOOL_PARKING",
            "FUEL_STATION",
            "WIFI",
        ),
        "GeoLocation": V221["GeoLocation"],
        "Hours": obj(
            ("regular_hours", "RegularHours", "*"),
            ("twentyfourseven", "boolean", "?"),  # a choice with regular_hours (HOURS_211)
            ("exceptional_openings", "ExceptionalPeriod", "*"),
            ("exceptional_closings", "ExceptionalPeriod", "*"),
            extra=rules.HOURS_211,
        ),
        "Image": obj(
            ("url", "URL", "1"),
            ("thumbnail", "URL", "?"),
            ("category", "ImageCategory", "1"),
            ("type", "string(4)", "1"),
            ("width", "int(5)", "?"),
            ("height", "int(5)", "?"),
        ),
        "ImageCategory": V221["ImageCategory"],
        "LocationType": enum(
            "ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT", "OTHER", "UNKNOWN"
        ),
        "ParkingRestriction": V221["ParkingRestriction"],
        "PowerType": enum("AC_1_PHASE", "AC_3_PHASE", "DC"),
        "RegularHours": V221["RegularHours"],
        "Status": V221["Status"],
        "StatusSchedule": V221["StatusSchedule"],
    },
    "sessions": {
        "Session": obj(
            ("id", "string(36)", "1"),
            ("start_datetime", "DateTime", "1"),
            ("end_datetime", "DateTime", "?"),
            ("kwh", "number", "1"),
            ("auth_id", "string(36)", "1"),
            ("auth_method", "AuthMethod", "1"),
            ("location", "Location", "1"),
            ("meter_id", "string(255)", "?"),
            ("currency", "Currency", "1"),
            ("charging_periods", "ChargingPeriod", "*"),
            ("total_cost", "number", "?"),
            ("status", "SessionStatus", "1"),
            ("last_updated", "DateTime", "1"),
        ),
        "SessionStatus": enum("ACTIVE", "COMPLETED", "INVALID", "PENDING"),
    },
    "tariffs": {
        "Tariff": obj(
            ("id", "string(36)", "1"),
            ("currency", "Currency", "1"),
            ("tariff_alt_text", "DisplayText", "*"),
            ("tariff_alt_url", "URL", "?"),
            ("elements", "TariffElement", "+"),
            ("energy_mix", "EnergyMix", "?"),
            ("last_updated", "DateTime", "1"),
        ),
        "DayOfWeek": V221["DayOfWeek"],
        "PriceComponent": obj(
            ("type", "TariffDimensionType", "1"),
            ("price", "number", "1"),
            ("step_size", "int", "1"),
        ),
        "TariffElement": V221["TariffElement"],
        "TariffDimensionType": V221["TariffDimensionType"],
        "TariffRestrictions": obj(
            ("start_time", "LocalTime", "?"),
            ("end_time", "LocalTime", "?"),
            ("start_date", "LocalDate", "?"),
            ("end_date", "LocalDate", "?"),
            ("min_kwh", "number", "?"),
            ("max_kwh", "number", "?"),
            ("min_power", "number", "?"),
            ("max_power", "number", "?"),
            ("min_duration", "int", "?"),
            ("max_duration", "int", "?"),
            ("day_of_week", "DayOfWeek", "*"),
        ),
    },
    "tokens": {
        "AuthorizationInfo": obj(
            ("allowed", "Allowed", "1"),
            ("location", "LocationReferences", "?"),
            ("info", "DisplayText", "?"),
        ),
        "Token": obj(
            ("uid", "string(36)", "1"),
            ("type", "TokenType", "1"),
            ("auth_id", "string(36)", "1"),
            ("visual_number", "string(64)", "?"),
            ("issuer", "string(64)", "1"),
            ("valid", "boolean", "1"),
            ("whitelist", "WhitelistType", "1"),
            ("language", "LanguageCode", "?"),
            ("last_updated", "DateTime", "1"),
        ),
        "Allowed": enum("ALLOWED", "BLOCKED", "EXPIRED", "NO_CREDIT", "NOT_ALLOWED"),
        "LocationReferences": obj(
            ("location_id", "string(39)", "1"),
            ("evse_uids", "string(39)", "*"),
            ("connector_ids", "string(36)", "*"),
        ),
        "TokenType": enum("OTHER", "RFID"),
        "WhitelistType": V221["WhitelistType"],
    },
    "common": {
        "DisplayText": obj(
            ("language", "LanguageCode", "1"),
            ("text", "string(512)", "1"),
        ),
    },
    "versions": {
        "Version": V221["Version"],
        "Endpoint": obj(
            ("identifier", "ModuleID", "1"),
            ("url", "URL", "1"),
        ),
        "ModuleID": enum(
            "cdrs", "commands", "credentials", "locations", "sessions", "tariffs", "tokens"
        ),
        "VersionDetails": V221["VersionDetails"],
        "VersionNumber": enum("2.0", "2.1", "2.1.1"),
    },
}


MODULES["common"] = {**common_types("2.1.1"), **MODULES.get("common", {})}

TABLES = VersionTables(version="2.1.1", modules=MODULES, string_pattern=ASCII_STRING_211)
