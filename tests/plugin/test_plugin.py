"""The pytest plugin, exercised with pytester: collection, outcomes, failure tables, options."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.loader import load_suites

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "suites" / "2.2.1"

PASSING = """\
suite:
  id: plugin-demo
  title: plugin demo
  ocpi_version: "2.2.1"
  sut_role: CPO
  module: locations
  interface: SENDER
cases:
  - id: PLG-T-001
    title: the list answers
    reqs: [REQ-LOC-001]
    steps:
      - request: {method: GET, endpoint: locations, query: {limit: 1}}
        expect: {http_status: 200, ocpi_status: 1000, data: {schema: Location, cardinality: list}}
  - id: PLG-T-002
    title: a wrong expectation fails with a table
    reqs: [REQ-LOC-002]
    steps:
      - request: {method: GET, endpoint: locations, query: {limit: 1}}
        expect: {http_status: 201, data: {cardinality: one}}
  - id: PLG-T-003
    title: needs what the mock does not declare
    reqs: [REQ-CMD-001]
    requires: [commands.teleport]
    steps:
      - request: {method: GET, endpoint: locations}
"""


def test_the_plugin_is_off_unless_asked_for(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", demo=PASSING)
    result = pytester.runpytest("-p", "no:ocpi_harness")
    result.assert_outcomes()


def test_cases_become_items_with_outcomes_and_a_findings_table(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", demo=PASSING)
    pytester.makefile(".yml", other="plain: yaml\nnot: a suite\n")
    result = pytester.runpytest("-p", "ocpi_harness", "-rs", "-v")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*demo.yaml::PLG-T-001 PASSED*",
            "*PLG-T-002 FAILED: a wrong expectation fails with a table*",
            "*MUST*REQ-TF-009*data_cardinality*/data*",
            "*MUST*REQ-LOC-002*expect.http_status*HTTP status 200, expected 201*",
            "*commands.teleport*",
        ]
    )


def test_node_ids_reportinfo_and_markers(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", demo=PASSING)
    result = pytester.runpytest("-p", "ocpi_harness", "--collect-only", "-q", "-m", "ocpi_module")
    result.stdout.fnmatch_lines(
        ["demo.yaml::PLG-T-001", "demo.yaml::PLG-T-002", "demo.yaml::PLG-T-003"]
    )
    pytester.makeconftest(
        """
def pytest_collection_finish(session):
    for item in session.items:
        path, line, text = item.reportinfo()
        marks = sorted((m.name, m.args[0]) for m in item.iter_markers() if m.args)
        print("INFO", item.nodeid, line, text, marks)
"""
    )
    result = pytester.runpytest("-p", "ocpi_harness", "--collect-only", "-q", "-s")
    result.stdout.fnmatch_lines(
        [
            "INFO demo.yaml::PLG-T-001 8 PLG-T-001: the list answers "
            "[('ocpi_module', 'locations'), ('ocpi_version', '2.2.1'), ('sut_role', 'CPO')]",
        ]
    )


def test_a_broken_suite_is_a_collection_error_with_the_line(pytester: pytest.Pytester) -> None:
    broken = PASSING.replace("expect: {http_status: 200", "expct: {http_status: 200")
    pytester.makefile(".yaml", broken=broken)
    result = pytester.runpytest("-p", "ocpi_harness")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.yaml:14:9:*expct*"])


def test_the_bundled_suites_pass_against_the_embedded_mocks(pytester: pytest.Pytester) -> None:
    cases = sum(len(suite.cases) for suite in load_suites([SUITES]))
    result = pytester.runpytest("-p", "ocpi_harness", str(SUITES), "--ocpi-seed", "3")
    result.assert_outcomes(passed=cases)


def test_options_are_checked(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", demo=PASSING)
    result = pytester.runpytest("-p", "ocpi_harness", "--ocpi-sut-role", "cpo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--ocpi-sut-role needs --ocpi-versions-url and --ocpi-token*"])
    result = pytester.runpytest(
        "-p", "ocpi_harness", "--ocpi-profile", "lenient", "-k", "PLG-T-001"
    )
    result.assert_outcomes(passed=1, deselected=2)


def test_an_unreachable_live_sut_fails_each_item_once_without_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", demo=PASSING)
    result = pytester.runpytest(
        "-p",
        "ocpi_harness",
        "--ocpi-sut-role",
        "cpo",
        "--ocpi-token",
        "A",
        "--ocpi-versions-url",
        "http://127.0.0.1:9/ocpi/versions",
        "--ocpi-timeout",
        "1",
    )
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["*cannot connect to the SUT*unreachable at discovery*"])
    assert "Traceback" not in result.stdout.str()
