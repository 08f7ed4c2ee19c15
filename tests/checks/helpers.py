"""Building recorded exchanges by hand for the check tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from harness.checks import CheckContext, Message, Party
from harness.ocpi import VersionNumber
from harness.results import Exchange

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
US = Party("NL", "MSP")
SUT = Party("NL", "CPO")
REQUEST_ID = "4f1c2b9e-3a0d-4e8f-9b6a-1c2d3e4f5a6b"
CORRELATION_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def envelope(data: Any = None, status_code: int = 1000, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status_code, "timestamp": "2026-03-01T12:00:00Z"}
    if data is not None:
        body["data"] = data
    body.update(extra)
    return body


def routing_back(to: Party = US, sender: Party = SUT) -> list[tuple[str, str]]:
    return [
        ("OCPI-to-country-code", to.country_code),
        ("OCPI-to-party-id", to.party_id),
        ("OCPI-from-country-code", sender.country_code),
        ("OCPI-from-party-id", sender.party_id),
    ]


def response(
    body: Any,
    *,
    status: int | None = 200,
    headers: list[tuple[str, str]] | None = None,
    url: str = "https://sut.example/ocpi/2.2.1/locations",
    method: str = "GET",
    echo: bool = True,
    index: int | None = 0,
) -> Message:
    """The SUT's answer to one of our requests, as a check sees it."""
    sent = (
        ("Authorization", "Token dG9rZW4="),
        ("X-Request-ID", REQUEST_ID),
        ("X-Correlation-ID", CORRELATION_ID),
    )
    got = list(headers if headers is not None else routing_back())
    if echo:
        got += [("X-Request-ID", REQUEST_ID), ("X-Correlation-ID", CORRELATION_ID)]
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    exchange = Exchange(
        method=method,
        url=url,
        request_headers=sent,
        request_body=None,
        status=status,
        response_headers=tuple(got),
        response_body=text,
        elapsed=0.01,
        started_at=AT,
    )
    return Message(exchange, index)


def call(
    body: Any,
    *,
    method: str = "POST",
    headers: list[tuple[str, str]] | None = None,
    url: str = "http://127.0.0.1:9/ocpi/emsp/2.2.1/commands/START_SESSION/1",
) -> Message:
    """A request the SUT sent to a mock partner."""
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    exchange = Exchange(
        method=method,
        url=url,
        request_headers=tuple(headers or []),
        request_body=text,
        status=200,
        response_headers=(),
        response_body='{"status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"}',
        elapsed=0.0,
        started_at=AT,
        direction="from_sut",
    )
    return Message(exchange, 3)


def context(**changes: Any) -> CheckContext:
    values: dict[str, Any] = {"version": VersionNumber.V2_2_1, "us": US, "sut": SUT}
    values.update(changes)
    return CheckContext(**values)
