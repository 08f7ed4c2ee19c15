"""Tracing and routing headers: echoed, swapped, checked; and the mock's own self-checks."""

from __future__ import annotations

from decimal import Decimal

import httpx

from mock_partners import ExchangeFilter
from mock_partners.envelopes import check_sent, clip
from mock_partners.jsonio import dumps, loads
from tests.mock_partners.conftest import Pair, Starter, make_pair
from tests.mock_partners.helpers import auth, envelope_ok, module_url

ROUTED = {
    "X-Request-ID": "8f6c1a52-8a0e-4c1e-9d4b-3f1d2e9a7b10",
    "X-Correlation-ID": "0d9a8f4e-1b2c-4d3e-8f90-a1b2c3d4e5f6",
    "OCPI-from-country-code": "NL",
    "OCPI-from-party-id": "MSP",
    "OCPI-to-country-code": "NL",
    "OCPI-to-party-id": "CPO",
}


def test_tracing_is_echoed_and_routing_swapped(http: httpx.Client, pair: Pair) -> None:
    url = module_url(pair.cpo, "2.2.1", "tariffs")
    response = http.get(url, headers={**auth(pair.cpo_token), **ROUTED})
    assert response.headers["X-Request-ID"] == ROUTED["X-Request-ID"]
    assert response.headers["X-Correlation-ID"] == ROUTED["X-Correlation-ID"]
    assert (response.headers["OCPI-to-party-id"], response.headers["OCPI-from-party-id"]) == (
        "MSP",
        "CPO",
    )
    recorded = pair.cpo.state.calls.last(ExchangeFilter(direction="inbound", module="tariffs"))
    assert recorded is not None and recorded.problems == ()  # a well-behaved request


def test_missing_headers_are_generated_and_noted(http: httpx.Client, pair: Pair) -> None:
    response = http.get(module_url(pair.cpo, "2.2.1", "tariffs"), headers=auth(pair.cpo_token))
    assert response.headers["X-Request-ID"] and response.headers["X-Correlation-ID"]
    assert response.headers["OCPI-to-party-id"] == "MSP"  # addressed from the registration
    recorded = pair.cpo.state.calls.last(ExchangeFilter(direction="inbound", module="tariffs"))
    assert recorded is not None
    codes = {p["code"] for p in recorded.problems}
    assert {"missing_request_id", "missing_correlation_id", "missing_routing_from"} <= codes


def test_configuration_modules_and_2_1_1_carry_no_routing_headers(
    http: httpx.Client, pair: Pair
) -> None:
    credentials = http.get(
        module_url(pair.cpo, "2.2.1", "credentials"), headers=auth(pair.cpo_token)
    )
    assert "OCPI-from-party-id" not in credentials.headers  # REQ-TF-044
    old = http.get(module_url(pair.cpo, "2.1.1", "tariffs"), headers=auth(pair.cpo_token, "2.1.1"))
    assert envelope_ok(old, "2.1.1")["status_code"] == 1000
    assert "OCPI-from-party-id" not in old.headers and "X-Request-ID" not in old.headers


def test_strict_routing_refuses_requests_without_routing_headers(
    http: httpx.Client, start_mock: Starter
) -> None:
    pair = make_pair(start_mock, strict_routing=True)
    url = module_url(pair.cpo, "2.2.1", "tariffs")
    bare = http.get(url, headers=auth(pair.cpo_token))
    assert bare.status_code == 200 and envelope_ok(bare)["status_code"] == 2001
    assert (
        envelope_ok(http.get(url, headers={**auth(pair.cpo_token), **ROUTED}))["status_code"]
        == 1000
    )


def test_the_mock_records_its_own_schema_bugs(pair: Pair) -> None:
    state = pair.cpo.state
    check_sent(state, "2.2.1", "Location", {"id": 5}, direction="response", method="GET", path="/x")
    assert len(state.schema_bugs) == 1 and "/id" in str(state.schema_bugs[0])
    state.schema_bugs.clear()  # planted on purpose; the fixture checks the list is empty


def test_messages_and_numbers_survive_the_wire() -> None:
    assert clip("bad\x00id\x7f\nnext") == "bad\\x00id\\x7f next"
    assert len(clip("x" * 5000)) == 1000
    assert dumps({"price": Decimal("0.2500"), "n": Decimal("3")}) == b'{"price":0.25,"n":3}'
    assert loads(b'{"price": 0.25}') == {"price": Decimal("0.25")}
