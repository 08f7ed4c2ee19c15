"""The hook actions of control_hooks.py: a token presented at the mock CPO (real-time
authorization by whitelist), EVSE status changes and removal, Token changes at the mock eMSP,
and the ActiveChargingProfile pushes of the chargingprofiles Receiver."""

from __future__ import annotations

from typing import Any

import httpx

from mock_partners import Exchange, ExchangeFilter
from tests.mock_partners.conftest import Pair
from tests.mock_partners.helpers import V221, Control, auth, envelope_ok, module_url

WAIT = 10.0


def received(pair: Pair, side: str = "emsp", **criteria: object) -> Exchange:
    server = pair.emsp if side == "emsp" else pair.cpo
    wanted = ExchangeFilter(direction="inbound", **criteria)  # type: ignore[arg-type]
    found = server.state.calls.wait_for(wanted, WAIT)
    assert isinstance(found, Exchange), str(found)
    return found


def nothing(pair: Pair, side: str = "emsp", **criteria: object) -> None:
    server = pair.emsp if side == "emsp" else pair.cpo
    wanted = ExchangeFilter(direction="inbound", **criteria)  # type: ignore[arg-type]
    assert server.state.calls.entries(wanted) == []


def emsp_token(pair: Pair, index: int = 0) -> dict[str, Any]:
    page = pair.emsp.state.catalog(V221, "tokens").page(limit=50).items
    return dict([t for t in page if t.get("valid")][index])


def give_cpo(pair: Pair, token: dict[str, Any], **changes: object) -> None:
    """The eMSP pushes ``token`` (with ``changes``) to the CPO's tokens Receiver."""
    done = Control(pair.emsp).ok(
        "POST", "/push", {"module": "tokens", "object": {**token, **changes}}
    )
    assert done["ok"], done


def arm_quirk(pair: Pair, side: str, quirk: str) -> None:
    rule = {"id": quirk, "action": {"kind": "behaviour", "quirk": quirk}}
    Control(pair.cpo if side == "cpo" else pair.emsp).ok("POST", "/faults", rule)


def test_a_never_token_is_authorized_in_real_time_and_the_reference_reaches_the_session(
    pair: Pair,
) -> None:
    token = emsp_token(pair)
    give_cpo(pair, token, whitelist="NEVER", valid=False)  # validity does not bypass RTA
    cpo = Control(pair.cpo)
    answer = cpo.ok("POST", f"/tokens/{token['uid']}/present", {"type": token["type"]})
    assert (answer["allowed"], answer["rta"]) == (True, True)
    asked = received(pair, module="tokens", method="POST")
    assert asked.path.endswith(f"/tokens/{token['uid']}/authorize")
    assert asked.request_json["location_id"] == answer["session"]["location_id"]
    reference = asked.response_json["data"]["authorization_reference"]
    session = received(pair, module="sessions", method="PUT").request_json
    assert session["authorization_reference"] == reference
    assert session["auth_method"] == "AUTH_REQUEST"


def test_an_always_token_is_allowed_without_asking_unless_the_quirk_is_armed(pair: Pair) -> None:
    token = emsp_token(pair, 1)
    give_cpo(pair, token, whitelist="ALWAYS")
    cpo = Control(pair.cpo)
    answer = cpo.ok("POST", f"/tokens/{token['uid']}/present", {"type": token["type"]})
    assert (answer["allowed"], answer["rta"]) == (True, False)
    assert answer["session"]["auth_method"] == "WHITELIST"
    nothing(pair, module="tokens", method="POST")
    arm_quirk(pair, "cpo", "rta_for_always")
    asked = cpo.ok("POST", f"/tokens/{token['uid']}/present", {"type": token["type"]})
    assert asked["rta"] is True


def test_an_unknown_token_is_asked_for_and_refused_and_an_emsp_has_no_charge_points(
    pair: Pair,
) -> None:
    answer = Control(pair.cpo).ok("POST", "/tokens/NOBODY/present", {})
    assert answer == {"allowed": False, "rta": True, "rta_exchange": answer["rta_exchange"]}
    assert received(pair, module="tokens", method="POST").status == 404
    assert Control(pair.emsp).call("POST", "/tokens/X/present", {}).status_code == 404
    assert (
        Control(pair.cpo).call("POST", "/tokens/X/present", {"location_id": "NOPE"}).status_code
        == 404
    )


def test_an_announced_status_change_is_patched_twice_and_a_removed_evse_stays(
    pair: Pair, http: httpx.Client
) -> None:
    location = pair.cpo.state.catalog(V221, "locations").get("LOC000002")
    assert location is not None
    evse = location["evses"][0]["uid"]
    cpo = Control(pair.cpo)
    cpo.ok(
        "POST", f"/locations/LOC000002/{evse}/status", {"status": "INOPERATIVE", "announce": True}
    )
    wanted = ExchangeFilter(direction="inbound", method="PATCH")
    patches = pair.emsp.state.calls.entries(wanted)
    assert [sorted(p.request_json) for p in patches] == [
        ["last_updated", "status_schedule"],
        ["last_updated", "status"],
    ]
    assert patches[0].path.endswith(f"/LOC000002/{evse}")
    assert (
        cpo.call("POST", f"/locations/LOC000002/{evse}/status", {"status": "BROKEN"}).status_code
        == 400
    )

    cpo.ok("POST", f"/locations/LOC000002/{evse}/remove", {})
    url = module_url(pair.cpo, "2.2.1", "locations") + f"/LOC000002/{evse}"
    pulled = envelope_ok(http.get(url, headers=auth(pair.cpo_token)))
    assert pulled["data"]["status"] == "REMOVED"
    nothing(pair, method="DELETE")

    arm_quirk(pair, "cpo", "delete_removed_evse")
    other = location["evses"][1]["uid"]
    cpo.ok("POST", f"/locations/LOC000002/{other}/remove", {})
    assert received(pair, method="DELETE").path.endswith(f"/LOC000002/{other}")


def test_token_changes_are_patched_with_last_updated_and_restrictions_need_a_location(
    pair: Pair, http: httpx.Client
) -> None:
    token = emsp_token(pair, 2)
    uid, kind = token["uid"], token["type"]
    emsp = Control(pair.emsp)
    emsp.ok("POST", f"/tokens/{uid}/patch", {"type": kind, "fields": {"whitelist": "NEVER"}})
    patch = received(pair, "cpo", module="tokens", method="PATCH")
    assert patch.request_json["whitelist"] == "NEVER" and "last_updated" in patch.request_json
    emsp.ok("POST", f"/tokens/{uid}/invalidate", {"type": kind})
    stored = pair.emsp.state.catalog(V221, "tokens").get(f"{uid}\t{kind}")
    assert stored is not None and stored["valid"] is False and stored["whitelist"] == "NEVER"
    nothing(pair, "cpo", method="DELETE")

    emsp.ok("POST", f"/tokens/{uid}/restrict", {"type": kind, "location_id": "HERE"})
    url = module_url(pair.emsp, "2.2.1", "tokens") + f"/{uid}/authorize"
    headers = auth(pair.emsp_token)
    bare = http.post(url, params={"type": kind}, headers=headers).json()
    assert bare["status_code"] == 2002
    here = http.post(url, params={"type": kind}, json={"location_id": "HERE"}, headers=headers)
    assert here.json()["status_code"] == 1000
    assert emsp.call("POST", f"/tokens/{uid}/restrict", {"type": kind}).status_code == 400
    assert emsp.call("POST", "/tokens/NOPE/patch", {}).status_code == 404

    arm_quirk(pair, "emsp", "delete_invalid_token")
    emsp.ok("POST", f"/tokens/{uid}/invalidate", {"type": kind})
    assert received(pair, "cpo", method="DELETE").path.endswith(f"/{uid}")


def test_active_charging_profiles_follow_a_set_profile_and_only_then(
    pair: Pair, http: httpx.Client
) -> None:
    session = Control(pair.cpo).ok("POST", "/sessions/start", {"location_id": "LOC000002"})
    session_id = session["session_id"]
    url = module_url(pair.cpo, "2.2.1", "chargingprofiles") + f"/{session_id}"
    headers = auth(pair.cpo_token)
    back = module_url(pair.emsp, "2.2.1", "chargingprofiles")
    http.get(url, params={"duration": 60, "response_url": f"{back}/active/1"}, headers=headers)
    received(pair, module="chargingprofiles", method="POST")
    nothing(pair, module="chargingprofiles", method="PUT")

    profile = {
        "charging_rate_unit": "W",
        "charging_profile_period": [{"start_period": 0, "limit": 7400.0}],
    }
    body = {"charging_profile": profile, "response_url": f"{back}/set/1"}
    assert http.put(url, json=body, headers=headers).json()["data"]["result"] == "ACCEPTED"
    put = received(pair, module="chargingprofiles", method="PUT")
    assert put.request_json["charging_profile"] == profile
    http.delete(url, params={"response_url": f"{back}/clear/1"}, headers=headers)
    cleared = pair.emsp.state.calls.wait_for(
        ExchangeFilter(
            direction="inbound", method="PUT", module="chargingprofiles", since=put.seq + 1
        ),
        WAIT,
    )
    assert isinstance(cleared, Exchange), str(cleared)
    limit = cleared.request_json["charging_profile"]["charging_profile_period"][0]["limit"]
    connector = session["session"]
    location = pair.cpo.state.catalog(V221, "locations").get(connector["location_id"])
    assert location is not None
    evse = next(e for e in location["evses"] if e["uid"] == connector["evse_uid"])
    assert (
        limit
        == next(c for c in evse["connectors"] if c["id"] == connector["connector_id"])[
            "max_electric_power"
        ]
    )
