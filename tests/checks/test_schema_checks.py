"""response_schema / request_schema: levels by profile, pointers per list item, REQ ids."""

from __future__ import annotations

import json
from pathlib import Path

from harness.checks import default_checks
from harness.ocpi import Level, VersionNumber
from tests.checks.helpers import call, context, envelope, response

CHECKS = default_checks()
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "2.2.1"


def location() -> dict:  # type: ignore[type-arg]
    return json.loads((FIXTURES / "Location" / "berlin-on-street-ac.json").read_text())


def test_a_valid_list_has_no_findings() -> None:
    message = response(envelope([location(), location()]))
    ctx = context(schema="Location", cardinality="list")
    assert CHECKS.get("response_schema")(ctx, message) == []


def test_each_item_is_validated_with_its_own_pointer() -> None:
    broken = location()
    del broken["address"]
    broken["coordinates"]["latitude"] = "52.52"
    message = response(envelope([location(), broken]))
    findings = CHECKS.get("response_schema")(
        context(schema="Location", cardinality="list"), message
    )
    by_pointer = {f.pointer: f for f in findings}
    assert by_pointer["/data/1/address"].req == "REQ-TF-062"
    assert by_pointer["/data/1/coordinates/latitude"].req == "REQ-LOC-023"
    assert all(f.level is Level.MUST for f in findings)


def test_lenient_profile_turns_offsets_into_should_findings() -> None:
    doc = location()
    doc["last_updated"] = "2026-03-01T12:00:00+00:00"
    message = response(envelope(doc))
    strict = CHECKS.get("response_schema")(context(schema="Location", cardinality="one"), message)
    lenient = CHECKS.get("response_schema")(
        context(schema="Location", cardinality="one", strict=False), message
    )
    assert [(f.level, f.req) for f in strict] == [(Level.MUST, "REQ-TF-056")]
    assert [(f.level, f.req) for f in lenient] == [(Level.SHOULD, "REQ-TF-056")]


def test_unknown_fields_are_never_failures() -> None:
    doc = location()
    doc["vendor_extension"] = 1
    message = response(envelope(doc))
    strict = CHECKS.get("response_schema")(context(schema="Location"), message)
    lenient = CHECKS.get("response_schema")(context(schema="Location", strict=False), message)
    assert [f.level for f in strict] == [Level.SHOULD]
    assert [f.level for f in lenient] == [Level.INFO]
    doc230 = json.loads(
        (FIXTURES.parent / "2.3.0" / "Location" / "berlin-on-street-ac.json").read_text()
    )
    doc230["vendor_extension"] = 1
    v230 = CHECKS.get("response_schema")(
        context(schema="Location", version=VersionNumber.V2_3_0), response(envelope(doc230))
    )
    assert [(f.level, f.req) for f in v230] == [(Level.INFO, "REQ-230-001")]  # tolerated


def test_error_answers_are_not_schema_checked() -> None:
    message = response(envelope({"junk": 1}, status_code=2001))
    assert CHECKS.get("response_schema")(context(schema="Location"), message) == []


def test_request_schema_checks_the_sut_request_body() -> None:
    message = call({"result": "MAYBE"})
    [finding] = CHECKS.get("request_schema")(context(schema="CommandResult"), message)
    assert finding.pointer == "/result" and finding.req == "REQ-TF-063"
    [not_json] = CHECKS.get("request_schema")(context(schema="CommandResult"), call("nope"))
    assert not_json.level is Level.MUST


def test_version_specific_structures_cite_the_requirement_that_added_them() -> None:
    v230 = Path(__file__).resolve().parents[2] / "fixtures" / "2.3.0" / "Location"
    doc = json.loads((v230 / "austria-motorway-dc-hub.json").read_text())
    doc["parking_places"][0]["vehicle_types"] = []
    doc["parking_places"][1]["direction"] = "DIAGONAL"
    doc["evses"][0]["parking"][0]["evse_position"] = "MIDDLE"
    doc["evses"][1]["parking"][0]["parking_id"] = 7
    ctx = context(schema="Location", cardinality="one", version=VersionNumber.V2_3_0)
    findings = CHECKS.get("response_schema")(ctx, response(envelope(doc)))
    assert {f.pointer: f.req for f in findings} == {
        "/data/parking_places/0/vehicle_types": "REQ-230-013",
        "/data/parking_places/1/direction": "REQ-230-018",
        "/data/evses/0/parking/0/evse_position": "REQ-230-018",
        "/data/evses/1/parking/0/parking_id": "REQ-230-014",
    }
    token_211 = {
        "uid": "04A1B2C3",
        "type": "RFID",
        "auth_id": "NL-EXA-C12345678-X",
        "issuer": "Mobilität",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-02-01T10:00:00Z",
    }
    ctx = context(schema="Token", cardinality="one", version=VersionNumber.V2_1_1)
    (finding,) = CHECKS.get("response_schema")(ctx, response(envelope(token_211)))
    assert (finding.pointer, finding.req) == ("/data/issuer", "REQ-211-010")
