"""Paginated list GETs: Link followed verbatim, counts, limits, date boundaries, stability."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from harness.ocpi import Level, VersionNumber, check_page, page_info, parse_datetime
from mock_partners import MockServer
from tests.mock_partners.conftest import Pair, Starter
from tests.mock_partners.helpers import Control, auth, envelope_ok, module_url


@pytest.fixture
def crawlable(start_mock: Starter) -> Pair:
    cpo = start_mock("cpo", locations=23, max_page_size=5)
    emsp = start_mock("emsp")
    return Pair(cpo, emsp, Control(emsp).register_with(cpo))


def crawl(
    http: httpx.Client, url: str, token: str, version: str = "2.2.1"
) -> tuple[list[Any], list[httpx.Response]]:
    """Follow Link rel=next verbatim until it is gone; check each page with the harness."""
    items: list[Any] = []
    pages: list[httpx.Response] = []
    while True:
        response = http.get(url, headers=auth(token, version))
        body = envelope_ok(response, version)
        assert response.status_code == 200 and body["status_code"] == 1000
        info = page_info(response.headers, request_url=url)
        problems = check_page(info, request_url=url, returned=len(body["data"]), version=version)
        assert not [p for p in problems if p.level is Level.MUST], problems
        items.extend(body["data"])
        pages.append(response)
        if info.next_url is None:
            return items, pages
        url = info.next_url
        assert len(pages) < 50, "the crawl does not end"


def test_crawl_follows_link_and_counts_everything(http: httpx.Client, crawlable: Pair) -> None:
    url = module_url(crawlable.cpo, "2.2.1", "locations") + "?limit=4"
    items, pages = crawl(http, url, crawlable.cpo_token)
    ids = [loc["id"] for loc in items]
    assert len(ids) == 23 == len(set(ids)) and len(pages) == 6
    assert {p.headers["X-Total-Count"] for p in pages} == {"23"}
    assert {p.headers["X-Limit"] for p in pages} == {"4"}
    assert "limit=4" in pages[0].headers["Link"] and "offset=4" in pages[0].headers["Link"]
    assert "Link" not in pages[-1].headers
    again, _ = crawl(http, url, crawlable.cpo_token)
    assert [loc["id"] for loc in again] == ids  # stable order (REQ-TF-033)
    stamps = [parse_datetime(loc["last_updated"]).value for loc in items]
    assert all(a is not None and b is not None and a <= b for a, b in itertools.pairwise(stamps))


def test_server_caps_the_page_size(http: httpx.Client, crawlable: Pair) -> None:
    url = module_url(crawlable.cpo, "2.2.1", "locations") + "?limit=100"
    response = http.get(url, headers=auth(crawlable.cpo_token))
    assert len(envelope_ok(response)["data"]) == 5 and response.headers["X-Limit"] == "5"
    assert "limit=5" in response.headers["Link"]
    items, pages = crawl(http, module_url(crawlable.cpo, "2.2.1", "locations"), crawlable.cpo_token)
    assert len(items) == 23 and len(pages) == 5


def test_date_from_is_inclusive_and_date_to_exclusive(http: httpx.Client, crawlable: Pair) -> None:
    base = module_url(crawlable.cpo, "2.2.1", "locations")
    everything, _ = crawl(http, base, crawlable.cpo_token)
    pivot = everything[10]["last_updated"]

    def stamp(text: str) -> str:
        value = parse_datetime(text).value
        assert value is not None
        return value.isoformat()

    before = [x["id"] for x in everything if stamp(x["last_updated"]) < stamp(pivot)]
    at_or_after, pages = crawl(http, f"{base}?date_from={pivot}&limit=3", crawlable.cpo_token)
    assert at_or_after[0]["last_updated"] == pivot  # inclusive
    assert len(at_or_after) == 23 - len(before)
    assert all(f"date_from={pivot}" in p.headers["Link"] for p in pages[:-1])  # filters kept
    until, _ = crawl(http, f"{base}?date_to={pivot}&limit=3", crawlable.cpo_token)
    assert [x["id"] for x in until] == before  # exclusive
    window, _ = crawl(http, f"{base}?date_from={pivot}&date_to={pivot}", crawlable.cpo_token)
    assert window == []
    newest = everything[-1]["last_updated"]
    last, _ = crawl(http, f"{base}?date_from={newest}", crawlable.cpo_token)
    assert [x["id"] for x in last] == [everything[-1]["id"]]


def test_offset_past_the_end_and_bad_parameters(http: httpx.Client, crawlable: Pair) -> None:
    base = module_url(crawlable.cpo, "2.2.1", "locations")
    past = http.get(f"{base}?offset=100", headers=auth(crawlable.cpo_token))
    assert envelope_ok(past)["data"] == [] and past.headers["X-Total-Count"] == "23"
    assert "Link" not in past.headers
    for query in ("limit=-1", "offset=abc", "date_from=yesterday"):
        bad = http.get(f"{base}?{query}", headers=auth(crawlable.cpo_token))
        body = envelope_ok(bad)
        assert bad.status_code == 200 and body["status_code"] == 2001, query


@pytest.mark.parametrize(("version", "module"), [("2.1.1", "locations"), ("2.3.0", "tariffs")])
def test_every_version_paginates(
    http: httpx.Client, crawlable: Pair, version: str, module: str
) -> None:
    items, _ = crawl(
        http, module_url(crawlable.cpo, version, module) + "?limit=2", crawlable.cpo_token, version
    )
    expected = (
        23
        if module == "locations"
        else len(crawlable.cpo.state.worlds[VersionNumber(version)].tariffs)
    )
    assert len(items) == expected


def test_emsp_token_list_is_paginated(
    http: httpx.Client, crawlable: Pair, emsp: MockServer
) -> None:
    registration = Control(crawlable.cpo).register_with(emsp)
    items, pages = crawl(
        http, module_url(emsp, "2.2.1", "tokens") + "?limit=20", registration["token_out"]
    )
    assert len(items) == 50 and len(pages) == 3
    assert {(t["country_code"], t["party_id"]) for t in items} == {("NL", "MSP")}


def test_changed_locations_keep_their_place_and_move_in_time(
    http: httpx.Client, crawlable: Pair
) -> None:
    cpo = crawlable.cpo
    catalog = cpo.state.catalog(cpo.state.config.versions[1], "locations")
    base = module_url(cpo, "2.2.1", "locations")
    everything, _ = crawl(http, base, crawlable.cpo_token)
    changed = dict(everything[3], name="Renamed", last_updated="2026-03-01T12:00:00Z")
    assert catalog.put(changed) is False  # a seeded Location: not new
    after, _ = crawl(http, base, crawlable.cpo_token)
    assert [x["id"] for x in after] == [x["id"] for x in everything]
    assert after[3]["name"] == "Renamed"
    recent, _ = crawl(http, f"{base}?date_from=2026-03-01T12:00:00Z", crawlable.cpo_token)
    assert [x["id"] for x in recent] == [everything[3]["id"]]
