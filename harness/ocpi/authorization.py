"""The ``Authorization: Token ...`` header: encoding per version and tolerant decoding.

Sources: ``transport_and_format`` §Authorization header (2.2.1/2.3.0: "Token", one space, then
Base64 per RFC 4648 §4 of the UTF-8 bytes of the credentials token; the note that many 2.1.1 and
2.2 implementations send the raw token) and 2.1.1 §Request format (raw token of printable
non-whitespace ASCII). Requirements REQ-TF-001/002/006, REQ-211-001; AMB-28; pitfall 1.

How a header value is read (the detection rule):

1. The value must be ``Token`` + one space + a non-empty credential. A different case of
   ``Token``, tabs or several spaces are read anyway and reported.
2. The credential "is Base64" when it is canonical RFC 4648 §4 Base64 (standard alphabet,
   padding, no whitespace, re-encodes to itself), decodes to UTF-8, and the text is a plausible
   credentials token: non-empty, printable, without whitespace. A single trailing newline in the
   decoded text (``echo token | base64``; both examples in the 2.2.1 text carry one) is removed
   and reported.
3. For 2.2.1/2.3.0 a credential that is Base64 is decoded; one that is not is taken raw, with a
   problem (MUST when strict, SHOULD when lenient). For 2.1.1 the credential is always taken raw.
4. Both readings are plausible when a credential is Base64 by rule 2: a raw token can happen to
   look like Base64 of something printable. The reading the version does not prefer is kept in
   :attr:`AuthorizationParse.alternative`, and :func:`candidate_tokens` returns both, so a server
   looks each up among the tokens it issued. When the expected token is known,
   :func:`check_authorization` compares exactly and needs no guessing.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from enum import StrEnum, unique

from harness.ocpi.problems import Level, Problem, tolerated
from harness.ocpi.versions import VersionNumber, require_version, traits

AUTHORIZATION_HEADER = "Authorization"
SCHEME = "Token"

_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", re.ASCII)
_HEADER = re.compile(r"(?P<scheme>\S+)(?P<space>\s*)(?P<credential>.*)", re.DOTALL)


@unique
class TokenEncoding(StrEnum):
    """How the credential in the header was written."""

    BASE64 = "base64"
    RAW = "raw"


def encode_token(token: str, version: VersionNumber | str) -> str:
    """The credential part of the header for ``token``: raw in 2.1.1, Base64 of UTF-8 from 2.2."""
    if not traits(version).base64_token:
        return token
    return base64.b64encode(token.encode("utf-8")).decode("ascii")


def authorization_header(token: str, version: VersionNumber | str) -> str:
    """The full header value, ``"Token " + encode_token(token, version)``."""
    return f"{SCHEME} {encode_token(token, version)}"


def is_printable_token(text: str) -> bool:
    """Printable and without whitespace: what a decoded credential must look like."""
    return text != "" and text.isprintable() and not any(ch.isspace() for ch in text)


def is_ascii_token(text: str) -> bool:
    """Only U+0021..U+007E, as ``credentials`` §Credentials object asks of every token."""
    return text != "" and all("!" <= ch <= "~" for ch in text)


def decode_base64_token(credential: str) -> tuple[str, bool] | None:
    """Decode ``credential`` by rule 2 of the module docstring.

    Returns the decoded token and whether a trailing newline was removed, or None when the
    credential is not Base64 of a plausible token.
    """
    if not credential or _BASE64.fullmatch(credential) is None:
        return None
    try:
        raw = base64.b64decode(credential, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if base64.b64encode(raw).decode("ascii") != credential:
        return None  # non-zero padding bits: not the canonical encoding of these bytes
    newline = False
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            text, newline = text[: -len(ending)], True
            break
    if not is_printable_token(text):
        return None
    return text, newline


@dataclass(frozen=True, slots=True)
class AuthorizationParse:
    """The reading of one Authorization header value."""

    token: str | None
    """The credentials token under the version's reading; None when there is none to read."""
    encoding: TokenEncoding | None
    credential: str | None = None
    """The text after the scheme, as sent."""
    alternative: str | None = None
    """The other plausible reading of the credential, if there is one (rule 4)."""
    problems: tuple[Problem, ...] = ()


def _problem(code: str, message: str, req: str, level: Level) -> Problem:
    return Problem(code, message, req, level, header=AUTHORIZATION_HEADER)


def parse_authorization(
    header_value: str | None, version: VersionNumber | str, *, strict: bool = True
) -> AuthorizationParse:
    """Read an Authorization header value by the rules in the module docstring. Never raises."""
    v = require_version(version)
    base64_expected = traits(v).base64_token
    format_req = "REQ-TF-002" if base64_expected else "REQ-211-001"
    if header_value is None or header_value.strip() == "":
        problem = _problem(
            "missing_authorization",
            "the request has no Authorization header",
            "REQ-TF-001",
            Level.MUST,
        )
        return AuthorizationParse(None, None, problems=(problem,))
    match = _HEADER.fullmatch(header_value.strip())
    scheme, space, credential = (
        match.group("scheme", "space", "credential") if match else ("", "", "")
    )
    problems: list[Problem] = []
    if scheme.lower() != SCHEME.lower():
        problem = _problem(
            "wrong_auth_scheme",
            f"the Authorization header must use the scheme 'Token', not {scheme!r}",
            format_req,
            Level.MUST,
        )
        return AuthorizationParse(None, None, problems=(problem,))
    if scheme != SCHEME:
        problems.append(
            _problem(
                "auth_scheme_case",
                f"the scheme is spelled {scheme!r}; the spec writes 'Token'",
                format_req,
                Level.SHOULD,
            )
        )
    if credential == "":
        problems.append(
            _problem("empty_token", "the Authorization header has no token", format_req, Level.MUST)
        )
        return AuthorizationParse(None, None, problems=tuple(problems))
    if space != " ":
        problems.append(
            _problem(
                "auth_separator",
                f"'Token' must be followed by exactly one space, got {space!r}",
                format_req,
                tolerated(strict),
            )
        )
    decoded = decode_base64_token(credential)
    if base64_expected and decoded is not None:
        token, newline = decoded
        if newline:
            problems.append(
                _problem(
                    "token_trailing_newline",
                    "the Base64 credential encodes a trailing newline after the token",
                    "REQ-TF-002",
                    tolerated(strict),
                )
            )
        return AuthorizationParse(
            token, TokenEncoding.BASE64, credential, credential, tuple(problems)
        )
    if base64_expected:
        problems.append(
            _problem(
                "token_not_base64",
                f"OCPI {v} requires the token Base64-encoded; this looks like a raw token",
                "REQ-TF-002",
                tolerated(strict),
            )
        )
    elif not is_ascii_token(credential):
        problems.append(
            _problem(
                "token_not_printable_ascii",
                "a 2.1.1 token must consist of printable, non-whitespace ASCII characters",
                "REQ-211-001",
                Level.MUST,
            )
        )
    alternative = decoded[0] if decoded is not None else None
    return AuthorizationParse(
        credential, TokenEncoding.RAW, credential, alternative, tuple(problems)
    )


def candidate_tokens(
    header_value: str | None, version: VersionNumber | str | None = None
) -> tuple[str, ...]:
    """Every plausible credentials token in ``header_value``, the likelier first.

    A server looks each up among the tokens it issued (AMB-28: accept both encodings). With
    ``version`` the version's reading comes first; without it, Base64 is tried first (as the
    official ocpi-tool does). Empty when there is no token at all.
    """
    v = VersionNumber.V2_2_1 if version is None else require_version(version)
    parsed = parse_authorization(header_value, v, strict=False)
    found = [t for t in (parsed.token, parsed.alternative) if t is not None]
    return tuple(dict.fromkeys(found))


def check_authorization(
    header_value: str | None,
    version: VersionNumber | str,
    *,
    expected_token: str,
    strict: bool = True,
) -> list[Problem]:
    """Check the header a partner sent against the token it was given. Never raises.

    Exact where :func:`parse_authorization` has to guess: in 2.1.1 the credential must be the raw
    token, from 2.2 its Base64. The other encoding of the right token gives
    ``token_base64_in_2_1_1`` or ``token_not_base64`` (MUST when strict, SHOULD when lenient),
    anything else is
    ``wrong_token``. Format problems (scheme, spacing) come from :func:`parse_authorization`.
    """
    v = require_version(version)
    parsed = parse_authorization(header_value, v, strict=strict)
    format_problems = [p for p in parsed.problems if p.code != "token_not_base64"]
    credential = parsed.credential
    if parsed.token is None or credential is None:
        return format_problems
    right = encode_token(expected_token, v)
    if credential == right:
        return format_problems
    if traits(v).base64_token:
        if credential == expected_token:
            code, message = "token_not_base64", f"OCPI {v} needs the token Base64-encoded"
        elif parsed.token == expected_token:
            return format_problems  # right token, e.g. with a trailing newline (reported)
        else:
            code, message = "wrong_token", "the header does not carry the expected token"
    elif credential == encode_token(expected_token, VersionNumber.V2_2_1):
        code, message = "token_base64_in_2_1_1", "OCPI 2.1.1 sends the token raw, not Base64"
    else:
        code, message = "wrong_token", "the header does not carry the expected token"
    level = Level.MUST if code == "wrong_token" else tolerated(strict)
    req = "REQ-211-001" if v is VersionNumber.V2_1_1 else "REQ-TF-002"
    return [*format_problems, _problem(code, message, req, level)]
