"""Which schema every example of the OCPI specification is checked against, and its known defects.

The tables follow ``docs/ocpi-requirements.md`` §5 (one row per example file, its object and
kind) and §7.3 (the errata: which examples are wrong and why). Nothing of the examples
themselves is copied here; they are read from ``../shared/ocpi-spec`` at test time.

Kinds:

* ``full``: a complete object, checked with the object's schema;
* ``partial``: a PATCH body, checked with ``partial=True``;
* ``array``: a JSON array of the object (``Version`` -> ``Version[]``);
* ``wrap:<key>``: a one-member object whose ``<key>`` holds the object (e.g. ``energy_mix``);
* ``env:<Object>`` / ``env:<Object>[]``: a response envelope (``Response``) whose ``data`` is
  the object; ``env:`` alone is an envelope without ``data`` (an error response);
* ``skip``: not a standalone JSON document (a bare ``"member": {...}`` fragment of the text).

A defect is ``(JSON pointer, rule, level)`` as reported by :func:`harness.schemas.validate`;
an example must produce exactly its listed defects and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SPEC_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "ocpi-spec"

Defect = tuple[str, str, str]  # (pointer, rule, level)


def error(pointer: str, rule: str) -> Defect:
    return (pointer, rule, "error")


def warning(pointer: str, rule: str) -> Defect:
    return (pointer, rule, "warning")


@dataclass(frozen=True)
class Example:
    object_name: str
    kind: str = "full"
    defects: tuple[Defect, ...] = ()
    why: str = ""  # the errata / §5 reference explaining the defects, or why an item is skipped


# ---------------------------------------------------------------- 2.2.1 (§5.1, 59 files)

_ADD_EVSE_DEFECTS = (
    warning("/floor", "additionalProperties"),  # should be floor_level
    error("/physical_reference", "type"),  # a number, string(16) expected
    error("/connectors/0/power_type", "required"),
    error("/connectors/0/max_voltage", "required"),
    error("/connectors/0/max_amperage", "required"),
    error("/connectors/0/last_updated", "required"),
)
_ADD_EVSE = Example("EVSE", "full", _ADD_EVSE_DEFECTS, "ERR-04: PUT body of a new EVSE (§5.1)")
_TARIFF_PUT = Example(
    "Tariff", "full", (error("/last_updated", "required"),), "ERR-04: PUT body lacks last_updated"
)

EXAMPLES_221: dict[str, Example] = {
    "cdr_example.json": Example("CDR", why="ERR-11: latitude/longitude swapped (semantic only)"),
    "credentials_example.json": Example("Credentials"),
    "credentials_example2.json": Example("Credentials"),
    "credentials_example3.json": Example("Credentials"),
    "credentials_example4.json": Example("Credentials"),
    "location_energymix_example_complete.json": Example("EnergyMix", "wrap:energy_mix"),
    "location_energymix_example_energy_provider.json": Example("EnergyMix", "wrap:energy_mix"),
    "location_energymix_example_simple.json": Example("EnergyMix", "wrap:energy_mix"),
    "location_example.json": Example("Location"),
    "location_example_parking_garage_opening_hours.json": Example("Location"),
    "location_example_uc2_destination_charger.json": Example("Location"),
    "location_example_uc3_destination_charger_not_published.json": Example("Location"),
    "location_example_uc4_limited_visibility.json": Example("Location"),
    "location_example_uc5_home_charge_point.json": Example("Location"),
    "location_hours_247_open_exception_closing.json": Example("Hours"),
    "location_hours_opening_hours_with_exceptional_closing.json": Example("Hours"),
    "location_hours_opening_hours_with_exceptional_opening.json": Example("Hours"),
    "location_patch_example_location.json": Example("Location", "partial"),
    "location_patch_example_remove_evse.json": Example("EVSE", "partial"),
    "location_patch_example_status.json": Example("EVSE", "partial"),
    "location_patch_example_tariff.json": Example("Connector", "partial"),
    "location_put_example_add_evse.json": _ADD_EVSE,
    "location_regularhours_example.json": Example("Hours", "wrap:opening_times"),
    "session_example_1_simple_start.json": Example("Session"),
    "session_example_2_short_finished.json": Example(
        "Session", why="ERR-03: ENERGY volumes in Wh (semantic only)"
    ),
    "session_patch_example_charging_period.json": Example(
        "Session", "partial", why="ERR-03: ENERGY volume in Wh (semantic only)"
    ),
    "session_patch_example_total_cost.json": Example("Session", "partial"),
    "tariff_1_simple_2hour.json": Example("Tariff"),
    "tariff_2_alt_text.json": Example("Tariff"),
    "tariff_3_alt_url.json": Example("Tariff"),
    "tariff_4_complex.json": Example("Tariff", why="ERR-01 concerns the prose totals only"),
    "tariff_5_free_of_charge.json": Example("Tariff"),
    "tariff_6_025kwh_start_max_price.json": Example("Tariff"),
    "tariff_8_simple_025kwh.json": Example("Tariff"),
    "tariff_9_025kwh_start.json": Example("Tariff"),
    "tariff_10_025kwh_parking_start.json": Example("Tariff"),
    "tariff_11_not_possible_alt_text.json": Example("Tariff"),
    "tariff_12_025kwh_min_price.json": Example("Tariff"),
    "tariff_13_simple_3hour_5parking.json": Example("Tariff"),
    "tariff_14_step_size.json": Example("Tariff"),
    "tariff_15_reservation_5_euro_per_hour.json": Example("Tariff"),
    "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json": Example("Tariff"),
    "tariff_17_reservation_with_expire_fee.json": Example("Tariff"),
    "tariff_18_reservation_with_expire_time.json": Example("Tariff"),
    "tariff_put_example.json": _TARIFF_PUT,
    "tariffrestriction_example_max_duration.json": Example("Tariff"),
    "tariffrestriction_example_max_power.json": Example("Tariff"),
    "token_example_1_app_user.json": Example("Token"),
    "token_example_2_full_rfid.json": Example("Token"),
    "token_patch_example.json": Example("Token", "partial"),
    "token_put_example.json": Example("Token"),
    "transport_and_format_get_token_example.json": Example("Token", "env:Token"),
    "transport_and_format_get_token_list_example.json": Example("Token", "env:Token[]"),
    "transport_and_format_version_details_example.json": Example(
        "VersionDetails", "env:VersionDetails"
    ),
    "transport_and_format_version_info_example.json": Example("Version", "env:Version[]"),
    "type_displaytext_example.json": Example("DisplayText"),
    "version_details_example.json": Example("VersionDetails"),
    "version_details_example2.json": Example("VersionDetails"),
    "versions_info_example.json": Example("Version", "array"),
}

# ---------------------------------------------------------------- 2.3.0 (§5.2, 61 files)

EXAMPLES_230: dict[str, Example] = {
    **EXAMPLES_221,
    "cdr_example.json": Example(
        "CDR",
        "full",
        (error("/tariffs/0/tax_included", "required"),),
        "ERR-08: the embedded Tariff lacks the required tax_included",
    ),
    "tariff_19_simple_north_american_exclusive.json": Example("Tariff"),
    "tariff_20_simple_north_american_inclusive.json": Example("Tariff"),
}

# ---------------------------------------------------------------- 2.1.1 (§5.4, inline JSON)
# Keyed by (Markdown file, index of the ```json block in that file); the heading is the nearest
# Markdown heading above the block and must still contain the given text.


@dataclass(frozen=True)
class InlineExample:
    heading: str
    example: Example


_FRAGMENT = 'a bare member ("key": {...}) of a Location, not a standalone JSON document (§5.4)'
_ALPHA2 = "embedded Location has country 'BE' (alpha-2, alpha-3 required) (§5.4, ERR-11)"

EXAMPLES_211: dict[tuple[str, int], InlineExample] = {
    ("credentials.md", 0): InlineExample("Example", Example("Credentials")),
    ("mod_cdrs.md", 0): InlineExample(
        "Example of a CDR",
        Example(
            "CDR",
            "full",
            (
                error("/location/country", "pattern"),
                error("/tariffs/0/elements/0/price_components/0/price", "type"),
            ),
            '§5.4/ERR-11: Tariff price is the string "2.00"; ' + _ALPHA2,
        ),
    ),
    ("mod_locations.md", 0): InlineExample("a simple status update", Example("EVSE", "partial")),
    ("mod_locations.md", 1): InlineExample(
        "change the location name", Example("Location", "partial")
    ),
    ("mod_locations.md", 2): InlineExample("set tariff update", Example("Connector", "partial")),
    ("mod_locations.md", 3): InlineExample(
        "add an EVSE",
        Example(
            "EVSE",
            "full",
            (
                error("/connectors/0/amperage", "required"),
                error("/connectors/0/last_updated", "required"),
                error("/connectors/0/power_type", "required"),
                error("/connectors/0/voltage", "required"),
                error("/floor_level", "type"),
                error("/last_updated", "required"),
                error("/physical_reference", "type"),
            ),
            "§5.4/ERR-04: physical_reference and floor_level are numbers; the connector and the "
            "EVSE lack required fields",
        ),
    ),
    ("mod_locations.md", 4): InlineExample("delete an EVSE", Example("EVSE", "partial")),
    ("mod_locations.md", 5): InlineExample("Example", Example("Location")),
    ("mod_locations.md", 6): InlineExample("Simple", Example("EnergyMix", "skip", why=_FRAGMENT)),
    ("mod_locations.md", 7): InlineExample(
        "Tariff name based", Example("EnergyMix", "skip", why=_FRAGMENT)
    ),
    ("mod_locations.md", 8): InlineExample("Complete", Example("EnergyMix", "skip", why=_FRAGMENT)),
    ("mod_locations.md", 9): InlineExample("Example", Example("Hours", "skip", why=_FRAGMENT)),
    ("mod_sessions.md", 0): InlineExample("update the total cost", Example("Session", "partial")),
    ("mod_sessions.md", 1): InlineExample(
        "just starting session",
        Example("Session", "full", (error("/location/country", "pattern"),), _ALPHA2),
    ),
    ("mod_sessions.md", 2): InlineExample(
        "short finished session",
        Example("Session", "full", (error("/location/country", "pattern"),), _ALPHA2),
    ),
    ("mod_tariffs.md", 0): InlineExample(
        "New Tariff 2 euro per hour",
        Example(
            "Tariff",
            "full",
            (error("/last_updated", "required"),),
            "ERR-04 (2.1.1 counterpart of tariff_put_example.json): PUT body lacks last_updated",
        ),
    ),
    ("mod_tariffs.md", 1): InlineExample(
        "Change Tariff to 2,50",
        Example("Tariff", "partial", why="a PATCH body although headed 'PUT To URL' (§5.4)"),
    ),
    ("mod_tariffs.md", 2): InlineExample(
        "Simple Tariff example 2 euro per hour", Example("Tariff")
    ),
    ("mod_tariffs.md", 3): InlineExample("alternative multi language text", Example("Tariff")),
    ("mod_tariffs.md", 4): InlineExample("alternative URL", Example("Tariff")),
    ("mod_tariffs.md", 5): InlineExample(
        "Complex Tariff example", Example("Tariff", why="ERR-06: 32A as max_power (semantic only)")
    ),
    ("mod_tariffs.md", 6): InlineExample("Free of Charge Tariff example", Example("Tariff")),
    ("mod_tokens.md", 0): InlineExample("put a new Token", Example("Token")),
    ("mod_tokens.md", 1): InlineExample("invalidate a Token", Example("Token", "partial")),
    ("mod_tokens.md", 2): InlineExample("Example", Example("Token")),
    ("transport_and_format.md", 0): InlineExample(
        "Version information response",
        Example(
            "Version",
            "env:Version[]",
            (error("/data/0/version", "enum"),),
            "lists version 1.9, which is not a 2.1.1 VersionNumber (2.0, 2.1, 2.1.1); §5.4 "
            "mentions the versions but not the defect",
        ),
    ),
    ("transport_and_format.md", 1): InlineExample(
        "Version details response", Example("VersionDetails", "env:VersionDetails")
    ),
    ("transport_and_format.md", 2): InlineExample(
        "Tokens GET Response with one Token object", Example("Token", "env:Token")
    ),
    ("transport_and_format.md", 3): InlineExample(
        "Tokens GET Response with list of Token objects", Example("Token", "env:Token[]")
    ),
    ("transport_and_format.md", 4): InlineExample(
        "Response with an error", Example("Response", "env:")
    ),
    ("version_information_endpoint.md", 0): InlineExample("Example", Example("Version", "array")),
    ("version_information_endpoint.md", 1): InlineExample("Example", Example("VersionDetails")),
}
