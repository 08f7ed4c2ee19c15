"""ASGI middleware that records every inbound OCPI exchange in the app's CallLog.

It sits outermost, so what it records is what the partner sent and received, faults included.
Handlers add annotations (module, version, partner, problems) to ``scope["ocpi.meta"]``.
Control-API traffic (``/_mock/...``) is not recorded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.ocpi import format_datetime
from mock_partners.calls import CallLog, Exchange
from mock_partners.endpoint import META_KEY

MAX_RECORDED_BODY = 1024 * 1024


class RecordingMiddleware:
    def __init__(self, app: ASGIApp, *, calls: CallLog, prefix: str = "/ocpi/") -> None:
        self.app = app
        self.calls = calls
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        calls = self.calls
        clock = calls.clock
        seq = calls.next_seq()
        started = clock.monotonic()
        timestamp = format_datetime(clock.now())
        meta: dict[str, Any] = {}
        scope = dict(scope)
        scope[META_KEY] = meta
        request_body = bytearray()
        response: dict[str, Any] = {"status": None, "headers": (), "body": bytearray()}
        recorded = False

        def record(error: str | None = None) -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            # elapsed ends with the response, before any background task runs
            elapsed = clock.monotonic() - started
            exchange = _exchange(
                scope, seq, started, elapsed, timestamp, meta, request_body, response
            )
            calls.record(replace(exchange, error=error) if error else exchange)

        async def receive_and_keep() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(request_body) < MAX_RECORDED_BODY:
                request_body.extend(
                    message.get("body", b"")[: MAX_RECORDED_BODY - len(request_body)]
                )
            return message

        async def send_and_keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = _headers(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body: bytearray = response["body"]
                if len(body) < MAX_RECORDED_BODY:
                    body.extend(message.get("body", b"")[: MAX_RECORDED_BODY - len(body)])
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                record()  # before the last chunk leaves: whoever got the response finds it logged
            await send(message)

        try:
            await self.app(scope, receive_and_keep, send_and_keep)
        except Exception as exc:
            record(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            record(None if response["status"] is not None else "no response was sent")


def _headers(pairs: Any) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs)


def _exchange(
    scope: Scope,
    seq: int,
    started: float,
    elapsed: float,
    timestamp: str,
    meta: dict[str, Any],
    request_body: bytearray,
    response: dict[str, Any],
) -> Exchange:
    query = scope.get("query_string", b"").decode("latin-1")
    path = str(scope.get("path", ""))
    host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
    url = f"{scope.get('scheme', 'http')}://{host}{path}" + (f"?{query}" if query else "")
    return Exchange(
        seq=seq,
        direction="inbound",
        method=str(scope.get("method", "")),
        url=url,
        path=path,
        request_headers=_headers(scope.get("headers", [])),
        request_body=bytes(request_body),
        status=response["status"],
        response_headers=response["headers"],
        response_body=bytes(response["body"]),
        started=started,
        elapsed=elapsed,
        timestamp=timestamp,
        module=meta.get("module"),
        version=meta.get("version"),
        partner=meta.get("partner"),
        problems=tuple(meta.get("problems", ())),
    )
