from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from harness.ocpi import (
    Level,
    Problem,
    build_link,
    check_page,
    next_page_url,
    page_info,
    pagination_headers,
    parse_count_header,
    parse_link_header,
    parse_page_params,
)

BASE = "https://www.server.com/ocpi/cpo/2.2.1/cdrs/"
FILTERED = BASE + "?date_from=2016-01-01T00:00:00Z&date_to=2016-12-31T23:59:59Z"


def codes(problems: list[Problem] | tuple[Problem, ...]) -> list[str]:
    return [p.code for p in problems]


# -- Link ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('<https://a/x?offset=10>; rel="next"', "https://a/x?offset=10"),
        ("<https://a/x?offset=10>; rel=next", "https://a/x?offset=10"),
        ('<https://a/x?offset=10>; REL="NEXT"', "https://a/x?offset=10"),
        ('<https://a/x?offset=10>;rel="next"', "https://a/x?offset=10"),
        ('<https://a/x?offset=10> ; rel = "next"', "https://a/x?offset=10"),
        ('<https://a/x?offset=10>; rel="next last"', "https://a/x?offset=10"),
        (
            '<https://a/p?offset=0>; rel="prev", <https://a/n?offset=20>; rel="next"',
            "https://a/n?offset=20",
        ),
        ('<https://a/n?a=1,2>; title="x, y; z"; rel="next"', "https://a/n?a=1,2"),
        ('<https://a/n>; title="say \\"hi\\""; rel="next"', "https://a/n"),
        ('<https://a/n>; rel="next"; rel="prev"', "https://a/n"),
        ('<https://a/p>; rel="prev"', None),
        ('<https://a/p>; rel="nextpage"', None),
        ("<https://a/p>", None),
        ("", None),
    ],
)
def test_link_variants(value: str, expected: str | None) -> None:
    parsed = parse_link_header(value)
    assert parsed.next_url == expected
    assert parsed.problems == ()


def test_several_link_headers_and_multiple_rel_values() -> None:
    parsed = parse_link_header(['<https://a/first>; rel="first"', '<https://a/n>; rel="next"'])
    assert parsed.next_url == "https://a/n"
    assert [link.rel for link in parsed.links] == [("first",), ("next",)]
    multi = parse_link_header('<https://a/n>; rel="next last"; type="application/json"')
    assert multi.links[0].rel == ("next", "last")
    assert multi.links[0].params["type"] == "application/json"


def test_first_rel_parameter_wins() -> None:
    parsed = parse_link_header('<https://a/n>; rel="prev"; rel="next"')
    assert parsed.next_url is None


@pytest.mark.parametrize(
    ("value", "code", "next_url"),
    [
        ('https://a/n?offset=10; rel="next"', "link_not_bracketed", "https://a/n?offset=10"),
        ('<https://a/n; rel="next"', "link_malformed", None),
        ('<https://a/n>; rel="next', "link_malformed", None),
        ('<https://a/n> rel="next"', "link_malformed", None),
        ('<https://a/n>; ="next"', "link_malformed", None),
    ],
)
def test_malformed_links_are_problems(value: str, code: str, next_url: str | None) -> None:
    parsed = parse_link_header(value)
    assert code in codes(parsed.problems)
    assert parsed.next_url == next_url


def test_a_malformed_link_does_not_hide_a_good_one() -> None:
    parsed = parse_link_header('<https://a/p> junk, <https://a/n>; rel="next"')
    assert parsed.next_url == "https://a/n"
    assert codes(parsed.problems) == ["link_malformed"]


def test_build_link_round_trips() -> None:
    url = FILTERED + "&offset=100&limit=100"
    assert parse_link_header(build_link(url)).next_url == url


# -- counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("42", 42), (" 7 ", 7), ("007", 7)])
def test_counts(value: str, expected: int) -> None:
    parsed = parse_count_header(value, header="X-Total-Count")
    assert (parsed.value, parsed.present, parsed.problem) == (expected, True, None)


@pytest.mark.parametrize("value", ["", "-1", "+5", "5.0", "1e3", "ten", "5, 5", "٣", "9" * 40])
def test_junk_counts_are_problems(value: str) -> None:
    total = parse_count_header(value, header="X-Total-Count")
    assert total.value is None and total.present
    assert total.problem is not None and total.problem.code == "total_count_invalid"
    limit = parse_count_header(value, header="X-Limit")
    assert limit.problem is not None and limit.problem.code == "limit_invalid"


def test_absent_count() -> None:
    assert parse_count_header(None, header="X-Limit") == parse_count_header(None, header="X-Limit")
    absent = parse_count_header(None, header="X-Limit")
    assert (absent.value, absent.present, absent.problem) == (None, False, None)


def test_page_info_reads_headers_in_any_case_and_resolves_relative_links() -> None:
    headers = httpx.Headers(
        {"link": '</ocpi/cdrs?offset=50>; rel="next"', "x-total-count": "120", "x-limit": "50"}
    )
    info = page_info(headers, request_url="https://h/ocpi/cdrs?offset=0")
    assert info.next_url == "https://h/ocpi/cdrs?offset=50"
    assert (info.total_count.value, info.limit.value) == (120, 50)
    assert codes(info.problems) == ["next_link_relative"]
    assert info.problems[0].level is Level.INFO


# -- server side ----------------------------------------------------------------------------------


def test_parse_page_params() -> None:
    params = parse_page_params("date_from=2016-01-01T00:00:00Z&offset=20&limit=10&type=RFID")
    assert (params.offset, params.limit) == (20, 10)
    assert params.date_from == datetime(2016, 1, 1, tzinfo=UTC)
    assert params.date_to is None and params.problems == ()
    assert parse_page_params("") == parse_page_params({})
    assert parse_page_params("").offset == 0


def test_parse_page_params_reports_junk() -> None:
    params = parse_page_params([("offset", "-1"), ("limit", "ten"), ("date_to", "tomorrow")])
    assert (params.offset, params.limit, params.date_to) == (0, None, None)
    assert codes(params.problems) == ["offset_invalid", "limit_invalid", "date_to_invalid"]
    variant = parse_page_params({"date_from": "2016-01-01T01:00:00+01:00"}, strict=False)
    assert variant.date_from == datetime(2016, 1, 1, tzinfo=UTC)
    assert [(p.code, p.level) for p in variant.problems] == [("date_from_variant", Level.SHOULD)]


def test_next_page_url_keeps_filters_and_sets_offset_and_limit() -> None:
    url = next_page_url(FILTERED + "&limit=2000", offset=0, limit=100, returned=100, total=1000)
    assert url is not None
    assert url.startswith(BASE + "?offset=100&limit=100&")
    query = dict(parse_qsl(urlsplit(url).query))
    assert query == {
        "offset": "100",
        "limit": "100",
        "date_from": "2016-01-01T00:00:00Z",
        "date_to": "2016-12-31T23:59:59Z",
    }


def test_next_page_url_is_none_on_the_last_page_or_an_empty_page() -> None:
    assert next_page_url(BASE, offset=100, limit=50, returned=50, total=150) is None
    assert next_page_url(BASE, offset=100, limit=50, returned=20, total=120) is None
    assert next_page_url(BASE, offset=0, limit=50, returned=0, total=10) is None


def test_pagination_headers_for_a_middle_and_a_last_page() -> None:
    middle = pagination_headers(BASE, offset=0, limit=10, returned=10, total=25)
    assert middle["X-Total-Count"] == "25" and middle["X-Limit"] == "10"
    assert parse_link_header(middle["Link"]).next_url == BASE + "?offset=10&limit=10"
    last = pagination_headers(BASE + "?offset=20", offset=20, limit=10, returned=5, total=25)
    assert "Link" not in last


# -- page checks ----------------------------------------------------------------------------------


def served(
    request_url: str, *, offset: int, limit: int, returned: int, total: int
) -> list[Problem]:
    """Check a page produced by our own server helper."""
    headers = pagination_headers(
        request_url, offset=offset, limit=limit, returned=returned, total=total
    )
    return check_page(
        page_info(headers), request_url=request_url, returned=returned, version="2.2.1"
    )


def test_pages_built_by_the_helpers_pass_the_checks() -> None:
    assert served(FILTERED + "&limit=100", offset=0, limit=100, returned=100, total=250) == []
    assert (
        served(FILTERED + "&offset=200&limit=100", offset=200, limit=100, returned=50, total=250)
        == []
    )
    assert served(BASE, offset=0, limit=50, returned=0, total=0) == []


def page(request_url: str, returned: int, version: str = "2.2.1", **headers: str) -> list[str]:
    names = {"link": "Link", "total": "X-Total-Count", "limit": "X-Limit"}
    info = page_info({names[k]: v for k, v in headers.items()})
    return codes(check_page(info, request_url=request_url, returned=returned, version=version))


def test_missing_and_junk_headers() -> None:
    assert page(BASE, 10) == ["missing_total_count", "missing_limit"]
    assert page(BASE, 10, total="lots", limit="-") == ["total_count_invalid", "limit_invalid"]


def test_missing_next_link_when_more_remain() -> None:
    assert page(BASE, 10, total="25", limit="10") == ["missing_next_link"]


def test_unexpected_next_link_on_the_last_page() -> None:
    link = build_link(BASE + "?offset=25&limit=10")
    assert page(BASE + "?offset=20", 5, total="25", limit="10", link=link) == [
        "unexpected_next_link"
    ]


def test_x_total_count_equal_to_the_page_size() -> None:
    # citrineos-core#831: X-Total-Count set to the page size and no next link.
    assert page(BASE + "?offset=10&limit=10", 10, total="10", limit="10") == [
        "total_count_below_returned"
    ]


def test_x_limit_below_the_number_returned() -> None:
    assert page(BASE, 20, total="20", limit="10") == ["limit_below_returned"]
    problems = check_page(
        page_info({"X-Total-Count": "20", "X-Limit": "10"}),
        request_url=BASE,
        returned=20,
        version="2.1.1",
    )
    assert [p.req for p in problems] == ["REQ-211-008"]


def test_more_objects_than_requested() -> None:
    assert page(BASE + "?limit=5", 10, total="10", limit="10") == [
        "returned_more_than_requested",
        "limit_above_requested",
    ]


def test_next_link_that_does_not_advance() -> None:
    link = build_link(BASE + "?offset=0&limit=10")
    assert page(BASE + "?limit=10", 10, total="30", limit="10", link=link) == [
        "next_link_does_not_advance"
    ]
    stuck = build_link(BASE + "?offset=10&limit=10")
    assert page(BASE + "?offset=10&limit=10", 0, total="30", limit="10", link=stuck) == [
        "next_link_is_self"
    ]


def test_next_link_that_skips_objects() -> None:
    link = build_link(BASE + "?offset=20&limit=10")
    assert page(BASE + "?limit=10", 10, total="30", limit="10", link=link) == [
        "next_link_offset_mismatch"
    ]


def test_next_link_that_drops_or_changes_filters_and_limit() -> None:
    request = FILTERED + "&limit=10"
    dropped = build_link(BASE + "?offset=10&date_from=2016-01-01T00:00:00Z")
    assert page(request, 10, total="30", limit="10", link=dropped) == [
        "next_link_drops_filter",
        "next_link_drops_limit",
    ]
    changed = build_link(
        BASE + "?offset=10&limit=50&date_from=2016-01-01T00:00:00Z&date_to=2017-01-01T00:00:00Z"
    )
    assert page(request, 10, total="30", limit="10", link=changed) == [
        "next_link_changes_filter",
        "next_link_raises_limit",
    ]


def test_next_link_with_encoded_filters_is_equivalent() -> None:
    request = BASE + "?date_from=2016-01-01T00:00:00Z"
    link = build_link(BASE + "?offset=10&limit=10&date_from=2016-01-01T00%3A00%3A00Z")
    assert page(request, 10, total="30", limit="10", link=link) == []


def test_next_link_without_offset_is_info_only() -> None:
    link = build_link(BASE + "?cursor=abc")
    info = page_info({"Link": link, "X-Total-Count": "30", "X-Limit": "10"})
    problems = check_page(info, request_url=BASE, returned=10, version="2.3.0")
    assert [(p.code, p.level) for p in problems] == [("next_link_without_offset", Level.INFO)]


def test_a_limit_the_server_lowered_is_fine() -> None:
    # Gireve-style cap: the client asked 100, the server serves 20 per page and says so.
    assert served(BASE + "?limit=100", offset=0, limit=20, returned=20, total=45) == []
