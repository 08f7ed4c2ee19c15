"""expect.* findings, the per-run registry and level overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.checks import (
    CheckRegistry,
    FunctionCheck,
    default_check_names,
    default_checks,
    expectation_findings,
    run_message_checks,
    with_level,
)
from harness.errors import UsageError
from harness.loader import parse_suite
from harness.matchers import default_matchers
from harness.model import RequestStep
from harness.ocpi import Level
from harness.results import Finding
from harness.templating import Variables, render
from tests.checks.helpers import context, envelope, response

SUITE = """
suite: {id: s, title: t, ocpi_version: "2.2.1", sut_role: CPO, module: tokens}
vars: {price: 0.10}
cases:
  - id: EXP-T-001
    title: expectations
    reqs: [REQ-TOK-001]
    steps:
      - request: {method: GET, endpoint: tokens}
        expect:
          http_status: [200, 201]
          ocpi_status: 1000
          headers:
            X-Total-Count: {match: {regex: "^[0-9]+$"}}
          body:
            data.*.uid: {match: non_empty_string}
            data.0.valid: true
            data.0.price: "${price}"
          level: SHOULD
"""


def expectation():  # type: ignore[no-untyped-def]
    suite = parse_suite(SUITE, "t.yaml")
    step = suite.cases[0].steps[0]
    assert isinstance(step, RequestStep)
    assert step.expect is not None
    return step.expect


def evaluate(message):  # type: ignore[no-untyped-def]
    variables = Variables({"price": Decimal("0.10")})
    return expectation_findings(
        expectation(),
        message,
        render=lambda v: render(v, variables),
        matchers=default_matchers(),
        default_req="REQ-TOK-001",
    )


def test_met_expectations_give_nothing() -> None:
    data = [{"uid": "A", "valid": True, "price": 0.1}]
    message = response(envelope(data), headers=[("X-Total-Count", "1")])
    assert evaluate(message) == []


def test_each_mismatch_is_named_after_its_key_at_the_expectation_level() -> None:
    data = [{"uid": "", "valid": 1}]
    message = response(envelope(data, status_code=2001), status=404, headers=[])
    findings = evaluate(message)
    checks = sorted(f.check for f in findings)
    assert checks == [
        "expect.body",
        "expect.body",
        "expect.body",
        "expect.headers",
        "expect.http_status",
        "expect.ocpi_status",
    ]
    assert {f.level for f in findings} == {Level.SHOULD}
    assert {f.req for f in findings} == {"REQ-TOK-001"}
    pointers = {f.pointer for f in findings if f.check == "expect.body"}
    assert pointers == {"/data/0/uid", "/data/0/valid", "/data/0/price"}
    missing = next(f for f in findings if f.pointer == "/data/0/price")
    assert "absent" in (missing.actual or "")


def test_the_registry_is_fresh_per_run_and_refuses_duplicates() -> None:
    first, second = default_checks(), default_checks()
    extra = FunctionCheck("vendor_rule", "message", lambda ctx, m: [])
    first.register(extra)
    assert "vendor_rule" in first and "vendor_rule" not in second
    with pytest.raises(UsageError, match="already registered"):
        first.register(extra)
    assert "vendor_rule" not in default_check_names()
    with pytest.raises(UsageError, match="unknown check"):
        first.get("no_such_check")


def test_disabled_checks_do_not_run_and_levels_override() -> None:
    registry = default_checks()
    message = response({"data": []})  # no status_code, no timestamp
    found = run_message_checks(registry, context(), message)
    assert {f.check for f in found} == {"envelope_shape"}
    lowered = run_message_checks(
        registry, context(), message, levels={"envelope_shape": Level.SHOULD}
    )
    assert {f.level for f in lowered} == {Level.SHOULD}
    requested = run_message_checks(
        registry, context(), message, requested=[("envelope_shape", Level.INFO, {})]
    )
    assert {f.level for f in requested} == {Level.INFO}
    registry.disable(["envelope_shape"])
    assert run_message_checks(registry, context(), message) == []
    with pytest.raises(UsageError):
        registry.disable(["nope"])


def test_with_level_keeps_info() -> None:
    findings = [Finding("c", Level.MUST, "m"), Finding("c", Level.INFO, "i")]
    assert [f.level for f in with_level(findings, Level.SHOULD)] == [Level.SHOULD, Level.INFO]
    assert CheckRegistry().names() == ()
