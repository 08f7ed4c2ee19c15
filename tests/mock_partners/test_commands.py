"""Commands with asynchronous results, charging profiles, and real-time authorization."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from harness.ocpi import VersionNumber
from mock_partners import Exchange, ExchangeFilter
from tests.mock_partners.conftest import Pair, Starter, make_pair
from tests.mock_partners.helpers import V221, Control, auth, envelope_ok, module_url

WAIT = 10.0


def send_command(pair: Pair, command: str, body: dict[str, Any]) -> dict[str, Any]:
    """The mock eMSP sends ``command``; returns its control answer (response_url, exchange)."""
    return Control(pair.emsp).ok("POST", f"/commands/{command}", body)


def sync_response(sent: dict[str, Any]) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads(sent["exchange"]["response_body"])
    return envelope


def callback(pair: Pair, response_url: str) -> Exchange:
    """Wait on the eMSP's CallLog for the CommandResult POSTed to ``response_url``."""
    path = httpx.URL(response_url).path
    found = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", method="POST", path=path), WAIT
    )
    assert isinstance(found, Exchange), str(found)
    return found


def a_token(pair: Pair) -> dict[str, Any]:
    token: dict[str, Any] = dict(pair.emsp.state.worlds[VersionNumber(pair.version)].tokens[0])
    return token


def a_place(pair: Pair) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    location = dict(pair.cpo.state.worlds[VersionNumber(pair.version)].locations[0])
    evse = location["evses"][0]
    return location, evse, evse["connectors"][0]


def test_start_session_result_and_session_push(http: httpx.Client, pair: Pair) -> None:
    location, evse, connector = a_place(pair)
    sent = send_command(
        pair,
        "START_SESSION",
        {
            "token": a_token(pair),
            "location_id": location["id"],
            "evse_uid": evse["uid"],
            "connector_id": connector["id"],
            "authorization_reference": "REF-1",
        },
    )
    response = sync_response(sent)
    assert response["status_code"] == 1000
    assert response["data"] == {"result": "ACCEPTED", "timeout": 30}
    result = callback(pair, sent["response_url"])
    assert result.request_json == {"result": "ACCEPTED"} and result.status == 200
    assert result.response_json["status_code"] == 1000 and "data" not in result.response_json
    # the right token (the one the eMSP issued to the CPO) and the right parties (pitfall 10)
    credential = (result.header("Authorization") or "").removeprefix("Token ")
    assert base64.b64decode(credential).decode() == pair.emsp_token
    assert (
        result.header("OCPI-from-party-id") == "CPO" and result.header("OCPI-to-party-id") == "MSP"
    )
    assert result.problems == ()
    session = wait(pair, module="sessions", method="PUT", body={"status": "PENDING"}).request_json
    assert session["authorization_reference"] == "REF-1" and session["auth_method"] == "COMMAND"
    assert session["cdr_token"]["uid"] == a_token(pair)["uid"]
    assert (session["location_id"], session["evse_uid"]) == (location["id"], evse["uid"])
    path = f"*/sessions/NL/CPO/{session['id']}"

    # simulated time moves only when told to: half an hour of charging
    events = Control(pair.cpo).ok("POST", "/tick", {"seconds": 1800})["events"]
    assert [e["status"] for e in events] == ["ACTIVE"]
    active = wait(pair, module="sessions", method="PATCH", path=path, body={"status": "ACTIVE"})
    assert active.request_json["kwh"] > 0 and active.request_json["total_cost"]["excl_vat"] > 0
    assert active.request_json["start_date_time"] != session["start_date_time"]  # REQ-SES-015

    stopped = send_command(pair, "STOP_SESSION", {"session_id": session["id"]})
    assert sync_response(stopped)["data"]["result"] == "ACCEPTED"
    callback(pair, stopped["response_url"])
    done = wait(pair, module="sessions", method="PATCH", path=path, body={"status": "COMPLETED"})
    assert "end_date_time" in done.request_json and "last_updated" in done.request_json
    cdr = wait(pair, module="cdrs", method="POST", body={"session_id": session["id"]})
    assert cdr.status == 201 and cdr.header("Location", response=True)
    assert cdr.request_json["total_energy"] > 0 and cdr.request_json["total_cost"]["excl_vat"] > 0
    # the CPO publishes what it pushed on its Sender interfaces, and refuses a second stop
    listed = envelope_ok(
        http.get(module_url(pair.cpo, "2.2.1", "sessions"), headers=auth(pair.cpo_token))
    )
    assert [(x["id"], x["status"]) for x in listed["data"]] == [(session["id"], "COMPLETED")]
    cdrs = envelope_ok(
        http.get(module_url(pair.cpo, "2.2.1", "cdrs"), headers=auth(pair.cpo_token))
    )
    # the seeded CDR history (older, mock_partners/seed/cdr_history.py) comes first
    assert [x["id"] for x in cdrs["data"]][-1:] == [cdr.request_json["id"]]
    again = send_command(pair, "STOP_SESSION", {"session_id": session["id"]})
    assert sync_response(again)["data"]["result"] == "REJECTED"


def wait(pair: Pair, **criteria: Any) -> Exchange:
    found = pair.emsp.state.calls.wait_for(ExchangeFilter(direction="inbound", **criteria), WAIT)
    assert isinstance(found, Exchange), str(found)
    return found


def test_unknown_location_is_2003_rejected_without_callback(pair: Pair) -> None:
    sent = send_command(pair, "START_SESSION", {"token": a_token(pair), "location_id": "NOPE"})
    response = sync_response(sent)
    assert sent["exchange"]["status"] == 200
    assert response["status_code"] == 2003 and response["data"]["result"] == "REJECTED"
    missed = pair.emsp.state.calls.wait_for(
        ExchangeFilter(
            direction="inbound", module="commands", path=httpx.URL(sent["response_url"]).path
        ),
        0.2,
    )
    assert not missed


def test_stop_unknown_session_and_cancel_unknown_reservation(pair: Pair) -> None:
    stop = send_command(pair, "STOP_SESSION", {"session_id": "NO-SUCH-SESSION"})
    assert sync_response(stop)["data"] == {"result": "UNKNOWN_SESSION", "timeout": 30}
    cancel = send_command(pair, "CANCEL_RESERVATION", {"reservation_id": "R-404"})
    assert sync_response(cancel)["data"]["result"] == "ACCEPTED"
    assert callback(pair, cancel["response_url"]).request_json == {"result": "UNKNOWN_RESERVATION"}


def test_reserve_cancel_and_unlock(pair: Pair) -> None:
    location, evse, connector = a_place(pair)
    reserve = send_command(
        pair,
        "RESERVE_NOW",
        {
            "token": a_token(pair),
            "expiry_date": "2026-03-01T13:00:00Z",
            "reservation_id": "R-1",
            "location_id": location["id"],
            "evse_uid": evse["uid"],
        },
    )
    assert sync_response(reserve)["data"]["result"] == "ACCEPTED"
    assert callback(pair, reserve["response_url"]).request_json == {"result": "ACCEPTED"}
    cancel = send_command(pair, "CANCEL_RESERVATION", {"reservation_id": "R-1"})
    assert callback(pair, cancel["response_url"]).request_json == {"result": "ACCEPTED"}
    unlock = send_command(
        pair,
        "UNLOCK_CONNECTOR",
        {"location_id": location["id"], "evse_uid": evse["uid"], "connector_id": connector["id"]},
    )
    assert callback(pair, unlock["response_url"]).request_json == {"result": "ACCEPTED"}
    wrong = send_command(
        pair,
        "UNLOCK_CONNECTOR",
        {"location_id": location["id"], "evse_uid": "NOPE", "connector_id": "1"},
    )
    assert sync_response(wrong)["data"]["result"] == "REJECTED"


def test_invalid_command_body_is_2001(http: httpx.Client, pair: Pair) -> None:
    url = module_url(pair.cpo, "2.2.1", "commands") + "/START_SESSION"
    bad = http.post(url, headers=auth(pair.cpo_token), json={"location_id": 5})
    body = envelope_ok(bad)
    assert bad.status_code == 200 and body["status_code"] == 2001
    assert "response_url" in body["status_message"]
    unknown = http.post(
        module_url(pair.cpo, "2.2.1", "commands") + "/SELF_DESTRUCT",
        headers=auth(pair.cpo_token),
        json={},
    )
    assert unknown.status_code == 404


def test_2_1_1_commands_answer_with_command_responses(start_mock: Starter) -> None:
    pair = make_pair(start_mock, "2.1.1")
    location, evse, _ = a_place(pair)
    sent = send_command(
        pair,
        "START_SESSION",
        {"token": a_token(pair), "location_id": location["id"], "evse_uid": evse["uid"]},
    )
    assert sync_response(sent)["data"] == {"result": "ACCEPTED"}  # no timeout in 2.1.1
    assert callback(pair, sent["response_url"]).request_json == {"result": "ACCEPTED"}
    session_put = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", module="sessions", method="PUT"), WAIT
    )
    assert isinstance(session_put, Exchange) and session_put.status == 201
    assert session_put.request_json["location"]["id"] == location["id"]


def test_charging_profiles_answer_and_call_back(http: httpx.Client, pair: Pair) -> None:
    location, evse, _ = a_place(pair)
    sent = send_command(
        pair,
        "START_SESSION",
        {"token": a_token(pair), "location_id": location["id"], "evse_uid": evse["uid"]},
    )
    session = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", module="sessions", method="PUT"), WAIT
    )
    assert isinstance(session, Exchange), str(session)
    assert sent["ok"]
    session_id = session.request_json["id"]
    base = module_url(pair.cpo, "2.2.1", "chargingprofiles")
    result_url = module_url(pair.emsp, "2.2.1", "chargingprofiles") + "/active/CP-1"
    active = http.get(
        f"{base}/{session_id}",
        params={"duration": 900, "response_url": result_url},
        headers=auth(pair.cpo_token),
    )
    assert envelope_ok(active)["data"] == {"result": "ACCEPTED", "timeout": 30}
    posted = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", path="*/active/CP-1"), WAIT
    )
    assert isinstance(posted, Exchange) and posted.request_json["result"] == "ACCEPTED"
    assert "profile" in posted.request_json and "data" not in posted.response_json  # REQ-CP-006
    unknown = http.delete(
        f"{base}/NOPE", params={"response_url": result_url}, headers=auth(pair.cpo_token)
    )
    assert envelope_ok(unknown)["data"]["result"] == "UNKNOWN_SESSION"


@pytest.mark.parametrize("version", ["2.2.1", "2.3.0"])
def test_real_time_authorization(http: httpx.Client, start_mock: Starter, version: str) -> None:
    pair = make_pair(start_mock, version)
    tokens = pair.emsp.state.worlds[VersionNumber(version)].tokens
    valid = next(t for t in tokens if t["valid"] and t["type"] == "RFID")
    invalid = next(t for t in tokens if not t["valid"])
    base = module_url(pair.emsp, version, "tokens")
    headers = auth(pair.emsp_token)  # the CPO calls the eMSP

    def authorize(token: dict[str, Any], body: Any = None) -> httpx.Response:
        url = f"{base}/{token['uid']}/authorize"
        return http.post(url, params={"type": token["type"]}, headers=headers, json=body)

    allowed = envelope_ok(authorize(valid))["data"]
    assert allowed["allowed"] == "ALLOWED" and allowed["token"] == valid
    assert allowed["authorization_reference"]
    blocked = authorize(invalid)
    assert (
        blocked.status_code == 200 and envelope_ok(blocked)["data"]["allowed"] == "BLOCKED"
    )  # REQ-TOK-020
    unknown = http.post(f"{base}/NO-SUCH-TOKEN/authorize", headers=headers)
    body = envelope_ok(unknown)
    assert (
        unknown.status_code == 404 and body["status_code"] == 2004 and "data" not in body
    )  # AMB-29
    where = envelope_ok(authorize(valid, {"location_id": "LOC000001", "evse_uids": ["E1", "E2"]}))[
        "data"
    ]
    assert where["location"] == {"location_id": "LOC000001", "evse_uids": ["E1", "E2"]}
    routed = pair.emsp.state.calls.last(ExchangeFilter(direction="inbound", module="tokens"))
    assert routed is not None and routed.header("OCPI-from-party-id", response=True) == "MSP"


def test_authorize_knows_pushed_locations(http: httpx.Client, pair: Pair) -> None:
    location, evse, _ = a_place(pair)
    Control(pair.cpo).ok("POST", "/push", {"module": "locations", "object": location})
    token = next(
        t for t in pair.emsp.state.worlds[V221].tokens if t["valid"] and t["type"] == "RFID"
    )
    url = module_url(pair.emsp, "2.2.1", "tokens") + f"/{token['uid']}/authorize"
    body = {"location_id": location["id"], "evse_uids": [evse["uid"], "NOT-THERE"]}
    info = envelope_ok(http.post(url, headers=auth(pair.emsp_token), json=body))["data"]
    assert info["location"]["evse_uids"] == [evse["uid"]]  # only EVSEs that exist (REQ-TOK-012)
