"""pagination_headers per page, pagination_complete over a crawl, cdr_total_matches_tariff."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from harness.checks import BillingInput, Crawl, CrawledPage, default_checks, verify_billing
from harness.ocpi import Level, parse_json
from tests.checks.helpers import context, envelope, response, routing_back

CHECKS = default_checks()
BASE = "https://sut.example/ocpi/2.2.1/locations"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "2.2.1"


def page(url: str, ids: list[str], total: int, link: str | None, limit: int = 2) -> CrawledPage:
    headers = [*routing_back(), ("X-Total-Count", str(total)), ("X-Limit", str(limit))]
    if link is not None:
        headers.append(("Link", f'<{link}>; rel="next"'))
    data = [{"country_code": "NL", "party_id": "CPO", "id": i} for i in ids]
    return CrawledPage(url, response(envelope(data), headers=headers, url=url))


def test_a_good_page_and_a_page_without_next_link() -> None:
    good = page(f"{BASE}?limit=2", ["A", "B"], 3, f"{BASE}?offset=2&limit=2")
    assert CHECKS.get("pagination_headers")(context(), good.message) == []
    missing = page(f"{BASE}?limit=2", ["A", "B"], 3, None)
    [finding] = CHECKS.get("pagination_headers")(context(), missing.message)
    assert finding.req == "REQ-TF-031" and finding.level is Level.MUST


def test_a_link_that_drops_the_filter() -> None:
    first = page(
        f"{BASE}?limit=2&date_from=2026-01-01T00:00:00Z", ["A", "B"], 3, f"{BASE}?offset=2&limit=2"
    )
    findings = CHECKS.get("pagination_headers")(context(), first.message)
    assert [(f.req, f.level) for f in findings] == [("REQ-TF-032", Level.MUST)]


def test_a_complete_crawl_has_no_findings() -> None:
    crawl = Crawl(
        (
            page(f"{BASE}?limit=2", ["A", "B"], 3, f"{BASE}?offset=2&limit=2"),
            page(f"{BASE}?offset=2&limit=2", ["C"], 3, None),
        ),
        "end",
    )
    assert CHECKS.get("pagination_complete")(context(), crawl) == []
    assert [i["id"] for i in crawl.items] == ["A", "B", "C"]  # type: ignore[index]


def test_loop_other_host_count_and_duplicates() -> None:
    check = CHECKS.get("pagination_complete")
    self_link = page(f"{BASE}?limit=2", ["A", "B"], 4, f"{BASE}?limit=2")
    [loop] = check(context(), Crawl((self_link,), "loop", f"{BASE}?limit=2"))
    assert loop.req == "REQ-TF-031" and loop.level is Level.MUST
    [other] = check(context(), Crawl((self_link,), "other_host", "https://evil.example/x"))
    assert other.level is Level.SHOULD and "another host" in other.message
    short = Crawl(
        (
            page(f"{BASE}?limit=2", ["A", "B"], 5, f"{BASE}?offset=2&limit=2"),
            page(f"{BASE}?offset=2&limit=2", ["B"], 4, None),
        ),
        "end",
    )
    codes = {f.actual for f in check(context(), short)}
    assert codes == {"total_count_changed", "duplicate_items"}
    consistent = Crawl(
        (
            page(f"{BASE}?limit=2", ["A", "B"], 5, f"{BASE}?offset=2&limit=2"),
            page(f"{BASE}?offset=2&limit=2", ["C"], 5, None),
        ),
        "end",
    )
    [mismatch] = check(context(), consistent)
    assert (mismatch.expected, mismatch.actual, mismatch.req) == ("5", "3", "REQ-TF-029")


def _billing_inputs() -> tuple[dict, dict]:  # type: ignore[type-arg]
    cdr = parse_json((FIXTURES / "CDR" / "ac-time-and-energy.json").read_text())
    tariff = parse_json((FIXTURES / "Tariff" / "ac-time-and-energy.json").read_text())
    assert isinstance(cdr, dict)
    assert isinstance(tariff, dict)
    return cdr, tariff


def test_billing_check_passes_a_correct_cdr_and_catches_a_wrong_total() -> None:
    cdr, tariff = _billing_inputs()
    given = BillingInput(cdr=cdr, tariffs=[tariff], time_zone="Europe/Berlin")
    outcome = verify_billing(context(), given)
    assert outcome.ok and outcome.findings == () and "total_cost" in outcome.reference
    cdr["total_cost"]["excl_vat"] += Decimal("0.10")
    wrong = verify_billing(
        context(), BillingInput(cdr=cdr, tariffs=[tariff], time_zone="Europe/Berlin")
    )
    assert not wrong.ok
    first = wrong.findings[0]
    assert (first.check, first.level, first.pointer) == (
        "cdr_total_matches_tariff",
        Level.MUST,
        "/total_cost/excl_vat",
    )
    assert first.req is not None and first.req.startswith("REQ-CDR-")
