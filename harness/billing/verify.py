"""CDR verification: the CDR's own totals against the reference price, plus §3.9 consistency.

``verify_cdr`` prices the CDR's periods, then compares every total the CDR carries with the
reference under a tolerance (default 0.01 per amount) and checks the CDR against itself: sub-totals
add up, periods ordered and inside the session, ENERGY in kWh, no Session-only dimensions, tariff
references resolve (``ocpi-requirements.md`` §3.9). Each problem is a :class:`Finding` citing a
REQ id of §4.1 or an AMB id of §7.1; non-conformance is data, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from harness.billing.adapters.common import as_mapping
from harness.billing.api import TariffInput, load_session, resolve_tariffs, resolve_zone
from harness.billing.cdr_totals import read_amount
from harness.billing.consistency import ConsistencyChecks
from harness.billing.findings import AMOUNT_CHECK, Finding, VerifyResult
from harness.billing.lines import BUCKETS, Amount, Level
from harness.billing.money import ZERO, fmt
from harness.billing.policy import Policy
from harness.billing.pricer import price_session
from harness.billing.report import PriceReport

__all__ = ["AMOUNT_CHECK", "Finding", "VerifyResult", "verify_cdr"]

_DEFAULT_TOLERANCE = Decimal("0.01")


def verify_cdr(
    tariff: TariffInput,
    cdr: Mapping[str, object],
    *,
    time_zone: str | ZoneInfo | None,
    version: str = "2.2.1",
    policy: Policy | None = None,
    reservation_expired: bool = False,
    tolerance: Decimal = _DEFAULT_TOLERANCE,
) -> VerifyResult:
    """Price ``cdr`` with ``tariff`` (None: the CDR's own ``tariffs``) and check what it billed."""
    raw = as_mapping(cdr, "")
    policy = policy if policy is not None else Policy()
    session = load_session(raw, version)
    tariffs = resolve_tariffs(tariff, session, version)
    zone = resolve_zone(time_zone if time_zone is not None else session.time_zone)
    report = price_session(
        tariffs, session, tz=zone, policy=policy, reservation_expired=reservation_expired
    )
    checker = _Checker(raw, report, version, policy, tolerance)
    checker.run()
    return VerifyResult(report, tuple(checker.findings), tolerance)


class _Checker(ConsistencyChecks):
    """Collects the findings of one verification (amounts here, consistency in the mixin)."""

    def __init__(
        self,
        raw: Mapping[str, object],
        report: PriceReport,
        version: str,
        policy: Policy,
        tolerance: Decimal,
    ) -> None:
        self.raw = raw
        self.report = report
        self.version = version
        self.policy = policy
        self.tol = tolerance
        self.findings: list[Finding] = []
        self.credit = raw.get("credit") is True

    def add(
        self,
        check: str,
        level: Level,
        ref: str,
        pointer: str,
        message: str,
        expected: str | None = None,
        actual: str | None = None,
    ) -> None:
        self.findings.append(Finding(check, level, ref, pointer, expected, actual, message))

    def run(self) -> None:
        self.amounts()
        self.volumes()
        self.periods()
        self.dimensions()
        self.tariff_refs()
        self.subtotals_add_up()
        if self.credit and not self.raw.get("credit_reference_id"):
            self.add(
                "cdr_credit_reference",
                "MUST",
                "REQ-CDR-011",
                "/credit_reference_id",
                "a credit CDR needs credit_reference_id",
            )
        seen = {f.pointer for f in self.findings}
        for issue in self.report.issues:
            if issue.pointer and issue.pointer in seen and issue.code == "tariff_id_unresolved":
                continue
            self.add(issue.code, issue.level, issue.ref, issue.pointer, issue.message)

    # -- amounts -------------------------------------------------------------------------------

    def amounts(self) -> None:
        report = self.report
        clamped = report.clamped
        changed = report.policy.non_default()
        policy_text = f"policy {changed}" if changed else "default policy"
        for name in ("total_cost", *BUCKETS):
            actual, pointers = read_amount(self.raw, name, self.version)
            ref = report.amount(name)
            if ref is None:
                ref = Amount(ZERO, ZERO)
            if actual is None:
                if name == "total_cost":
                    self.add(
                        AMOUNT_CHECK, "MUST", "REQ-CDR-018", "/total_cost", "total_cost is missing"
                    )
                elif (ref.excl or ref.incl) and self.version != "2.1.1":
                    self.add(
                        AMOUNT_CHECK,
                        "INFO",
                        "REQ-CDR-023",
                        f"/{name}",
                        f"{name} is absent; the reference is {self._money(ref.excl)}",
                        self._money(ref.excl),
                    )
                continue
            level: Level = "MUST"
            ref_id = "REQ-CDR-025"
            if name == "total_cost" and clamped:
                ref_id = "REQ-TAR-018" if report.clamps[0].bound == "min_price" else "REQ-TAR-019"
            if name != "total_cost" and clamped:
                if self.policy.clamped_subtotals == "skip":
                    continue
                level, ref_id = "SHOULD", "AMB-19"
            for side, got, want, pointer in (
                ("excl", actual.excl, ref.excl, pointers[0]),
                ("incl", actual.incl, ref.incl, pointers[1]),
            ):
                if got is None:
                    continue
                if want is None:
                    if name == "total_cost":
                        why = "AMB-26" if self.version == "2.3.0" else "AMB-25"
                        self.add(
                            AMOUNT_CHECK,
                            "INFO",
                            why,
                            pointer,
                            f"the reference {side} amount is unknown (tax not derivable "
                            "from the tariff); not compared",
                            None,
                            fmt(got),
                        )
                    continue
                self._compare(name, side, got, want, pointer, level, ref_id, policy_text)

    def _compare(
        self,
        name: str,
        side: str,
        got: Decimal,
        want: Decimal,
        pointer: str,
        level: Level,
        ref_id: str,
        policy_text: str,
    ) -> None:
        expected = -want if self.credit else want
        if abs(got - expected) <= self.tol:
            return
        either = self.credit and name != "total_cost" and self.policy.credit_subtotals == "either"
        if either and abs(got - want) <= self.tol:
            self.add(
                "cdr_credit_sign",
                "SHOULD",
                "AMB-20",
                pointer,
                f"credit CDR {name} is not negated",
                self._money(expected),
                fmt(got),
            )
            return
        if self.credit and name == "total_cost":
            ref_id = "REQ-CDR-008"
        self.add(
            AMOUNT_CHECK,
            level,
            ref_id,
            pointer,
            f"CDR says {fmt(got)}, the reference is {self._money(expected)} (exact "
            f"{fmt(expected)}) under the {policy_text}; difference {fmt(got - expected)} exceeds "
            f"the tolerance {fmt(self.tol)}",
            self._money(expected),
            fmt(got),
        )

    def _money(self, value: Decimal | None) -> str:
        return "unknown" if value is None else fmt(value, self.report.digits)

    def subtotals_add_up(self) -> None:
        if self.report.clamped or self.version == "2.1.1":
            return
        total, _ = read_amount(self.raw, "total_cost", self.version)
        if total is None:
            return
        sums: list[Decimal | None] = [ZERO, ZERO]
        any_present = False
        for name in BUCKETS:
            amount, _ = read_amount(self.raw, name, self.version)
            if amount is None:
                ref = self.report.amount(name)
                if ref is not None and ref.excl:
                    return  # an omitted non-zero sub-total: the sum cannot be checked
                continue
            any_present = True
            for k, value in enumerate((amount.excl, amount.incl)):
                current = sums[k]
                if current is None or value is None:
                    sums[k] = None
                else:  # credit CDRs may negate sub-totals or not (AMB-20): compare magnitudes
                    sums[k] = current + (abs(value) if self.credit else value)
        if not any_present:
            return
        for k, (got, side) in enumerate(((total.excl, "excl"), (total.incl, "incl"))):
            summed = sums[k]
            if got is None or summed is None:
                continue
            if self.credit:
                got = abs(got)
            if abs(got - summed) <= self.tol:
                continue
            _, pointers = read_amount(self.raw, "total_cost", self.version)
            self.add(
                "cdr_subtotals_add_up",
                "MUST",
                "REQ-CDR-025",
                pointers[k],
                f"the sub-totals add up to {fmt(summed)} {side} but total_cost says {fmt(got)}",
                fmt(summed),
                fmt(got),
            )
        for name in ("total_cost", *BUCKETS):
            amount, pointers = read_amount(self.raw, name, self.version)
            if amount is None or amount.incl is None or amount.excl is None or self.credit:
                continue
            if amount.incl < amount.excl - self.tol and self._vat_non_negative():
                self.add(
                    "cdr_incl_vat_not_below_excl",
                    "SHOULD",
                    "REQ-CDR-025",
                    pointers[1],
                    f"{name} incl. VAT {fmt(amount.incl)} is below excl. VAT "
                    f"{fmt(amount.excl)} although no VAT rate is negative",
                )

    def _vat_non_negative(self) -> bool:
        return all(
            c.vat is None or c.vat >= 0
            for t in self.report.tariffs
            for e in t.elements
            for c in e.components
        )

    # -- volumes and periods -------------------------------------------------------------------
