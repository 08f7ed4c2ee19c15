"""Loading and pricing the golden cases of ``fixtures/billing/<case>/`` (shared by the tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from harness.billing import Policy, PriceReport, parse_json, price, verify_cdr
from harness.billing.render import volume

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "billing"
SPEC = Path("/work/shared/ocpi-spec")
MONEY_FIELDS = (
    "total_cost",
    "total_energy_cost",
    "total_time_cost",
    "total_parking_cost",
    "total_fixed_cost",
    "total_reservation_cost",
)
VOLUME_FIELDS = ("total_energy", "total_time", "total_parking_time")


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    meta: dict[str, Any] = field(hash=False, compare=False)

    @property
    def expected(self) -> dict[str, Any]:
        return dict(self.meta["expected"])

    def tariff(self) -> object | None:
        name = self.meta.get("tariff")
        return None if name is None else parse_json((self.folder / name).read_text())

    def cdr(self) -> dict[str, Any]:
        raw = parse_json((self.folder / "cdr.json").read_text())
        assert isinstance(raw, dict)
        return raw

    def policy(self) -> Policy:
        return Policy.from_pairs(f"{k}={v}" for k, v in self.meta.get("policy", {}).items())

    def price(self, tariff: object | None = None) -> PriceReport:
        return price(
            tariff if tariff is not None else self.tariff(),  # type: ignore[arg-type]
            self.cdr(),
            time_zone=self.meta.get("time_zone"),
            version=self.meta["version"],
            policy=self.policy(),
            reservation_expired=self.meta.get("reservation_expired", False),
        )

    def verify(self) -> Any:
        return verify_cdr(
            self.tariff(),  # type: ignore[arg-type]
            self.cdr(),
            time_zone=self.meta.get("time_zone"),
            version=self.meta["version"],
            policy=self.policy(),
            reservation_expired=self.meta.get("reservation_expired", False),
        )


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(FIXTURES.iterdir()):
        if (folder / "case.json").is_file():
            meta = json.loads((folder / "case.json").read_text())
            cases.append(Case(folder.name, folder, meta))
    return cases


@cache
def report_of(name: str) -> PriceReport:
    case = next(c for c in load_cases() if c.name == name)
    return case.price()


def actual_field(report: PriceReport, name: str) -> Any:
    """A report field in the shape of ``case.json`` ``expected`` (strings, rounded)."""
    if name in MONEY_FIELDS:
        amount = report.rounded(name)
        if amount is None:
            return None
        return {
            "excl_vat": None if amount.excl is None else f"{amount.excl:f}",
            "incl_vat": None if amount.incl is None else f"{amount.incl:f}",
        }
    value: Decimal = getattr(report, name)
    return f"{volume(value):f}"


def matches(expected: Any, actual: Any) -> bool:
    """Expected money strings must match to the minor unit: "5.50" == "5.50", not "5.5"."""
    return bool(expected == actual)
