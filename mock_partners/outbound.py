"""Requests the mock sends to partners: headers per version, validation, recording.

Each request carries ``Authorization: Token <token>`` encoded for the version (REQ-TF-002,
REQ-211-001), fresh X-Request-ID/X-Correlation-ID from a seeded generator (2.2+, REQ-TF-019/022)
and, on functional modules, routing headers from us to the partner (REQ-TF-045). Bodies are
validated before sending (a violation is a mock bug); responses are checked and the problems
noted on the recorded exchange. Transport failures become results, never exceptions.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import httpx

from harness.ocpi import (
    CORRELATION_ID_HEADER,
    RoutingHeaders,
    VersionNumber,
    check_envelope,
    check_response_tracing,
    encode_token,
    format_datetime,
    parse_envelope,
    routing_headers_apply,
    tracing_headers,
    traits,
)
from mock_partners.calls import Exchange
from mock_partners.envelopes import check_sent
from mock_partners.faults_wiring import outbound_transport
from mock_partners.jsonio import dumps
from mock_partners.partners import Registration

if TYPE_CHECKING:
    from mock_partners.state import MockState

Encoding = Literal["version", "raw", "base64"]


@dataclass(frozen=True, slots=True)
class OutboundResult:
    """The outcome of one outbound request."""

    exchange: Exchange
    status: int | None
    body: Any
    error: str | None = None

    @property
    def envelope(self) -> dict[str, Any] | None:
        return self.body if isinstance(self.body, dict) else None

    @property
    def ocpi_status(self) -> int | None:
        code = self.envelope.get("status_code") if self.envelope else None
        return code if type(code) is int else None

    @property
    def data(self) -> Any:
        return self.envelope.get("data") if self.envelope else None

    @property
    def ok(self) -> bool:
        """HTTP 2xx with OCPI status 1000."""
        return self.status is not None and 200 <= self.status < 300 and self.ocpi_status == 1000

    def describe(self) -> str:
        if self.error is not None:
            return f"{self.exchange.method} {self.exchange.url} failed: {self.error}"
        message = self.envelope.get("status_message") if self.envelope else None
        return (
            f"{self.exchange.method} {self.exchange.url} -> HTTP {self.status}, "
            f"OCPI {self.ocpi_status}" + (f" ({message})" if message else "")
        )


class Outbound:
    """The mock's HTTP client (one ``httpx.AsyncClient``, made on first use)."""

    def __init__(
        self,
        state: MockState,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._state = state
        self._transport = transport
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            inner = self._transport or httpx.AsyncHTTPTransport(verify=_tls_context())
            self._client = httpx.AsyncClient(
                transport=outbound_transport(self._state, inner),
                timeout=self._timeout,
                follow_redirects=False,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def headers_for(
        self,
        *,
        token: str,
        version: VersionNumber,
        module: str | None,
        partner: Registration | None,
        encoding: Encoding = "version",
        correlation_id: str | None = None,
    ) -> dict[str, str]:
        state = self._state
        if encoding == "raw":
            credential = token
        elif encoding == "base64":
            credential = encode_token(token, VersionNumber.V2_2_1)
        else:
            credential = encode_token(token, version)
        headers = {"Authorization": f"Token {credential}"}
        if traits(version).tracing_headers:
            headers.update(
                tracing_headers(state.rngs("request-ids"), correlation_id=correlation_id)
            )
        if module is not None and partner is not None and routing_headers_apply(version, module):
            party = partner.primary
            routing = RoutingHeaders.for_request(
                from_country_code=state.config.country_code,
                from_party_id=state.config.party_id,
                to_country_code=party.country_code,
                to_party_id=party.party_id,
            )
            headers.update(routing.to_headers())
        return headers

    async def send(
        self,
        method: str,
        url: str,
        *,
        token: str,
        version: VersionNumber,
        module: str | None = None,
        body: object = None,
        body_object: str | None = None,
        partial: bool = False,
        partner: Registration | None = None,
        params: Mapping[str, str] | None = None,
        encoding: Encoding = "version",
        correlation_id: str | None = None,
    ) -> OutboundResult:
        state = self._state
        headers = self.headers_for(
            token=token,
            version=version,
            module=module,
            partner=partner,
            encoding=encoding,
            correlation_id=correlation_id,
        )
        content = b""
        if body is not None:
            content = dumps(body)
            headers["Content-Type"] = "application/json"
            if body_object is not None:
                check_sent(
                    state,
                    version,
                    body_object,
                    body,
                    direction="request",
                    method=method,
                    path=url,
                    partial=partial,
                )
        request = self.client().build_request(
            method, url, headers=headers, content=content or None, params=params
        )
        seq = state.calls.next_seq()
        started = state.clock.monotonic()
        timestamp = format_datetime(state.clock.now())
        status: int | None = None
        response_headers: tuple[tuple[str, str], ...] = ()
        response_body = b""
        error: str | None = None
        problems: list[dict[str, str]] = []
        try:
            response = await self.client().send(request)
            status = response.status_code
            response_headers = tuple(response.headers.multi_items())
            response_body = response.content
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if status is not None:
            for problem in check_envelope(
                parse_envelope(response_body), version=version, http_status=status
            ):
                problems.append(
                    _problem(problem.code, problem.level.value, problem.req, problem.message)
                )
            for problem in check_response_tracing(headers, response_headers, version):
                problems.append(
                    _problem(problem.code, problem.level.value, problem.req, problem.message)
                )
        exchange = Exchange(
            seq=seq,
            direction="outbound",
            method=method,
            url=str(request.url),
            path=request.url.path,
            request_headers=tuple(request.headers.multi_items()),
            request_body=content,
            status=status,
            response_headers=response_headers,
            response_body=response_body,
            started=started,
            elapsed=state.clock.monotonic() - started,
            timestamp=timestamp,
            module=module,
            version=version.value,
            partner=partner.id if partner is not None else None,
            problems=tuple(problems),
            error=error,
        )
        state.calls.record(exchange)
        parsed = parse_envelope(response_body) if status is not None else None
        payload = dict(parsed.envelope.raw) if parsed is not None and parsed.envelope else None
        return OutboundResult(exchange, status, payload, error)


@cache
def _tls_context() -> ssl.SSLContext:
    """One default TLS context for every mock in the process (building one costs ~50 ms)."""
    return ssl.create_default_context()


def _problem(code: str, level: str, req: str, message: str) -> dict[str, str]:
    return {"code": code, "level": level, "req": req, "message": message}


def correlation_of(headers: Mapping[str, str]) -> str | None:
    """The X-Correlation-ID of an inbound request (kept when the mock calls back)."""
    return headers.get(CORRELATION_ID_HEADER.lower())
