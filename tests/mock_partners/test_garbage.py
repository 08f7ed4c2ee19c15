"""Garbage in, an OCPI error envelope out: never a 500, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.mock_partners.conftest import Pair
from tests.mock_partners.helpers import auth, envelope_ok, module_url


def expect_error(
    response: httpx.Response, http_status: int, ocpi_status: int | None = None
) -> dict[str, object]:
    assert response.status_code == http_status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = envelope_ok(response)
    assert isinstance(body["status_code"], int) and body["status_code"] >= 2000
    if ocpi_status is not None:
        assert body["status_code"] == ocpi_status
    assert "Traceback" not in response.text
    return body


@pytest.fixture
def token_url(pair: Pair) -> str:
    return module_url(pair.cpo, "2.2.1", "tokens") + "/NL/MSP/0102030405"


def test_bodies_that_are_not_json_are_400(http: httpx.Client, pair: Pair, token_url: str) -> None:
    headers = {**auth(pair.cpo_token), "Content-Type": "application/json"}
    for content in (b"{not json", b"\xff\xfe\x00garbage", b"[" * 50_000, b"NaN", b""):
        expect_error(http.put(token_url, headers=headers, content=content), 400, 2001)


def test_json_of_the_wrong_shape_is_2001_naming_the_field(
    http: httpx.Client, pair: Pair, token_url: str
) -> None:
    headers = auth(pair.cpo_token)
    body = expect_error(
        http.put(token_url, headers=headers, json={"uid": 5, "valid": "yes"}), 200, 2001
    )
    assert "/uid" in str(body["status_message"]) and "/valid" in str(body["status_message"])
    for value in ([], "text", 12, None, [{"uid": "x"}]):
        expect_error(
            http.put(token_url, headers=headers, json=value),
            200 if value is not None else 400,
            2001,
        )
    expect_error(
        http.patch(token_url, headers=headers, json={"valid": False}), 200, 2001
    )  # no last_updated


def test_huge_bodies_are_refused_before_reading_them_all(
    http: httpx.Client, pair: Pair, token_url: str
) -> None:
    big = b'{"uid": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    headers = {**auth(pair.cpo_token), "Content-Type": "application/json"}
    expect_error(http.put(token_url, headers=headers, content=big), 400, 2001)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        for _ in range(6):
            yield b" " * (1024 * 1024)

    expect_error(http.put(token_url, headers=headers, content=chunks()), 400, 2001)


def test_unknown_places_and_methods(http: httpx.Client, pair: Pair) -> None:
    headers = auth(pair.cpo_token)
    root = pair.cpo.state.config.root
    expect_error(http.get(f"{root}/ocpi/cpo/2.2.1/nonsense", headers=headers), 404)
    expect_error(http.get(f"{root}/ocpi/cpo/9.9.9/locations", headers=headers), 404)
    expect_error(http.get(f"{root}/ocpi/emsp/versions", headers=headers), 404)
    expect_error(http.get(f"{root}/", headers=headers), 404)
    expect_error(http.get(f"{root}/ocpi/cpo/2.2.1/locations/A/B/C/D/E", headers=headers), 404)
    expect_error(http.delete(module_url(pair.cpo, "2.2.1", "locations"), headers=headers), 405)
    expect_error(
        http.request("BREW", module_url(pair.cpo, "2.2.1", "locations"), headers=headers), 405
    )
    expect_error(http.post(pair.cpo.versions_url, headers=headers), 405)


def test_authorization_garbage_is_401(http: httpx.Client, pair: Pair) -> None:
    url = module_url(pair.cpo, "2.2.1", "locations")
    garbage: list[str | bytes | None] = [
        None, "", "Token", "Bearer abc", "Token €€€".encode(), b"Token \xff\xfe",
        "Token a b c", "Token ==",
    ]  # fmt: skip
    for header in garbage:
        raw = header.encode() if isinstance(header, str) else header
        headers = [(b"Authorization", raw)] if raw is not None else []
        expect_error(http.get(url, headers=headers), 401, 2000)


def test_query_garbage_is_2001(http: httpx.Client, pair: Pair) -> None:
    headers = auth(pair.emsp_token)
    tokens = module_url(pair.emsp, "2.2.1", "tokens")
    expect_error(
        http.post(f"{tokens}/ABC/authorize", params={"type": "SPACESHIP"}, headers=headers),
        200,
        2001,
    )
    expect_error(http.get(tokens, params={"limit": "lots"}, headers=headers), 200, 2001)
    expect_error(
        http.get(tokens, params={"date_to": "2026-13-45T99:00:00Z"}, headers=headers), 200, 2001
    )
    profiles = module_url(pair.cpo, "2.2.1", "chargingprofiles") + "/S1"
    bad_duration = http.get(
        profiles, params={"duration": "-5", "response_url": "x"}, headers=auth(pair.cpo_token)
    )
    expect_error(bad_duration, 200, 2001)


def test_ids_with_odd_characters_route_as_one_segment(http: httpx.Client, pair: Pair) -> None:
    base = module_url(pair.cpo, "2.2.1", "locations")
    for odd in ("a%2Fb", "%00", "..%2F..", "%E2%82%AC", "x" * 300):
        response = http.get(f"{base}/{odd}", headers=auth(pair.cpo_token))
        expect_error(response, 404)


def test_control_api_needs_the_admin_token(http: httpx.Client, pair: Pair) -> None:
    root = pair.cpo.state.config.root
    for headers in ({}, auth(pair.cpo_token), {"Authorization": "Token nope"}):
        response = http.get(f"{root}/_mock/state", headers=headers)
        assert response.status_code == 401 and "error" in response.json()
    admin = {"Authorization": f"Token {pair.cpo.admin_token}"}
    assert http.post(f"{root}/_mock/register", headers=admin, content=b"{").status_code == 400
    assert http.post(f"{root}/_mock/register", headers=admin, json={"token": 1}).status_code == 400
    assert (
        http.post(f"{root}/_mock/tick", headers=admin, json={"seconds": "soon"}).status_code == 400
    )
    bad_rule = http.post(f"{root}/_mock/faults", headers=admin, json={"rules": [{"action": 3}]})
    assert bad_rule.status_code == 400 and "pointer" in bad_rule.json()
