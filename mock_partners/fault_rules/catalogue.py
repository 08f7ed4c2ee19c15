"""Named, deliberately faulty partners: one entry per row of ``interop-pitfalls.md`` and per
common transport fault. The self-test arms an entry on a correct mock and expects the suite to
report the matching findings; a case that cannot see its planted fault is a bug in the suite.

Keys are ``pitfall-NN-<topic>[-<variant>]`` and ``common-<fault>``; every rule's description
names the pitfall row and the requirement ids it breaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.billing.exercise import MISTAKES
from harness.billing.features import FEATURE_REQS
from mock_partners.fault_rules.model import FaultAction, FaultMatch, FaultRule, FaultScope

__all__ = ["FAULT_CATALOGUE", "catalogue_entry"]

_ROUTING = ["OCPI-from-country-code", "OCPI-from-party-id", "OCPI-to-country-code",
            "OCPI-to-party-id"]  # fmt: skip


def _rule(
    rule_id: str,
    description: str,
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    direction: str | None = "inbound",
    module: str | None = None,
    method: str | None = None,
    path: str | None = None,
    times: int | None = None,
    after: int = 0,
) -> FaultRule:
    return FaultRule(
        id=rule_id,
        match=FaultMatch(module=module, direction=direction, method=method, path=path),  # type: ignore[arg-type]
        scope=FaultScope(times=times, after=after),
        action=FaultAction(kind, dict(params or {})),
        description=description,
    )


def _entries() -> dict[str, list[FaultRule]]:
    c: dict[str, list[FaultRule]] = {}

    def add(key: str, *rules: FaultRule) -> None:
        c[key] = list(rules)

    # 1 -- token encoding
    add(
        "pitfall-01-token-encoding",
        _rule(
            "pitfall-01-token-encoding",
            "Pitfall 1: the partner sends the credentials token with the other version's encoding "
            "(raw in 2.2.x, Base64 in 2.1.1); REQ-TF-002, REQ-TF-006, REQ-211-001.",
            "wrong_token_encoding",
            direction="outbound",
        ),
    )
    # 2 -- pagination
    pagination = {
        "no-link": ("no_link", "no Link rel=next although more pages remain (REQ-TF-031)"),
        "same-page": (
            "same_page",
            "Link rel=next points at the same page: offset never advances (REQ-TF-027, REQ-TF-031)",
        ),
        "total-is-page-size": (
            "total_is_page_size",
            "X-Total-Count is the page size, not the filtered total (REQ-TF-029)",
        ),
        "no-limit": ("no_limit", "X-Limit is missing (REQ-TF-030)"),
        "link-drops-filters": (
            "link_drops_filters",
            "the next link drops date_from/date_to and other filters (REQ-TF-032)",
        ),
    }
    for suffix, (variant, what) in pagination.items():
        rule = _rule(
            f"pitfall-02-pagination-{suffix}",
            f"Pitfall 2: {what}.",
            "broken_pagination",
            {"variant": variant},
            method="GET",
        )
        add(f"pitfall-02-pagination-{suffix}", rule)
    c["pitfall-02-pagination"] = list(c["pitfall-02-pagination-no-link"])
    # 3 -- date filters
    add(
        "pitfall-03-date-filters",
        _rule(
            "pitfall-03-date-filters",
            "Pitfall 3: list responses contain objects whose last_updated lies outside the "
            "requested date_from/date_to window (filtering on creation time); REQ-TF-026.",
            "date_filter_violation",
            method="GET",
        ),
    )
    add(
        "pitfall-03-stale-parent",
        _rule(
            "pitfall-03-stale-parent",
            "Pitfall 3: an EVSE/Connector update does not bump the parent Location's last_updated; "
            "REQ-LOC-003, REQ-LOC-008, REQ-LOC-009.",
            "stale_parent_last_updated",
            module="locations",
        ),
        _rule(
            "pitfall-03-stale-parent-push",
            "Pitfall 3: pushed Locations are older than their newest EVSE (REQ-LOC-009).",
            "stale_parent_last_updated",
            direction="outbound",
            module="locations",
        ),
    )
    # 4 -- URL joining
    add(
        "pitfall-04-trailing-slash",
        _rule(
            "pitfall-04-trailing-slash",
            "Pitfall 4: the partner joins URLs by hand and adds a trailing slash to the discovered "
            "endpoint URL instead of using it exactly (REQ-VER-012).",
            "mangle_url",
            {"variant": "add_trailing_slash"},
            direction="outbound",
        ),
    )
    add(
        "pitfall-04-double-slash",
        _rule(
            "pitfall-04-double-slash",
            "Pitfall 4: the partner builds URLs with a double slash (REQ-VER-012).",
            "mangle_url",
            {"variant": "double_slash"},
            direction="outbound",
        ),
    )
    # 5 -- timestamps
    for suffix, variant, what in (
        ("", "offset", "with a +00:00 offset instead of Z"),
        ("-nanoseconds", "nanoseconds", "with nine fractional digits"),
    ):
        add(
            f"pitfall-05-datetime{suffix}",
            _rule(
                f"pitfall-05-datetime{suffix}",
                f"Pitfall 5: DateTime values are sent {what} (REQ-TF-056).",
                "bad_timestamps",
                {"variant": variant},
                direction=None,
            ),
        )
    # 6 -- casing and identity
    add(
        "pitfall-06-casing",
        _rule(
            "pitfall-06-casing",
            "Pitfall 6: country_code/party_id are sent in lower case (REQ-TF-057).",
            "lowercase_ids",
            direction=None,
        ),
    )
    add(
        "pitfall-06-owner-mismatch",
        _rule(
            "pitfall-06-owner-mismatch",
            "Pitfall 6: a pushed object's party_id differs from the one in the URL "
            "(REQ-LOC-012, REQ-SES-009, REQ-TAR-003, REQ-TOK-004).",
            "set_field",
            {"pointer": "/party_id", "value": "ZZZ"},
            direction="outbound",
            method="PUT",
        ),
    )
    # 7 -- routing headers
    add(
        "pitfall-07-routing-headers",
        _rule(
            "pitfall-07-routing-headers",
            "Pitfall 7: responses carry no OCPI-from-*/OCPI-to-* headers (REQ-TF-043, REQ-TF-045).",
            "drop_header",
            {"name": _ROUTING},
        ),
        _rule(
            "pitfall-07-routing-headers-out",
            "Pitfall 7: requests carry no OCPI-from-*/OCPI-to-* headers (REQ-TF-043).",
            "drop_header",
            {"name": _ROUTING},
            direction="outbound",
        ),
    )
    add(
        "pitfall-07-routing-not-swapped",
        _rule(
            "pitfall-07-routing-not-swapped",
            "Pitfall 7: the response's OCPI-to-party-id names the responder instead of the "
            "requester (the pair is not swapped; REQ-TF-045).",
            "wrong_header",
            {"name": "OCPI-to-party-id", "value": "ZZZ"},
        ),
    )
    # 8 -- CDR totals
    add(
        "pitfall-08-cdr-total",
        _rule(
            "pitfall-08-cdr-total",
            "Pitfall 8: CDR total_cost is off by 0.10 from the tariff (a step_size or rounding "
            "slip; REQ-CDR-014, REQ-CDR-025).",
            "wrong_cdr_total",
            {"amount": 0.10},
            direction=None,
            module="cdrs",
        ),
    )
    # 9 -- restriction interpretation
    add(
        "pitfall-09-tariff-restrictions",
        _rule(
            "pitfall-09-tariff-restrictions",
            "Pitfall 9: the partner ignores a tariff restriction when pricing, so CDR totals are "
            "0.25 too low (REQ-TAR-010..015, REQ-CDR-025).",
            "wrong_cdr_total",
            {"amount": -0.25},
            direction=None,
            module="cdrs",
        ),
    )
    add(
        "pitfall-09-restrictions-dropped",
        _rule(
            "pitfall-09-restrictions-dropped",
            "Pitfall 9: published tariffs lose their restrictions, so the eMSP prices with the "
            "wrong elements (REQ-TAR-010, REQ-TAR-011).",
            "missing_field",
            {"pointer": "/*/elements/*/restrictions"},
            module="tariffs",
            method="GET",
        ),
    )
    # 8, 9 -- a CDR billed under one wrong reading of a billing rule (harness.billing.exercise)
    for rule_id, mistake, what in (
        ("pitfall-09-restrictions-in-utc", "utc_time", "evaluates time/date/day restrictions in "
         "UTC"),
        ("pitfall-09-restrictions-ored", "restrictions_or", "OR-s the restrictions of an element"),
        ("pitfall-09-inclusive-end", "inclusive_end", "treats end_time/end_date/max_* as "
         "inclusive"),
        ("pitfall-09-kwh-ignored", "ignore_kwh", "ignores min_kwh/max_kwh"),
        ("pitfall-09-power-ignored", "ignore_power", "ignores current/power restrictions"),
        ("pitfall-09-duration-ignored", "ignore_duration", "ignores min/max_duration"),
        ("pitfall-09-reservation-expires-ignored", "ignore_reservation_expires",
         "ignores RESERVATION_EXPIRES elements"),
        ("pitfall-08-step-size-ignored", "ignore_step_size", "ignores step_size"),
        ("pitfall-08-min-price-ignored", "ignore_min_price", "ignores min_price"),
        ("pitfall-08-max-price-ignored", "ignore_max_price", "ignores max_price"),
        ("pitfall-08-periods-not-split", "no_period_split",
         "does not start a ChargingPeriod where the price changes"),
    ):  # fmt: skip
        add(
            rule_id,
            _rule(
                rule_id,
                f"Pitfall {int(rule_id[8:10])}: the CPO {what} when billing; every CDR whose "
                f"price that changes is re-priced that way, totals rewritten "
                f"({FEATURE_REQS[MISTAKES[mistake]]}, REQ-CDR-025).",
                "misprice_cdr",
                {"mistake": mistake},
                direction=None,
                module="cdrs",
            ),
        )
    # 10 -- command callbacks
    add(
        "pitfall-10-command-callback-late",
        _rule(
            "pitfall-10-command-callback-late",
            "Pitfall 10: the CommandResult arrives after the CommandResponse timeout "
            "(REQ-CMD-004 and the async result rules).",
            "delay",
            {"seconds": 40},
            direction="outbound",
            module="commands",
            method="POST",
        ),
    )
    add(
        "pitfall-10-command-callback-missing",
        _rule(
            "pitfall-10-command-callback-missing",
            "Pitfall 10: no CommandResult is ever delivered to response_url.",
            "drop_connection",
            direction="outbound",
            module="commands",
            method="POST",
        ),
    )
    add(
        "pitfall-10-command-response-no-timeout",
        _rule(
            "pitfall-10-command-response-no-timeout",
            "Pitfall 10: the synchronous CommandResponse lacks 'timeout' (REQ-CMD-004).",
            "missing_field",
            {"pointer": "/timeout"},
            module="commands",
            method="POST",
        ),
    )
    # 11 -- credentials handshake
    add(
        "pitfall-11-credentials-wrong-token",
        _rule(
            "pitfall-11-credentials-wrong-token",
            "Pitfall 11: during registration the partner calls versions/details with a token it "
            "was never given instead of token B (REQ-CRED-004, REQ-CRED-006).",
            "wrong_header",
            {"name": "Authorization", "value": "Token bm90LXRoZS1yaWdodC10b2tlbg=="},
            direction="outbound",
            module="versions",
        ),
    )
    add(
        "pitfall-11-credentials-no-token",
        _rule(
            "pitfall-11-credentials-no-token",
            "Pitfall 11: the credentials response carries no token (REQ-CRED-005, REQ-CRED-020).",
            "missing_field",
            {"pointer": "/token"},
            module="credentials",
        ),
    )
    # 12 -- version differences
    add(
        "pitfall-12-version-label",
        _rule(
            "pitfall-12-version-label",
            "Pitfall 12: the versions list advertises the deprecated label '2.1' (REQ-VER-002).",
            "set_field",
            {"pointer": "/*/version", "value": "2.1"},
            module="versions",
            path="*/versions",
        ),
    )
    add(
        "pitfall-12-cost-typing",
        _rule(
            "pitfall-12-cost-typing",
            "Pitfall 12: CDR total_cost typed as in the other version (a number where 2.2.1 has a "
            "Price object; REQ-TF-060, REQ-CDR-018).",
            "wrong_type",
            {"pointer": "/*/total_cost"},
            module="cdrs",
            method="GET",
        ),
    )
    # 13 -- envelope and HTTP status
    add(
        "pitfall-13-envelope",
        _rule(
            "pitfall-13-envelope",
            "Pitfall 13: the response envelope has no status_code and no timestamp (REQ-TF-008).",
            "missing_envelope_fields",
            {"fields": ["status_code", "timestamp"]},
        ),
    )
    add(
        "pitfall-13-http-status",
        _rule(
            "pitfall-13-http-status",
            "Pitfall 13: an OCPI-layer answer comes with an HTTP error status (REQ-TF-013, "
            "REQ-TF-016).",
            "http_status",
            {"status": 400},
        ),
    )
    # 14 -- tolerant parsing
    add(
        "pitfall-14-null-in-list",
        _rule(
            "pitfall-14-null-in-list",
            "Pitfall 14: a null inside Connector tariff_ids (REQ-TF-062).",
            "set_field",
            {"pointer": "/*/evses/0/connectors/0/tariff_ids", "value": [None]},
            module="locations",
            method="GET",
        ),
    )
    add(
        "pitfall-14-one-bad-item",
        _rule(
            "pitfall-14-one-bad-item",
            "Pitfall 14: one object of a page misses a required field; the rest must still be "
            "processed (REQ-TF-062, REQ-LOC-014).",
            "missing_field",
            {"pointer": "/1/address"},
            module="locations",
            method="GET",
        ),
    )
    # 15 -- location shape
    add(
        "pitfall-15-coordinates",
        _rule(
            "pitfall-15-coordinates",
            "Pitfall 15: coordinates with 4 decimals where the regex needs 5-7 (REQ-LOC-023).",
            "coordinates_precision",
            {"decimals": 4},
            direction=None,
            module="locations",
        ),
    )
    add(
        "pitfall-15-empty-connectors",
        _rule(
            "pitfall-15-empty-connectors",
            "Pitfall 15: an EVSE with an empty connectors list (REQ-LOC-020).",
            "set_field",
            {"pointer": "/*/evses/0/connectors", "value": []},
            module="locations",
            method="GET",
        ),
    )
    # common transport faults
    common: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
        ("common-http-500", "HTTP 500 with a plain-text body instead of an OCPI envelope "
         "(REQ-TF-016).", "http_status", {"status": 500, "body": "Internal Server Error"}, {}),
        ("common-http-503", "HTTP 503 Service Unavailable (REQ-TF-016).", "http_status",
         {"status": 503, "body": "Service Unavailable"}, {}),
        ("common-timeout", "The first answer takes 30 s: the client must time out, not hang "
         "(REQ-TF-065).", "delay", {"seconds": 30}, {"times": 1}),
        ("common-slow", "Every answer takes 2 s.", "delay", {"seconds": 2}, {}),
        ("common-drop-connection", "The connection closes without a response, once.",
         "drop_connection", {}, {"times": 1}),
        ("common-non-json", "A proxy's HTML error page (HTTP 502) instead of JSON "
         "(REQ-TF-008).", "non_json", {"status": 502}, {}),
        ("common-malformed-json", "A truncated JSON body (REQ-TF-008).", "malformed_json", {},
         {}),
        ("common-ocpi-server-error", "status_code 3000 (generic server error) with HTTP 200 "
         "(status codes, 3xxx).", "ocpi_status",
         {"status_code": 3000, "status_message": "Generic server error", "drop_data": True}, {}),
        ("common-unknown-status-code", "status_code 1500, which no table defines "
         "(REQ-TF-018).", "ocpi_status", {"status_code": 1500}, {}),
        ("common-wrap-in-list", "A single-object GET answered with a one-element list (the "
         "py_ocpi bug; REQ-TF-009).", "wrap_in_list", {}, {"method": "GET"}),
        ("common-missing-required-field", "The first required field of the returned object "
         "is missing (REQ-TF-062).", "missing_field", {}, {"method": "GET"}),
        ("common-wrong-type", "The first field of the returned object has the wrong JSON type "
         "(REQ-TF-060).", "wrong_type", {}, {"method": "GET"}),
        ("common-wrong-correlation-id", "The response carries another X-Correlation-ID than "
         "the request (REQ-TF-021).", "wrong_correlation_id", {}, {}),
        ("common-no-request-id-echo", "The response does not repeat X-Request-ID "
         "(REQ-TF-020).", "drop_header", {"name": "X-Request-ID"}, {}),
    ]  # fmt: skip
    for key, text, kind, params, extra in common:
        add(key, _rule(key, text, kind, params, **extra))
    # one base entry per pitfall row (the variants above stay available by name)
    late = c["pitfall-10-command-callback-late"][0]
    missing = c["pitfall-10-command-callback-missing"][0]
    c["pitfall-10-command-callbacks"] = [
        FaultRule(late.id, late.match, FaultScope(times=1), late.action, late.description),
        FaultRule(missing.id, missing.match, FaultScope(after=1), missing.action,
                  missing.description),
    ]  # fmt: skip
    c["pitfall-11-credentials"] = [
        *c["pitfall-11-credentials-wrong-token"],
        *c["pitfall-11-credentials-no-token"],
    ]
    c["pitfall-12-version-negotiation"] = [
        *c["pitfall-12-version-label"],
        *c["pitfall-12-cost-typing"],
    ]
    c["pitfall-14-tolerant-parsing"] = list(c["pitfall-14-one-bad-item"])
    c["pitfall-15-location-shape"] = list(c["pitfall-15-coordinates"])
    return dict(sorted(c.items()))


FAULT_CATALOGUE: dict[str, list[FaultRule]] = _entries()


def catalogue_entry(name: str) -> list[FaultRule]:
    """The rules of one catalogue entry; an unknown name lists the known ones."""
    rules = FAULT_CATALOGUE.get(name)
    if rules is None:
        from mock_partners.fault_rules.model import FaultRuleError

        raise FaultRuleError("", f"unknown fault catalogue entry {name!r}; known: "
                                 f"{', '.join(sorted(FAULT_CATALOGUE))}")  # fmt: skip
    return list(rules)
