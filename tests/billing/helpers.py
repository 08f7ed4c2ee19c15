"""Small builders for unit tests: one-element tariffs and short CDRs as wire JSON."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness.billing import Policy, PriceReport, price


def comp(kind: str, price_: str, step: int = 1, vat: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "price": Decimal(price_), "step_size": step}
    if vat is not None:
        out["vat"] = Decimal(vat)
    return out


NUMERIC = {"min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power"}


def element(*components: dict[str, Any], **restrictions: Any) -> dict[str, Any]:
    """A TariffElement; numeric restrictions may be given as strings (made Decimal here)."""
    out: dict[str, Any] = {"price_components": list(components)}
    if restrictions:
        out["restrictions"] = {
            k: Decimal(v) if k in NUMERIC and isinstance(v, str) else v
            for k, v in restrictions.items()
        }
    return out


def tariff(*elements: dict[str, Any], currency: str = "EUR", **extra: Any) -> dict[str, Any]:
    return {
        "id": "T",
        "currency": currency,
        "elements": list(elements),
        "last_updated": "2024-01-01T00:00:00Z",
        **extra,
    }


def ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def session(start: str, *periods: tuple[float, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Periods as (minutes, {dimension: volume}); each starts where the previous ended."""
    t0 = datetime.fromisoformat(start)
    t = t0
    out = []
    for minutes, dims in periods:
        out.append(
            {
                "start_date_time": ts(t),
                "dimensions": [{"type": k, "volume": Decimal(str(v))} for k, v in dims.items()],
            }
        )
        t += timedelta(minutes=minutes)
    return {
        "start_date_time": ts(t0),
        "end_date_time": ts(t),
        "currency": "EUR",
        "charging_periods": out,
        **extra,
    }


def run(
    tariff_: dict[str, Any], cdr: dict[str, Any], zone: str | None = "UTC", **policy: str
) -> PriceReport:
    return price(
        tariff_,
        cdr,
        time_zone=zone,
        policy=Policy.from_pairs(f"{k}={v}" for k, v in policy.items()),
    )


def elements_used(report: PriceReport, dimension: str) -> list[int | None]:
    """The element that priced ``dimension`` in each line, in order (None: free)."""
    return [
        None if ln.choice is None else ln.choice[0]
        for ln in report.lines
        if ln.dimension == dimension
    ]
