"""Endpoint directory and discovery, profiles, payload building, the hook contract's paths."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from harness.client import Auth, OcpiClient
from harness.clock import FrozenClock
from harness.endpoints import DiscoveryError, discover, parse_details, parse_versions
from harness.errors import UsageError
from harness.hooks import NoHook, hook_path
from harness.model import Payload
from harness.ocpi import InterfaceRole, Level, Role, VersionNumber
from harness.payloads import json_text, remove_path, set_path
from harness.profiles import load_profile, satisfied
from tests.runner.fakes import AT, ROOT, Timer, reply

PROFILES = Path(__file__).resolve().parents[2] / "fixtures" / "profiles"


def discovery_app(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/versions"):
        return reply(
            [
                {"version": "2.1.1", "url": f"{ROOT}/2.1.1"},
                {"version": "2.2.1", "url": f"{ROOT}/2.2.1"},
                {"version": "9.9", "url": f"{ROOT}/9.9"},
            ],
            request=request,
        )
    if request.url.path.endswith("/2.2.1"):
        endpoints = [
            {"identifier": "credentials", "role": "RECEIVER", "url": f"{ROOT}/2.2.1/credentials"},
            {"identifier": "tokens", "role": "RECEIVER", "url": f"{ROOT}/2.2.1/tokens"},
            {"identifier": "tokens", "role": "SENDER", "url": f"{ROOT}/2.2.1/tokens-out"},
            {"identifier": 7, "url": "junk"},
        ]
        return reply({"version": "2.2.1", "endpoints": endpoints}, request=request)
    return reply(None, 2000, http=401, request=request)


def client(handler):  # type: ignore[no-untyped-def]
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return OcpiClient(
        http, version="2.2.1", rng=random.Random(1), clock=FrozenClock(AT), timer=Timer()
    )


def test_discovery_picks_the_highest_known_version_and_resolves_roles() -> None:
    directory = discover(client(discovery_app), f"{ROOT}/versions", Auth("t"))
    assert directory.version is VersionNumber.V2_2_1
    assert directory.url("tokens", InterfaceRole.SENDER) == f"{ROOT}/2.2.1/tokens-out"
    assert directory.url("tokens", "RECEIVER") == f"{ROOT}/2.2.1/tokens"
    assert directory.url("credentials", InterfaceRole.SENDER) == f"{ROOT}/2.2.1/credentials"
    assert directory.url("cdrs") is None and directory.url("versions") == f"{ROOT}/versions"
    assert {"tokens.sender", "tokens.receiver", "credentials"} <= directory.capabilities()
    assert len(directory.exchanges) == 2


def test_discovery_failures_are_discovery_errors() -> None:
    with pytest.raises(DiscoveryError, match=r"does not offer OCPI 2\.3\.0"):
        discover(client(discovery_app), f"{ROOT}/versions", Auth("t"), "2.3.0")
    with pytest.raises(DiscoveryError, match="HTTP 401"):
        discover(client(discovery_app), f"{ROOT}/nothing", Auth("t"))

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DiscoveryError, match="cannot connect"):
        discover(client(down), f"{ROOT}/versions", Auth("t"))
    assert parse_versions("junk") == {} and parse_details({"endpoints": "x"}) == ()


def test_profiles_builtin_and_from_files() -> None:
    assert load_profile(None).strict and not load_profile("lenient").strict
    cpo = load_profile(PROFILES / "example-cpo.toml")
    assert cpo.sut_role is Role.CPO and cpo.capabilities is not None
    assert "locations.sender" in cpo.capabilities
    assert cpo.levels["routing_headers"] is Level.MUST and cpo.billing_tolerance == Decimal("0.01")
    assert cpo.missing(["locations", "chargingprofiles.receiver"], ()) == [
        "chargingprofiles.receiver"
    ]
    emsp = load_profile(PROFILES / "example-emsp.json")
    assert not emsp.strict and "tokens.sender" in (emsp.capabilities or ())
    assert satisfied("commands", {"commands.start_session"})
    assert not satisfied("commands.start_session", {"commands"})
    with pytest.raises(UsageError, match="no file"):
        load_profile("nope.toml")


def test_a_bad_profile_names_the_file_and_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('base = "strict"\ncapabilites = ["x"]\n')
    with pytest.raises(UsageError, match=r"bad\.toml: unknown key\(s\) capabilites"):
        load_profile(bad)
    bad.write_text("base = [")
    with pytest.raises(UsageError, match="not valid toml"):
        load_profile(bad)


def test_payload_paths_and_exact_decimal_json() -> None:
    doc: dict[str, object] = {"a": [{"b": 1}, {"b": 2}]}
    set_path(doc, ["a", "*", "b"], 0)
    set_path(doc, ["x", "y"], True)
    remove_path(doc, ["a", "0"])
    assert doc == {"a": [{"b": 0}], "x": {"y": True}}
    assert json_text({"p": Decimal("0.10"), "q": (1, None)}) == '{"p":0.10,"q":[1,null]}'
    assert Payload().raw is None


def test_hook_paths_follow_the_contract() -> None:
    assert hook_path("stop_session", {"session_id": "S 1", "reason": "x"}) == (
        "/sessions/S%201/stop",
        {"reason": "x"},
    )
    assert hook_path("make_coffee", {"cups": 2}) == ("/actions/make_coffee", {"cups": 2})
    assert hook_path("send_command", {"command": "START_SESSION", "location_id": "L1"}) == (
        "/commands/START_SESSION",
        {"location_id": "L1"},
    )
    with pytest.raises(ValueError, match="needs location_id"):
        hook_path("push_location", {})
    assert hook_path("push_tariff", {"tariff_id": "AC 1"}) == ("/tariffs/AC%201/push", {})
    assert hook_path(
        "set_evse_status", {"location_id": "L1", "evse_uid": "E/1", "status": "X"}
    ) == (
        "/locations/L1/E%2F1/status",
        {"status": "X"},
    )
    assert hook_path("present_token", {"token_uid": "T1", "type": "RFID"}) == (
        "/tokens/T1/present",
        {"type": "RFID"},
    )
    with pytest.raises(ValueError, match="needs evse_uid"):
        hook_path("remove_evse", {"location_id": "L1"})
    assert NoHook().call("tick", {}, 1.0).status == "skipped"
