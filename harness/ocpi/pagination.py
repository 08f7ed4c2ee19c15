"""Pagination: the Link / X-Total-Count / X-Limit response headers and the list query.

Sources: ``transport_and_format`` §Pagination, §Paginated Request, §Paginated Response and
§Pagination Examples of each version (the Link syntax is in :mod:`harness.ocpi.links`). Requirements
REQ-TF-025..033, REQ-211-008 (2.1.1's X-Limit wording); AMB-31; pitfall 2.

Parsing never raises: junk becomes a :class:`~harness.ocpi.problems.Problem`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from harness.ocpi.headers import HeaderSource, header_value, header_values
from harness.ocpi.links import LINK_HEADER, Link, build_link, parse_link_header
from harness.ocpi.problems import Level, Problem, tolerated
from harness.ocpi.timestamps import parse_datetime
from harness.ocpi.versions import VersionNumber, require_version

TOTAL_COUNT_HEADER = "X-Total-Count"
LIMIT_HEADER = "X-Limit"
PAGE_PARAMS: tuple[str, ...] = ("offset", "limit")

_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)


# -- counts and page info -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountParse:
    """An X-Total-Count or X-Limit value: None when absent or junk (then ``problem`` is set)."""

    value: int | None
    present: bool
    problem: Problem | None = None


def parse_count_header(value: str | None, *, header: str) -> CountParse:
    """Read a non-negative integer header. Never raises."""
    if value is None:
        return CountParse(None, present=False)
    text = value.strip()
    if _DIGITS.fullmatch(text) is None:
        req = "REQ-TF-029" if header.lower() == TOTAL_COUNT_HEADER.lower() else "REQ-TF-030"
        problem = Problem(
            f"{'total_count' if req == 'REQ-TF-029' else 'limit'}_invalid",
            f"{header} must be a non-negative integer, got {value!r}",
            req,
            Level.MUST,
            header=header,
        )
        return CountParse(None, present=True, problem=problem)
    return CountParse(int(text), present=True)


@dataclass(frozen=True, slots=True)
class PageInfo:
    """The pagination headers of one list response."""

    next_url: str | None
    total_count: CountParse
    limit: CountParse
    links: tuple[Link, ...] = ()
    problems: tuple[Problem, ...] = ()
    """Problems found while reading the headers (junk values, malformed Link)."""


def page_info(headers: HeaderSource, *, request_url: str | None = None) -> PageInfo:
    """Read the pagination headers; a relative next link is resolved against ``request_url``."""
    link = parse_link_header(header_values(headers, LINK_HEADER))
    total = parse_count_header(header_value(headers, TOTAL_COUNT_HEADER), header=TOTAL_COUNT_HEADER)
    limit = parse_count_header(header_value(headers, LIMIT_HEADER), header=LIMIT_HEADER)
    next_url = link.next_url
    problems = list(link.problems)
    if next_url is not None and not urlsplit(next_url).scheme:
        problems.append(
            Problem(
                "next_link_relative",
                f"the next link {next_url!r} is relative",
                "REQ-TF-031",
                Level.INFO,
                header=LINK_HEADER,
            )
        )
        if request_url is not None:
            next_url = urljoin(request_url, next_url)
    problems.extend(p for p in (total.problem, limit.problem) if p is not None)
    return PageInfo(next_url, total, limit, link.links, tuple(problems))


# -- the list query (server side) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageParams:
    """The pagination parameters of a list GET, as a server reads them."""

    offset: int = 0
    limit: int | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    problems: tuple[Problem, ...] = ()


QuerySource = str | Mapping[str, str] | Iterable[tuple[str, str]]


def _pairs(query: QuerySource) -> list[tuple[str, str]]:
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True)
    if isinstance(query, Mapping):
        return list(query.items())
    return list(query)


def parse_page_params(query: QuerySource, *, strict: bool = True) -> PageParams:
    """Read offset, limit, date_from and date_to from a query string or pairs. Never raises.

    A bad value is ignored (defaults apply) and reported (a server answers 2001). Dates use
    :func:`~harness.ocpi.timestamps.parse_datetime`; lenient-only forms are MUST when
    ``strict``, else SHOULD.
    """
    values: dict[str, str] = {}
    for name, value in _pairs(query):
        values.setdefault(name, value)
    problems: list[Problem] = []
    numbers: dict[str, int | None] = {"offset": None, "limit": None}
    for name in numbers:
        if name not in values:
            continue
        text = values[name].strip()
        if _DIGITS.fullmatch(text) is None:
            problems.append(
                Problem(
                    f"{name}_invalid",
                    f"{name} must be a non-negative integer, got {values[name]!r}",
                    "REQ-TF-025",
                    Level.MUST,
                    pointer=f"?{name}",
                )
            )
        else:
            numbers[name] = int(text)
    dates: dict[str, datetime | None] = {"date_from": None, "date_to": None}
    for name in dates:
        if name not in values:
            continue
        parsed = parse_datetime(values[name], lenient=True)
        if parsed.value is None:
            problems.append(
                Problem(
                    f"{name}_invalid",
                    f"{name}: {parsed.error}",
                    "REQ-TF-056",
                    Level.MUST,
                    pointer=f"?{name}",
                )
            )
            continue
        if parsed.deviations:
            problems.append(
                Problem(
                    f"{name}_variant",
                    f"{name} {values[name]!r} is not in the OCPI DateTime form "
                    f"({', '.join(parsed.deviations)})",
                    "REQ-TF-056",
                    tolerated(strict),
                    pointer=f"?{name}",
                )
            )
        dates[name] = parsed.value
    return PageParams(
        offset=numbers["offset"] or 0,
        limit=numbers["limit"],
        date_from=dates["date_from"],
        date_to=dates["date_to"],
        problems=tuple(problems),
    )


def next_page_url(
    request_url: str, *, offset: int, limit: int, returned: int, total: int
) -> str | None:
    """The URL of the page after this one, or None on the last page.

    Keeps every parameter of ``request_url`` (the filters: date_from, date_to, ...) and sets
    ``offset`` to ``offset + returned`` and ``limit`` to the page size the server applied
    (REQ-TF-032, pitfall 2). ``returned`` must be positive when more remain, or the crawl
    would not advance; this function then returns None.
    """
    following = offset + returned
    if returned <= 0 or following >= total:
        return None
    scheme, netloc, path, query, fragment = urlsplit(request_url)
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in PAGE_PARAMS]
    pairs = [("offset", str(following)), ("limit", str(limit)), *kept]
    new_query = urlencode(pairs, quote_via=quote, safe=":")
    return urlunsplit((scheme, netloc, path, new_query, fragment))


def pagination_headers(
    request_url: str, *, offset: int, limit: int, returned: int, total: int
) -> dict[str, str]:
    """The headers a server adds to a list response (X-Total-Count, X-Limit, Link if needed)."""
    headers = {TOTAL_COUNT_HEADER: str(total), LIMIT_HEADER: str(limit)}
    following = next_page_url(
        request_url, offset=offset, limit=limit, returned=returned, total=total
    )
    if following is not None:
        headers[LINK_HEADER] = build_link(following)
    return headers


# -- checks (client side: is this page right?) -------------------------------------------------


def _query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def check_page(
    page: PageInfo, *, request_url: str, returned: int, version: VersionNumber | str
) -> list[Problem]:
    """Check the pagination headers of one list response against its request.

    ``returned`` is the number of objects in ``data``. Checks: X-Total-Count and X-Limit
    present and numeric; X-Limit at least the page size; no more objects than the requested
    limit; X-Total-Count not below what was seen; a next link present exactly when objects
    remain; the next link advances the offset by the page size, keeps every filter and the
    limit. Problems include those found while reading the headers.
    """
    v = require_version(version)
    limit_req = "REQ-211-008" if v is VersionNumber.V2_1_1 else "REQ-TF-030"
    problems = list(page.problems)
    request = dict(_query_of(request_url))
    request_params = PageParams() if not request else parse_page_params(request)
    offset, requested_limit = request_params.offset, request_params.limit

    def add(code: str, message: str, req: str, level: Level = Level.MUST) -> None:
        problems.append(Problem(code, message, req, level))

    total, limit = page.total_count.value, page.limit.value
    if not page.total_count.present:
        add("missing_total_count", "the list response has no X-Total-Count header", "REQ-TF-029")
    if not page.limit.present:
        add("missing_limit", "the list response has no X-Limit header", limit_req)
    if limit is not None and limit < returned:
        add("limit_below_returned", f"X-Limit {limit} but {returned} objects returned", limit_req)
    if requested_limit is not None and returned > requested_limit:
        add(
            "returned_more_than_requested",
            f"{returned} objects returned, the request asked for at most {requested_limit}",
            "REQ-TF-028",
        )
    if requested_limit is not None and limit is not None and limit > requested_limit:
        add(
            "limit_above_requested",
            f"X-Limit {limit} exceeds the requested limit {requested_limit}",
            limit_req,
            Level.SHOULD,
        )
    if total is not None and total < offset + returned:
        add(
            "total_count_below_returned",
            f"X-Total-Count {total} is less than offset {offset} + {returned} returned",
            "REQ-TF-029",
        )
    more_remain = total is not None and offset + returned < total
    if page.next_url is None:
        if more_remain:
            add(
                "missing_next_link",
                f"{total} objects match but only {offset + returned} were served and there is "
                'no Link rel="next"',
                "REQ-TF-031",
            )
        return problems
    if total is not None and not more_remain:
        add("unexpected_next_link", "a next link on the last page", "REQ-TF-031")
    problems.extend(_check_next_link(page.next_url, request_url, offset, returned, requested_limit))
    return problems


def _check_next_link(
    next_url: str, request_url: str, offset: int, returned: int, requested_limit: int | None
) -> list[Problem]:
    problems: list[Problem] = []

    def add(code: str, message: str, req: str, level: Level = Level.MUST) -> None:
        problems.append(Problem(code, message, req, level, header=LINK_HEADER))

    following = _query_of(next_url)
    request = _query_of(request_url)
    next_path = urlsplit(next_url)._replace(query="", fragment="")
    if next_path == urlsplit(request_url)._replace(query="", fragment="") and sorted(
        following
    ) == sorted(request):
        add("next_link_is_self", "the next link repeats the current request", "REQ-TF-031")
        return problems
    next_values = dict(following)
    if "offset" not in next_values:
        add(
            "next_link_without_offset",
            "the next link has no offset parameter; cannot check that it advances",
            "REQ-TF-027",
            Level.INFO,
        )
    elif _DIGITS.fullmatch(next_values["offset"]) is None:
        add("next_link_offset_invalid", f"next offset {next_values['offset']!r}", "REQ-TF-027")
    else:
        next_offset = int(next_values["offset"])
        if next_offset <= offset:
            add(
                "next_link_does_not_advance",
                f"the next link's offset {next_offset} does not move past offset {offset}",
                "REQ-TF-027",
            )
        elif next_offset != offset + returned:
            add(
                "next_link_offset_mismatch",
                f"the next link's offset is {next_offset}, expected {offset} + {returned}",
                "REQ-TF-027",
            )
    for name in dict.fromkeys(k for k, _ in request if k not in PAGE_PARAMS):
        want = sorted(v for k, v in request if k == name)
        got = sorted(v for k, v in following if k == name)
        if not got:
            add("next_link_drops_filter", f"the next link drops {name}", "REQ-TF-032")
        elif got != want:
            add(
                "next_link_changes_filter",
                f"the next link has {name}={got}, the request had {want}",
                "REQ-TF-032",
            )
    if requested_limit is not None:
        if "limit" not in next_values:
            add("next_link_drops_limit", "the next link drops limit", "REQ-TF-032", Level.SHOULD)
        elif (
            _DIGITS.fullmatch(next_values["limit"]) is not None
            and int(next_values["limit"]) > requested_limit
        ):
            add(
                "next_link_raises_limit",
                f"the next link asks for limit {next_values['limit']}, more than {requested_limit}",
                "REQ-TF-032",
                Level.SHOULD,
            )
    return problems
