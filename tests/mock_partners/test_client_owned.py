"""Client-owned objects on the Receiver interfaces: PUT, PATCH, GET, URL checks, propagation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.ocpi import VersionNumber
from mock_partners import ExchangeFilter
from tests.mock_partners.conftest import Pair, Starter, make_pair
from tests.mock_partners.helpers import V211, V221, Control, auth, envelope_ok, module_url

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def fixture(version: str, name: str, file: str, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / version / name / file).read_text(encoding="utf-8"))
    doc.update(changes)
    return doc


def seeded_location(pair: Pair, version: str = "2.2.1") -> dict[str, Any]:
    return copy.deepcopy(dict(pair.cpo.state.worlds[VersionNumber(version)].locations[0]))


def push(pair: Pair, module: str, obj: dict[str, Any], **options: Any) -> dict[str, Any]:
    """The CPO pushes ``obj`` to the eMSP through its control API; returns the exchange."""
    done = Control(pair.cpo).ok(
        "POST", "/push", {"module": module, "object": obj, "version": "2.2.1", **options}
    )
    exchange: dict[str, Any] = done["exchange"]
    return exchange


def response_of(exchange: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(exchange["response_body"])
    return body


def test_location_evse_connector_put_patch_get_and_parent_bumps(
    http: httpx.Client, pair: Pair
) -> None:
    location = seeded_location(pair)
    first = push(pair, "locations", location)
    assert first["status"] == 201 and response_of(first)["status_code"] == 1000
    assert push(pair, "locations", location)["status"] == 200  # an update now
    url = module_url(pair.emsp, "2.2.1", "locations") + f"/NL/CPO/{location['id']}"
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert read == location

    evse = location["evses"][0]
    patch = {"status": "CHARGING", "last_updated": "2026-03-01T12:05:00Z"}
    patched = push(
        pair, "locations", patch, method="PATCH", location_id=location["id"], object_id=evse["uid"]
    )
    assert patched["status"] == 200 and response_of(patched)["status_code"] == 1000
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert read["evses"][0]["status"] == "CHARGING"
    assert read["last_updated"] == "2026-03-01T12:05:00Z"  # REQ-LOC-009

    connector = dict(evse["connectors"][0], max_amperage=16, last_updated="2026-03-01T12:06:00Z")
    put = push(pair, "locations", connector, location_id=location["id"], evse_uid=evse["uid"])
    assert put["status"] == 200
    evse_url = f"{url}/{evse['uid']}"
    read_evse = envelope_ok(http.get(evse_url, headers=auth(pair.emsp_token)))["data"]
    assert read_evse["last_updated"] == "2026-03-01T12:06:00Z"  # REQ-LOC-008
    assert read_evse["connectors"][0]["max_amperage"] == 16
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert read["last_updated"] == "2026-03-01T12:06:00Z"
    one = envelope_ok(http.get(f"{evse_url}/{connector['id']}", headers=auth(pair.emsp_token)))[
        "data"
    ]
    assert one == connector

    new_evse = dict(copy.deepcopy(evse), uid="NEW-EVSE-1", last_updated="2026-03-01T12:07:00Z")
    new_evse.pop("evse_id", None)
    added = push(pair, "locations", new_evse, location_id=location["id"])
    assert added["status"] == 201
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert [e["uid"] for e in read["evses"]][-1] == "NEW-EVSE-1"


def test_url_checks_on_the_receiver(http: httpx.Client, pair: Pair) -> None:
    location = seeded_location(pair)
    push(pair, "locations", location)
    base = module_url(pair.emsp, "2.2.1", "locations")
    token = auth(pair.emsp_token)

    wrong_id = http.put(f"{base}/NL/CPO/OTHER-ID", headers=token, json=location)
    assert wrong_id.status_code == 200 and envelope_ok(wrong_id)["status_code"] == 2001
    wrong_owner = http.put(
        f"{base}/NL/CPO/{location['id']}", headers=token, json=dict(location, party_id="XYZ")
    )
    assert envelope_ok(wrong_owner)["status_code"] == 2001
    foreign = http.put(f"{base}/DE/XYZ/{location['id']}", headers=token, json=location)
    assert foreign.status_code == 404 and envelope_ok(foreign)["status_code"] >= 2000

    no_stamp = http.patch(f"{base}/NL/CPO/{location['id']}", headers=token, json={"name": "x"})
    body = envelope_ok(no_stamp)
    assert no_stamp.status_code == 200 and body["status_code"] == 2001
    assert "last_updated" in body["status_message"]

    unknown = http.get(f"{base}/NL/CPO/NO-SUCH-LOCATION", headers=token)
    assert unknown.status_code == 404
    patch_unknown = http.patch(
        f"{base}/NL/CPO/NO-SUCH-LOCATION",
        headers=token,
        json={"name": "x", "last_updated": "2026-03-01T12:00:00Z"},
    )
    assert patch_unknown.status_code == 404
    orphan = http.put(
        f"{base}/NL/CPO/NO-SUCH-LOCATION/E1", headers=token, json=location["evses"][0]
    )
    assert orphan.status_code == 404
    # ids are CiStrings: a lower-case URL finds the object
    lower = http.get(f"{base}/nl/cpo/{location['id'].lower()}", headers=token)
    assert lower.status_code == 200 and envelope_ok(lower)["data"]["id"] == location["id"]


def test_invalid_patch_result_is_refused(http: httpx.Client, pair: Pair) -> None:
    location = seeded_location(pair)
    push(pair, "locations", location)
    url = module_url(pair.emsp, "2.2.1", "locations") + f"/NL/CPO/{location['id']}"
    bad = http.patch(
        url,
        headers=auth(pair.emsp_token),
        json={"coordinates": None, "last_updated": "2026-03-01T12:00:00Z"},
    )
    assert envelope_ok(bad)["status_code"] == 2001
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert read["coordinates"] == location["coordinates"]


def test_session_put_then_patch_appends_periods(http: httpx.Client, pair: Pair) -> None:
    session = fixture("2.2.1", "Session", "active.json", country_code="NL", party_id="CPO")
    assert push(pair, "sessions", session)["status"] == 201
    patch = fixture("2.2.1", "Session/patch", "kwh-and-charging-period.json")
    done = push(pair, "sessions", patch, method="PATCH", object_id=session["id"])
    assert done["status"] == 200
    url = module_url(pair.emsp, "2.2.1", "sessions") + f"/NL/CPO/{session['id']}"
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert read["kwh"] == patch["kwh"]
    assert len(read["charging_periods"]) == len(session["charging_periods"]) + 1  # REQ-SES-012
    replaced = dict(session, charging_periods=[])
    push(pair, "sessions", replaced)
    read = envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"]
    assert read["charging_periods"] == []  # PUT replaces (REQ-SES-008)


def test_pushing_in_another_version_than_registered_is_refused(pair: Pair) -> None:
    location = seeded_location(pair, "2.3.0")
    body = {"module": "locations", "object": location, "version": "2.3.0"}
    refused = Control(pair.cpo).call("POST", "/push", body)
    assert refused.status_code == 409 and "2.2.1" in refused.json()["error"]


def test_cdr_post_location_header_and_immutability(http: httpx.Client, pair: Pair) -> None:
    cdr = fixture("2.2.1", "CDR", "ac-time-and-energy.json", country_code="NL", party_id="CPO")
    first = push(pair, "cdrs", cdr)
    assert first["status"] == 201
    location = dict(first["response_headers"])["location"]
    read = envelope_ok(http.get(location, headers=auth(pair.emsp_token)))["data"]
    assert read["id"] == cdr["id"] and read["total_cost"] == cdr["total_cost"]
    assert push(pair, "cdrs", cdr)["status"] == 200  # the same CDR again: idempotent
    changed = push(pair, "cdrs", dict(cdr, total_energy=1))
    assert response_of(changed)["status_code"] == 2001


def test_tariff_put_get_delete(http: httpx.Client, pair: Pair) -> None:
    tariff = dict(pair.cpo.state.worlds[V221].tariffs[0])
    assert push(pair, "tariffs", tariff)["status"] == 201
    url = module_url(pair.emsp, "2.2.1", "tariffs") + f"/NL/CPO/{tariff['id']}"
    assert envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"] == tariff
    gone = http.delete(url, headers=auth(pair.emsp_token))
    assert gone.status_code == 200 and envelope_ok(gone)["status_code"] == 1000
    assert http.get(url, headers=auth(pair.emsp_token)).status_code == 404  # REQ-TAR-004
    assert http.delete(url, headers=auth(pair.emsp_token)).status_code == 404


def test_token_push_to_the_cpo_keyed_by_uid_and_type(http: httpx.Client, pair: Pair) -> None:
    tokens = pair.emsp.state.worlds[V221].tokens
    app_user = next(t for t in tokens if t["type"] == "APP_USER")
    control = Control(pair.emsp)
    done = control.ok("POST", "/push", {"module": "tokens", "object": app_user, "version": "2.2.1"})
    assert done["exchange"]["status"] == 201 and "type=APP_USER" in done["exchange"]["url"]
    url = module_url(pair.cpo, "2.2.1", "tokens") + f"/NL/MSP/{app_user['uid']}"
    token = auth(pair.cpo_token)
    assert http.get(url, headers=token).status_code == 404  # no type: RFID (REQ-TOK-002)
    read = envelope_ok(http.get(url, params={"type": "APP_USER"}, headers=token))["data"]
    assert read == app_user
    mismatch = http.put(url, headers=token, json=app_user)  # URL says RFID, body APP_USER
    assert envelope_ok(mismatch)["status_code"] == 2001
    invalidate = {"valid": False, "last_updated": "2026-03-01T12:10:00Z"}
    patched = http.patch(url, params={"type": "APP_USER"}, headers=token, json=invalidate)
    assert envelope_ok(patched)["status_code"] == 1000
    read = envelope_ok(http.get(url, params={"type": "APP_USER"}, headers=token))["data"]
    assert read["valid"] is False and read["uid"] == app_user["uid"]
    pushed = pair.cpo.state.calls.entries(
        ExchangeFilter(direction="inbound", module="tokens", method="PUT")
    )[0]
    assert (
        pushed.header("OCPI-from-party-id") == "MSP" and pushed.header("OCPI-to-party-id") == "CPO"
    )
    assert pushed.problems == ()  # the mock eMSP's own push breaks no header rule


def test_2_1_1_token_push_has_no_type_parameter(http: httpx.Client, start_mock: Starter) -> None:
    pair = make_pair(start_mock, "2.1.1")
    token = dict(pair.emsp.state.worlds[V211].tokens[0])
    control = Control(pair.emsp)
    done = control.ok("POST", "/push", {"module": "tokens", "object": token, "version": "2.1.1"})
    assert done["exchange"]["status"] == 201 and "type=" not in done["exchange"]["url"]
    url = module_url(pair.cpo, "2.1.1", "tokens") + f"/NL/MSP/{token['uid']}"
    assert (
        envelope_ok(http.get(url, headers=auth(pair.cpo_token, "2.1.1")), "2.1.1")["data"] == token
    )


@pytest.mark.parametrize("version", ["2.1.1", "2.3.0"])
def test_location_push_in_other_versions(
    http: httpx.Client, start_mock: Starter, version: str
) -> None:
    pair = make_pair(start_mock, version)
    location = seeded_location(pair, version)
    done = Control(pair.cpo).ok(
        "POST", "/push", {"module": "locations", "object": location, "version": version}
    )
    assert done["exchange"]["status"] == 201
    url = module_url(pair.emsp, version, "locations") + f"/NL/CPO/{location['id']}"
    assert (
        envelope_ok(http.get(url, headers=auth(pair.emsp_token, version)), version)["data"]
        == location
    )


def test_hubclientinfo_receiver(http: httpx.Client, pair: Pair) -> None:
    url = module_url(pair.emsp, "2.2.1", "hubclientinfo") + "/DE/ABC"
    info = {
        "party_id": "ABC",
        "country_code": "DE",
        "role": "CPO",
        "status": "CONNECTED",
        "last_updated": "2026-03-01T12:00:00Z",
    }
    put = http.put(url, headers=auth(pair.emsp_token), json=info)
    assert put.status_code == 201 and envelope_ok(put)["status_code"] == 1000
    assert envelope_ok(http.get(url, headers=auth(pair.emsp_token)))["data"] == info
    assert "OCPI-from-party-id" not in put.headers  # a configuration module (REQ-TF-044)
    wrong = http.put(url, headers=auth(pair.emsp_token), json=dict(info, party_id="XYZ"))
    assert envelope_ok(wrong)["status_code"] == 2001
