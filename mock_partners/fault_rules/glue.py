"""Where fault rules meet the wire: an ASGI middleware (inbound) and httpx transports (outbound).

:class:`FaultMiddleware` wraps the mock's ASGI app. For every HTTP request it asks the plan for
an *inbound* rule; without one the exchange passes untouched (no buffering). With one, the app's
response is buffered, :func:`apply_to_response` transforms it, and the result is sent, delayed,
or replaced by a dropped connection.

Dropping a connection must look like a dead server to the client: no status line at all. Under
uvicorn an exception raised before ``http.response.start`` is answered with a 500, so instead
the middleware finds the server's transport behind ``send`` (uvicorn's ``send`` is a bound
method of its request cycle, which holds ``transport``; wrappers keep it in a closure) and
aborts it; the client sees the connection close without a response (httpx
``RemoteProtocolError``). Where no transport can be found (another server, Starlette's
TestClient) :class:`ConnectionDropped` is raised instead.

:class:`FaultTransport` / :class:`AsyncFaultTransport` wrap an httpx transport and apply
*outbound* rules to the requests the mock sends (a drop raises ``httpx.ConnectError``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
from starlette.datastructures import URL
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.clock import Clock, SystemClock
from mock_partners.fault_rules.actions import Mutated, apply_to_request, apply_to_response
from mock_partners.fault_rules.plan import FaultPlan

__all__ = [
    "QUIRK_SCOPE_KEY",
    "AsyncFaultTransport",
    "ConnectionDropped",
    "FaultMiddleware",
    "FaultTransport",
    "guess_module",
    "guess_object_name",
    "guess_version",
]

ModuleOf = Callable[[str], str | None]
QUIRK_SCOPE_KEY = "ocpi_mock_quirk"
"""The ASGI scope key where a fired ``behaviour`` rule leaves its quirk for the handler."""
ObjectOf = Callable[[str | None, str, str], str | None]  # (module, method, path) -> name

_VERSION = re.compile(r"/(2\.[0-9](?:\.[0-9])?)(?:/|$)")
_MODULES = (
    "credentials", "locations", "sessions", "cdrs", "tariffs", "tokens", "commands",
    "chargingprofiles", "hubclientinfo", "invoicereconciliation", "versions",
)  # fmt: skip
_SINGLE = {
    "invoicereconciliation": "InvoiceReconciliationRecord",
    "sessions": "Session",
    "cdrs": "CDR",
    "tariffs": "Tariff",
    "tokens": "Token",
    "credentials": "Credentials",
    "hubclientinfo": "ClientInfo",
}


class ConnectionDropped(ConnectionError):
    """A fault rule dropped the connection and the server gave no way to abort the socket."""


def guess_version(path: str, default: str = "2.2.1") -> str:
    """The OCPI version named in a URL path (``/ocpi/2.1.1/...``), else ``default``."""
    found = _VERSION.search(path)
    return found.group(1) if found else default


def guess_module(path: str) -> str | None:
    """The module of a conventional OCPI path (the segment after the version)."""
    parts = [p for p in path.split("/") if p]
    for i, part in enumerate(parts):
        if _VERSION.fullmatch(f"/{part}") and i + 1 < len(parts) and parts[i + 1] in _MODULES:
            return parts[i + 1]
    return next((p for p in parts if p in _MODULES), None)


def guess_object_name(module: str | None, method: str, path: str) -> str | None:
    """The object a response's ``data`` holds for conventional OCPI paths (for the faults that
    consult the schema: ``missing_field`` and ``wrong_type`` without a pointer)."""
    if module is None:
        return None
    parts = [p for p in path.split("/") if p]
    tail = parts[parts.index(module) + 1 :] if module in parts else []
    if module == "versions":
        return "VersionDetails" if tail else "Version"
    if module == "locations":
        depth = len(tail)
        # sender: {id}/{evse}/{connector}; receiver: {cc}/{pid}/{id}/{evse}/{connector}
        if depth >= 3 and len(tail[0]) == 2 and len(tail[1]) == 3:
            depth -= 2
        return ("Location", "Location", "EVSE", "Connector")[min(depth, 3)]
    if module == "tokens" and tail and tail[-1] == "authorize":
        return "AuthorizationInfo"
    if module == "commands":
        return "CommandResponse" if method.upper() == "POST" else None
    return _SINGLE.get(module)


def _inner_sends(send: Any) -> list[Any]:
    """Callables a wrapped ``send`` may delegate to: closure cells, a partial's function and
    arguments, and ``*send*`` attributes of a bound method's object."""
    out: list[Any] = []
    for cell in getattr(send, "__closure__", None) or ():
        try:
            out.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    func = getattr(send, "func", None)  # functools.partial
    if func is not None:
        out.extend([func, *getattr(send, "args", ())])
    owner = getattr(send, "__self__", None)
    if owner is not None:
        out.extend(getattr(owner, name) for name in dir(owner) if "send" in name.lower()
                   and not name.startswith("__"))  # fmt: skip
    return [c for c in out if callable(c) and c is not send]


def _find_transport(send: Any, depth: int = 0) -> Any:
    """The asyncio transport behind ``send`` (uvicorn's request cycle holds it), or None."""
    owner = getattr(send, "__self__", None)
    transport = getattr(owner, "transport", None)
    if transport is not None and callable(getattr(transport, "abort", None)):
        return transport
    if depth >= 6:
        return None
    for inner in _inner_sends(send):
        found = _find_transport(inner, depth + 1)
        if found is not None:
            return found
    return None


async def _drop(send: Send) -> None:
    transport = _find_transport(send)
    if transport is None:
        raise ConnectionDropped("fault rule: connection dropped")
    transport.abort()
    await anyio.sleep(0)  # let the server see the connection is gone before we return


class FaultMiddleware:
    """Applies the plan's inbound rules to the wrapped app's responses."""

    def __init__(
        self,
        app: ASGIApp,
        plan: FaultPlan,
        *,
        module_of: ModuleOf = guess_module,
        version: str | Callable[[str], str] | None = None,
        object_of: ObjectOf = guess_object_name,
        clock: Clock | None = None,
    ) -> None:
        self.app = app
        self.plan = plan
        self.module_of = module_of
        self.version = version
        self.object_of = object_of
        self.clock = clock if clock is not None else SystemClock()

    def _version(self, path: str) -> str:
        if self.version is None:
            return guess_version(path)
        return self.version if isinstance(self.version, str) else self.version(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        module = self.module_of(path)
        rule = self.plan.select(direction="inbound", module=module, method=method, path=path)
        if rule is None:
            await self.app(scope, receive, send)
            return
        action = rule.action
        if action.kind == "behaviour":  # the handler reads it (mock_partners.quirks)
            scope[QUIRK_SCOPE_KEY] = str(action.param("quirk"))
            await self.app(scope, receive, send)
            return
        if action.kind == "drop_connection" and action.param("when") == "before":
            await _drop(send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:  # pragma: no cover - trailers and other extensions pass through
                await send(message)

        await self.app(scope, receive, buffer)
        if start is None:
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
        out: Mutated = apply_to_response(
            action,
            status=int(start["status"]),
            headers=headers,
            body=b"".join(chunks),
            version=self._version(path),
            object_name=self.object_of(module, method, path),
            request_url=str(URL(scope=scope)),
            now=self.clock.now(),
        )
        if out.delay:
            await anyio.sleep(out.delay)
        if out.drop:
            await _drop(send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": out.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out.headers],
            }
        )
        await send({"type": "http.response.body", "body": out.body, "more_body": False})


class _OutboundFaults:
    def __init__(
        self,
        plan: FaultPlan,
        module_of: ModuleOf,
        version: str | Callable[[str], str] | None,
        object_of: ObjectOf,
        clock: Clock | None,
    ) -> None:
        self.plan = plan
        self.module_of = module_of
        self.version = version
        self.object_of = object_of
        self.clock = clock

    def mutate(self, request: httpx.Request, body: bytes) -> tuple[Mutated | None, str]:
        path = request.url.path
        module = self.module_of(path)
        rule = self.plan.select(
            direction="outbound", module=module, method=request.method, path=path
        )
        if rule is None:
            return None, ""
        version = (
            guess_version(path) if self.version is None
            else self.version if isinstance(self.version, str) else self.version(path)
        )  # fmt: skip
        out = apply_to_request(
            rule.action,
            method=request.method,
            url=str(request.url),
            headers=list(request.headers.multi_items()),
            body=body,
            version=version,
            object_name=self.object_of(module, request.method, path),
            now=self.clock.now() if self.clock is not None else None,
        )
        return out, rule.id

    @staticmethod
    def rebuild(request: httpx.Request, out: Mutated) -> httpx.Request:
        headers = [(k, v) for k, v in out.headers if k.lower() != "content-length"]
        return httpx.Request(
            out.method or request.method,
            out.url or str(request.url),
            headers=headers,
            content=out.body,
            extensions=request.extensions,
        )


class AsyncFaultTransport(httpx.AsyncBaseTransport):
    """Applies outbound rules to the requests of an ``httpx.AsyncClient``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        plan: FaultPlan,
        *,
        module_of: ModuleOf = guess_module,
        version: str | Callable[[str], str] | None = None,
        object_of: ObjectOf = guess_object_name,
        clock: Clock | None = None,
    ) -> None:
        self.inner = inner
        self._faults = _OutboundFaults(plan, module_of, version, object_of, clock)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        out, rule_id = self._faults.mutate(request, await request.aread())
        if out is None:
            return await self.inner.handle_async_request(request)
        if out.delay:
            await anyio.sleep(out.delay)
        if out.drop:
            raise httpx.ConnectError(f"fault rule {rule_id!r}: connection dropped", request=request)
        return await self.inner.handle_async_request(self._faults.rebuild(request, out))

    async def aclose(self) -> None:
        await self.inner.aclose()


class FaultTransport(httpx.BaseTransport):
    """Applies outbound rules to the requests of an ``httpx.Client``."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        plan: FaultPlan,
        *,
        module_of: ModuleOf = guess_module,
        version: str | Callable[[str], str] | None = None,
        object_of: ObjectOf = guess_object_name,
        clock: Clock | None = None,
    ) -> None:
        self.inner = inner
        self._faults = _OutboundFaults(plan, module_of, version, object_of, clock)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        out, rule_id = self._faults.mutate(request, request.read())
        if out is None:
            return self.inner.handle_request(request)
        if out.delay:
            time.sleep(out.delay)
        if out.drop:
            raise httpx.ConnectError(f"fault rule {rule_id!r}: connection dropped", request=request)
        return self.inner.handle_request(self._faults.rebuild(request, out))

    def close(self) -> None:
        self.inner.close()
