"""The list form of verify_billing: CDRs selected by the billing rule that decided their price."""

from __future__ import annotations

import re

import pytest

from harness.results import Outcome
from harness.runner import run_case
from harness.suite_yaml import SuiteError
from tests.runner.fakes import context, suite

VARS = """
    vars:
      tariff:
        fixture: 2.2.1/Tariff/ac-time-and-energy.json
        overrides: {min_price: {excl_vat: 100, incl_vat: 121}}
      cdr:
        fixture: 2.2.1/CDR/ac-time-and-energy.json
      location: {value: {id: "${cdr.cdr_location.id}", time_zone: Europe/Berlin}}
"""


def _run(cases: str):  # type: ignore[no-untyped-def]
    the_suite = suite(cases)
    ctx = context()
    return [run_case(case, the_suite, ctx) for case in the_suite.cases]


def test_a_history_without_the_feature_skips_the_case_with_the_reason() -> None:
    [result] = _run(f"""
  - id: RUN-B-001
    title: no CDR exercises min_price
    reqs: [REQ-TAR-018]
{VARS}
    steps:
      - verify_billing:
          cdrs: ["${{cdr}}"]
          locations: ["${{location}}"]
          exercising: [min_price, step_size]
          req: REQ-TAR-018
""")
    assert result.outcome is Outcome.SKIPPED, result.skip_reason
    reason = result.skip_reason or ""
    assert "none of the SUT's 1 CDR(s)" in reason and "min_price ignored" in reason
    assert "REQ-TAR-020" in reason


def test_a_cdr_whose_price_the_feature_decided_is_verified_and_named() -> None:
    [result] = _run(f"""
  - id: RUN-B-002
    title: min_price decides; the CDR did not apply it
    reqs: [REQ-TAR-018]
{VARS}
    steps:
      - verify_billing:
          cdrs: ["${{cdr}}", {{id: junk}}]
          tariffs: ["${{tariff}}"]
          locations: ["${{location}}"]
          exercising: [min_price]
          req: REQ-TAR-018
        save: {{checked: checked, why: exercised}}
""")
    assert result.outcome is Outcome.FAILED
    failure = result.failures[0]
    assert failure.check == "cdr_total_matches_tariff" and failure.req == "REQ-TAR-018"
    assert failure.message.startswith(
        "CDR VLT-CDR-2026-000481 (its price depends on min_price (REQ-TAR-018): priced as the "
        "rule says 100.00 excl. / 121.00 incl. VAT"
    )
    assert "with min_price ignored" in failure.message
    (unread,) = [f for f in result.findings if f.level.value == "INFO"]
    assert unread.message.startswith(
        "1 CDR(s) could not be re-priced and were not verified: CDR junk"
    )


def test_without_exercising_every_cdr_is_verified() -> None:
    [result] = _run(f"""
  - id: RUN-B-003
    title: all CDRs
    reqs: [REQ-CDR-025]
{VARS}
    steps:
      - verify_billing: {{cdrs: ["${{cdr}}"], locations: ["${{location}}"]}}
        save: {{checked: checked}}
""")
    assert result.outcome is Outcome.PASSED, result.findings


def test_an_empty_or_unusable_list() -> None:
    [empty, bad] = _run("""
  - id: RUN-B-004
    title: nothing
    reqs: [REQ-CDR-025]
    steps:
      - verify_billing: {cdrs: []}
  - id: RUN-B-005
    title: not a list
    reqs: [REQ-CDR-025]
    steps:
      - verify_billing: {cdrs: "text"}
""")
    assert empty.outcome is Outcome.SKIPPED and "empty" in (empty.skip_reason or "")
    assert bad.outcome is Outcome.ERROR


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{cdr: x, cdrs: [x]}", "only one of cdr, cdrs"),
        ("{cdr: x, exercising: [min_price]}", "exercising needs cdrs"),
        ("{cdrs: [x], exercising: [min_prize]}", "did you mean 'min_price'"),
    ],
)
def test_the_loader_rejects_bad_list_forms(body: str, message: str) -> None:
    with pytest.raises(SuiteError, match=re.escape(message)):
        suite(f"""
  - id: RUN-B-009
    title: bad
    reqs: [REQ-CDR-025]
    steps:
      - verify_billing: {body}
""")


def test_the_suite_schema_lists_every_billing_feature() -> None:
    import json
    from pathlib import Path

    from harness.billing.features import features

    schema = json.loads(
        (Path(__file__).parents[2] / "harness/schemas/suite.schema.json").read_text()
    )
    listed = schema["$defs"]["verify_billing"]["properties"]["exercising"]["items"]["enum"]
    assert tuple(listed) == features()
