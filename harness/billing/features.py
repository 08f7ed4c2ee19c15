"""The names of the billing features a suite can ask for (``verify_billing.exercising``).

Pure data, so the suite loader can validate names without importing the pricer; what each
feature means and how it is detected is :mod:`harness.billing.exercise`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["FEATURE_REQS", "features"]

FEATURE_REQS: Mapping[str, str] = MappingProxyType(
    {
        "local_time": "REQ-TAR-012",
        "exclusive_end": "REQ-TAR-012",
        "restrictions_and": "REQ-TAR-011",
        "kwh_restrictions": "REQ-TAR-013",
        "power_restrictions": "REQ-TAR-014",
        "duration_restrictions": "REQ-TAR-015",
        "reservation_expires": "REQ-TAR-017",
        "min_price": "REQ-TAR-018",
        "max_price": "REQ-TAR-019",
        "step_size": "REQ-TAR-020",
        "price_changes": "REQ-CDR-013",
    }
)
"""Feature name -> the requirement that states the rule (in the order reports list them)."""


def features() -> tuple[str, ...]:
    return tuple(FEATURE_REQS)
