"""The credentials handshake seen from both sides (handshake_findings) and the
registration_token check."""

from __future__ import annotations

import json
from typing import Any

from harness.checks import CheckContext, Handshake, Message, default_checks, handshake_findings
from harness.ocpi import VersionNumber
from harness.ocpi.authorization import authorization_header
from harness.results import Exchange
from tests.checks.helpers import AT

V = VersionNumber.V2_2_1
US = "https://us.example/ocpi/emsp"
SUT = "https://sut.example/ocpi/cpo"


def x(
    direction: str,
    method: str,
    url: str,
    token: str | None,
    *,
    body: Any = None,
    answer: Any = None,
    version: VersionNumber = V,
) -> Exchange:
    headers = (("Authorization", authorization_header(token, version)),) if token else ()
    return Exchange(
        method,
        url,
        headers,
        json.dumps(body) if body is not None else None,
        200,
        (),
        json.dumps({"status_code": 1000, "data": answer}) if answer is not None else None,
        0.0,
        AT,
        direction,  # type: ignore[arg-type]
    )


def server_shake(token_b: str = "B2", answer_token: str = "C2", *, fetch: bool = True,
                 fetch_token: str | None = None, details_version: str = "2.2.1",
                 method: str = "PUT") -> list[tuple[int, Exchange]]:  # fmt: skip
    items = [
        x("to_sut", "GET", f"{SUT}/versions", "C1"),
        x("to_sut", "GET", f"{SUT}/2.2.1", "C1"),
    ]
    if fetch:
        items += [
            x("from_sut", "GET", f"{US}/versions", fetch_token or token_b),
            x("from_sut", "GET", f"{US}/{details_version}", fetch_token or token_b),
        ]
    items.append(
        x(
            "to_sut",
            method,
            f"{SUT}/2.2.1/credentials",
            "C1",
            body={"token": token_b},
            answer={"token": answer_token, "url": f"{SUT}/versions", "roles": []},
        )
    )
    return list(enumerate(items))


def checks(findings: list[Any]) -> set[tuple[str, str | None]]:
    return {(f.check, f.req) for f in findings}


def test_a_correct_put_handshake_has_no_findings() -> None:
    shake = Handshake("update", V, sent_token="B2", old_tokens={"C1", "B1"})
    assert handshake_findings(shake, server_shake()) == []


def test_a_server_that_answers_before_reading_our_endpoints() -> None:
    shake = Handshake("update", V, sent_token="B2", old_tokens={"C1"})
    found = handshake_findings(shake, server_shake(fetch=False))
    assert checks(found) == {("credentials_handshake", "REQ-CRED-012")}
    assert len(found) == 2  # versions and details
    assert all(f.exchange == 2 for f in found)  # the PUT's answer


def test_a_post_read_with_another_token_than_token_b() -> None:
    shake = Handshake("register", V, sent_token="B2", old_tokens={"C1"})
    found = handshake_findings(shake, server_shake(fetch_token="A", method="POST"))
    assert checks(found) == {("credentials_handshake", "REQ-CRED-004")}


def test_calls_after_the_answer_do_not_count_as_reading_before_it() -> None:
    shake = Handshake("register", V, sent_token="B2")
    items = [e for _, e in server_shake(method="POST")]
    items = [items[0], items[1], items[4], items[2], items[3]]  # the GETs completed later
    found = handshake_findings(shake, list(enumerate(items)))
    assert checks(found) == {("credentials_handshake", "REQ-CRED-004")}


def test_a_token_that_is_not_new() -> None:
    shake = Handshake("register", V, sent_token="B2", old_tokens={"C1"})
    found = handshake_findings(shake, server_shake(answer_token="B2", method="POST"))
    assert checks(found) == {("credentials_handshake", "REQ-CRED-005")}
    shake = Handshake("update", V, sent_token="B2", old_tokens={"C1"})
    found = handshake_findings(shake, server_shake(answer_token="C1"))
    assert checks(found) == {("credentials_handshake", "REQ-CRED-013")}
    assert found[0].pointer == "/data/token"


def test_a_version_switch_reads_the_details_of_the_target_version() -> None:
    shake = Handshake("update", VersionNumber.V2_1_1, sent_token="B2", switch=True)
    items = server_shake(details_version="2.2.1")
    # a 2.1.1 server reads tokens raw: the test encodes them as 2.2.1 did, so only the version
    # of the details URL matters here
    found = [f for f in handshake_findings(shake, items) if f.req == "REQ-CRED-025"]
    assert len(found) == 1
    assert "2.1.1" in found[0].message
    ok = handshake_findings(
        Handshake("update", V, sent_token="B2", switch=True), server_shake(details_version="2.2.1")
    )
    assert ok == []


def registrant_shake(
    *,
    versions: bool = True,
    token_b: str = "B9",
    url: str = f"{SUT}/versions",
    roles: bool = True,
    post_token: str = "A",
) -> list[tuple[int, Exchange]]:
    items = []
    if versions:
        items.append(x("from_sut", "GET", f"{US}/versions", "A"))
    items.append(x("from_sut", "GET", f"{US}/2.2.1", "A"))
    items.append(x("to_sut", "GET", f"{SUT}/versions", token_b))
    body: dict[str, Any] = {"token": token_b, "url": url}
    if roles:
        body["roles"] = [{"role": "CPO", "party_id": "CPO", "country_code": "NL"}]
    items.append(x("from_sut", "POST", f"{US}/2.2.1/credentials", post_token, body=body))
    return list(enumerate(items))


def test_a_correct_registrant() -> None:
    shake = Handshake(
        "await", V, token_a="A", old_tokens={"C1"}, sut_versions_url=f"{SUT}/versions"
    )
    assert handshake_findings(shake, registrant_shake()) == []


def test_registrant_mistakes() -> None:
    shake = Handshake(
        "await", V, token_a="A", old_tokens={"C1"}, sut_versions_url=f"{SUT}/versions"
    )
    assert checks(handshake_findings(shake, registrant_shake(versions=False))) == {
        ("credentials_handshake", "REQ-CRED-002")
    }
    assert checks(handshake_findings(shake, registrant_shake(post_token="C1"))) == {
        ("credentials_handshake", "REQ-CRED-002")
    }
    for broken in (
        registrant_shake(token_b="C1"),
        registrant_shake(token_b="A"),
        registrant_shake(url="https://elsewhere.example/versions"),
        registrant_shake(roles=False),
    ):
        assert checks(handshake_findings(shake, broken)) == {
            ("credentials_handshake", "REQ-CRED-003")
        }, broken
    assert checks(handshake_findings(shake, [])) == {("credentials_handshake", "REQ-CRED-003")}


def test_registration_token_is_requested_not_default() -> None:
    registry = default_checks()
    check = registry.get("registration_token")
    assert "registration_token" not in {c.name for c in registry.defaults("message")}
    call = x("from_sut", "PUT", f"{US}/2.2.1/locations/NL/CPO/L1", "B-old")
    ctx = CheckContext(version=V, direction="from_sut", expected_token="B-new",
                       args={"req": "REQ-CRED-006"})  # fmt: skip
    [finding] = check(ctx, Message(call, 3))
    assert (finding.req, finding.exchange) == ("REQ-CRED-006", 3)
    right = x("from_sut", "PUT", f"{US}/2.2.1/locations/NL/CPO/L1", "B-new")
    assert check(ctx, Message(right, 3)) == []
    default_req = CheckContext(version=V, direction="from_sut", expected_token="B-new")
    assert check(default_req, Message(call, 0))[0].req == "REQ-CRED-007"
