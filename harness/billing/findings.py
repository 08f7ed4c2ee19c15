"""The results of CDR verification: findings (data, never exceptions) and their summary.

A :class:`Finding` says which check failed, how seriously (MUST / SHOULD / INFO), which rule
(a REQ id of ``ocpi-requirements.md`` §4.1 or an AMB id of §7.1), where in the CDR (a JSON pointer),
what the reference expected and what the CDR says.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from harness.billing.lines import Level
from harness.billing.money import fmt
from harness.billing.render import dumps
from harness.billing.report import PriceReport

__all__ = ["AMOUNT_CHECK", "Finding", "VerifyResult"]

AMOUNT_CHECK = "cdr_total_matches_tariff"


@dataclass(frozen=True, slots=True)
class Finding:
    """One verification result: which check, how serious, which rule, where in the CDR."""

    check: str
    level: Level
    ref: str
    pointer: str
    expected: str | None
    actual: str | None
    message: str

    def to_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "level": self.level,
            "ref": self.ref,
            "pointer": self.pointer,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }


@dataclass(slots=True)
class VerifyResult:
    report: PriceReport
    findings: tuple[Finding, ...]
    tolerance: Decimal

    @property
    def ok(self) -> bool:
        """No MUST-level finding."""
        return not any(f.level == "MUST" for f in self.findings)

    @property
    def mismatches(self) -> tuple[Finding, ...]:
        """Amount findings (the CDR billed something other than the reference)."""
        return tuple(f for f in self.findings if f.check == AMOUNT_CHECK and f.level != "INFO")

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "tolerance": self.tolerance,
            "findings": [f.to_json() for f in self.findings],
            "reference": self.report.to_json(),
        }

    def to_json_text(self, indent: int | None = 2) -> str:
        return dumps(self.to_json(), indent=indent)

    def render_text(self) -> str:
        """The differing amounts with the breakdown lines behind them, then the other findings."""
        out: list[str] = []
        shown: set[str] = set()
        for f in self.mismatches:
            out.append(f"[{f.level} {f.ref}] {f.pointer}: {f.message}")
            field = f.pointer.split("/")[1]
            if field not in shown:
                shown.add(field)
                out.extend(
                    "    " + row for row in self.report.render_lines(self.report.lines_for(field))
                )
        for f in self.findings:
            if f.check != AMOUNT_CHECK or f.level == "INFO":
                out.append(f"[{f.level}{' ' + f.ref if f.ref else ''}] {f.pointer}: {f.message}")
        verdict = "OK: the CDR matches the reference" if self.ok else "MISMATCH"
        out.append(
            f"{verdict} (tolerance {fmt(self.tolerance)}, policy "
            f"{self.report.policy.non_default() or 'defaults'})"
        )
        return "\n".join(out)
