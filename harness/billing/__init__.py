"""The reference OCPI billing engine: price a session against its tariff, verify a CDR.

Layers (``style-models.md`` §2.6, §5.5)::

    wire JSON --adapters/v2_1_1|v2_2_1|v2_3_0--> model (Tariff, SessionInput)
        --compiled (once per tariff content and policy, bounded cache)--> pricer (pure):
              uniform (constant components) | ledger | walk --> steps --> costing
        --> PriceReport (exact values, JSON form, breakdown on demand) --> verify (Findings)

Rules: ``ocpi-requirements.md`` §3; ambiguities are :class:`Policy` switches (§7.1 AMB ids);
errata values win over the spec's printed ones (§7.3). Everything is Decimal.

Example::

    from harness.billing import parse_json, price, verify_cdr

    tariff = parse_json(tariff_text)  # numbers as Decimal
    cdr = parse_json(cdr_text)
    report = price(tariff, cdr, time_zone="Europe/Amsterdam")
    report.rounded("total_cost")  # Amount(excl=Decimal('9.00'), incl=Decimal('10.30'))
    report.to_json()  # the ocpi-harness price --json form, with the breakdown
    verify_cdr(tariff, cdr, time_zone="Europe/Amsterdam").findings
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES

from harness.billing.adapters import BillingFieldError
from harness.billing.api import (
    load_session,
    load_tariff,
    load_tariffs,
    parse_json,
    price,
    resolve_zone,
)
from harness.billing.lines import BUCKETS, Amount, Issue, Line, StepAdjustment
from harness.billing.model import ChargingPeriod, SessionInput, Tariff
from harness.billing.policy import POLICY_REFS, Policy
from harness.billing.pricer import price_session
from harness.billing.report import PriceReport
from harness.billing.verify import AMOUNT_CHECK, Finding, VerifyResult, verify_cdr

__all__ = [
    "AMOUNT_CHECK",
    "BUCKETS",
    "POLICY_REFS",
    "Amount",
    "BillingFieldError",
    "ChargingPeriod",
    "Finding",
    "Issue",
    "Line",
    "Policy",
    "PriceReport",
    "SessionInput",
    "StepAdjustment",
    "Tariff",
    "VerifyResult",
    "compiled_modules",
    "load_session",
    "load_tariff",
    "load_tariffs",
    "parse_json",
    "price",
    "price_session",
    "resolve_zone",
    "verify_cdr",
]


def compiled_modules() -> list[str]:
    """The billing modules running as C extensions: those of a wheel built with
    ``OCPI_HARNESS_COMPILE=1`` (see ``hatch_build.py``); empty for the pure-Python engine."""
    suffixes = tuple(EXTENSION_SUFFIXES)
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.startswith("harness.billing.")
        and str(getattr(module, "__file__", None) or "").endswith(suffixes)
    )
