"""Constrained primitive types shared by every version, and the response envelope.

The spec types (``types.asciidoc`` / ``types.md``) are refined where a field has a stated
format: ISO codes, coordinates (``mod_locations`` GeoLocation regex), local times and dates
(``mod_tariffs`` TariffRestrictions, ``mod_locations`` RegularHours), the credentials token
charset (``transport_and_format`` Authorization). Lenient variants (``ocpi-requirements.md`` §7.4)
are listed in :data:`LENIENT`; a value valid only under the lenient variant is a warning.
"""

from __future__ import annotations

from typing import Any

from harness.schemas._dsl import Definition, TypeDef, obj

DATETIME_STRICT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?$"
DATETIME_LENIENT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?$"
)


def common_types(version: str) -> dict[str, Definition]:
    decimals = "{6}" if version == "2.1.1" else "{5,7}"
    decimals_text = "exactly 6" if version == "2.1.1" else "5 to 7"
    types: dict[str, Definition] = {
        "DateTime": TypeDef(
            {"type": "string", "maxLength": 25, "pattern": DATETIME_STRICT},
            "UTC timestamp YYYY-MM-DDThh:mm:ss[.fraction][Z]; no offsets (types, DateTime)",
        ),
        "URL": TypeDef(
            {"type": "string", "maxLength": 255, "pattern": r"^[\x21-\x7E]*$"},
            "URL of at most 255 characters, no whitespace (types, URL)",
        ),
        "CountryCode": TypeDef(
            {"type": "string", "maxLength": 2, "pattern": "^[A-Z]{2}$"},
            "ISO 3166-1 alpha-2 country code, upper case",
        ),
        "PartyId": TypeDef(
            {"type": "string", "maxLength": 3, "pattern": "^[A-Z0-9]{3}$"},
            "party id: three upper-case letters or digits (ISO 15118)",
        ),
        "CountryAlpha3": TypeDef(
            {"type": "string", "maxLength": 3, "pattern": "^[A-Z]{3}$"},
            "ISO 3166-1 alpha-3 country code",
        ),
        "Currency": TypeDef(
            {"type": "string", "maxLength": 3, "pattern": "^[A-Z]{3}$"},
            "ISO 4217 currency code",
        ),
        "Latitude": TypeDef(
            {"type": "string", "maxLength": 10, "pattern": rf"^-?[0-9]{{1,2}}\.[0-9]{decimals}$"},
            f"WGS84 latitude with {decimals_text} decimals (GeoLocation)",
        ),
        "Longitude": TypeDef(
            {"type": "string", "maxLength": 11, "pattern": rf"^-?[0-9]{{1,3}}\.[0-9]{decimals}$"},
            f"WGS84 longitude with {decimals_text} decimals (GeoLocation)",
        ),
        "LocalTime": TypeDef(
            {"type": "string", "maxLength": 5, "pattern": "^([0-1][0-9]|2[0-3]):[0-5][0-9]$"},
            "local time of day HH:MM, 24-hour clock with leading zeros",
        ),
        "LocalDate": TypeDef(
            {
                "type": "string",
                "maxLength": 10,
                "pattern": "^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            },
            "local date YYYY-MM-DD",
        ),
        "LanguageCode": TypeDef(
            {"type": "string", "maxLength": 2, "pattern": "^[a-z]{2}$"},
            "ISO 639-1 language code, lower case",
        ),
        "CredentialsToken": TypeDef(
            {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[\x21-\x7E]*$"},
            "credentials token: 1-64 printable ASCII characters, no whitespace",
        ),
        "Weekday": TypeDef(
            {"type": "integer", "minimum": 1, "maximum": 7}, "day of the week, 1 = Monday"
        ),
        "Percentage": TypeDef({"type": "number", "minimum": 0, "maximum": 100}, "0 to 100"),
        "TimeZone": TypeDef(
            {
                "type": "string",
                "maxLength": 255,
                "pattern": r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$",
            },
            "IANA time zone name such as Europe/Oslo",
        ),
        "Response": obj(
            ("data", "any", "?"),
            ("status_code", "int(4)", "1"),
            ("status_message", "string", "?"),
            ("timestamp", "DateTime", "1"),
            description="the response envelope every OCPI response carries (transport_and_format)",
        ),
    }
    return types


# Lenient variants: module file -> definition name -> JSON Schema keywords that replace the
# strict ones. Anything only these accept is reported as a warning under profile="lenient".
def lenient_overrides(version: str) -> dict[str, dict[str, dict[str, Any]]]:
    common: dict[str, dict[str, Any]] = {
        "DateTime": {"type": "string", "pattern": DATETIME_LENIENT},  # AMB-40
        "CountryCode": {"type": "string", "maxLength": 2, "pattern": "^[A-Za-z]{2}$"},
        "PartyId": {"type": "string", "maxLength": 3, "pattern": "^[A-Za-z0-9]{3}$"},
        "LanguageCode": {"type": "string", "maxLength": 2, "pattern": "^[A-Za-z]{2}$"},
        "CountryAlpha3": {"type": "string", "maxLength": 3, "pattern": "^[A-Za-z]{2,3}$"},
        # The GeoLocation regex allows 7 decimals but string(10)/string(11) leaves no room for
        # them with a sign and two integer digits (e.g. -36.8484597): tolerated when lenient.
        "Latitude": {"maxLength": 11},
        "Longitude": {"maxLength": 12},
    }
    out: dict[str, dict[str, dict[str, Any]]] = {"common": common}
    if version != "2.1.1":
        # AMB-16: the reservation flow text says RESERVED, the enum says RESERVATION.
        out["sessions"] = {"SessionStatus": {"+enum": ["RESERVED"]}}
        # AMB-32: CdrLocation kept the published lengths although Location grew (errata).
        out["cdrs"] = {
            "CdrLocation": {
                "properties.address.maxLength": 255,
                "properties.state.maxLength": 45,
            }
        }
    return out
