"""Envelope checks: shape and status code, HTTP pairing, data cardinality.

All three read :func:`harness.ocpi.envelope.check_envelope` (REQ-TF-008..018, REQ-TF-056 for
the envelope timestamp, REQ-211-* in 2.1.1) and keep the problems that belong to them, so one
broken rule is reported by exactly one check.
"""

from __future__ import annotations

from harness.checks.base import CheckContext, FunctionCheck, Message, finding_from_problem
from harness.ocpi.envelope import check_envelope
from harness.ocpi.problems import Level, Problem
from harness.results import Finding
from harness.templating import MISSING

__all__ = ["DATA_CARDINALITY", "ENVELOPE_SHAPE", "STATUS_CODE_MATCHES_HTTP"]

_PAIRING = frozenset({"http_error_with_success_code", "http_error_at_ocpi_layer"})
_DATA = frozenset(
    {"missing_data", "data_should_be_object", "data_should_be_list", "data_should_be_absent"}
)


def _problems(ctx: CheckContext, message: Message, *, with_data: bool) -> list[Problem]:
    if not message.is_response or message.exchange.status is None:
        return []
    return check_envelope(
        message.envelope,
        version=ctx.version,
        expect=ctx.cardinality if with_data else None,
        http_status=message.exchange.status,
        strict=ctx.strict,
    )


def _envelope_shape(ctx: CheckContext, message: Message) -> list[Finding]:
    return [
        finding_from_problem("envelope_shape", p, exchange=message.index)
        for p in _problems(ctx, message, with_data=False)
        if p.code not in _PAIRING
    ]


def _status_code_matches_http(ctx: CheckContext, message: Message) -> list[Finding]:
    return [
        finding_from_problem("status_code_matches_http", p, exchange=message.index)
        for p in _problems(ctx, message, with_data=False)
        if p.code in _PAIRING
    ]


def _request_cardinality(ctx: CheckContext, message: Message) -> list[Finding]:
    """The body of a request the SUT sent: one object or a list, as the step says."""
    body = message.json
    wanted = {"one": dict, "list": list}.get(ctx.cardinality or "")
    if wanted is None or body is MISSING or isinstance(body, wanted):
        return []
    kind = "an object" if wanted is dict else "a list"
    return [
        Finding(
            check="data_cardinality",
            level=Level.MUST,
            message=f"the request body must be {kind}, got {type(body).__name__}",
            req="REQ-TF-009",
            pointer="",
            exchange=message.index,
        )
    ]


def _data_cardinality(ctx: CheckContext, message: Message) -> list[Finding]:
    if ctx.cardinality is None:
        return []
    if not message.is_response:
        return _request_cardinality(ctx, message)
    return [
        finding_from_problem("data_cardinality", p, exchange=message.index)
        for p in _problems(ctx, message, with_data=True)
        if p.code in _DATA
    ]


ENVELOPE_SHAPE = FunctionCheck(
    "envelope_shape",
    "message",
    _envelope_shape,
    "the response is an OCPI envelope: status_code (a defined code), timestamp, status_message",
)
STATUS_CODE_MATCHES_HTTP = FunctionCheck(
    "status_code_matches_http",
    "message",
    _status_code_matches_http,
    "the HTTP status agrees with the OCPI status_code (no HTTP error at the OCPI layer)",
)
DATA_CARDINALITY = FunctionCheck(
    "data_cardinality",
    "message",
    _data_cardinality,
    "data is one object, a list or absent, as the endpoint defines (when the step says which)",
)
