"""Tracing echo, routing headers, the SUT's Authorization header and Content-Type."""

from __future__ import annotations

import base64

from harness.checks import default_checks
from harness.ocpi import Level, VersionNumber
from tests.checks.helpers import (
    CORRELATION_ID,
    REQUEST_ID,
    SUT,
    call,
    context,
    envelope,
    response,
    routing_back,
)

CHECKS = default_checks()


def test_tracing_ids_echoed_pass_and_missing_echo_fails() -> None:
    assert CHECKS.get("response_tracing")(context(), response(envelope([]))) == []
    [finding] = CHECKS.get("response_tracing")(
        context(),
        response(
            envelope([]),
            echo=False,
            headers=[*routing_back(), ("X-Correlation-ID", CORRELATION_ID)],
        ),
    )
    assert finding.req == "REQ-TF-020" and finding.pointer == "header:X-Request-ID"


def test_a_wrong_correlation_id_is_a_must_finding() -> None:
    headers = [*routing_back(), ("X-Request-ID", REQUEST_ID), ("X-Correlation-ID", "other")]
    [finding] = CHECKS.get("response_tracing")(
        context(), response(envelope([]), echo=False, headers=headers)
    )
    assert finding.req == "REQ-TF-021" and finding.level is Level.MUST


def test_2_1_1_has_no_tracing_headers() -> None:
    message = response(envelope([]), echo=False)
    assert CHECKS.get("response_tracing")(context(version=VersionNumber.V2_1_1), message) == []


def test_routing_headers_must_name_us_and_the_sut() -> None:
    check = CHECKS.get("routing_headers")
    assert check(context(module="locations"), response(envelope([]))) == []
    not_swapped = routing_back(to=SUT, sender=SUT)
    [finding] = check(context(module="locations"), response(envelope([]), headers=not_swapped))
    assert finding.req == "REQ-TF-045" and finding.level is Level.MUST


def test_missing_routing_headers_are_should_unless_required() -> None:
    check = CHECKS.get("routing_headers")
    message = response(envelope([]), headers=[])
    assert {f.level for f in check(context(module="tokens"), message)} == {Level.SHOULD}
    required = check(context(module="tokens", routing_required=True), message)
    assert {f.level for f in required} == {Level.MUST}
    assert check(context(module=None), message) == []  # unknown module: not judged


def test_routing_headers_on_versions_are_a_must_finding() -> None:
    [finding] = CHECKS.get("routing_headers")(context(module="versions"), response(envelope([])))
    assert finding.req == "REQ-TF-044"


def test_the_sut_must_present_our_token_base64_encoded_in_2_2_1() -> None:
    check = CHECKS.get("authorization_header")
    good = "Token " + base64.b64encode(b"tok-B").decode()
    ctx = context(expected_token="tok-B", direction="from_sut")
    assert check(ctx, call({}, headers=[("Authorization", good)])) == []
    [raw] = check(ctx, call({}, headers=[("Authorization", "Token tok-B")]))
    assert raw.req == "REQ-TF-002" and raw.level is Level.MUST
    lenient = check(
        context(expected_token="tok-B", strict=False),
        call({}, headers=[("authorization", "Token tok-B")]),
    )
    assert [f.level for f in lenient] == [Level.SHOULD]
    [wrong] = check(ctx, call({}, headers=[("Authorization", "Token " + "d3Jvbmc=")]))
    assert wrong.actual is None and "expected token" in wrong.message


def test_request_tracing_and_content_type_of_a_sut_request() -> None:
    message = call({"result": "ACCEPTED"}, headers=[("Content-Type", "text/plain")])
    [content] = CHECKS.get("request_content_type")(context(), message)
    assert content.req == "REQ-TF-007" and content.expected == "application/json"
    tracing = CHECKS.get("request_tracing")(context(), message)
    assert {f.req for f in tracing} == {"REQ-TF-019", "REQ-TF-021"}
    assert CHECKS.get("request_tracing")(context(), response(envelope([]))) == []
