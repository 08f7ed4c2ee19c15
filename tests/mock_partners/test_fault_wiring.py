"""Fault rules armed through the control API change what partners see, and the CallLog shows it."""

from __future__ import annotations

import httpx

from mock_partners import Exchange, ExchangeFilter
from tests.mock_partners.conftest import Pair
from tests.mock_partners.helpers import V221, Control, auth, envelope_ok, module_url


def test_inbound_rule_fires_once_and_is_recorded_as_sent(http: httpx.Client, pair: Pair) -> None:
    control = Control(pair.cpo)
    rule = {
        "id": "wrapped",
        "match": {"direction": "inbound", "method": "GET", "path": "*/locations/LOC000001"},
        "scope": {"times": 1},
        "action": {"kind": "wrap_in_list"},
    }
    armed = control.ok("POST", "/faults", {"rules": [rule]})["armed"]
    assert [r["id"] for r in armed] == ["wrapped"]
    url = module_url(pair.cpo, "2.2.1", "locations") + "/LOC000001"
    faulty = http.get(url, headers=auth(pair.cpo_token)).json()
    assert isinstance(faulty["data"], list)  # the py_ocpi bug, on purpose
    recorded = pair.cpo.state.calls.last(ExchangeFilter(direction="inbound", path="*/LOC000001"))
    assert recorded is not None and isinstance(recorded.response_json["data"], list)
    assert isinstance(
        envelope_ok(http.get(url, headers=auth(pair.cpo_token)))["data"], dict
    )  # once only
    plan = control.ok("GET", "/faults")
    assert [f["rule_id"] for f in plan["fired"]] == ["wrapped"]
    assert control.ok("DELETE", "/faults")["rules"] == []


def test_outbound_rule_drops_the_command_callback(pair: Pair) -> None:
    Control(pair.cpo).ok(
        "POST",
        "/faults",
        {
            "id": "no-callback",
            "match": {"direction": "outbound", "module": "commands"},
            "action": {"kind": "drop_connection"},
        },
    )
    token = dict(pair.emsp.state.worlds[V221].tokens[0])
    sent = Control(pair.emsp).ok(
        "POST", "/commands/START_SESSION", {"token": token, "location_id": "LOC000000"}
    )
    assert sent["ok"]
    failed = pair.cpo.state.calls.wait_for(
        ExchangeFilter(direction="outbound", module="commands"), 10
    )
    assert (
        isinstance(failed, Exchange) and failed.status is None and "dropped" in (failed.error or "")
    )
    arrived = pair.emsp.state.calls.wait_for(
        ExchangeFilter(direction="inbound", module="commands"), 0.2
    )
    assert not arrived
