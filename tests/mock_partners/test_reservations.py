"""Reservations on the mock CPO: RESERVE_NOW makes a Session in RESERVATION that is pushed,
replaced by the same reservation_id, claimed by a start with its token, run out, cancelled by
the eMSP or by the CPO (CANCELED_RESERVATION at the ReserveNow's response_url)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from harness.ocpi import VersionNumber, format_datetime
from mock_partners import Exchange, ExchangeFilter
from tests.mock_partners.conftest import Pair
from tests.mock_partners.helpers import Control

WAIT = 10.0


def _send(pair: Pair, command: str, body: dict[str, Any]) -> dict[str, Any]:
    return Control(pair.emsp).ok("POST", f"/commands/{command}", body)


def _received(pair: Pair, since: int = 0, **criteria: Any) -> Exchange:
    found = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", since=since, **criteria), WAIT
    )
    assert isinstance(found, Exchange), str(found)
    return found


def _token(pair: Pair, uid: str = "RSV-1") -> dict[str, Any]:
    token: dict[str, Any] = dict(pair.emsp.state.worlds[VersionNumber.V2_2_1].tokens[0])
    token["uid"] = uid
    return token


def _place(pair: Pair) -> tuple[str, str, str]:
    location = pair.cpo.state.worlds[VersionNumber.V2_2_1].locations[0]
    evse = location["evses"][0]
    return location["id"], evse["uid"], evse["connectors"][0]["id"]


def _later(pair: Pair, minutes: int) -> str:
    return format_datetime(pair.cpo.state.clock.now() + timedelta(minutes=minutes))


def _reserve(pair: Pair, reservation_id: str, minutes: int, uid: str = "RSV-1") -> str:
    location_id, evse_uid, _ = _place(pair)
    sent = _send(
        pair,
        "RESERVE_NOW",
        {
            "token": _token(pair, uid),
            "expiry_date": _later(pair, minutes),
            "reservation_id": reservation_id,
            "location_id": location_id,
            "evse_uid": evse_uid,
            "authorization_reference": "REF-R",
        },
    )
    url: str = sent["response_url"]
    result = _received(pair, method="POST", path=httpx.URL(url).path)
    assert result.request_json == {"result": "ACCEPTED"}
    return url


def _listed(pair: Pair, session_id: str) -> dict[str, Any]:
    doc = pair.cpo.state.catalog(VersionNumber.V2_2_1, "sessions").get(session_id)
    assert doc is not None
    return dict(doc)


def _tick(pair: Pair, seconds: float) -> dict[str, Any]:
    return Control(pair.cpo).ok("POST", "/tick", {"seconds": seconds})


def test_reserve_now_pushes_a_reservation_session(pair: Pair) -> None:
    _reserve(pair, "R-1", 60)
    put = _received(pair, module="sessions", method="PUT").request_json
    assert put["status"] == "RESERVATION" and put["auth_method"] == "COMMAND"
    assert put["cdr_token"]["uid"] == "RSV-1" and put["authorization_reference"] == "REF-R"
    assert put["start_date_time"] == format_datetime(pair.cpo.state.clock.now())
    assert _listed(pair, put["id"])["status"] == "RESERVATION"


def test_unused_reservation_ends_completed(pair: Pair) -> None:
    _reserve(pair, "R-2", 30)
    session_id = _received(pair, module="sessions", method="PUT").request_json["id"]
    _tick(pair, 29 * 60)
    assert _listed(pair, session_id)["status"] == "RESERVATION"
    ticked = _tick(pair, 2 * 60)
    statuses = [e["status"] for e in ticked["events"] if e["session_id"] == session_id]
    assert statuses and set(statuses) == {"COMPLETED"}  # (and a CDR if reservations cost)
    done = _listed(pair, session_id)
    assert done["status"] == "COMPLETED" and done["kwh"] == 0


def test_same_reservation_id_replaces_the_reservation(pair: Pair) -> None:
    _reserve(pair, "R-3", 30)
    session_id = _received(pair, module="sessions", method="PUT").request_json["id"]
    mark = pair.emsp.state.calls.last_seq + 1
    _reserve(pair, "R-3", 180)
    _tick(pair, 45 * 60)
    assert _listed(pair, session_id)["status"] == "RESERVATION"  # the new expiry holds
    again = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", module="sessions", method="PUT", since=mark), 0.2
    )
    assert not again  # no second reservation session


def test_start_with_the_reserved_token_turns_it_active(pair: Pair) -> None:
    _reserve(pair, "R-4", 120, uid="RSV-4")
    session_id = _received(pair, module="sessions", method="PUT").request_json["id"]
    location_id, evse_uid, connector_id = _place(pair)
    sent = _send(
        pair,
        "START_SESSION",
        {
            "token": _token(pair, "RSV-4"),
            "location_id": location_id,
            "evse_uid": evse_uid,
            "connector_id": connector_id,
        },
    )
    _received(pair, method="POST", path=httpx.URL(sent["response_url"]).path)
    mark = pair.emsp.state.calls.last_seq + 1
    _tick(pair, 60)
    patch = _received(pair, since=mark, module="sessions", method="PATCH").request_json
    assert patch["status"] == "ACTIVE" and "start_date_time" in patch
    assert _listed(pair, session_id)["status"] == "ACTIVE"


def test_cancel_by_the_emsp_and_by_the_cpo(pair: Pair) -> None:
    _reserve(pair, "R-5", 120)
    first = _received(pair, module="sessions", method="PUT").request_json["id"]
    sent = _send(pair, "CANCEL_RESERVATION", {"reservation_id": "R-5"})
    result = _received(pair, method="POST", path=httpx.URL(sent["response_url"]).path)
    assert result.request_json == {"result": "ACCEPTED"}
    assert _listed(pair, first)["status"] == "COMPLETED"

    url = _reserve(pair, "R-6", 120)
    mark = pair.emsp.state.calls.last_seq + 1
    second = _received(pair, since=mark - 2, module="sessions", method="PUT").request_json["id"]
    done = Control(pair.cpo).ok("POST", "/reservations/R-6/cancel", {})
    assert done["session_id"] == second
    canceled = _received(pair, since=mark, method="POST", path=httpx.URL(url).path)
    assert canceled.request_json == {"result": "CANCELED_RESERVATION"}
    assert _listed(pair, second)["status"] == "COMPLETED"
    unknown = Control(pair.cpo).call("POST", "/reservations/R-6/cancel", {})
    assert unknown.status_code == 404
