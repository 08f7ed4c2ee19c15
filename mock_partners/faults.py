"""Fault rules for the mock partners: match + scope + action, armed in a seeded FaultPlan.

    >>> plan = FaultPlan(seed=1)
    >>> rule = plan.arm({"id": "slow", "match": {"path": "*/locations*"},
    ...                  "scope": {"times": 1}, "action": {"kind": "delay", "seconds": 2}})
    >>> plan.select(direction="inbound", module="locations", method="GET",
    ...             path="/ocpi/2.2.1/locations").id
    'slow'

Inbound rules change the mock's responses (:class:`FaultMiddleware` around the ASGI app);
outbound rules change the requests the mock sends (:class:`FaultTransport` /
:class:`AsyncFaultTransport` around its httpx transport). :func:`apply_to_response` and
:func:`apply_to_request` are the pure transformations behind both. :data:`FAULT_CATALOGUE`
names one deliberately faulty partner per row of ``interop-pitfalls.md`` and per common fault.
"""

from __future__ import annotations

from mock_partners.fault_rules.actions import (
    HTML_ERROR_PAGE,
    Mutated,
    apply_to_request,
    apply_to_response,
)
from mock_partners.fault_rules.catalogue import FAULT_CATALOGUE, catalogue_entry
from mock_partners.fault_rules.glue import (
    AsyncFaultTransport,
    ConnectionDropped,
    FaultMiddleware,
    FaultTransport,
    guess_module,
    guess_object_name,
    guess_version,
)
from mock_partners.fault_rules.model import (
    ACTION_KINDS,
    REQUEST_ONLY,
    RESPONSE_ONLY,
    Direction,
    FaultAction,
    FaultMatch,
    FaultRule,
    FaultRuleError,
    FaultScope,
)
from mock_partners.fault_rules.plan import FaultPlan, FiredFault

__all__ = [
    "ACTION_KINDS",
    "FAULT_CATALOGUE",
    "HTML_ERROR_PAGE",
    "REQUEST_ONLY",
    "RESPONSE_ONLY",
    "AsyncFaultTransport",
    "ConnectionDropped",
    "Direction",
    "FaultAction",
    "FaultMatch",
    "FaultMiddleware",
    "FaultPlan",
    "FaultRule",
    "FaultRuleError",
    "FaultScope",
    "FaultTransport",
    "FiredFault",
    "Mutated",
    "apply_to_request",
    "apply_to_response",
    "catalogue_entry",
    "guess_module",
    "guess_object_name",
    "guess_version",
]
