"""JUnit XML: the common Jenkins/GitLab shape, one testsuite per suite, stable bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.results import RunResult
from reports import render_report, write_report
from tests.reports.conftest import CREDENTIALS_TOKEN, SECRET, assert_snapshot, build_sample_run

# Elements, their allowed attributes and children, as in Jenkins' junit-4.xsd.
SHAPE: dict[str, tuple[set[str], set[str]]] = {
    "testsuites": ({"name", "time", "tests", "failures", "disabled", "errors"}, {"testsuite"}),
    "testsuite": (
        {
            "name",
            "tests",
            "failures",
            "errors",
            "time",
            "disabled",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
        },
        {"properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), {"property"}),
    "property": ({"name", "value"}, set()),
    "testcase": (
        {"name", "assertions", "time", "classname", "status"},
        {"skipped", "error", "failure", "system-out", "system-err"},
    ),
    "failure": ({"type", "message"}, set()),
    "error": ({"type", "message"}, set()),
    "skipped": (set(), set()),
    "system-out": (set(), set()),
    "system-err": (set(), set()),
}
REQUIRED = {"testsuite": {"name", "tests"}, "testcase": {"name"}, "property": {"name", "value"}}


def _check_shape(element: ET.Element) -> None:
    attributes, children = SHAPE[element.tag]
    assert set(element.attrib) <= attributes, (element.tag, element.attrib)
    assert REQUIRED.get(element.tag, set()) <= set(element.attrib), element.tag
    for child in element:
        assert child.tag in children, (element.tag, child.tag)
        _check_shape(child)


def _parse(run: RunResult) -> ET.Element:
    return ET.fromstring(render_report("junit", run).encode("utf-8"))


def test_matches_the_junit_xsd_shape(sample_run: RunResult) -> None:
    root = _parse(sample_run)
    assert root.tag == "testsuites"
    _check_shape(root)
    for case in root.iter("testcase"):  # xsd sequence: skipped, error, failure, system-out
        order = [c.tag for c in case]
        assert order == sorted(order, key=["skipped", "error", "failure", "system-out"].index)


def test_one_testsuite_per_suite_with_counts(sample_run: RunResult) -> None:
    root = _parse(sample_run)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["tokens-receiver", "commands-receiver", "cdrs-sender"]
    tokens = suites["tokens-receiver"]
    assert (tokens.get("tests"), tokens.get("failures"), tokens.get("errors")) == ("2", "1", "0")
    assert suites["commands-receiver"].get("skipped") == "1"
    assert suites["cdrs-sender"].get("errors") == "1"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    assert tokens.get("timestamp") == "2026-03-15T09:00:00"


def test_run_facts_are_properties(sample_run: RunResult) -> None:
    suite = _parse(sample_run).find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["seed"] == "4242" and props["profile"] == "strict"
    assert props["policy.rounding"] == "none" and props["policy.tariff_switch"] == "per_period"


def test_outcomes_map_to_failure_error_skipped(sample_run: RunResult) -> None:
    cases = {c.get("name"): c for c in _parse(sample_run).iter("testcase")}
    assert set(cases) == {"TOK-RCV-001", "TOK-RCV-002", "CMD-RCV-001", "CDR-SND-001"}
    failure = cases["TOK-RCV-001"].find("failure")
    assert failure is not None and failure.get("type") == "conformance"
    text = failure.text or ""
    assert "[MUST REQ-TF-009] data_cardinality /data: a single Token was sent as a list" in text
    assert "GET https://sut.example/ocpi/2.2.1/tokens/NL/RML/04F2E39A1B6C80" in text
    assert '"data": [{"uid": "04F2E39A1B6C80"}]' in text  # the response behind the finding
    assert "REQ-TF-020" not in text  # a SHOULD finding is not a failure...
    out = cases["TOK-RCV-001"].find("system-out")
    assert out is not None and "REQ-TF-020" in (out.text or "")  # ...but it is reported
    assert cases["TOK-RCV-002"].find("failure") is None
    skipped = cases["CMD-RCV-001"].find("skipped")
    assert skipped is not None and "commands.start_session" in (skipped.text or "")
    error = cases["CDR-SND-001"].find("error")
    assert error is not None and "unreachable" in (error.get("message") or "")
    assert cases["TOK-RCV-001"].get("classname") == "ocpi_2_2_1.cpo.tokens-receiver"


def test_no_credentials_in_the_report(sample_run: RunResult) -> None:
    text = render_report("junit", sample_run)
    assert SECRET not in text and CREDENTIALS_TOKEN not in text


def test_control_characters_do_not_break_the_xml(sample_run: RunResult) -> None:
    from dataclasses import replace

    broken = replace(sample_run.cases[0], title="bell \x07 and nul \x00")
    root = _parse(replace(sample_run, cases=(broken, *sample_run.cases[1:])))
    out = root.find("testsuite/testcase/system-out")
    assert out is not None and "\\x07" in (out.text or "")


def test_snapshot_is_stable(tmp_path: Path) -> None:
    first = render_report("junit", build_sample_run())
    assert render_report("junit", build_sample_run()) == first
    assert_snapshot("sample.junit.xml", first)
    written = write_report("junit", build_sample_run(), tmp_path / "out" / "junit.xml")
    assert written.read_bytes() == first.encode("utf-8")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["junit.xml"]
