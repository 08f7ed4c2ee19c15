"""Versions and the credentials handshake in both directions, over real sockets."""

from __future__ import annotations

import base64

import httpx
import pytest

from harness.schemas import validate
from mock_partners import ExchangeFilter, MockServer
from tests.mock_partners.conftest import Pair, Starter
from tests.mock_partners.helpers import Control, auth, envelope_ok, module_url

VERSIONS = ("2.1.1", "2.2.1", "2.3.0")


def test_versions_list_all_three_and_details_advertise_what_is_served(
    http: httpx.Client, cpo: MockServer
) -> None:
    response = http.get(cpo.versions_url, headers=auth(cpo.token_a))
    body = envelope_ok(response)
    assert [v["version"] for v in body["data"]] == list(VERSIONS)
    for entry in body["data"]:
        details = envelope_ok(http.get(entry["url"], headers=auth(cpo.token_a, entry["version"])))
        data = details["data"]
        assert data["version"] == entry["version"]
        assert not [
            v for v in validate(entry["version"], "VersionDetails", data) if v.level == "error"
        ]
        endpoints = {(e["identifier"], e.get("role")) for e in data["endpoints"]}
        if entry["version"] == "2.1.1":
            assert ("credentials", None) in endpoints and ("locations", None) in endpoints
            assert all(e.get("role") is None for e in data["endpoints"])  # REQ-211-012
        else:
            assert {
                ("credentials", "SENDER"),
                ("locations", "SENDER"),
                ("tokens", "RECEIVER"),
                ("commands", "RECEIVER"),
                ("chargingprofiles", "RECEIVER"),
                ("hubclientinfo", "RECEIVER"),
            } <= endpoints


def test_emsp_details_offer_receivers_and_callback_senders(
    http: httpx.Client, emsp: MockServer
) -> None:
    details = envelope_ok(
        http.get(emsp.state.config.version_url("2.2.1"), headers=auth(emsp.token_a))
    )
    endpoints = {(e["identifier"], e["role"]) for e in details["data"]["endpoints"]}
    assert {
        ("locations", "RECEIVER"),
        ("sessions", "RECEIVER"),
        ("cdrs", "RECEIVER"),
        ("tariffs", "RECEIVER"),
        ("tokens", "SENDER"),
        ("commands", "SENDER"),
        ("chargingprofiles", "SENDER"),
    } <= endpoints


def test_emsp_registers_with_cpo_and_the_server_calls_back_first(
    http: httpx.Client, pair: Pair
) -> None:
    cpo_state, emsp_state = pair.cpo.state, pair.emsp.state
    [at_cpo] = cpo_state.partners.registrations
    assert at_cpo.initiated_by == "partner" and pair.registration["initiated_by"] == "us"
    assert at_cpo.token_in == pair.cpo_token and at_cpo.token_out == pair.emsp_token
    assert pair.version == "2.2.1"  # the highest mutual version
    assert {(r.role, r.party_id) for r in at_cpo.roles} == {("EMSP", "MSP")}
    # The CPO read the eMSP's versions and details with token B *during* the POST (REQ-CRED-004).
    post = emsp_state.calls.last(ExchangeFilter(direction="outbound", method="POST"))
    assert post is not None and post.request_json["token"] == pair.emsp_token
    callbacks = emsp_state.calls.entries(ExchangeFilter(direction="inbound", method="GET"))
    assert [c.path for c in callbacks] == ["/ocpi/emsp/versions", "/ocpi/emsp/2.2.1"]
    for call in callbacks:
        assert call.seq > post.seq
        credential = (call.header("Authorization") or "").removeprefix("Token ")
        assert base64.b64decode(credential).decode() == pair.emsp_token


def test_token_a_is_refused_after_registration_and_a_second_post_is_405(
    http: httpx.Client, pair: Pair
) -> None:
    cpo = pair.cpo
    refused = http.get(cpo.versions_url, headers=auth(cpo.token_a))
    assert refused.status_code == 401 and envelope_ok(refused)["status_code"] == 2000
    credentials_url = module_url(cpo, "2.2.1", "credentials")
    again = http.post(
        credentials_url,
        headers=auth(pair.cpo_token),
        json={
            "token": "another-token",
            "url": pair.emsp.versions_url,
            "roles": [
                {
                    "role": "EMSP",
                    "business_details": {"name": "x"},
                    "party_id": "MSP",
                    "country_code": "NL",
                }
            ],
        },
    )
    assert again.status_code == 405 and envelope_ok(again)["status_code"] == 2000
    # token C opens the functional modules, token A never did (REQ-TF-004)
    locations = module_url(cpo, "2.2.1", "locations")
    assert http.get(locations, headers=auth(pair.cpo_token)).status_code == 200
    mine = envelope_ok(http.get(credentials_url, headers=auth(pair.cpo_token)))
    assert mine["data"]["token"] == pair.cpo_token and mine["data"]["roles"][0]["role"] == "CPO"


def test_token_a_opens_only_versions_and_credentials(http: httpx.Client, cpo: MockServer) -> None:
    locations = http.get(module_url(cpo, "2.2.1", "locations"), headers=auth(cpo.token_a))
    assert locations.status_code == 401 and envelope_ok(locations)["status_code"] == 2000
    credentials_url = module_url(cpo, "2.2.1", "credentials")
    body = {
        "token": "client-token",
        "url": "http://127.0.0.1:9/ocpi/versions",
        "roles": [
            {
                "role": "EMSP",
                "business_details": {"name": "x"},
                "party_id": "ABC",
                "country_code": "NL",
            }
        ],
    }
    # not registered yet: GET, PUT and DELETE are 405 (REQ-CRED-010/011)
    assert http.get(credentials_url, headers=auth(cpo.token_a)).status_code == 405
    assert http.put(credentials_url, headers=auth(cpo.token_a), json=body).status_code == 405
    assert http.delete(credentials_url, headers=auth(cpo.token_a)).status_code == 405


def test_rotation_with_put_in_both_directions(http: httpx.Client, pair: Pair) -> None:
    emsp_control, cpo_control = Control(pair.emsp), Control(pair.cpo)
    old_cpo_token, old_emsp_token = pair.cpo_token, pair.emsp_token
    rotated = emsp_control.ok("PUT", "/register", {})["registration"]
    assert rotated["token_out"] != old_cpo_token and rotated["token_in"] != old_emsp_token
    locations = module_url(pair.cpo, "2.2.1", "locations")
    assert http.get(locations, headers=auth(old_cpo_token)).status_code == 401
    assert http.get(locations, headers=auth(rotated["token_out"])).status_code == 200
    # the CPO (the server of the first handshake) rotates too: the eMSP re-reads its versions
    before = pair.emsp.state.calls.last_seq
    again = cpo_control.ok("PUT", "/register", {"version": "2.1.1"})["registration"]
    assert again["version"] == "2.1.1"  # a PUT switches version (REQ-CRED-025)
    assert pair.emsp.state.partners.registrations[0].version == "2.1.1"
    tokens_url = module_url(pair.emsp, "2.2.1", "tokens")
    assert http.get(tokens_url, headers=auth(again["token_out"])).status_code == 200
    assert http.get(tokens_url, headers=auth(rotated["token_in"])).status_code == 401
    reread = pair.emsp.state.calls.entries(
        ExchangeFilter(direction="outbound", path="*/versions", since=before)
    )
    assert reread, "the eMSP must fetch the CPO's versions again on PUT (REQ-CRED-012)"


def test_delete_then_register_the_other_way(http: httpx.Client, pair: Pair) -> None:
    cpo, emsp = pair.cpo, pair.emsp
    gone = Control(emsp).ok("DELETE", "/register", {})
    assert gone["partner_response"] == {"status": 200, "ocpi_status": 1000}
    assert cpo.state.partners.registrations == [] and emsp.state.partners.registrations == []
    locations = module_url(cpo, "2.2.1", "locations")
    assert http.get(locations, headers=auth(pair.cpo_token)).status_code == 401
    # the CPO's token A works again; now the CPO registers with the eMSP
    assert http.get(cpo.versions_url, headers=auth(cpo.token_a)).status_code == 200
    registration = Control(cpo).register_with(emsp)
    assert registration["initiated_by"] == "us" and registration["roles"][0]["role"] == "EMSP"
    assert http.get(emsp.versions_url, headers=auth(emsp.token_a)).status_code == 401
    tokens_url = module_url(emsp, "2.2.1", "tokens")
    listed = envelope_ok(http.get(tokens_url, headers=auth(registration["token_out"])))
    assert listed["data"], "the eMSP publishes its seeded tokens"
    # DELETE before registration is 405 for whoever holds only token A
    assert (
        http.delete(module_url(cpo, "2.2.1", "credentials"), headers=auth(cpo.token_a)).status_code
        == 405
    )


def test_post_answers_3001_when_the_client_cannot_be_reached(
    http: httpx.Client, cpo: MockServer
) -> None:
    body = {
        "token": "client-token-b",
        "url": "http://127.0.0.1:9/ocpi/versions",  # nothing listens on port 9
        "roles": [
            {
                "role": "EMSP",
                "business_details": {"name": "x"},
                "party_id": "ABC",
                "country_code": "NL",
            }
        ],
    }
    response = http.post(
        module_url(cpo, "2.2.1", "credentials"), headers=auth(cpo.token_a), json=body
    )
    assert response.status_code == 200 and envelope_ok(response)["status_code"] == 3001
    assert cpo.state.partners.registrations == [] and cpo.state.partners.token_a_armed


def test_post_answers_3003_when_required_endpoints_are_missing(
    http: httpx.Client, start_mock: Starter
) -> None:
    cpo = start_mock("cpo", required_partner_modules=frozenset({"credentials", "hubclientinfo"}))
    emsp = start_mock("emsp", versions=("2.1.1",))  # 2.1.1 has no hubclientinfo
    failed = Control(emsp).call(
        "POST", "/register", {"versions_url": cpo.versions_url, "token": cpo.token_a}
    )
    assert failed.status_code == 502 and failed.json()["status_code"] == 3003
    post = emsp.state.calls.last(ExchangeFilter(direction="outbound", method="POST"))
    assert post is not None and post.ocpi_status == 3003 and post.status == 200
    assert cpo.state.partners.registrations == []


def test_2_1_1_handshake_sends_raw_tokens(http: httpx.Client, start_mock: Starter) -> None:
    cpo = start_mock("cpo", strict_auth=True)
    emsp = start_mock("emsp", versions=("2.1.1",))
    registration = Control(emsp).register_with(cpo)
    assert registration["version"] == "2.1.1"
    post = emsp.state.calls.last(ExchangeFilter(direction="outbound", method="POST"))
    assert post is not None and post.header("Authorization") == f"Token {cpo.token_a}"
    assert set(post.request_json) == {
        "token",
        "url",
        "business_details",
        "party_id",
        "country_code",
    }
    locations = module_url(cpo, "2.1.1", "locations")
    token = registration["token_out"]
    assert http.get(locations, headers=auth(token, "2.1.1")).status_code == 200
    # strict: a Base64 token in 2.1.1 (or a raw one in 2.2.1) is unknown
    assert http.get(locations, headers=auth(token, "2.2.1")).status_code == 401
    assert (
        http.get(module_url(cpo, "2.2.1", "locations"), headers=auth(token, "2.1.1")).status_code
        == 401
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_lenient_server_accepts_both_token_encodings(
    http: httpx.Client, pair: Pair, version: str
) -> None:
    url = module_url(pair.cpo, version, "tariffs")
    for header in (auth(pair.cpo_token, "2.1.1"), auth(pair.cpo_token, "2.2.1")):
        assert http.get(url, headers=header).status_code == 200
