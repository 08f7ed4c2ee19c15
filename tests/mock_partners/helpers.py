"""Talking to running mock partners from tests: tokens per version, envelopes, control calls."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from harness.ocpi import Level, VersionNumber, check_envelope, parse_envelope
from mock_partners import MockServer

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
V211, V221, V230 = VersionNumber.V2_1_1, VersionNumber.V2_2_1, VersionNumber.V2_3_0
TIMEOUT = 10.0


def auth(token: str, version: str = "2.2.1") -> dict[str, str]:
    """The Authorization header a client of ``version`` sends."""
    credential = token if version == "2.1.1" else base64.b64encode(token.encode()).decode()
    return {"Authorization": f"Token {credential}"}


def envelope_ok(response: httpx.Response, version: str = "2.2.1") -> dict[str, Any]:
    """The response's envelope, after checking it has no MUST-level problem."""
    parsed = parse_envelope(response.content)
    problems = check_envelope(parsed, version=version, http_status=response.status_code)
    musts = [p for p in problems if p.level is Level.MUST]
    assert not musts, f"{response.request.method} {response.request.url}: {musts}"
    assert parsed.envelope is not None
    plain: dict[str, Any] = response.json()  # floats, to compare with fixtures read the same way
    return plain


@dataclass
class Control:
    """The control API of one mock."""

    server: MockServer

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.server.state.config.root + "/_mock",
            headers={"Authorization": f"Token {self.server.admin_token}"},
            timeout=TIMEOUT,
            verify=False,  # plain HTTP on loopback; skips building a TLS context per client
        )

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        with self._client() as client:
            return client.request(method, path, json=body, params=params or None)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
        response = self.call(method, path, body, **params)
        assert response.status_code < 300, response.text
        data: dict[str, Any] = response.json()
        return data

    def register_with(self, other: MockServer) -> dict[str, Any]:
        """Register this mock with ``other`` using ``other``'s token A."""
        done = self.ok(
            "POST", "/register", {"versions_url": other.versions_url, "token": other.token_a}
        )
        registration: dict[str, Any] = done["registration"]
        return registration


def module_url(server: MockServer, version: str, module: str) -> str:
    return server.state.config.module_url(version, module)
