"""Checks: pure functions from a recorded exchange (or a crawl, or a CDR) to findings.

    >>> registry = default_checks()          # a fresh registry for one run
    >>> "response_schema" in registry
    True

Built-in checks (stable names; reports and profiles use them):

========================== ======= ==================================================
name                       kind    rule
========================== ======= ==================================================
envelope_shape             message REQ-TF-008, -017, -018, -056 (envelope timestamp)
status_code_matches_http   message REQ-TF-013, -016
data_cardinality           message REQ-TF-009, -011 (when the step names the cardinality)
response_schema            message OCPI object schema of the response data
request_schema             message OCPI object schema of a request the SUT sent
response_tracing           message REQ-TF-020, -021
request_tracing            message REQ-TF-019, -021, -022
routing_headers            message REQ-TF-043..050
authorization_header       message REQ-TF-001, -002, REQ-211-001 (the SUT's requests)
request_content_type       message REQ-TF-007
registration_token         message REQ-CRED-006, -007 (requested: the token of the latest handshake)
timestamp_utc_format       message REQ-TF-056 (UTC, Z, at most 3 fractional digits)
pagination_headers         message REQ-TF-027..032 (every crawled page)
pagination_complete        crawl   REQ-TF-029, -031, -033 (the crawl as a whole)
cdr_total_matches_tariff   billing REQ-CDR-*, REQ-TAR-* (via harness.billing)
========================== ======= ==================================================

The runner also reports findings that are not registry checks: ``expect.http_status``,
``expect.ocpi_status``, ``expect.headers``, ``expect.body``, ``save_path_missing``,
``transport`` (no usable answer), ``await_call`` (an expected call did not come) and
``endpoint_advertised`` (the module endpoint a step needs is not in the version details),
``credentials_handshake`` (:func:`handshake_findings`) and ``registration`` (a registration
step's handshake did not complete).
"""

from __future__ import annotations

from harness.checks.base import (
    Check,
    CheckContext,
    CheckKind,
    CheckRegistry,
    FunctionCheck,
    Message,
    Party,
    finding_from_problem,
    run_message_checks,
    with_level,
)
from harness.checks.billing import (
    CDR_TOTAL_MATCHES_TARIFF,
    BillingInput,
    BillingOutcome,
    verify_billing,
)
from harness.checks.credentials import REGISTRATION_TOKEN, Handshake, handshake_findings
from harness.checks.envelope import DATA_CARDINALITY, ENVELOPE_SHAPE, STATUS_CODE_MATCHES_HTTP
from harness.checks.expect import compare_value, expectation_findings
from harness.checks.headers import (
    AUTHORIZATION_HEADER_CHECK,
    REQUEST_CONTENT_TYPE,
    REQUEST_TRACING,
    RESPONSE_TRACING,
    ROUTING_HEADERS,
)
from harness.checks.pagination import (
    PAGINATION_COMPLETE,
    PAGINATION_HEADERS,
    Crawl,
    CrawledPage,
    CrawlStop,
    item_identity,
)
from harness.checks.schema import REQUEST_SCHEMA, RESPONSE_SCHEMA
from harness.checks.timestamps import TIMESTAMP_UTC_FORMAT

__all__ = [
    "RUNNER_FINDINGS",
    "BillingInput",
    "BillingOutcome",
    "Check",
    "CheckContext",
    "CheckKind",
    "CheckRegistry",
    "Crawl",
    "CrawlStop",
    "CrawledPage",
    "FunctionCheck",
    "Handshake",
    "Message",
    "Party",
    "builtin_checks",
    "compare_value",
    "default_check_names",
    "default_checks",
    "expectation_findings",
    "finding_from_problem",
    "handshake_findings",
    "item_identity",
    "run_message_checks",
    "verify_billing",
    "with_level",
]

RUNNER_FINDINGS: tuple[str, ...] = (
    "expect.http_status",
    "expect.ocpi_status",
    "expect.headers",
    "expect.body",
    "save_path_missing",
    "transport",
    "await_call",
    "endpoint_advertised",
    "credentials_handshake",
    "registration",
)
"""Finding names the runner itself produces (not registry checks)."""


def builtin_checks() -> tuple[Check, ...]:
    """The built-in checks, in the order they run."""
    return (
        ENVELOPE_SHAPE,
        STATUS_CODE_MATCHES_HTTP,
        DATA_CARDINALITY,
        RESPONSE_SCHEMA,
        REQUEST_SCHEMA,
        RESPONSE_TRACING,
        REQUEST_TRACING,
        ROUTING_HEADERS,
        AUTHORIZATION_HEADER_CHECK,
        REGISTRATION_TOKEN,
        REQUEST_CONTENT_TYPE,
        TIMESTAMP_UTC_FORMAT,
        PAGINATION_HEADERS,
        PAGINATION_COMPLETE,
        CDR_TOTAL_MATCHES_TARIFF,
    )


def default_checks() -> CheckRegistry:
    """A fresh registry with the built-in checks (one per run; add your own to it)."""
    return CheckRegistry(builtin_checks())


def default_check_names() -> frozenset[str]:
    """The names of the built-in checks (what a suite's ``checks:`` may name by default)."""
    return frozenset(check.name for check in builtin_checks())
