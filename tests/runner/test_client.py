"""OcpiClient over httpx.MockTransport: headers, encodings, redirects, failures, recording."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime

import httpx
import pytest

from harness.checks import Party
from harness.client import Auth, OcpiClient, OcpiRequest, same_origin
from harness.clock import FrozenClock

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


class Timer:
    """A monotonic clock that moves 0.01 s each time it is read."""

    def __init__(self) -> None:
        self.value = 0.0

    def now(self) -> datetime:
        return AT

    def monotonic(self) -> float:
        self.value += 0.01
        return self.value


def client(handler, **kwargs):  # type: ignore[no-untyped-def]
    http = httpx.Client(transport=httpx.MockTransport(handler))
    values = {
        "version": "2.2.1",
        "rng": random.Random(7),
        "clock": FrozenClock(AT),
        "timer": Timer(),
        "us": Party("NL", "MSP"),
        "sut": Party("DE", "CPO"),
        "timeout": 1.0,
    }
    values.update(kwargs)
    return OcpiClient(http, **values)  # type: ignore[arg-type]


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"})


def test_headers_of_a_functional_module_request_in_2_2_1() -> None:
    sent = client(ok).send(
        OcpiRequest(
            "PUT",
            "https://sut.example/tokens/NL/MSP/T1",
            body=b"{}",
            module="tokens",
            auth=Auth("tok-C"),
        )
    )
    headers = {k.lower(): v for k, v in sent.exchange.request_headers}
    assert headers["authorization"] == "Token " + base64.b64encode(b"tok-C").decode()
    assert headers["ocpi-from-country-code"] == "NL" and headers["ocpi-to-party-id"] == "CPO"
    assert headers["content-type"] == "application/json"
    assert headers["x-correlation-id"] == headers["x-request-id"]
    assert sent.ok and sent.exchange.status == 200 and sent.exchange.direction == "to_sut"


def test_ids_come_from_the_seed_and_the_correlation_id_can_be_fixed() -> None:
    def ids(c: OcpiClient) -> tuple[str, str]:
        h = dict(c.send(OcpiRequest("GET", "https://sut.example/x")).exchange.request_headers)
        return h["X-Request-ID"], h["X-Correlation-ID"]

    assert ids(client(ok)) == ids(client(ok))
    flow = client(ok, correlation_id="flow-1")
    first, second = ids(flow), ids(flow)
    assert first[1] == second[1] == "flow-1" and first[0] != second[0]


def test_token_encodings_and_no_routing_in_2_1_1_or_configuration_modules() -> None:
    old = client(ok, version="2.1.1")
    h = dict(
        old.send(
            OcpiRequest("GET", "https://s/x", module="tokens", auth=Auth("raw"))
        ).exchange.request_headers
    )
    assert h["Authorization"] == "Token raw" and "OCPI-from-party-id" not in h
    new = client(ok)
    forced = dict(
        new.send(OcpiRequest("GET", "https://s/x", auth=Auth("t", "raw"))).exchange.request_headers
    )
    assert forced["Authorization"] == "Token t"
    versions = dict(
        new.send(OcpiRequest("GET", "https://s/v", module="versions")).exchange.request_headers
    )
    assert "Authorization" not in versions and "OCPI-to-party-id" not in versions
    removed = OcpiRequest("GET", "https://s/x", headers=(("X-Request-ID", ""),))
    assert "X-Request-ID" not in dict(new.send(removed).exchange.request_headers)
    assert set(new.secrets()) >= {"t", base64.b64encode(b"t").decode()}


def test_same_origin_redirects_are_followed_other_hosts_are_not() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        if request.url.path == "/away":
            return httpx.Response(302, headers={"Location": "https://other.example/steal"})
        return ok(request)

    c = client(handler)
    sent = c.send(OcpiRequest("GET", "https://sut.example/old", auth=Auth("t")))
    assert [x.status for x in sent.exchanges] == [301, 200] and sent.ok
    away = c.send(OcpiRequest("GET", "https://sut.example/away", auth=Auth("t")))
    assert away.failure is not None and away.failure.kind == "redirect"
    assert len(away.exchanges) == 1
    assert same_origin("http://a:80/x", "http://a/y") and not same_origin("http://a", "https://a")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ConnectError("refused"), "connect"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.RemoteProtocolError("closed"), "protocol"),
    ],
)
def test_transport_errors_become_failures(exc: Exception, kind: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    sent = client(handler).send(OcpiRequest("GET", "https://sut.example/x"))
    assert sent.failure is not None and sent.failure.kind == kind
    assert sent.exchange.status is None and sent.exchange.error


def test_bodies_are_capped_and_bad_urls_are_failures() -> None:
    def big(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000)

    sent = client(big, max_body_bytes=1000).send(OcpiRequest("GET", "https://s/x"))
    assert sent.failure is not None and sent.failure.kind == "too_large"
    bad = client(ok).send(OcpiRequest("GET", "nonsense://x y"))
    assert bad.failure is not None and bad.failure.kind == "invalid_url"


def test_query_pairs_and_recorded_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return ok(request)

    sent = client(handler).send(
        OcpiRequest(
            "GET",
            "https://s/locations",
            query=(("limit", "5"), ("date_from", "2026-01-01T00:00:00Z")),
        )
    )
    assert seen == [sent.exchange.url] and "limit=5" in seen[0] and "date_from=" in seen[0]
    assert sent.http_time > 0
