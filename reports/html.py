"""The HTML report: one self-contained page for people (no scripts, no external files).

Top to bottom: the verdict and counts, the run facts (seed, profile, policies, version, role,
SUT), the verdict per requirement (linking to the cases), the verdict per case, then for every
case that did not simply pass its findings and, for each finding, the exact request and response
behind it (credentials redacted). Rendered with :class:`string.Template`; every value goes
through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from importlib import resources
from string import Template
from typing import TextIO

from harness.ocpi.timestamps import format_datetime
from harness.results import CaseResult, Exchange, Finding, Outcome, RunResult
from reports.json_report import FORMAT_VERSION

__all__ = ["HtmlWriter", "render_html"]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _anchor(kind: str, name: str) -> str:
    return f"{kind}-" + "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _outcome(outcome: Outcome | str) -> str:
    return f'<span class="outcome {_e(outcome)}">{_e(outcome)}</span>'


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _facts(run: RunResult) -> str:
    policies = ", ".join(f"{k}={v}" for k, v in sorted(run.policies.items())) or "defaults"
    sut = run.sut.name + (f" ({run.sut.versions_url})" if run.sut.versions_url else "")
    rows = [
        ("Run", run.run_id),
        ("Started", format_datetime(run.started_at)),
        ("Finished", format_datetime(run.finished_at)),
        ("Duration", f"{run.duration:.3f} s"),
        ("Seed", str(run.seed)),
        ("Profile", run.profile),
        ("Policies", policies),
        ("OCPI version", run.ocpi_version),
        ("SUT role", run.sut_role),
        ("SUT", f"{sut}, {run.sut.mode}"),
        *sorted(run.sut.details.items()),
    ]
    return "\n".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)


def _requirements(run: RunResult) -> str:
    matrix = run.requirement_matrix()
    if not matrix:
        return '<p class="muted">No requirement was cited.</p>'
    rows = []
    for verdict in matrix.values():
        links = ", ".join(
            f'<a href="#{_anchor("case", case)}">{_e(case)}</a> {_outcome(outcome)}'
            for case, outcome in verdict.cases
        )
        rows.append(
            (
                f'<span id="{_anchor("req", verdict.req)}">{_e(verdict.req)}</span>',
                _outcome(verdict.outcome),
                _e(verdict.warnings or ""),
                links,
            )
        )
    return _table(("Requirement", "Verdict", "Warnings", "Cases"), rows)


def _cases(run: RunResult, detailed: set[str]) -> str:
    rows = []
    for case in run.cases:
        name = _e(case.case_id)
        if case.case_id in detailed:
            name = f'<a href="#{_anchor("detail", case.case_id)}">{name}</a>'
        name = f'<span id="{_anchor("case", case.case_id)}">{name}</span>'
        note = case.skip_reason or case.error or ""
        failures, warnings = len(case.failures), len(case.warnings)
        counts = f"{failures} MUST, {warnings} SHOULD" if failures or warnings else ""
        rows.append(
            (
                name,
                _e(case.title),
                _e(case.suite_id),
                _e(", ".join(case.reqs)),
                _outcome(case.outcome),
                _e(f"{case.duration:.3f} s"),
                _e(counts or note),
            )
        )
    return _table(("Case", "Title", "Suite", "Requirements", "Verdict", "Time", "Notes"), rows)


def _headers(headers: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in headers)


def _exchange(case: CaseResult, index: int, exchange: Exchange) -> str:
    who = "SUT → mock partner" if exchange.direction == "from_sut" else "harness → SUT"
    anchor = _anchor("case", f"{case.case_id}-x{index}")
    request = f"{exchange.method} {exchange.url}\n{_headers(exchange.request_headers)}"
    if exchange.request_body is not None:
        request += "\n\n" + exchange.request_body
    if exchange.status is None:
        response = f"no response: {exchange.error or 'unknown error'}"
    else:
        response = f"HTTP {exchange.status}\n{_headers(exchange.response_headers)}"
        if exchange.response_body is not None:
            response += "\n\n" + exchange.response_body
    return (
        f'<div class="exchange" id="{anchor}">\n'
        f'<h4>Exchange #{index} <span class="muted">({_e(who)}, '
        f"{_e(format_datetime(exchange.started_at))}, {exchange.elapsed:.3f} s)</span></h4>\n"
        f"<p>Request</p>\n<pre><code>{_e(request)}</code></pre>\n"
        f"<p>Response</p>\n<pre><code>{_e(response)}</code></pre>\n</div>"
    )


def _finding_row(case: CaseResult, finding: Finding) -> tuple[str, ...]:
    exchange = ""
    if finding.exchange is not None:
        anchor = _anchor("case", f"{case.case_id}-x{finding.exchange}")
        exchange = f'<a href="#{anchor}">#{finding.exchange}</a>'
    return (
        _e(finding.step if finding.step is not None else ""),
        _e(finding.level),
        _e(finding.req or ""),
        f"<code>{_e(finding.check)}</code>",
        f"<code>{_e(finding.pointer or '')}</code>",
        _e(finding.message),
        f"<code>{_e(finding.expected or '')}</code>",
        f"<code>{_e(finding.actual or '')}</code>",
        exchange,
    )


def _case_details(case: CaseResult) -> str:
    parts = [
        f'<h3 id="{_anchor("detail", case.case_id)}">{_e(case.case_id)}: {_e(case.title)} '
        f"{_outcome(case.outcome)}</h3>"
    ]
    facts = [f"Requirements: {_e(', '.join(case.reqs))}"]
    if case.spec:
        facts.append(f"Spec: <code>{_e(case.spec)}</code>")
    if case.location:
        facts.append(f"Defined at <code>{_e(case.location)}</code>")
    parts.append("<p>" + " · ".join(facts) + "</p>")
    if case.skip_reason:
        parts.append(f"<p>Skipped: {_e(case.skip_reason)}</p>")
    if case.error:
        parts.append(f"<p>Error:</p>\n<pre><code>{_e(case.error)}</code></pre>")
    if case.findings:
        head = ("Step", "Level", "Req", "Check", "Where", "Message", "Expected", "Actual", "Exch.")
        parts.append(_table(head, (_finding_row(case, f) for f in case.findings)))
    if case.outcome == Outcome.ERROR:
        shown = set(range(len(case.exchanges)))
    else:
        shown = {f.exchange for f in case.findings if f.exchange is not None}
    parts.extend(
        _exchange(case, i, case.exchanges[i]) for i in sorted(shown) if i < len(case.exchanges)
    )
    return "\n".join(parts)


def render_html(run: RunResult) -> str:
    """The HTML page of ``run`` (credentials redacted)."""
    run = run.redacted()
    totals = run.totals()
    counts = (
        " ".join(f'<span class="{o}">{_e(o)}: {totals[str(o)]}</span>' for o in Outcome)
        + f" <span>total: {totals['total']}</span>"
    )
    detailed = [c for c in run.cases if c.outcome != Outcome.PASSED or c.findings]
    details = "\n".join(_case_details(c) for c in detailed)
    detailed_ids = {c.case_id for c in detailed}
    verdict = run.verdict
    template = Template(
        resources.files("reports").joinpath("templates/report.html").read_text("utf-8")
    )
    return template.substitute(
        title=_e(f"OCPI {run.ocpi_version} conformance: {run.sut.name} as {run.sut_role}"),
        tool_version=_e(run.tool_version),
        format_version=_e(FORMAT_VERSION),
        verdict=_e(verdict),
        verdict_text=_e("all selected cases passed" if run.ok else f"verdict: {verdict}"),
        counts=counts,
        facts=_facts(run),
        requirements=_requirements(run),
        cases=_cases(run, detailed_ids),
        details=details or '<p class="muted">Every case passed without findings.</p>',
    )


class HtmlWriter:
    """``--html FILE``."""

    name = "html"

    def render(self, run: RunResult) -> str:
        return render_html(run)

    def write(self, run: RunResult, out: TextIO) -> None:
        out.write(self.render(run))
