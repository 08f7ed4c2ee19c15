"""The HTML report: one self-contained page, verdicts per case and requirement, evidence."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from harness.results import RunResult
from reports import render_report
from tests.reports.conftest import CREDENTIALS_TOKEN, SECRET, assert_snapshot, build_sample_run


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in ("src", "srcset"):
            if values.get(name):
                self.sources.append(values[name] or "")
        if tag == "link":
            self.sources.append(values.get("href") or "")


def _page(run: RunResult) -> tuple[str, _Collector]:
    text = render_report("html", run)
    collector = _Collector()
    collector.feed(text)
    return text, collector


def test_self_contained(sample_run: RunResult) -> None:
    text, page = _page(sample_run)
    assert text.startswith("<!DOCTYPE html>")
    assert "script" not in page.tags and "link" not in page.tags and page.sources == []
    assert all(link.startswith("#") for link in page.links)  # every link stays on the page
    assert all(link[1:] in page.ids for link in page.links)  # and has a target


def test_verdicts_per_case_and_per_requirement(sample_run: RunResult) -> None:
    text, page = _page(sample_run)
    for case in ("TOK-RCV-001", "TOK-RCV-002", "CMD-RCV-001", "CDR-SND-001"):
        assert f"case-{case}" in page.ids and f'href="#case-{case}"' in text
    for case in ("TOK-RCV-001", "CMD-RCV-001", "CDR-SND-001"):  # not the clean pass
        assert f"detail-{case}" in page.ids
    assert "detail-TOK-RCV-002" not in page.ids
    for req in ("REQ-TOK-001", "REQ-TF-009", "REQ-TF-020", "REQ-CMD-001"):
        assert f"req-{req}" in page.ids
    row = re.search(r'id="req-REQ-TF-009">.*?</tr>', text)
    assert row is not None and 'class="outcome failed"' in row.group(0)
    assert "verdict: failed" in text and "Seed</dt><dd>4242" in text
    assert "Policies</dt><dd>rounding=none, tariff_switch=per_period" in text


def test_every_failure_shows_its_request_and_response(sample_run: RunResult) -> None:
    text, page = _page(sample_run)
    assert "case-TOK-RCV-001-x1" in page.ids  # the exchange behind the MUST finding
    section = text[text.index('id="case-TOK-RCV-001-x1"') :]
    assert "GET https://sut.example/ocpi/2.2.1/tokens/NL/RML/04F2E39A1B6C80" in section
    assert "HTTP 200" in section and "&quot;data&quot;: [{&quot;uid&quot;" in section
    assert "case-CDR-SND-001-x0" in page.ids and "no response: connection refused" in text
    assert "case-TOK-RCV-002-x0" not in page.ids  # a clean pass shows no exchange


def test_partner_content_is_escaped(sample_run: RunResult) -> None:
    text, page = _page(sample_run)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "b" not in page.tags  # the <b> inside a request body stayed text


def test_tokens_are_redacted(sample_run: RunResult) -> None:
    text, _ = _page(sample_run)
    assert SECRET not in text and CREDENTIALS_TOKEN not in text


def test_snapshot_is_stable() -> None:
    first = render_report("html", build_sample_run())
    assert render_report("html", build_sample_run()) == first
    assert_snapshot("sample.html", first)
