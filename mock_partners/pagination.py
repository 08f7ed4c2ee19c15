"""Paginated list GETs (``transport_and_format`` §Pagination; REQ-TF-025..033, pitfall 2).

``offset``/``limit``/``date_from`` (inclusive)/``date_to`` (exclusive) are applied by the store;
the page size is the smaller of the requested limit and the configured maximum, and that size
is what ``X-Limit`` and the next ``Link`` carry. The next link keeps every filter of the request
URL as the client sent it, so following it verbatim walks the list.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.ocpi import pagination_headers, parse_page_params
from mock_partners.catalog import Catalog
from mock_partners.operations import Ctx, Reply, ok
from mock_partners.store import Doc


def page_size(requested: int | None, maximum: int) -> int:
    return maximum if requested is None else min(requested, maximum)


def list_reply(ctx: Ctx, catalog: Catalog, view: Callable[[Doc], Doc] | None = None) -> Reply:
    """One page of ``catalog`` for this request, with X-Total-Count, X-Limit and Link."""
    params = parse_page_params(ctx.request.url.query, strict=False)
    limit = page_size(params.limit, ctx.state.config.max_page_size)
    page = catalog.page(
        offset=params.offset,
        limit=limit,
        date_from=params.date_from,
        date_to=params.date_to,
    )
    items = [view(doc) for doc in page.items] if view is not None else page.items
    reply = ok(items)
    reply.headers.update(
        pagination_headers(
            ctx.url, offset=params.offset, limit=limit, returned=len(items), total=page.total
        )
    )
    return reply
