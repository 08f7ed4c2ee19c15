"""Pagination checks: each page's headers, and the crawl as a whole.

Sources: ``transport_and_format`` §Pagination (REQ-TF-025..034; REQ-211-008), pitfall 2 and
AMB-31. ``pagination_headers`` checks one list response against its request with
:func:`harness.ocpi.pagination.check_page` (headers present and numeric, next link present
exactly when objects remain, advancing the offset and keeping filters and limit).
``pagination_complete`` reads a whole :class:`Crawl`: the next links were followed verbatim and
never looped, X-Total-Count stayed the same, and the union of the pages holds X-Total-Count
distinct objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from harness.checks.base import CheckContext, FunctionCheck, Message, finding_from_problem
from harness.ocpi.pagination import check_page, page_info
from harness.ocpi.problems import Level
from harness.results import Finding

__all__ = [
    "PAGINATION_COMPLETE",
    "PAGINATION_HEADERS",
    "Crawl",
    "CrawlStop",
    "CrawledPage",
    "item_identity",
]

CrawlStop = Literal["end", "loop", "other_host", "max_pages", "failed", "not_list"]
"""Why a crawl stopped: no next link; a next link already crawled; a next link to another
host (not followed: the token would go there); the page limit; a page that failed (no answer,
not a success); a page whose data is not a list."""


@dataclass(frozen=True, slots=True)
class CrawledPage:
    """One page of a crawl: the URL requested and the SUT's answer."""

    url: str
    message: Message

    @property
    def items(self) -> list[object] | None:
        data = self.message.payload
        return data if isinstance(data, list) else None


@dataclass(frozen=True, slots=True)
class Crawl:
    """The pages of one crawl, in order, and why it stopped (``next_url``: the link it did
    not follow, if any)."""

    pages: tuple[CrawledPage, ...]
    stop: CrawlStop
    next_url: str | None = None
    max_pages: int = 100

    @property
    def items(self) -> list[object]:
        out: list[object] = []
        for page in self.pages:
            out.extend(page.items or [])
        return out


def item_identity(item: object) -> tuple[str, ...] | None:
    """How an OCPI object is told apart in a list: owner, id (or uid) and token type."""
    if not isinstance(item, Mapping):
        return None
    ident = item.get("id", item.get("uid"))
    if ident is None:
        return None
    return (
        str(item.get("country_code", "")).upper(),
        str(item.get("party_id", "")).upper(),
        str(ident).upper(),
        str(item.get("type", "")),
    )


def _pagination_headers(ctx: CheckContext, message: Message) -> list[Finding]:
    exchange = message.exchange
    if not message.is_response or exchange.status is None:
        return []
    data = message.payload
    returned = len(data) if isinstance(data, list) else 0
    info = page_info(message.headers, request_url=exchange.url)
    problems = check_page(info, request_url=exchange.url, returned=returned, version=ctx.version)
    return [finding_from_problem("pagination_headers", p, exchange=message.index) for p in problems]


def _finding(
    code: str, message: str, req: str, level: Level, exchange: int | None, **extra: str
) -> Finding:
    return Finding(
        check="pagination_complete",
        level=level,
        message=message,
        req=req,
        exchange=exchange,
        pointer=extra.get("pointer"),
        expected=extra.get("expected"),
        actual=extra.get("actual") or code,
    )


def _totals(pages: Sequence[CrawledPage]) -> list[int | None]:
    return [page_info(p.message.headers).total_count.value for p in pages]


def _pagination_complete(ctx: CheckContext, crawl: Crawl) -> list[Finding]:
    findings: list[Finding] = []
    last = crawl.pages[-1].message.index if crawl.pages else None
    if crawl.stop == "loop":
        findings.append(
            _finding(
                "next_link_loop",
                f"the next link {crawl.next_url} was already crawled: following it would never end",
                "REQ-TF-031",
                Level.MUST,
                last,
            )
        )
    elif crawl.stop == "other_host":
        findings.append(
            _finding(
                "next_link_other_host",
                f"the next link {crawl.next_url} points to another host; not followed (the "
                "credentials token would be sent there)",
                "REQ-TF-031",
                Level.SHOULD,
                last,
            )
        )
    totals = _totals(crawl.pages)
    known = [t for t in totals if t is not None]
    if len(set(known)) > 1:
        findings.append(
            _finding(
                "total_count_changed",
                f"X-Total-Count changed during the crawl: {', '.join(map(str, totals))}",
                "REQ-TF-029",
                Level.SHOULD,
                last,
            )
        )
    items = crawl.items
    seen: dict[tuple[str, ...], int] = {}
    duplicates = 0
    for item in items:
        ident = item_identity(item)
        if ident is not None:
            duplicates += ident in seen
            seen[ident] = seen.get(ident, 0) + 1
    if duplicates:
        findings.append(
            _finding(
                "duplicate_items",
                f"{duplicates} object(s) appeared on more than one page (unstable order, or "
                "an offset that does not advance by the page size)",
                "REQ-TF-033",
                Level.SHOULD,
                last,
            )
        )
    if crawl.stop == "end" and known and len(set(known)) == 1 and len(items) != known[0]:
        findings.append(
            _finding(
                "crawl_count_mismatch",
                f"X-Total-Count says {known[0]} objects, the pages held {len(items)}",
                "REQ-TF-029",
                Level.MUST,
                last,
                expected=str(known[0]),
                actual=str(len(items)),
            )
        )
    return findings


PAGINATION_HEADERS = FunctionCheck(
    "pagination_headers",
    "message",
    _pagination_headers,
    "a list response has X-Total-Count, X-Limit and a right Link rel=next (every crawled page)",
    default=False,
)
PAGINATION_COMPLETE = FunctionCheck(
    "pagination_complete",
    "crawl",
    _pagination_complete,
    "a crawl ends without loops, X-Total-Count stays put, the pages hold X-Total-Count objects",
)
