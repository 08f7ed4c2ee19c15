"""The coverage matrix: catalogue parsing, role mapping, and the ``suites --coverage`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.coverage import (
    PACKAGED,
    Requirement,
    coverage_matrix,
    default_catalogue,
    is_not_checkable,
    load_not_checkable,
    parse_catalogue,
    sut_roles,
)
from harness.loader import load_suites

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = """
### 4.1 OCPI 2.2.1 requirements

| ID | Module | Role | Lvl | Requirement (paraphrase) | Source | Chk |
|---|---|---|---|---|---|---|
| REQ-TF-003 | transport | server | M | 401 | TF | A |
| REQ-TF-008 | transport | server | M | envelope | TF | S |
| REQ-LOC-001 | locations | Sender (CPO) | M | list | LOC | A |
| REQ-LOC-005 | locations | Receiver (eMSP) | M | receiver | LOC | A |
| REQ-TOK-001 | tokens | Receiver (CPO) | M | receiver | TOK | A |
| REQ-TF-023 | routing | Hub | M | hub | TF | P |

### 4.2 Delta list OCPI 2.1.1 (relative to 4.1) — REQ-211-*

| ID | Replaces / affects | Role | Lvl | 2.1.1 rule | Source |
|---|---|---|---|---|---|
| REQ-211-001 | TF-002 | client | M | raw token | tf.md |

## §5 Example JSON files
| REQ-X-999 | nope | both | M | outside §4 | x | A |
"""


def test_the_catalogue_is_parsed_per_section() -> None:
    reqs = {r.id: r for r in parse_catalogue(SNIPPET)}
    assert set(reqs) == {
        "REQ-TF-003", "REQ-TF-008", "REQ-LOC-001", "REQ-LOC-005", "REQ-TOK-001", "REQ-TF-023",
        "REQ-211-001",
    }  # fmt: skip
    assert reqs["REQ-TF-003"].checkable and not reqs["REQ-TF-008"].checkable
    assert reqs["REQ-211-001"].version == "2.1.1" and reqs["REQ-211-001"].module == "transport"
    assert sut_roles(reqs["REQ-LOC-001"]) == {"CPO"}
    assert sut_roles(reqs["REQ-LOC-005"]) == {"EMSP"}
    assert sut_roles(reqs["REQ-TOK-001"]) == {"CPO"}
    assert sut_roles(reqs["REQ-TF-003"]) == {"CPO", "EMSP"}
    assert sut_roles(reqs["REQ-TF-023"]) == frozenset()
    sender = Requirement("REQ-TOK-007", "2.2.1", "tokens", "Sender (eMSP)", "M", "A")
    assert sut_roles(sender) == {"EMSP"}


def test_the_packaged_copy_matches_the_parser() -> None:
    data = json.loads(PACKAGED.read_text(encoding="utf-8"))["requirements"]
    assert len(data) > 300
    assert {r["version"] for r in data} == {"2.1.1", "2.2.1", "2.3.0"}
    assert all(set(r) == {"id", "version", "module", "role", "level", "kind"} for r in data)
    packaged = default_catalogue(ROOT / "no-such-file.md")
    assert [r.to_json() for r in packaged] == data


def test_the_matrix_counts_cases_proofs_and_pitfalls() -> None:
    suites = load_suites([ROOT / "suites" / "2.2.1" / "cpo" / "versions.yaml"])
    matrix = coverage_matrix(suites, parse_catalogue(SNIPPET), {"REQ-LOC-001": "why"})
    cpo = matrix["versions"]["2.2.1"]["CPO"]
    assert "REQ-TF-003" in cpo["modules"]["transport"]["covered"]
    assert cpo["modules"]["locations"]["not_checkable"] == ["REQ-LOC-001"]
    assert "REQ-TOK-001" in cpo["modules"]["tokens"]["uncovered"]
    assert "REQ-LOC-005" not in json.dumps(cpo)  # an eMSP requirement
    assert "11" in matrix["pitfalls"]["covered"] and "12" in matrix["pitfalls"]["covered"]
    assert matrix["cases"] == len(suites[0].cases)


def test_suites_coverage_prints_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "OCPI 2.2.1, SUT CPO:" in out and "pitfall rows covered:" in out
    assert main(["suites", "--coverage", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["versions"]["2.2.1"]["CPO"]["covered"] > 0
    assert "cases_without_proof" in data and "not_checkable" in data


def test_a_not_checkable_entry_may_name_the_roles_it_applies_to(tmp_path: Path) -> None:
    listed = tmp_path / "not_checkable.yaml"
    listed.write_text(
        "not_checkable:\n"
        "  - {id: REQ-TF-003, roles: [emsp], reason: only for an eMSP}\n"
        "  - {id: REQ-LOC-001, reason: for every role}\n",
        encoding="utf-8",
    )
    loaded = load_not_checkable(listed)
    assert loaded == {"REQ-TF-003@EMSP": "only for an eMSP", "REQ-LOC-001": "for every role"}
    assert is_not_checkable(loaded, "REQ-TF-003", "EMSP")
    assert not is_not_checkable(loaded, "REQ-TF-003", "CPO")
    assert is_not_checkable(loaded, "REQ-LOC-001", "CPO")
