from __future__ import annotations

import random
import re
import uuid

import httpx

from harness.ocpi import (
    CORRELATION_ID_HEADER,
    REQUEST_ID_HEADER,
    Level,
    Problem,
    RoutingHeaders,
    check_request_ids_unique,
    check_request_tracing,
    check_response_tracing,
    check_routing_headers,
    header_value,
    header_values,
    new_request_id,
    tracing_headers,
)

UUID_A = "8c0a9cb2-6b8d-4b1a-9d7e-2f1c4a9b3e10"
UUID_B = "0f6c6c2e-2a43-4a8f-b3a8-2c9b9c1d7e55"


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


# -- lookup ---------------------------------------------------------------------------------------


def test_header_lookup_is_case_insensitive_for_every_source() -> None:
    pairs = [("x-request-id", "a"), ("X-REQUEST-ID", "b"), ("Other", "c")]
    assert header_values(pairs, "X-Request-ID") == ("a", "b")
    assert header_value(pairs, "x-Request-Id") == "a, b"
    assert header_value({"OCPI-TO-PARTY-ID": "TNM"}, "OCPI-to-party-id") == "TNM"
    assert (
        header_value(httpx.Headers({"ocpi-from-country-code": "NL"}), "OCPI-from-country-code")
        == "NL"
    )
    assert header_value({}, "X-Limit") is None


# -- tracing --------------------------------------------------------------------------------------


def test_request_ids_are_uuid4_shaped_and_reproducible_from_the_seed() -> None:
    first = [new_request_id(random.Random(7)) for _ in range(2)]
    assert first[0] == first[1]
    rng = random.Random(7)
    ids = [new_request_id(rng) for _ in range(50)]
    assert len(set(ids)) == 50
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and str(parsed) == value
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value
        )


def test_tracing_headers_keep_a_given_correlation_id() -> None:
    fresh = tracing_headers(random.Random(1))
    assert fresh[REQUEST_ID_HEADER] == fresh[CORRELATION_ID_HEADER]
    forwarded = tracing_headers(random.Random(2), correlation_id=UUID_A)
    assert forwarded[CORRELATION_ID_HEADER] == UUID_A
    assert forwarded[REQUEST_ID_HEADER] != UUID_A


def test_request_tracing_checks() -> None:
    assert (
        check_request_tracing({"x-request-id": UUID_A, "X-CORRELATION-ID": UUID_B}, "2.2.1") == []
    )
    missing = check_request_tracing({}, "2.3.0")
    assert codes(missing) == ["missing_request_id", "missing_correlation_id"]
    assert [p.req for p in missing] == ["REQ-TF-019", "REQ-TF-021"]
    not_uuid = check_request_tracing({REQUEST_ID_HEADER: "42", CORRELATION_ID_HEADER: " "}, "2.2.1")
    assert [(p.code, p.level) for p in not_uuid] == [
        ("request_id_not_uuid", Level.SHOULD),
        ("missing_correlation_id", Level.MUST),
    ]
    assert check_request_tracing({}, "2.1.1") == []  # REQ-211-003


def test_response_tracing_echo() -> None:
    request = {REQUEST_ID_HEADER: UUID_A, CORRELATION_ID_HEADER: UUID_B}
    assert (
        check_response_tracing(
            request, {"X-Request-Id": UUID_A, "x-correlation-id": UUID_B}, "2.2.1"
        )
        == []
    )
    not_echoed = check_response_tracing(request, {}, "2.2.1")
    assert codes(not_echoed) == ["request_id_not_echoed", "correlation_id_not_echoed"]
    swapped = check_response_tracing(
        request, {REQUEST_ID_HEADER: UUID_B, CORRELATION_ID_HEADER: UUID_A}, "2.3.0"
    )
    assert [(p.code, p.level) for p in swapped] == [
        ("request_id_mismatch", Level.MUST),
        ("correlation_id_mismatch", Level.MUST),
    ]
    upper = check_response_tracing(
        request, {REQUEST_ID_HEADER: UUID_A.upper(), CORRELATION_ID_HEADER: UUID_B}, "2.2.1"
    )
    assert [(p.code, p.level) for p in upper] == [("request_id_mismatch", Level.SHOULD)]
    assert check_response_tracing(request, {}, "2.1.1") == []
    assert check_response_tracing({}, {}, "2.2.1") == []


def test_request_ids_must_be_unique() -> None:
    assert check_request_ids_unique([UUID_A, UUID_B]) == []
    assert codes(check_request_ids_unique([UUID_A, UUID_B, UUID_A])) == ["request_id_reused"]


# -- routing --------------------------------------------------------------------------------------

REQUEST = RoutingHeaders.for_request(
    from_country_code="NL", from_party_id="EMS", to_country_code="DE", to_party_id="CPO"
)


def test_routing_headers_round_trip_and_swap() -> None:
    headers = REQUEST.to_headers()
    assert headers == {
        "OCPI-to-country-code": "DE",
        "OCPI-to-party-id": "CPO",
        "OCPI-from-country-code": "NL",
        "OCPI-from-party-id": "EMS",
    }
    lowered = {name.lower(): value for name, value in headers.items()}
    assert RoutingHeaders.from_headers(lowered) == REQUEST
    response = REQUEST.swapped()
    assert (response.to_country_code, response.to_party_id) == ("NL", "EMS")
    assert (response.from_country_code, response.from_party_id) == ("DE", "CPO")
    assert response.swapped() == REQUEST


def test_open_routing_request_has_no_to_headers() -> None:
    open_request = RoutingHeaders.for_request(from_country_code="NL", from_party_id="EMS")
    assert set(open_request.to_headers()) == {"OCPI-from-country-code", "OCPI-from-party-id"}
    assert RoutingHeaders().is_empty and not open_request.is_empty


def test_matches_compares_case_insensitively() -> None:
    lower = RoutingHeaders("de", "cpo", "nl", "ems")
    assert lower.matches(REQUEST) and lower != REQUEST
    assert not RoutingHeaders("DE", "CPX", "NL", "EMS").matches(REQUEST)


def test_blank_values_read_as_absent() -> None:
    parsed = RoutingHeaders.from_headers({"OCPI-to-party-id": "  ", "OCPI-from-party-id": " EMS "})
    assert parsed.to_party_id is None and parsed.from_party_id == "EMS"


def test_a_correct_exchange_has_no_routing_problems() -> None:
    request = REQUEST.to_headers()
    assert (
        check_routing_headers(
            request, version="2.2.1", module="tokens", response=False, expected=REQUEST
        )
        == []
    )
    response = REQUEST.swapped().to_headers()
    problems = check_routing_headers(
        response, version="2.3.0", module="tokens", response=True, expected=REQUEST.swapped()
    )
    assert problems == []


def test_reversed_response_headers_are_a_mismatch() -> None:
    problems = check_routing_headers(
        REQUEST.to_headers(),
        version="2.2.1",
        module="commands",
        response=True,
        expected=REQUEST.swapped(),
    )
    assert set(codes(problems)) == {"routing_header_mismatch"}
    assert len(problems) == 4 and all(p.req == "REQ-TF-045" for p in problems)


def test_routing_headers_on_configuration_modules() -> None:
    for module in ("credentials", "versions", "hubclientinfo"):
        (problem,) = check_routing_headers(
            REQUEST.to_headers(), version="2.2.1", module=module, response=False
        )
        assert (problem.code, problem.req, problem.level) == (
            "routing_headers_on_configuration_module",
            "REQ-TF-044",
            Level.MUST,
        )
        assert check_routing_headers({}, version="2.2.1", module=module, response=False) == []


def test_routing_headers_in_2_1_1_are_only_info() -> None:
    (problem,) = check_routing_headers(
        REQUEST.to_headers(), version="2.1.1", module="tokens", response=False
    )
    assert (problem.code, problem.level) == ("routing_headers_in_2_1_1", Level.INFO)
    assert check_routing_headers({}, version="2.1.1", module="tokens", response=True) == []


def test_missing_routing_headers_depend_on_side_and_profile() -> None:
    request = check_routing_headers({}, version="2.2.1", module="locations", response=False)
    assert [(p.code, p.level) for p in request] == [
        ("missing_routing_to", Level.INFO),  # open routing
        ("missing_routing_from", Level.SHOULD),
    ]
    response = check_routing_headers({}, version="2.2.1", module="locations", response=True)
    assert [(p.code, p.level) for p in response] == [
        ("missing_routing_to", Level.SHOULD),
        ("missing_routing_from", Level.SHOULD),
    ]
    hub = check_routing_headers(
        {}, version="2.2.1", module="locations", response=False, required=True
    )
    assert [p.level for p in hub] == [Level.MUST, Level.MUST]


def test_invalid_incomplete_and_lowercase_values() -> None:
    headers = {
        "OCPI-to-country-code": "DEU",
        "OCPI-to-party-id": "CPO",
        "OCPI-from-party-id": "ems",
    }
    problems = check_routing_headers(headers, version="2.2.1", module="sessions", response=False)
    assert [(p.code, p.header, p.level) for p in problems] == [
        ("routing_header_invalid", "OCPI-to-country-code", Level.MUST),
        ("routing_header_lowercase", "OCPI-from-party-id", Level.INFO),
        ("routing_header_incomplete", "OCPI-from-country-code", Level.MUST),
    ]
    bad_chars = check_routing_headers(
        {"OCPI-from-country-code": "N L", "OCPI-from-party-id": "É"},
        version="2.2.1",
        module="sessions",
        response=False,
    )
    assert codes(bad_chars)[:2] == ["routing_header_invalid", "routing_header_invalid"]


def test_custom_modules_are_not_checked() -> None:
    assert check_routing_headers({}, version="2.3.0", module="nltnm-tokens", response=False) == []
