from __future__ import annotations

import base64
from collections.abc import Sequence

import pytest

from harness.ocpi import (
    Level,
    Problem,
    TokenEncoding,
    authorization_header,
    candidate_tokens,
    check_authorization,
    decode_base64_token,
    encode_token,
    parse_authorization,
)

TOKENS = [
    "ebf3b399-779f-4497-9b9d-ac6ad3cc44d2",
    "example-token",
    "a",
    "!~",
    "IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM=",  # raw token that looks like Base64
    "dGVzdA==",  # raw token that IS Base64 (of "test")
    "x" * 64,
]
NON_ASCII = ["tökén", "€uro-123", "日本語トークン", "emoji-🔌"]


def codes(problems: Sequence[Problem]) -> list[str]:
    return [p.code for p in problems]


@pytest.mark.parametrize("token", TOKENS + NON_ASCII)
@pytest.mark.parametrize("version", ["2.2.1", "2.3.0"])
def test_base64_round_trip(token: str, version: str) -> None:
    encoded = encode_token(token, version)
    assert encoded == base64.b64encode(token.encode("utf-8")).decode("ascii")
    parsed = parse_authorization(authorization_header(token, version), version)
    assert parsed.token == token
    assert parsed.encoding is TokenEncoding.BASE64
    assert parsed.problems == ()
    assert candidate_tokens(authorization_header(token, version), version)[0] == token
    assert (
        check_authorization(authorization_header(token, version), version, expected_token=token)
        == []
    )


@pytest.mark.parametrize("token", TOKENS)
def test_raw_round_trip_in_2_1_1(token: str) -> None:
    assert encode_token(token, "2.1.1") == token
    header = authorization_header(token, "2.1.1")
    assert header == f"Token {token}"
    parsed = parse_authorization(header, "2.1.1")
    assert parsed.token == token
    assert parsed.encoding is TokenEncoding.RAW
    assert parsed.problems == ()
    assert candidate_tokens(header, "2.1.1")[0] == token
    assert check_authorization(header, "2.1.1", expected_token=token) == []


def test_a_raw_token_that_is_valid_base64_is_ambiguous_and_both_readings_are_offered() -> None:
    header = "Token dGVzdA=="
    old = parse_authorization(header, "2.1.1")
    assert (old.token, old.alternative) == ("dGVzdA==", "test")
    new = parse_authorization(header, "2.2.1")
    assert (new.token, new.alternative) == ("test", "dGVzdA==")
    assert candidate_tokens(header) == ("test", "dGVzdA==")
    assert candidate_tokens(header, "2.1.1") == ("dGVzdA==", "test")


def test_a_raw_token_that_decodes_to_binary_is_not_base64() -> None:
    raw = "IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM="
    assert decode_base64_token(raw) is None
    parsed = parse_authorization(f"Token {raw}", "2.1.1")
    assert parsed.alternative is None
    assert candidate_tokens(f"Token {raw}") == (raw,)


@pytest.mark.parametrize(
    "credential",
    [
        "abc",  # length not a multiple of 4
        "ab=c",  # padding in the middle
        "YWJj\n",  # whitespace
        "YWJjZA",  # missing padding
        "YWJjZB==",  # non-zero padding bits (not canonical)
        "YW Jj",
        "YWJj ZGVm",
        "LS0t-_8=",  # URL-safe alphabet is not RFC 4648 §4
        base64.b64encode(b"\xff\xfe\xfd").decode(),  # not UTF-8
        base64.b64encode(b"two words").decode(),  # decodes to whitespace
        base64.b64encode(b"tab\tbed").decode(),
        base64.b64encode(b"\x00\x01").decode(),  # control characters
        "",
    ],
)
def test_decode_base64_token_rejects_what_is_not_a_plausible_encoded_token(credential: str) -> None:
    assert decode_base64_token(credential) is None


def test_trailing_newline_from_echo_pipe_base64_is_removed_and_reported() -> None:
    header = "Token " + base64.b64encode(b"my-token\n").decode()
    strict = parse_authorization(header, "2.2.1")
    assert strict.token == "my-token"
    assert codes(strict.problems) == ["token_trailing_newline"]
    assert strict.problems[0].level is Level.MUST
    lenient = parse_authorization(header, "2.2.1", strict=False)
    assert lenient.problems[0].level is Level.SHOULD
    assert check_authorization(header, "2.2.1", expected_token="my-token", strict=False)[
        0
    ].code == ("token_trailing_newline")


def test_raw_token_in_2_2_is_must_when_strict_and_should_when_lenient() -> None:
    strict = parse_authorization("Token abc-123", "2.2.1")
    assert strict.token == "abc-123" and strict.encoding is TokenEncoding.RAW
    (problem,) = strict.problems
    assert (problem.code, problem.level, problem.req) == (
        "token_not_base64",
        Level.MUST,
        "REQ-TF-002",
    )
    (lenient,) = parse_authorization("Token abc-123", "2.2.1", strict=False).problems
    assert lenient.level is Level.SHOULD
    assert candidate_tokens("Token abc-123") == ("abc-123",)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "missing_authorization"),
        ("", "missing_authorization"),
        ("   ", "missing_authorization"),
        ("Bearer abc", "wrong_auth_scheme"),
        ("Basic YWJjOmRlZg==", "wrong_auth_scheme"),
        ("abc", "wrong_auth_scheme"),
        ("Tokenabc", "wrong_auth_scheme"),
        ("Token", "empty_token"),
        ("Token   ", "empty_token"),
    ],
)
@pytest.mark.parametrize("version", ["2.1.1", "2.2.1", "2.3.0"])
def test_headers_without_a_token(header: str | None, code: str, version: str) -> None:
    parsed = parse_authorization(header, version)
    assert parsed.token is None
    assert code in codes(parsed.problems)
    assert candidate_tokens(header, version) == ()
    assert code in codes(check_authorization(header, version, expected_token="abc"))


def test_scheme_case_and_spacing_are_read_and_reported() -> None:
    header = "token  " + encode_token("abc", "2.2.1")
    parsed = parse_authorization(header, "2.2.1")
    assert parsed.token == "abc"
    assert codes(parsed.problems) == ["auth_scheme_case", "auth_separator"]
    tab = parse_authorization("Token\t" + encode_token("abc", "2.2.1"), "2.2.1", strict=False)
    assert tab.token == "abc"
    assert [(p.code, p.level) for p in tab.problems] == [("auth_separator", Level.SHOULD)]


def test_non_ascii_raw_token_in_2_1_1_is_reported() -> None:
    parsed = parse_authorization("Token tökén", "2.1.1")
    assert parsed.token == "tökén"
    assert codes(parsed.problems) == ["token_not_printable_ascii"]


def test_check_authorization_detects_the_wrong_encoding_exactly() -> None:
    token = "ebf3b399-779f-4497-9b9d-ac6ad3cc44d2"
    raw_in_221 = check_authorization(f"Token {token}", "2.2.1", expected_token=token)
    assert [(p.code, p.level) for p in raw_in_221] == [("token_not_base64", Level.MUST)]
    lenient = check_authorization(f"Token {token}", "2.2.1", expected_token=token, strict=False)
    assert [(p.code, p.level) for p in lenient] == [("token_not_base64", Level.SHOULD)]
    encoded_in_211 = check_authorization(
        authorization_header(token, "2.2.1"), "2.1.1", expected_token=token
    )
    assert [(p.code, p.req) for p in encoded_in_211] == [("token_base64_in_2_1_1", "REQ-211-001")]


def test_check_authorization_wrong_token_is_always_must() -> None:
    for version in ("2.1.1", "2.2.1"):
        header = authorization_header("other", version)
        problems = check_authorization(header, version, expected_token="mine", strict=False)
        assert [(p.code, p.level) for p in problems] == [("wrong_token", Level.MUST)]


def test_check_authorization_of_a_raw_token_that_looks_like_base64() -> None:
    # In 2.1.1 a raw "dGVzdA==" is exactly right, even though it decodes to "test".
    assert check_authorization("Token dGVzdA==", "2.1.1", expected_token="dGVzdA==") == []
    # In 2.2.1 the same header carries the token "test".
    assert check_authorization("Token dGVzdA==", "2.2.1", expected_token="test") == []
    problems = check_authorization("Token dGVzdA==", "2.2.1", expected_token="dGVzdA==")
    assert [p.code for p in problems] == ["token_not_base64"]


@pytest.mark.parametrize(
    "header",
    [
        "Token \x00",
        "Token \r\nX-Evil: 1",
        "\x0bToken abc",
        "Token ====",
        "Token " + "A" * 10_000,
        "🔌",
    ],
)
def test_garbage_headers_never_raise(header: str) -> None:
    for version in ("2.1.1", "2.2.1", "2.3.0"):
        parse_authorization(header, version)
        candidate_tokens(header, version)
        check_authorization(header, version, expected_token="abc")
