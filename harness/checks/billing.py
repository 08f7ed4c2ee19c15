"""``cdr_total_matches_tariff``: a CDR re-priced by :mod:`harness.billing` against what it billed.

The verify_billing step hands this check the CDR, the tariffs, the time zone and the policy;
:func:`harness.billing.verify_cdr` prices the charging periods and compares every total the
CDR carries (``ocpi-requirements.md`` §3.9), and each of its findings becomes one of ours with
the same level, requirement and JSON pointer. The reference price report is returned too, so
the step can save it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.checks.base import CheckContext, FunctionCheck
from harness.ocpi.problems import Level
from harness.results import Finding

__all__ = ["CDR_TOTAL_MATCHES_TARIFF", "BillingInput", "BillingOutcome", "verify_billing"]

DEFAULT_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class BillingInput:
    """What verify_billing prices: the CDR and, when given, tariffs and time zone."""

    cdr: Mapping[str, Any]
    tariffs: object = None
    time_zone: str | None = None
    tolerance: Decimal = DEFAULT_TOLERANCE
    policy: Mapping[str, str] = field(default_factory=dict)
    reservation_expired: bool = False


@dataclass(frozen=True, slots=True)
class BillingOutcome:
    findings: tuple[Finding, ...]
    reference: Mapping[str, object]
    ok: bool


def verify_billing(ctx: CheckContext, given: BillingInput) -> BillingOutcome:
    """Re-price ``given.cdr``; raises :class:`~harness.errors.BillingInputError` when the
    inputs cannot be priced (the message names what is missing)."""
    from harness.billing import Policy, verify_cdr  # the billing engine is optional at import

    policy = Policy.from_pairs(f"{k}={v}" for k, v in given.policy.items())
    tariffs: Any = given.tariffs
    result = verify_cdr(
        tariffs,
        given.cdr,
        time_zone=given.time_zone,
        version=ctx.version.value,
        policy=policy,
        reservation_expired=given.reservation_expired,
        tolerance=given.tolerance,
    )
    findings = tuple(
        Finding(
            check="cdr_total_matches_tariff",
            level=Level(f.level),
            message=f.message,
            req=f.ref or None,
            pointer=f.pointer or None,
            expected=f.expected,
            actual=f.actual,
        )
        for f in result.findings
    )
    return BillingOutcome(findings, result.report.to_json(), result.ok)


def _check(ctx: CheckContext, given: BillingInput) -> list[Finding]:
    return list(verify_billing(ctx, given).findings)


CDR_TOTAL_MATCHES_TARIFF = FunctionCheck(
    "cdr_total_matches_tariff",
    "billing",
    _check,
    "every total of a CDR equals the reference price of its charging periods (within tolerance)",
)
