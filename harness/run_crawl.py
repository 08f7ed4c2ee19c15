"""The crawl step: a paginated GET followed through ``Link: <...>; rel="next"`` to the end.

The first page is the endpoint URL with the step's query; every later page is requested at the
next link exactly as the SUT wrote it (REQ-TF-032: the filters must be in it). The crawl stops
on the last page (no next link), on a next link already crawled (a loop), on a next link to
another host (the token would go there), on a page that is not a success or whose data is not
a list, and after ``max_pages`` pages (the case then ends in ERROR: the harness gave up).
Every page gets the message checks plus ``pagination_headers`` and the step's ``expect``; the
crawl as a whole gets the crawl checks (``pagination_complete``).
"""

from __future__ import annotations

from harness.checks import Crawl, CrawledPage, CrawlStop, Message, with_level
from harness.client import OcpiRequest, same_origin
from harness.model import CrawlStep
from harness.ocpi.pagination import page_info
from harness.results import Outcome
from harness.run_state import CaseState, StopCase, text_value
from harness.run_steps import Requested, auth_for, check_response, endpoint_url, handle_failure

__all__ = ["run_crawl"]


def _success(message: Message) -> bool:
    code = message.status_code
    return message.exchange.status == 200 and code is not None and 1000 <= code < 2000


def _pages(state: CaseState, step: CrawlStep, first: OcpiRequest) -> tuple[Crawl, list[int]]:
    spec = step.crawl
    pages: list[CrawledPage] = []
    indexes: list[int] = []
    visited: set[str] = set()
    request = first
    stop: CrawlStop = "max_pages"
    next_url: str | None = None
    extra: Requested = [("pagination_headers", None, {})]
    for _ in range(spec.max_pages):
        if request is not first:
            visited.add(request.url)  # the next link as the SUT wrote it
        sent = state.client.send(request)
        hops = [state.add_exchange(x) for x in sent.exchanges]
        indexes.extend(hops)
        handle_failure(state, sent, hops[-1])
        exchange = sent.exchange
        visited.add(exchange.url)
        message = Message(exchange, hops[-1])
        pages.append(CrawledPage(exchange.url, message))
        check_response(state, message, step.expect, spec.endpoint, extra=list(extra))
        if not _success(message):
            stop, next_url = "failed", None
            break
        if not isinstance(message.payload, list):
            stop, next_url = "not_list", None
            break
        next_url = page_info(exchange.response_headers, request_url=exchange.url).next_url
        if next_url is None:
            stop = "end"
            break
        if next_url in visited:
            stop = "loop"
            break
        if not same_origin(next_url, exchange.url):
            stop = "other_host"
            break
        request = OcpiRequest("GET", next_url, module=spec.endpoint, auth=first.auth)
    return Crawl(tuple(pages), stop, next_url, spec.max_pages), indexes


def run_crawl(state: CaseState, step: CrawlStep) -> list[int]:
    spec = step.crawl
    base = endpoint_url(state, spec.endpoint, spec.role)
    path = state.render_text(spec.path, spec.location) if spec.path else ""
    url = base.rstrip("/") + path if path else base
    query: list[tuple[str, str]] = []
    for name, template in spec.query.items():
        value = state.render(template, spec.location)
        if value is not None:
            query.append((name, text_value(value)))
    first = OcpiRequest(
        "GET",
        url,
        query=tuple(query),
        module=spec.endpoint,
        auth=auth_for(state, spec.auth, "version"),
    )
    crawl, indexes = _pages(state, step, first)
    ctx = state.check_context(module=spec.endpoint, cardinality="list")
    registry, levels = state.ctx.checks, state.ctx.profile.levels
    plan = {c.name: levels.get(c.name) for c in registry.defaults("crawl")}
    for ref in spec.checks:
        if registry.enabled(ref.name) and registry.get(ref.name).kind == "crawl":
            plan[ref.name] = ref.level if ref.level is not None else levels.get(ref.name)
    for name, level in plan.items():
        state.add_findings(with_level(registry.get(name)(ctx, crawl), level))
    state.save(step.save, {"items": crawl.items, "pages": len(crawl.pages)}, "crawl")
    if crawl.stop == "max_pages":
        raise StopCase(
            Outcome.ERROR,
            f"the crawl did not end within {spec.max_pages} pages (raise max_pages if the "
            "SUT really has that many)",
        )
    return indexes
