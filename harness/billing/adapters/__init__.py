"""Per-version adapters: OCPI wire JSON -> the version-free model of ``harness.billing.model``."""

from __future__ import annotations

from types import ModuleType

from harness.billing.adapters import v2_1_1, v2_2_1, v2_3_0
from harness.billing.adapters.base import VersionShape
from harness.billing.adapters.common import BillingFieldError
from harness.billing.model import SessionInput, Tariff
from harness.errors import BillingInputError

__all__ = [
    "SHAPES",
    "VERSIONS",
    "BillingFieldError",
    "adapt_session",
    "adapt_tariff",
    "adapter_for",
]

VERSIONS: dict[str, ModuleType] = {"2.1.1": v2_1_1, "2.2.1": v2_2_1, "2.3.0": v2_3_0}
SHAPES: dict[str, VersionShape] = {v: m.SHAPE for v, m in VERSIONS.items()}


def adapter_for(version: str) -> ModuleType:
    """The adapter module of an OCPI version; an unknown version is a BillingInputError."""
    module = VERSIONS.get(version)
    if module is None:
        raise BillingInputError(
            f"unknown OCPI version {version!r}; the billing engine knows {', '.join(VERSIONS)}"
        )
    return module


def adapt_tariff(raw: object, version: str, pointer: str = "") -> Tariff:
    tariff: Tariff = adapter_for(version).adapt_tariff(raw, pointer)
    return tariff


def adapt_session(raw: object, version: str) -> SessionInput:
    session: SessionInput = adapter_for(version).adapt_session(raw)
    return session
