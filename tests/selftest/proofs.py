"""Shared machinery of the self-test: every case of every suite under ``suites/`` that carries
``proofs`` is run twice, against the correct mock SUT (it must pass, with no SHOULD findings)
and, per proof, against the mock SUT with the proof's fault armed (the finding named by the
proof's check, REQ id and level must appear; a MUST proof must fail the case).

A role's test module needs three lines::

    from tests.selftest.proofs import proof_tests
    test_case_passes, test_proof_is_reported, test_proof_faults_exist = proof_tests(Role.CPO)

and the ``box`` fixture of ``conftest.py`` (a sandbox per SUT role and OCPI version).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from harness.loader import load_suites
from harness.model import Case, Proof, Suite
from harness.ocpi import Level, Role
from harness.results import CaseResult, Outcome
from harness.runner import run_case
from harness.sandbox import Sandbox
from harness.templating import thaw
from mock_partners.faults import FAULT_CATALOGUE, FaultRule

SUITES = Path(__file__).resolve().parents[2] / "suites"

BoxFactory = Callable[[Role, str], Sandbox]


@cache
def all_suites() -> tuple[Suite, ...]:
    return tuple(load_suites([SUITES]))


def cases_of(role: Role) -> list[tuple[Case, Suite]]:
    return [(c, s) for s in all_suites() if s.sut_role is role for c in s.cases]


def proofs_of(role: Role) -> list[tuple[Case, Suite, Proof]]:
    return [(c, s, p) for c, s in cases_of(role) for p in c.proofs]


def fault_rules(proof: Proof) -> list[FaultRule | Mapping[str, Any]]:
    """The rules to arm: a catalogue entry, or the inline rule."""
    if isinstance(proof.fault, str):
        return list(FAULT_CATALOGUE[proof.fault])
    rule = _plain(thaw(proof.fault))
    assert isinstance(rule, dict)
    return [rule]


def _plain(value: object) -> object:
    """YAML numbers with a fraction are Decimals in the suite model; fault rules want floats."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def run_with_faults(
    box: Sandbox, case: Case, suite: Suite, rules: list[FaultRule | Mapping[str, Any]]
) -> CaseResult:
    server = box.sut_server
    assert server is not None
    plan = server.state.faults
    assert plan is not None
    plan.clear()
    try:
        for rule in rules:
            plan.arm(rule)
        return run_case(case, suite, box.ctx)
    finally:
        plan.clear()


def describe(result: CaseResult) -> list[str]:
    return sorted(f"{f.level} {f.req} {f.check} {f.pointer}: {f.message}" for f in result.findings)


def _case_id(item: tuple[Case, Suite]) -> str:
    return item[0].id


def _proof_id(item: tuple[Case, Suite, Proof]) -> str:
    case, _, proof = item
    return f"{case.id}:{proof.fault_key}->{proof.check}:{proof.req}"


def proof_tests(role: Role) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """The three parametrised tests of one SUT role."""

    @pytest.mark.parametrize("item", cases_of(role), ids=_case_id)
    def test_case_passes(item: tuple[Case, Suite], box: BoxFactory) -> None:
        case, suite = item
        result = run_with_faults(box(role, suite.ocpi_version.value), case, suite, [])
        assert result.outcome in (Outcome.PASSED, Outcome.SKIPPED), (
            result.outcome,
            result.error,
            describe(result),
        )
        assert not [f for f in result.findings if f.level is Level.SHOULD], describe(result)

    @pytest.mark.parametrize("item", proofs_of(role), ids=_proof_id)
    def test_proof_is_reported(item: tuple[Case, Suite, Proof], box: BoxFactory) -> None:
        case, suite, proof = item
        sandbox = box(role, suite.ocpi_version.value)
        result = run_with_faults(sandbox, case, suite, fault_rules(proof))
        found = {(f.check, f.req, f.level) for f in result.findings}
        assert (proof.check, proof.req, proof.level) in found, describe(result)
        if proof.level is Level.MUST:
            assert result.outcome is Outcome.FAILED, (result.outcome, result.error)
        assert "Traceback" not in (result.error or "")

    def test_proof_faults_exist() -> None:
        """Every catalogue key named by a proof exists; every inline rule parses."""
        for case, _, proof in proofs_of(role):
            if isinstance(proof.fault, str):
                assert proof.fault in FAULT_CATALOGUE, (case.id, proof.fault)
            else:
                FaultRule.from_json(_plain(thaw(proof.fault)))

    return test_case_passes, test_proof_is_reported, test_proof_faults_exist
