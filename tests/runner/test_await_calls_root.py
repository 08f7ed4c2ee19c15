"""await_call with a count saves every awaited call's body under ``calls``, in arrival order."""

from __future__ import annotations

from harness.results import Outcome
from harness.runner import run_case
from tests.runner.fakes import FakePartner, context, suite

HEADERS = [("Content-Type", "application/json"), ("X-Request-ID", "a"), ("X-Correlation-ID", "b")]


def test_calls_root_holds_every_awaited_body() -> None:
    partner = FakePartner()
    for n in (1, 2):
        partner.receive("PATCH", f"/ocpi/emsp/2.2.1/sessions/NL/CPO/S1/{n}", {"n": n}, HEADERS)
    the_suite = suite("""
  - id: RUN-T-CALLS
    title: collect two PATCHes
    reqs: [REQ-SES-014]
    steps:
      - await_call: {method: PATCH, module: sessions, path: /NL/CPO/S1/*, within: 1s, count: 2}
        save: {patches: calls, first: body.n}
      - request:
          method: GET
          endpoint: locations
          query: {a: "${patches.0.n}", b: "${patches.1.n}", f: "${first}"}
""")
    result = run_case(the_suite.cases[0], the_suite, context(partners={"mock_emsp": partner}))
    assert result.outcome is not Outcome.ERROR, result.error
    assert not [f for f in result.failures if f.check in ("save_path_missing", "await_call")]
    assert result.exchanges[-1].url.endswith("?a=1&b=2&f=1")
