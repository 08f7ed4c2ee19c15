"""The JSON report validates against reports/report.schema.json and is byte-stable."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from harness.coverage import coverage_matrix, default_catalogue
from harness.errors import UsageError
from harness.loader import load_suites
from harness.results import RunResult
from reports import default_writers, render_report, write_report
from reports.json_report import FORMAT_VERSION, SCHEMA_ID
from tests.reports.conftest import CREDENTIALS_TOKEN, SECRET, assert_snapshot, build_sample_run

ROOT = Path(__file__).parents[2]
SCHEMA_PATH = ROOT / "reports" / "report.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _document(run: RunResult) -> dict[str, Any]:
    data = json.loads(render_report("json", run))
    assert isinstance(data, dict)
    return data


def test_validates_against_its_schema(
    sample_run: RunResult, validator: Draft202012Validator
) -> None:
    errors = [e.message for e in validator.iter_errors(_document(sample_run))]
    assert errors == []


def test_the_schema_catches_a_wrong_document(
    sample_run: RunResult, validator: Draft202012Validator
) -> None:
    document = _document(sample_run)
    document["cases"][0]["outcome"] = "green"
    del document["run"]["seed"]
    assert len(list(validator.iter_errors(document))) == 2


def test_schema_properties_are_documented() -> None:
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    assert schema["$id"] == SCHEMA_ID

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert "description" in prop, name
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_carries_seed_profile_policies_and_findings(sample_run: RunResult) -> None:
    document = _document(sample_run)
    assert list(document) == [
        "$schema",
        "format_version",
        "run",
        "summary",
        "requirements",
        "cases",
    ]
    assert document["format_version"] == FORMAT_VERSION
    run = document["run"]
    assert (run["seed"], run["profile"], run["ocpi_version"], run["sut_role"]) == (
        4242,
        "strict",
        "2.2.1",
        "CPO",
    )
    assert run["policies"] == {"rounding": "none", "tariff_switch": "per_period"}
    assert document["summary"] == {
        "total": 4,
        "passed": 1,
        "failed": 1,
        "error": 1,
        "skipped": 1,
        "verdict": "failed",
    }
    case = document["cases"][0]
    finding = case["findings"][1]
    assert (finding["check"], finding["req"], finding["exchange"]) == (
        "data_cardinality",
        "REQ-TF-009",
        1,
    )
    behind = case["exchanges"][finding["exchange"]]
    assert behind["request"]["method"] == "GET" and behind["response"]["status"] == 200
    assert behind["response"]["body"].startswith('{"data": [{"uid"')
    requirements = {r["req"]: r["outcome"] for r in document["requirements"]}
    assert requirements["REQ-TF-009"] == "failed" and requirements["REQ-CMD-001"] == "skipped"


def test_tokens_are_redacted(sample_run: RunResult) -> None:
    text = render_report("json", sample_run)
    assert SECRET not in text and CREDENTIALS_TOKEN not in text
    assert "Token <redacted>" in text


def test_snapshot_is_stable() -> None:
    first = render_report("json", build_sample_run())
    assert render_report("json", build_sample_run()) == first
    assert_snapshot("sample.json", first)


def test_write_report_and_the_registry(tmp_path: Path, sample_run: RunResult) -> None:
    assert sorted(default_writers()) == ["html", "json", "junit"]
    target = write_report("json", sample_run, tmp_path / "report.json")
    assert json.loads(target.read_text("utf-8"))["run"]["id"] == "run-4242"
    with pytest.raises(UsageError, match="unknown report kind 'xml'"):
        write_report("xml", sample_run, tmp_path / "x")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(UsageError, match="cannot write the json report"):
        write_report("json", sample_run, tmp_path / "a-file" / "report.json")


def test_a_run_carries_the_coverage_of_its_suites(
    sample_run: RunResult, validator: Draft202012Validator
) -> None:
    suites = load_suites([ROOT / "suites" / "2.2.1" / "cpo" / "versions.yaml"])
    matrix = coverage_matrix(suites, default_catalogue(), {"REQ-TF-005": "why"})
    document = _document(replace(sample_run, coverage=matrix))
    validator.validate(document)
    assert list(document)[-2:] == ["coverage", "cases"]
    assert document["coverage"]["versions"]["2.2.1"]["CPO"]["covered"] > 0
    assert "coverage" not in _document(sample_run)  # only when the run computed it
