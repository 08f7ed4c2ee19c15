"""The credentials handshake, seen from both sides (``credentials`` §Registration, §POST, §PUT,
§DELETE, §Updating to a newer version).

:func:`handshake_findings` reads every exchange of one handshake the harness's partner took
part in, in the order they completed (``from_sut``: the SUT called the partner; ``to_sut``:
the partner called the SUT), and reports what the SUT did wrong:

* the SUT as the server of a POST/PUT: before answering it reads the client's versions and
  version details with the token the client just sent (REQ-CRED-004 / REQ-CRED-012), the
  details of the version whose credentials endpoint was called (REQ-CRED-025), and answers with
  a new token (REQ-CRED-005 / REQ-CRED-013);
* the SUT as the registrant: it reads the partner's versions and details with token A before
  it POSTs (REQ-CRED-002), and POSTs a fresh token B with its own versions URL and roles, with
  token A (REQ-CRED-003).

``registration_token`` is a message check a suite requests on a SUT's call after a handshake:
the call carries the token of the current registration (``args.req`` names the rule:
REQ-CRED-006 for the server's token B, REQ-CRED-007 for the registrant's token C).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness.checks.base import CheckContext, FunctionCheck, Message
from harness.ocpi.authorization import AUTHORIZATION_HEADER, candidate_tokens
from harness.ocpi.headers import header_value
from harness.ocpi.problems import Level
from harness.ocpi.versions import VersionNumber
from harness.results import Exchange, Finding

__all__ = ["REGISTRATION_TOKEN", "Handshake", "handshake_findings"]

CHECK = "credentials_handshake"

_SERVER_REQS = {
    "register": ("REQ-CRED-004", "REQ-CRED-005"),
    "update": ("REQ-CRED-012", "REQ-CRED-013"),
}


@dataclass(frozen=True, slots=True)
class Handshake:
    """What the harness knows about one handshake.

    ``action``: ``register`` / ``update`` (the partner is the client, the SUT the server) or
    ``await`` (the SUT registered with the partner). ``sent_token``: the token the partner sent
    in its credentials (token B); ``version``: the version of the handshake; ``old_tokens``:
    tokens the SUT's new token must differ from; ``token_a``: the token A of the side that
    served the handshake; ``sut_versions_url``: the SUT's versions URL (``await``).
    """

    action: str
    version: VersionNumber
    sent_token: str | None = None
    old_tokens: Collection[str] = ()
    token_a: str | None = None
    sut_versions_url: str | None = None
    switch: bool = False


def _tokens(exchange: Exchange, version: VersionNumber) -> tuple[str, ...]:
    return candidate_tokens(header_value(exchange.request_headers, AUTHORIZATION_HEADER), version)


def _is_versions(exchange: Exchange) -> bool:
    return urlsplit(exchange.url).path.rstrip("/").endswith("/versions")


def _is_details(exchange: Exchange, version: VersionNumber | None) -> bool:
    last = urlsplit(exchange.url).path.rstrip("/").rsplit("/", 1)[-1]
    if version is not None:
        return last == version.value
    return last[:1].isdigit() and "." in last


def _json(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _finding(
    req: str,
    message: str,
    index: int | None,
    *,
    pointer: str | None = None,
    expected: str | None = None,
    actual: str | None = None,
) -> Finding:
    return Finding(
        check=CHECK,
        level=Level.MUST,
        message=message,
        req=req,
        pointer=pointer,
        expected=expected,
        actual=actual,
        exchange=index,
    )


def handshake_findings(
    shake: Handshake, exchanges: Sequence[tuple[int, Exchange]]
) -> list[Finding]:
    """The SUT's mistakes in one handshake (see the module docstring)."""
    if shake.action in _SERVER_REQS:
        return _as_server(shake, exchanges)
    if shake.action == "await":
        return _as_registrant(shake, exchanges)
    return []


def _as_server(shake: Handshake, exchanges: Sequence[tuple[int, Exchange]]) -> list[Finding]:
    fetch_req, token_req = _SERVER_REQS[shake.action]
    method = "POST" if shake.action == "register" else "PUT"
    answer = next(
        (
            (i, x)
            for i, x in reversed(exchanges)
            if x.direction == "to_sut" and x.method == method and not _is_versions(x)
        ),
        None,
    )
    if answer is None:
        return [_finding(token_req, f"the partner's credentials {method} was not recorded", None)]
    position = exchanges.index(answer)
    before = [(i, x) for i, x in exchanges[:position] if x.direction == "from_sut"]
    out: list[Finding] = []
    index = answer[0]
    sent = shake.sent_token
    for what, pick in (
        ("versions", _is_versions),
        ("version details", lambda x: _is_details(x, None)),
    ):
        calls = [(i, x) for i, x in before if x.method == "GET" and pick(x)]
        if not calls:
            out.append(
                _finding(
                    fetch_req,
                    f"the SUT answered the {method} without reading the client's {what} first",
                    index,
                    expected=f"GET of our {what} before the answer",
                    actual="none",
                )
            )
            continue
        if sent is not None and not any(sent in _tokens(x, shake.version) for _, x in calls):
            out.append(
                _finding(
                    "REQ-CRED-004" if method == "POST" else "REQ-CRED-012",
                    f"the SUT read our {what} with another token than the one in the {method} "
                    "(the new token B)",
                    calls[0][0],
                    expected="the token of the credentials just sent",
                    actual="another token",
                )
            )
    details = [(i, x) for i, x in before if x.method == "GET" and _is_details(x, None)]
    if shake.switch and details and not any(_is_details(x, shake.version) for _, x in details):
        path = urlsplit(details[-1][1].url).path
        out.append(
            _finding(
                "REQ-CRED-025",
                f"the SUT did not switch to OCPI {shake.version}: it read the details at {path}",
                details[-1][0],
                expected=f"GET of our {shake.version} version details",
                actual=path,
            )
        )
    envelope = _json(answer[1].response_body)
    data = envelope.get("data") if isinstance(envelope, dict) else None
    token = data.get("token") if isinstance(data, dict) else None
    if isinstance(token, str) and (token == sent or token in shake.old_tokens):
        reused = "the token we sent" if token == sent else "a token issued before"
        out.append(
            _finding(
                token_req,
                f"the SUT did not issue a new token: its answer to the {method} carries {reused}",
                index,
                pointer="/data/token",
                expected="a new token",
                actual=reused,
            )
        )
    return out


def _as_registrant(shake: Handshake, exchanges: Sequence[tuple[int, Exchange]]) -> list[Finding]:
    calls = [(i, x) for i, x in exchanges if x.direction == "from_sut"]
    post = next(((i, x) for i, x in calls if x.method == "POST"), None)
    if post is None:
        return [_finding("REQ-CRED-003", "the SUT did not POST its credentials", None)]
    before = calls[: calls.index(post)]
    out: list[Finding] = []
    token_a = shake.token_a

    def details(x: Exchange) -> bool:
        return _is_details(x, shake.version)

    for what, pick in (("versions", _is_versions), ("version details", details)):
        found = [(i, x) for i, x in before if x.method == "GET" and pick(x)]
        if not found:
            out.append(
                _finding(
                    "REQ-CRED-002",
                    f"the SUT POSTed its credentials without reading our {what} first",
                    post[0],
                    expected=f"GET of our {what} before the POST",
                    actual="none",
                )
            )
        elif token_a is not None and not any(
            token_a in _tokens(x, shake.version) for _, x in found
        ):
            out.append(
                _finding("REQ-CRED-002", f"the SUT read our {what} without token A", found[0][0])
            )
    if token_a is not None and token_a not in _tokens(post[1], shake.version):
        out.append(_finding("REQ-CRED-002", "the SUT's POST does not carry token A", post[0]))
    body = _json(post[1].request_body)
    body = body if isinstance(body, dict) else {}
    token = body.get("token")
    if not isinstance(token, str) or token == token_a or token in shake.old_tokens:
        out.append(
            _finding(
                "REQ-CRED-003",
                "the SUT's token B is not a fresh token (token A or a token of an earlier "
                "registration)",
                post[0],
                pointer="/token",
                expected="a newly generated token",
                actual="a token used before" if isinstance(token, str) else "no token",
            )
        )
    if shake.sut_versions_url is not None and body.get("url") != shake.sut_versions_url:
        out.append(
            _finding(
                "REQ-CRED-003",
                "the SUT's credentials do not name its own versions URL",
                post[0],
                pointer="/url",
                expected=shake.sut_versions_url,
                actual=str(body.get("url")),
            )
        )
    if shake.version is not VersionNumber.V2_1_1 and not body.get("roles"):
        out.append(_finding("REQ-CRED-003", "the SUT's credentials list no roles", post[0]))
    return out


def _registration_token(ctx: CheckContext, message: Message) -> list[Finding]:
    if message.is_response or ctx.expected_token is None:
        return []
    if ctx.expected_token in _tokens(message.exchange, ctx.version):
        return []
    req = str(ctx.args.get("req", "REQ-CRED-007"))
    return [
        Finding(
            check="registration_token",
            level=Level.MUST,
            message="the SUT's request does not carry the token of the current registration",
            req=req,
            exchange=message.index,
            expected="the token the partner issued (or sent) in the latest handshake",
            actual="another token",
        )
    ]


REGISTRATION_TOKEN = FunctionCheck(
    "registration_token",
    "message",
    _registration_token,
    "a request from the SUT carries the token of the latest credentials handshake "
    "(REQ-CRED-006/-007; requested by suites)",
    default=False,
)
