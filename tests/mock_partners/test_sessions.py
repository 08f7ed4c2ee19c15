"""Simulated sessions on the mock CPO, driven by the control API and the injected clock."""

from __future__ import annotations

import httpx
import pytest

from harness.billing import verify_cdr
from harness.ocpi import VersionNumber
from mock_partners import Exchange, ExchangeFilter
from tests.mock_partners.conftest import Pair, Starter, make_pair
from tests.mock_partners.helpers import Control, auth, envelope_ok, module_url

WAIT = 10.0


def received(pair: Pair, **criteria: object) -> Exchange:
    found = pair.emsp.state.calls.wait_for(ExchangeFilter(direction="inbound", **criteria), WAIT)  # type: ignore[arg-type]
    assert isinstance(found, Exchange), str(found)
    return found


@pytest.mark.parametrize("version", ["2.1.1", "2.2.1", "2.3.0"])
def test_session_lifecycle_ends_in_a_cdr_the_reference_pricer_agrees_with(
    http: httpx.Client, start_mock: Starter, version: str
) -> None:
    pair = make_pair(start_mock, version)
    control = Control(pair.cpo)
    session = control.ok("POST", "/sessions/start", {"location_id": "LOC000002"})["session"]
    assert session["status"] == "PENDING"
    put = received(pair, module="sessions", method="PUT")
    assert put.request_json["id"] == session["id"] and put.status == 201

    assert control.ok("POST", "/tick", {"seconds": 0})["events"] == []  # time stood still
    ticked = control.ok("POST", "/tick", {"seconds": 2700})
    assert ticked["now"] == "2026-03-01T12:45:00Z"
    assert [e["status"] for e in ticked["events"]] == ["ACTIVE"]
    received(pair, module="sessions", method="PATCH", body={"status": "ACTIVE"})

    stopped = control.ok("POST", f"/sessions/{session['id']}/stop", {})["session"]
    assert stopped["status"] == "COMPLETED"
    cdr = received(pair, module="cdrs", method="POST").request_json
    location = pair.cpo.state.catalog(VersionNumber(version), "locations").get("LOC000002")
    assert location is not None
    result = verify_cdr(
        None, cdr, time_zone=location.get("time_zone") or "Europe/Amsterdam", version=version
    )
    assert result.ok and not result.mismatches, result.to_json_text()
    # pulled from the CPO's Sender interface, the CDR is the one pushed
    pulled = envelope_ok(
        http.get(module_url(pair.cpo, version, "cdrs"), headers=auth(pair.cpo_token, version)),
        version,
    )
    # after the seeded CDR history (older, mock_partners/seed/cdr_history.py) comes this one
    assert [c["id"] for c in pulled["data"]][-1:] == [cdr["id"]]


def test_sessions_control_errors(pair: Pair) -> None:
    control = Control(pair.cpo)
    assert control.call("POST", "/sessions/start", {"location_id": "NOPE"}).status_code == 409
    assert control.call("POST", "/sessions/NOPE/stop", {}).status_code == 409
    assert Control(pair.emsp).call("POST", "/sessions/start", {}).status_code == 404
