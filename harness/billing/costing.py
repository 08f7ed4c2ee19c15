"""Volumes to money: VAT per component, cost buckets, min/max price, the rounding policy.

- VAT per component (§3.8): incl = excl x (1 + vat/100); an absent ``vat`` means no VAT applies
  (incl = excl, AMB-25; ``absent_vat=unknown`` makes it unknown). 2.1.1 has no VAT at all, so
  ``incl`` is unknown. 2.3.0 ``tax_included``: YES means the price includes the tax, so the
  before-tax amount is derived from ``vat`` or unknown (AMB-26); N/A means no tax; NO with no
  ``vat`` leaves the after-tax amount unknown (taxes come on top, tariff_19).
- Buckets (§3.6): ENERGY, TIME, PARKING_TIME lines to their buckets; FLATs to fixed, reservation
  FLATs and reservation time to reservation (AMB-18).
- min_price/max_price (§3.7) clamp each tariff's total, excl and incl bounds independently;
  sub-totals stay unclamped (AMB-19).
- Rounding (AMB-07): ``none`` keeps exact values (presentation rounds once at the end);
  ``per_bucket`` rounds every bucket half-up to the minor unit and sums the rounded buckets;
  ``per_total`` rounds the total only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from harness.billing.compiled import (
    DIM_FLAT,
    NO_TAX,
    NO_VAT_KNOWN,
    NO_VAT_UNKNOWN,
    TAX_INCLUDED,
    Choice,
)
from harness.billing.lines import BUCKETS, Amount, Clamp, Issue, Line
from harness.billing.model import PriceBound, SessionInput, Tariff
from harness.billing.money import MINOR_UNITS, ZERO, div, minor_unit, quantize_money
from harness.billing.policy import Policy
from harness.billing.report import Detail, PriceReport

__all__ = ["BucketRows", "cost_lines", "finish_report", "line_cost"]

_N: Final = len(BUCKETS)
_new: Final = tuple.__new__
# per tariff index: (bucket sums excl, bucket sums incl); None once a part is unknown
BucketRows = dict[int, tuple[list[Decimal | None], list[Decimal | None]]]


def line_cost(
    choice: Choice, volume: Decimal, flat: bool, mode: int
) -> tuple[Decimal | None, Decimal | None]:
    """(excl, incl) of ``volume`` priced by ``choice`` under a tariff's tax mode."""
    comp = choice[2]
    gross = comp.price if flat else volume * comp.price
    factor = choice[3]
    if mode <= NO_VAT_UNKNOWN:
        if factor is not None:
            return gross, gross * factor
        if mode == NO_VAT_KNOWN or not gross:
            return gross, gross
        return gross, None
    if mode == TAX_INCLUDED:
        if factor is not None:
            return div(gross, factor), gross
        return (gross if not gross else None), gross
    if mode == NO_TAX:
        return gross, gross
    return gross, None  # 2.1.1: VAT unknown


def cost_lines(
    lines: list[Line], modes: Sequence[int], used: Sequence[int], present: list[bool]
) -> BucketRows:
    """Set ``excl``/``incl`` on every line and sum them per tariff and bucket; ``present`` marks
    the buckets some component priced (a bucket with only free lines stays absent)."""
    rows: BucketRows = {i: ([ZERO] * _N, [ZERO] * _N) for i in used}
    if len(used) == 1 and modes[used[0]] == NO_VAT_KNOWN:  # the common case, in one loop
        ex, inc = rows[used[0]]
        for ln in lines:
            choice = ln.choice
            if choice is None:
                ln.excl = ln.incl = ZERO
                continue
            k = ln.bucket
            present[k] = True
            price = choice[2].price
            gross = price if ln.slot >= DIM_FLAT else ln.billed * price
            factor = choice[3]
            incl = gross if factor is None else gross * factor
            ln.excl = gross
            ln.incl = incl
            ex[k] += gross  # type: ignore[operator]
            inc[k] += incl  # type: ignore[operator]
        return rows
    for ln in lines:
        if ln.choice is None:
            ln.excl = ln.incl = ZERO
            continue
        ti = ln.part.tariff_index
        k = ln.bucket
        present[k] = True
        ln.excl, ln.incl = line_cost(ln.choice, ln.billed, ln.slot >= DIM_FLAT, modes[ti])
        ex, inc = rows[ti]
        value = ex[k]
        if value is not None:
            ex[k] = None if ln.excl is None else value + ln.excl
        value = inc[k]
        if value is not None:
            inc[k] = None if ln.incl is None else value + ln.incl
    return rows


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    try:
        return sum(values, ZERO)  # type: ignore[type-var]
    except TypeError:  # a None: that part is unknown
        return None


def _clamp(
    tariff: Tariff, excl: Decimal | None, incl: Decimal | None, clamps: list[Clamp]
) -> tuple[Decimal | None, Decimal | None]:
    def apply(bound: PriceBound | None, name: str, low: bool) -> None:
        nonlocal excl, incl
        if bound is None:
            return
        for side, limit in (("excl_vat", bound.excl), ("incl_vat", bound.incl)):
            value = excl if side == "excl_vat" else incl
            if limit is None or value is None or (value >= limit if low else value <= limit):
                continue
            clamps.append(Clamp(tariff.id, name, side, value, limit))
            if side == "excl_vat":
                excl = limit
            else:
                incl = limit

    apply(tariff.min_price, "min_price", True)
    apply(tariff.max_price, "max_price", False)
    return excl, incl


def _input_issues(
    tariffs: Sequence[Tariff], session: SessionInput, used: Sequence[int], issues: list[Issue]
) -> str:
    """Currency checks and adapter warnings; returns the currency of the report."""
    currency = session.currency
    if len(used) == 1 and len(tariffs) == 1:
        tariff = tariffs[0]
        if currency == tariff.currency and not tariff.warnings and not session.warnings:
            return currency
    currency = currency or tariffs[used[0]].currency
    if not session.currency:
        issues.append(
            Issue(
                "currency_missing",
                "INFO",
                "REQ-CDR-018",
                f"no currency in the CDR; the tariff's {currency} is used",
                "/currency",
            )
        )
    for index in used:
        tariff = tariffs[index]
        if tariff.currency != currency:
            issues.append(
                Issue(
                    "currency_mismatch",
                    "MUST",
                    "REQ-CDR-025",
                    f"tariff {tariff.id!r} is in {tariff.currency} but the CDR is in "
                    f"{currency}; amounts are reported in {currency} without conversion",
                    "/currency",
                )
            )
    for tariff in tariffs:
        if tariff.warnings:
            issues.extend(Issue("tariff_warning", "INFO", "", w) for w in tariff.warnings)
    if session.warnings:
        issues.extend(Issue("input_warning", "INFO", "", w) for w in session.warnings)
    return currency


def finish_report(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    used: Sequence[int],
    rows: BucketRows,
    present: list[bool],
    detail: Detail | Callable[[], Detail],
    issues: list[Issue],
    *,
    policy: Policy,
    tz: ZoneInfo | None,
    reservation_expired: bool,
) -> PriceReport:
    """Clamp, round per policy and assemble the report from per-tariff bucket sums."""
    currency = _input_issues(tariffs, session, used, issues)
    digits = MINOR_UNITS.get(currency)
    if digits is None:
        digits = minor_unit(currency, allow_unknown=policy.unknown_currency == "two_decimals")
    per_bucket = policy.rounding == "per_bucket"
    clamps: list[Clamp] = []
    if len(used) == 1:
        bucket_ex, bucket_in = rows[used[0]]
        if per_bucket:
            bucket_ex = [None if v is None else quantize_money(v, digits) for v in bucket_ex]
            bucket_in = [None if v is None else quantize_money(v, digits) for v in bucket_in]
        raw_ex, raw_in = _sum(bucket_ex), _sum(bucket_in)
        tariff = tariffs[used[0]]
        if tariff.min_price is None and tariff.max_price is None:
            total_ex, total_in = raw_ex, raw_in
        else:
            total_ex, total_in = _clamp(tariff, raw_ex, raw_in, clamps)
    else:
        bucket_ex = [ZERO] * _N
        bucket_in = [ZERO] * _N
        total_ex = total_in = raw_ex = raw_in = ZERO
        for ti in used:
            row_ex, row_in = rows[ti]
            if per_bucket:
                row_ex = [None if v is None else quantize_money(v, digits) for v in row_ex]
                row_in = [None if v is None else quantize_money(v, digits) for v in row_in]
            for k in range(_N):
                bucket_ex[k] = _sum((bucket_ex[k], row_ex[k]))
                bucket_in[k] = _sum((bucket_in[k], row_in[k]))
            t_ex, t_in = _sum(row_ex), _sum(row_in)
            raw_ex, raw_in = _sum((raw_ex, t_ex)), _sum((raw_in, t_in))
            t_ex, t_in = _clamp(tariffs[ti], t_ex, t_in, clamps)
            total_ex, total_in = _sum((total_ex, t_ex)), _sum((total_in, t_in))
    if policy.rounding == "per_total":
        total_ex = None if total_ex is None else quantize_money(total_ex, digits)
        total_in = None if total_in is None else quantize_money(total_in, digits)
    return PriceReport(
        currency,
        digits,
        session,
        tz.key if tz is not None else None,
        policy,
        reservation_expired,
        tuple(tariffs),
        _new(Amount, (total_ex, total_in)),
        _new(Amount, (raw_ex, raw_in)),
        bucket_ex,
        bucket_in,
        present,
        clamps,
        issues,
        detail,
    )
