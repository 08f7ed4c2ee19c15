"""registration steps and the ``previous`` auth mode in the suite format (loader + schema)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from harness.loader import SuiteError, parse_suite
from harness.model import STEP_KINDS, RegistrationStep, RequestStep
from harness.ocpi import VersionNumber

SCHEMA = Path(__file__).resolve().parents[2] / "harness" / "schemas" / "suite.schema.json"

SUITE = """
suite:
  id: reg
  title: registration steps
  ocpi_version: "2.2.1"
  sut_role: CPO
  module: credentials
cases:
  - id: REG-L-001
    title: every action
    reqs: [REQ-CRED-013]
    steps:
      - registration: {action: update, version: "2.1.1", within: 5s}
        expect: {http_status: 200, ocpi_status: 1000}
        save: {reg: result.token_out}
      - request: {method: GET, endpoint: credentials, auth: previous}
        expect: {http_status: 401}
      - registration: {action: delete}
      - hook: {action: issue_token_a}
        save: {a: result.token_a}
      - registration: {action: register, token_a: "${a}", partner: mock_emsp}
      - registration: {action: await}
    finally:
      - registration: {action: restore, token_a: "${a}"}
"""


def test_registration_steps_are_typed() -> None:
    suite = parse_suite(SUITE, "reg.yaml")
    steps = suite.cases[0].steps
    update, previous, delete, _, register, wait = steps
    assert isinstance(update, RegistrationStep)
    assert (update.action, update.version, update.within) == (
        "update",
        VersionNumber.V2_1_1,
        timedelta(seconds=5),
    )
    assert update.expect is not None and update.expect.http_status == (200,)
    assert [r.name for r in update.save] == ["reg"]
    assert isinstance(previous, RequestStep) and previous.request.auth == "previous"
    assert isinstance(delete, RegistrationStep) and delete.action == "delete"
    assert isinstance(register, RegistrationStep)
    assert (register.token_a, register.partner) == ("${a}", "mock_emsp")
    assert isinstance(wait, RegistrationStep) and wait.action == "await"
    assert "registration" in STEP_KINDS
    [restore] = suite.cases[0].finally_steps
    assert isinstance(restore, RegistrationStep)
    assert (restore.action, restore.token_a, restore.index) == ("restore", "${a}", 7)


def test_the_schema_accepts_registration_steps_and_refuses_unknown_actions() -> None:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    doc = yaml.safe_load(SUITE)
    assert list(validator.iter_errors(doc)) == []
    doc["cases"][0]["steps"][0]["registration"]["action"] = "rotate"
    assert list(validator.iter_errors(doc))
    doc = yaml.safe_load(SUITE)
    doc["cases"][0]["steps"][0]["registration"]["token"] = "x"
    assert list(validator.iter_errors(doc))


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ('{registration: {action: delete, version: "2.1.1"}}', "version applies to update only"),
        ("{registration: {action: update, token_a: abc}}", "token_a applies to register"),
        ("{registration: {action: rotate}}", "rotate"),
        ('{registration: {action: register, token_a: "${nowhere}"}}', "nowhere"),
        ("{registration: {action: update}, save: {x: body.token}}", "body"),
    ],
)
def test_bad_registration_steps_are_refused_with_the_reason(step: str, message: str) -> None:
    text = SUITE.split("    steps:")[0] + f"    steps:\n      - {step}\n"
    with pytest.raises(SuiteError) as info:
        parse_suite(text, "bad.yaml")
    assert message in str(info.value)
    assert "bad.yaml:" in str(info.value)
