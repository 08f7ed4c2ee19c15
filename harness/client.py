"""The OCPI HTTP client: one request in, one recorded :class:`~harness.results.Exchange` out.

    client = OcpiClient(httpx.Client(), version="2.2.1", rng=random.Random(seed),
                        clock=clock, timer=SystemClock(), timeout=10.0)
    sent = client.send(OcpiRequest("GET", url, module="locations", auth=Auth(token)))
    sent.exchange.status, sent.failure

The ``httpx.Client`` is injected, so tests hand it a ``MockTransport``, the self-test a real
one, and the in-process mode a Starlette ``TestClient``. Every request gets the Authorization
header in the encoding of the negotiated version (raw in 2.1.1, Base64 from 2.2; or forced),
a fresh ``X-Request-ID`` and the case's ``X-Correlation-ID`` (both UUIDs from a seeded RNG),
the routing headers where the version and module have them, and a timeout. Redirects are
followed only to the same origin (the token never goes to another host). The body is read
with a size cap and a total deadline, so a SUT that trickles bytes cannot hold the run.

A SUT that does not answer usefully is not an exception: :class:`Sent` carries a
:class:`Failure` (``connect``, ``timeout``, ``protocol``, ``too_large``, ``redirect``,
``invalid_url``) next to whatever was recorded.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from harness.checks.base import Party
from harness.clock import Clock
from harness.ocpi.authorization import AUTHORIZATION_HEADER, authorization_header
from harness.ocpi.headers import (
    CORRELATION_ID_HEADER,
    REQUEST_ID_HEADER,
    RoutingHeaders,
    new_request_id,
)
from harness.ocpi.modules import routing_headers_apply
from harness.ocpi.versions import VersionNumber, require_version
from harness.results import Exchange

__all__ = [
    "Auth",
    "Failure",
    "FailureKind",
    "OcpiClient",
    "OcpiRequest",
    "Sent",
    "TokenEncoding",
    "same_origin",
]

TokenEncoding = Literal["version", "base64", "raw"]
FailureKind = Literal["connect", "timeout", "protocol", "too_large", "redirect", "invalid_url"]
DEFAULT_TIMEOUT = 10.0
MAX_BODY_BYTES = 8 * 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Auth:
    """The credentials a request presents: a token (None: no Authorization header) and how
    to write it (as the negotiated version requires, or forced Base64 / raw)."""

    token: str | None = None
    encoding: TokenEncoding = "version"


@dataclass(frozen=True, slots=True)
class OcpiRequest:
    """One request to send. ``headers`` are added last: they replace the harness's own of the
    same name, and an empty value removes that header. ``module`` decides routing headers."""

    method: str
    url: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    module: str | None = None
    auth: Auth = field(default_factory=Auth)


@dataclass(frozen=True, slots=True)
class Failure:
    """Why there is no usable answer."""

    kind: FailureKind
    message: str


@dataclass(frozen=True, slots=True)
class Sent:
    """What happened: the exchanges (one per redirect hop), a failure if any, and the seconds
    spent inside HTTP calls (``http_time``)."""

    exchanges: tuple[Exchange, ...]
    failure: Failure | None = None
    http_time: float = 0.0

    @property
    def exchange(self) -> Exchange:
        """The last exchange (the answer, when there is one)."""
        return self.exchanges[-1]

    @property
    def ok(self) -> bool:
        return self.failure is None


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port (default ports made explicit)."""
    pa, pb = urlsplit(a), urlsplit(b)
    defaults = {"http": 80, "https": 443}
    try:
        port_a = pa.port or defaults.get(pa.scheme)
        port_b = pb.port or defaults.get(pb.scheme)
    except ValueError:
        return False
    return (pa.scheme, (pa.hostname or "").lower(), port_a) == (
        pb.scheme,
        (pb.hostname or "").lower(),
        port_b,
    )


def _encoded(token: str, encoding: TokenEncoding, version: VersionNumber) -> str:
    if encoding == "version":
        return authorization_header(token, version)
    if encoding == "base64":
        return "Token " + base64.b64encode(token.encode("utf-8")).decode("ascii")
    return f"Token {token}"


def _merge(base: list[tuple[str, str]], extra: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    out = list(base)
    for name, value in extra:
        out = [(k, v) for k, v in out if k.lower() != name.lower()]
        if value != "":
            out.append((name, value))
    return out


class OcpiClient:
    """Sends OCPI requests over an injected ``httpx.Client`` and records every exchange."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        version: VersionNumber | str,
        rng: random.Random,
        clock: Clock,
        timer: Clock,
        us: Party | None = None,
        sut: Party | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        total_timeout: float | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_redirects: int = 3,
        correlation_id: str | None = None,
        secrets: set[str] | None = None,
    ) -> None:
        self.http = http
        self.version = require_version(version)
        self.rng = rng
        self.clock = clock
        self.timer = timer
        self.us = us
        self.sut = sut
        self.timeout = timeout
        self.total_timeout = total_timeout if total_timeout is not None else 2 * timeout
        self.max_body_bytes = max_body_bytes
        self.max_redirects = max_redirects
        self.correlation_id = correlation_id
        self._secrets = secrets if secrets is not None else set()

    def derive(self, **changes: object) -> OcpiClient:
        """A client sharing the HTTP connection pool and secrets, with some settings changed
        (``rng``, ``correlation_id``, ``version``, ``us``, ``sut``, ``timeout`` ...)."""
        settings: dict[str, object] = {
            "version": self.version,
            "rng": self.rng,
            "clock": self.clock,
            "timer": self.timer,
            "us": self.us,
            "sut": self.sut,
            "timeout": self.timeout,
            "total_timeout": self.total_timeout,
            "max_body_bytes": self.max_body_bytes,
            "max_redirects": self.max_redirects,
            "correlation_id": self.correlation_id,
        }
        settings.update(changes)
        return OcpiClient(self.http, secrets=self._secrets, **settings)  # type: ignore[arg-type]

    def secrets(self) -> tuple[str, ...]:
        """Every token this client (or one derived from it) presented, raw and Base64."""
        return tuple(sorted(self._secrets))

    def add_secret(self, token: str) -> None:
        if token:
            self._secrets.add(token)
            self._secrets.add(base64.b64encode(token.encode("utf-8")).decode("ascii"))

    # -- headers -------------------------------------------------------------------------------

    def headers_for(self, request: OcpiRequest) -> list[tuple[str, str]]:
        """The headers ``request`` is sent with (before httpx adds its own)."""
        headers: list[tuple[str, str]] = []
        if request.auth.token is not None:
            self.add_secret(request.auth.token)
            header = _encoded(request.auth.token, request.auth.encoding, self.version)
            headers.append((AUTHORIZATION_HEADER, header))
        request_id = new_request_id(self.rng)
        headers.append((REQUEST_ID_HEADER, request_id))
        headers.append((CORRELATION_ID_HEADER, self.correlation_id or request_id))
        if (
            request.module is not None
            and self.us is not None
            and routing_headers_apply(self.version, request.module)
        ):
            routing = RoutingHeaders.for_request(
                from_country_code=self.us.country_code,
                from_party_id=self.us.party_id,
                to_country_code=self.sut.country_code if self.sut else None,
                to_party_id=self.sut.party_id if self.sut else None,
            )
            headers.extend(routing.to_headers().items())
        headers.append(("Accept", "application/json"))
        if request.body is not None:
            headers.append(("Content-Type", "application/json"))
        return _merge(headers, request.headers)

    # -- sending -------------------------------------------------------------------------------

    def send(self, request: OcpiRequest) -> Sent:
        """Send ``request`` (following same-origin redirects); never raises for SUT trouble."""
        headers = self.headers_for(request)
        exchanges: list[Exchange] = []
        http_time = 0.0
        method, url, body = request.method.upper(), request.url, request.body
        query: tuple[tuple[str, str], ...] = request.query
        for _hop in range(self.max_redirects + 1):
            exchange, failure, spent = self._one(method, url, query, headers, body)
            exchanges.append(exchange)
            http_time += spent
            if failure is not None or exchange.status not in _REDIRECTS:
                return Sent(tuple(exchanges), failure, http_time)
            location = {k.lower(): v for k, v in exchange.response_headers}.get("location")
            if not location:
                return Sent(tuple(exchanges), None, http_time)
            target = urljoin(exchange.url, location)
            if not same_origin(target, exchange.url):
                message = f"redirected to another host ({target}); not followed"
                return Sent(tuple(exchanges), Failure("redirect", message), http_time)
            if exchange.status == 303 or (exchange.status in (301, 302) and method != "GET"):
                method, body = "GET", None
                headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            url, query = target, ()
        message = f"more than {self.max_redirects} redirects"
        return Sent(tuple(exchanges), Failure("redirect", message), http_time)

    def _one(
        self,
        method: str,
        url: str,
        query: tuple[tuple[str, str], ...],
        headers: list[tuple[str, str]],
        body: bytes | None,
    ) -> tuple[Exchange, Failure | None, float]:
        started_at = self.clock.now()
        start = self.timer.monotonic()
        body_text = body.decode("utf-8", errors="replace") if body is not None else None
        record = Exchange(
            method=method,
            url=url,
            request_headers=tuple(headers),
            request_body=body_text,
            status=None,
            response_headers=(),
            response_body=None,
            elapsed=0.0,
            started_at=started_at,
        )
        if urlsplit(url).scheme not in ("http", "https"):
            return record, Failure("invalid_url", f"cannot send to {url!r}: not http(s)"), 0.0
        try:
            built = self.http.build_request(
                method,
                url,
                params=list(query) if query else None,
                headers=headers,
                content=body,
                timeout=httpx.Timeout(self.timeout),
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            return record, Failure("invalid_url", f"cannot send to {url!r}: {exc}"), 0.0
        record = replace(
            record,
            url=str(built.url),
            request_headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in built.headers.raw
            ),
        )
        failure: Failure | None = None
        try:
            response = self.http.send(built, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            spent = self.timer.monotonic() - start
            return replace(record, elapsed=spent, error=_describe(exc)), _failure(exc), spent
        try:
            content, failure = self._read(response, start)
        finally:
            response.close()
        spent = self.timer.monotonic() - start
        record = replace(
            record,
            status=response.status_code,
            response_headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ),
            response_body=content.decode("utf-8", errors="replace"),
            elapsed=spent,
            error=failure.message if failure is not None else None,
        )
        return record, failure, spent

    def _read(self, response: httpx.Response, start: float) -> tuple[bytes, Failure | None]:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_body_bytes:
                    message = f"the response body is larger than {self.max_body_bytes} bytes"
                    return b"".join(chunks), Failure("too_large", message)
                if self.timer.monotonic() - start > self.total_timeout:
                    message = f"the response took longer than {self.total_timeout:g}s in all"
                    return b"".join(chunks), Failure("timeout", message)
        except httpx.HTTPError as exc:
            return b"".join(chunks), _failure(exc)
        return b"".join(chunks), None


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _failure(exc: httpx.HTTPError) -> Failure:
    if isinstance(exc, httpx.ConnectTimeout | httpx.ConnectError):
        return Failure("connect", f"cannot connect: {_describe(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        return Failure("timeout", f"no answer in time: {_describe(exc)}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failure("invalid_url", _describe(exc))
    return Failure("protocol", f"the connection failed: {_describe(exc)}")
