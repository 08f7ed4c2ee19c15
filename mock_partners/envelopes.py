"""Turning a :class:`~mock_partners.operations.Reply` into an HTTP response, and checking it.

Every envelope the mock sends is validated against the ``Response`` schema, and its ``data``
against the operation's object schema; a violation is a bug in the mock and is recorded in
``state.schema_bugs`` (tests assert there are none). Tracing headers are echoed (REQ-TF-020/021);
routing headers are swapped on functional modules from 2.2 on (REQ-TF-045).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.background import BackgroundTask
from starlette.responses import Response

from harness.ocpi import (
    CORRELATION_ID_HEADER,
    REQUEST_ID_HEADER,
    RoutingHeaders,
    VersionNumber,
    make_envelope,
    new_request_id,
    routing_headers_apply,
    traits,
)
from harness.schemas import validate
from mock_partners.jsonio import dumps
from mock_partners.operations import Reply
from mock_partners.state import MockState, SchemaBug

JSON_TYPE = "application/json"
MAX_MESSAGE = 1000


def clip(message: str, limit: int = MAX_MESSAGE, *, ascii_only: bool = False) -> str:
    """A one-line, printable status_message of at most ``limit`` characters.

    Messages quote what the client sent (ids from the URL, bad values): control characters
    are escaped so the envelope stays a valid ``string`` (``types`` §string), and so is any
    non-ASCII character when ``ascii_only`` (2.1.1 strings are ASCII, REQ-211-010).
    """
    flat = " ".join(message.split())
    printable = "".join(
        ch if ch.isprintable() and (ch.isascii() or not ascii_only) else _escape(ch) for ch in flat
    )
    return printable if len(printable) <= limit else printable[: limit - 3] + "..."


def _escape(ch: str) -> str:
    code = ord(ch)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def check_sent(
    state: MockState,
    version: VersionNumber | str,
    object_name: str,
    instance: object,
    *,
    direction: str,
    method: str,
    path: str,
    partial: bool = False,
) -> None:
    """Validate something the mock sent; record a :class:`SchemaBug` if it is invalid."""
    if not state.config.validate_responses:
        return
    errors = [
        v
        for v in validate(str(version), object_name, instance, partial=partial)
        if v.level == "error"
    ]
    if errors:
        state.schema_bugs.append(
            SchemaBug(
                direction,
                method,
                path,
                object_name,
                tuple(f"{v.path or '/'}: {v.message}" for v in errors[:20]),
            )
        )


def response_headers(
    state: MockState,
    version: VersionNumber,
    module: str | None,
    request_headers: Mapping[str, str],
    requester: RoutingHeaders | None,
) -> dict[str, str]:
    """Tracing echo and, on functional modules (2.2+), routing headers back to the requester."""
    headers: dict[str, str] = {}
    rng = state.rngs("response-ids")
    request_id = request_headers.get(REQUEST_ID_HEADER.lower())
    correlation_id = request_headers.get(CORRELATION_ID_HEADER.lower())
    if traits(version).tracing_headers:
        headers[REQUEST_ID_HEADER] = request_id or new_request_id(rng)
        headers[CORRELATION_ID_HEADER] = correlation_id or headers[REQUEST_ID_HEADER]
    else:
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        if correlation_id:
            headers[CORRELATION_ID_HEADER] = correlation_id
    if module is not None and routing_headers_apply(version, module):
        config = state.config
        to_cc = requester.from_country_code if requester else None
        to_pid = requester.from_party_id if requester else None
        back = RoutingHeaders(
            to_country_code=to_cc,
            to_party_id=to_pid,
            from_country_code=config.country_code,
            from_party_id=config.party_id,
        )
        headers.update(back.to_headers())
    return headers


def render(
    state: MockState,
    reply: Reply,
    *,
    version: VersionNumber,
    method: str,
    path: str,
    data_object: str | None,
    headers: Mapping[str, str],
) -> Response:
    """The envelope response for ``reply``; ``data_object`` is the schema of a success ``data``."""
    envelope = make_envelope(
        reply.data,
        reply.status_code,
        timestamp=state.clock.now(),
        status_message=(
            clip(reply.message, ascii_only=version is VersionNumber.V2_1_1)
            if reply.message is not None
            else None
        ),
        include_data=reply.include_data,
    )
    check_sent(state, version, "Response", envelope, direction="response", method=method, path=path)
    schema = reply.response_object or data_object
    if reply.status_code == 1000 and reply.include_data and schema is not None:
        check_sent(
            state, version, schema, reply.data, direction="response", method=method, path=path
        )
    task = BackgroundTask(reply.background) if reply.background is not None else None
    return Response(
        dumps(envelope),
        status_code=reply.http_status,
        headers={**headers, **reply.headers},
        media_type=JSON_TYPE,
        background=task,
    )
