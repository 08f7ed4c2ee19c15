"""Header checks: tracing ids, routing headers, the Authorization header and Content-Type.

Sources: ``transport_and_format`` §Unique message IDs (REQ-TF-019..022; none in 2.1.1,
REQ-211-003), §Message Routing Headers (REQ-TF-043..050; REQ-211-004), §Authorization header
(REQ-TF-001/002, REQ-211-001; AMB-28) and §Request format (REQ-TF-007). Messages are always the
SUT's: its responses to us, or its requests to a mock partner.
"""

from __future__ import annotations

from harness.checks.base import CheckContext, FunctionCheck, Message, finding_from_problem
from harness.ocpi.authorization import AUTHORIZATION_HEADER, check_authorization
from harness.ocpi.headers import (
    RoutingHeaders,
    check_request_tracing,
    check_response_tracing,
    check_routing_headers,
)
from harness.ocpi.problems import Level
from harness.ocpi.versions import VersionNumber
from harness.results import Finding

__all__ = [
    "AUTHORIZATION_HEADER_CHECK",
    "REQUEST_CONTENT_TYPE",
    "REQUEST_TRACING",
    "RESPONSE_TRACING",
    "ROUTING_HEADERS",
    "expected_routing",
]


def expected_routing(ctx: CheckContext) -> RoutingHeaders | None:
    """The routing headers a message from the SUT to us carries (TO us, FROM the SUT)."""
    if ctx.us is None or ctx.sut is None:
        return None
    return RoutingHeaders(
        to_country_code=ctx.us.country_code,
        to_party_id=ctx.us.party_id,
        from_country_code=ctx.sut.country_code,
        from_party_id=ctx.sut.party_id,
    )


def _response_tracing(ctx: CheckContext, message: Message) -> list[Finding]:
    if not message.is_response or message.exchange.status is None:
        return []
    problems = check_response_tracing(message.our_headers, message.headers, ctx.version)
    return [finding_from_problem("response_tracing", p, exchange=message.index) for p in problems]


def _request_tracing(ctx: CheckContext, message: Message) -> list[Finding]:
    if message.is_response:
        return []
    problems = check_request_tracing(message.headers, ctx.version)
    return [finding_from_problem("request_tracing", p, exchange=message.index) for p in problems]


def _routing_headers(ctx: CheckContext, message: Message) -> list[Finding]:
    if ctx.module is None or (message.is_response and message.exchange.status is None):
        return []
    problems = check_routing_headers(
        message.headers,
        version=ctx.version,
        module=ctx.module,
        response=message.is_response,
        expected=expected_routing(ctx),
        required=ctx.routing_required,
    )
    return [finding_from_problem("routing_headers", p, exchange=message.index) for p in problems]


def _authorization_header(ctx: CheckContext, message: Message) -> list[Finding]:
    if message.is_response or ctx.expected_token is None:
        return []
    problems = check_authorization(
        message.header(AUTHORIZATION_HEADER),
        ctx.version,
        expected_token=ctx.expected_token,
        strict=ctx.strict,
    )
    return [
        finding_from_problem("authorization_header", p, exchange=message.index) for p in problems
    ]


def _request_content_type(ctx: CheckContext, message: Message) -> list[Finding]:
    exchange = message.exchange
    if message.is_response or exchange.method not in ("POST", "PUT", "PATCH"):
        return []
    if not (exchange.request_body or "").strip():
        return []
    value = message.header("Content-Type")
    media = (value or "").split(";", 1)[0].strip().lower()
    if media == "application/json":
        return []
    legacy = ctx.version is VersionNumber.V2_1_1
    return [
        Finding(
            check="request_content_type",
            level=Level.SHOULD if legacy else Level.MUST,
            message=f"a {exchange.method} with a body must be sent as application/json, "
            f"got Content-Type {value!r}",
            req="REQ-211-005" if legacy else "REQ-TF-007",
            pointer="header:Content-Type",
            expected="application/json",
            actual=value,
            exchange=message.index,
        )
    ]


RESPONSE_TRACING = FunctionCheck(
    "response_tracing",
    "message",
    _response_tracing,
    "the response repeats the request's X-Request-ID and X-Correlation-ID (2.2+)",
)
REQUEST_TRACING = FunctionCheck(
    "request_tracing",
    "message",
    _request_tracing,
    "a request from the SUT carries X-Request-ID and X-Correlation-ID (2.2+)",
)
ROUTING_HEADERS = FunctionCheck(
    "routing_headers",
    "message",
    _routing_headers,
    "functional-module messages carry OCPI-to-*/OCPI-from-* naming the right parties (2.2+)",
)
AUTHORIZATION_HEADER_CHECK = FunctionCheck(
    "authorization_header",
    "message",
    _authorization_header,
    "a request from the SUT presents the token we issued, encoded as its version requires",
)
REQUEST_CONTENT_TYPE = FunctionCheck(
    "request_content_type",
    "message",
    _request_content_type,
    "a request from the SUT with a body is sent as application/json",
)
