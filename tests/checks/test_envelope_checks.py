"""envelope_shape, status_code_matches_http and data_cardinality split check_envelope's problems."""

from __future__ import annotations

from harness.checks import default_checks
from harness.ocpi import Level
from tests.checks.helpers import context, envelope, response

CHECKS = default_checks()


def run(name: str, message, **ctx):  # type: ignore[no-untyped-def]
    return CHECKS.get(name)(context(**ctx), message)


def test_a_correct_envelope_has_no_findings() -> None:
    message = response(envelope({"id": "LOC1"}))
    for name in ("envelope_shape", "status_code_matches_http"):
        assert run(name, message) == []
    assert run("data_cardinality", message, cardinality="one") == []


def test_missing_status_code_and_timestamp_are_must_findings_with_pointers() -> None:
    findings = run("envelope_shape", response({"data": []}))
    assert {(f.pointer, f.req, f.level) for f in findings} == {
        ("/status_code", "REQ-TF-008", Level.MUST),
        ("/timestamp", "REQ-TF-008", Level.MUST),
    }
    assert all(f.check == "envelope_shape" and f.exchange == 0 for f in findings)


def test_html_instead_of_json_is_reported_not_raised() -> None:
    [finding] = run("envelope_shape", response("<html><body>Bad gateway</body></html>"))
    assert finding.level is Level.MUST and "not valid JSON" in finding.message


def test_unknown_status_code_cites_the_status_table() -> None:
    [finding] = run("envelope_shape", response(envelope([], status_code=1500)))
    assert finding.req == "REQ-TF-018" and finding.pointer == "/status_code"


def test_http_error_with_success_code_belongs_to_status_code_matches_http() -> None:
    message = response(envelope({"id": "X"}), status=400)
    assert run("envelope_shape", message) == []
    [finding] = run("status_code_matches_http", message)
    assert finding.req == "REQ-TF-016" and finding.check == "status_code_matches_http"


def test_a_list_where_one_object_is_expected() -> None:
    message = response(envelope([{"id": "LOC1"}]))
    [finding] = run("data_cardinality", message, cardinality="one")
    assert finding.req == "REQ-TF-009" and finding.level is Level.MUST
    assert run("data_cardinality", message) == []  # no cardinality declared: not checked


def test_no_response_at_all_is_left_to_the_transport_finding() -> None:
    message = response(None, status=None)
    assert run("envelope_shape", message) == []


def test_the_body_of_a_sut_request_has_the_declared_cardinality() -> None:
    from tests.checks.helpers import call

    [finding] = run("data_cardinality", call([{"result": "ACCEPTED"}]), cardinality="one")
    assert finding.req == "REQ-TF-009" and "an object" in finding.message
    assert run("data_cardinality", call({"result": "ACCEPTED"}), cardinality="one") == []
