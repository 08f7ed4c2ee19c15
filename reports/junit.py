"""JUnit XML in the shape Jenkins, GitLab and most CI readers accept.

``<testsuites>`` holds one ``<testsuite>`` per suite (run facts as ``<properties>``), and one
``<testcase name="CASE-ID">`` per case: ``<failure>`` for FAILED (the MUST findings, then the
exchanges behind them), ``<error>`` for ERROR, ``<skipped>`` with the reason as its text, and
``<system-out>`` with the title, requirements and warnings. Elements and attributes
are those of Jenkins' junit-4.xsd / xunit junit-10.xsd. Built with :mod:`xml.etree`; timestamps
are the run's, so the same run always gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TextIO

from harness.results import CaseResult, Exchange, Finding, Outcome, RunResult

__all__ = ["JunitWriter", "format_exchange", "format_finding"]

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text that XML 1.0 can hold (control characters shown as \\xNN)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}", value)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def format_finding(finding: Finding) -> str:
    """One finding as a few lines of plain text."""
    lines = [str(finding)]
    if finding.step is not None:
        lines[0] = f"step {finding.step}: {lines[0]}"
    if finding.expected is not None:
        lines.append(f"    expected: {finding.expected}")
    if finding.actual is not None:
        lines.append(f"    actual:   {finding.actual}")
    if finding.spec_ref:
        lines.append(f"    spec:     {finding.spec_ref}")
    return "\n".join(lines)


def format_exchange(index: int, exchange: Exchange) -> str:
    """The request and response as sent and received (headers, then body)."""
    arrow = "SUT ->" if exchange.direction == "from_sut" else "-> SUT"
    out = [f"exchange #{index} ({arrow}, {exchange.elapsed:.3f}s)"]
    out.append(f"  {exchange.method} {exchange.url}")
    out.extend(f"  {k}: {v}" for k, v in exchange.request_headers)
    if exchange.request_body:
        out.append("  " + exchange.request_body.replace("\n", "\n  "))
    if exchange.status is None:
        out.append(f"  no response: {exchange.error or 'unknown error'}")
    else:
        out.append(f"  HTTP {exchange.status}")
        out.extend(f"  {k}: {v}" for k, v in exchange.response_headers)
        if exchange.response_body:
            out.append("  " + exchange.response_body.replace("\n", "\n  "))
    return "\n".join(out)


def _evidence(case: CaseResult, findings: Iterable[Finding]) -> str:
    shown = sorted({f.exchange for f in findings if f.exchange is not None})
    return "\n\n".join(
        format_exchange(i, case.exchanges[i]) for i in shown if i < len(case.exchanges)
    )


def _counts(cases: Iterable[CaseResult]) -> dict[str, str]:
    listed = list(cases)
    count = {o: sum(1 for c in listed if c.outcome == o) for o in Outcome}
    return {
        "tests": str(len(listed)),
        "failures": str(count[Outcome.FAILED]),
        "errors": str(count[Outcome.ERROR]),
        "skipped": str(count[Outcome.SKIPPED]),
        "time": _seconds(sum(c.duration for c in listed)),
    }


def _testcase(parent: ET.Element, case: CaseResult, classname: str) -> None:
    element = ET.SubElement(
        parent,
        "testcase",
        {"name": case.case_id, "classname": classname, "time": _seconds(case.duration)},
    )
    if case.outcome == Outcome.FAILED:
        failures = case.failures
        text = "\n".join(format_finding(f) for f in failures)
        evidence = _evidence(case, failures)
        node = ET.SubElement(
            element,
            "failure",
            {"message": _text(f"{len(failures)} MUST finding(s)"), "type": "conformance"},
        )
        node.text = _text(text + ("\n\n" + evidence if evidence else ""))
    elif case.outcome == Outcome.ERROR:
        message = case.error or "the harness could not finish the case"
        node = ET.SubElement(element, "error", {"message": _text(message), "type": "harness"})
        node.text = _text(message)
    elif case.outcome == Outcome.SKIPPED:
        # the reason as text: junit-4.xsd allows no attribute here, readers fall back to text
        ET.SubElement(element, "skipped").text = _text(case.skip_reason or "skipped")
    out = [case.title, f"requirements: {', '.join(case.reqs) or '-'}"]
    if case.location:
        out.append(f"defined at: {case.location}")
    out.extend(f"warning: {format_finding(f)}" for f in case.warnings)
    ET.SubElement(element, "system-out").text = _text("\n".join(out))


def render_junit(run: RunResult) -> str:
    """The JUnit XML document of ``run`` (credentials redacted)."""
    run = run.redacted()
    stamp = run.started_at.strftime("%Y-%m-%dT%H:%M:%S")
    totals = {k: v for k, v in _counts(run.cases).items() if k != "skipped"}  # not in the XSD
    root = ET.Element("testsuites", {"name": "ocpi-harness", **totals})
    properties = {
        "run_id": run.run_id,
        "seed": str(run.seed),
        "profile": run.profile,
        "ocpi_version": run.ocpi_version,
        "sut_role": run.sut_role,
        "sut": run.sut.name,
        "sut_versions_url": run.sut.versions_url or "",
        "tool_version": run.tool_version,
        **{f"policy.{k}": v for k, v in sorted(run.policies.items())},
    }
    role = run.sut_role.lower()
    version = run.ocpi_version.replace(".", "_")
    for index, (suite_id, cases) in enumerate(run.suites()):
        attributes = {"name": suite_id, **_counts(cases), "timestamp": stamp, "id": str(index)}
        suite = ET.SubElement(root, "testsuite", attributes)
        props = ET.SubElement(suite, "properties")
        for name, value in properties.items():
            ET.SubElement(props, "property", {"name": name, "value": _text(value)})
        for case in cases:
            _testcase(suite, case, f"ocpi_{version}.{role}.{suite_id}")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


class JunitWriter:
    """``--junit FILE``."""

    name = "junit"

    def render(self, run: RunResult) -> str:
        return render_junit(run)

    def write(self, run: RunResult, out: TextIO) -> None:
        out.write(self.render(run))
