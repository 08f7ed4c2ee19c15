"""The human side of a PriceReport: why each element did or did not price a line, the text
breakdown that ``ocpi-harness price`` prints, and JSON text with Decimals as plain numbers.

Nothing here runs while pricing: explanations are rebuilt from the parts only when asked for.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from harness.billing.evaluation import rebuild_state
from harness.billing.lines import BUCKETS, Line, StepAdjustment
from harness.billing.money import fmt, quantize_money
from harness.billing.restrictions import EvalState

if TYPE_CHECKING:
    from harness.billing.compiled import CompiledElement
    from harness.billing.report import PriceReport

__all__ = ["dumps", "not_matched", "render_lines", "render_text", "step_text", "ts", "volume"]

PHASES = ("charging", "reservation", "reservation_expired")
_MONEY_FIELDS = ("total_cost", *BUCKETS)
_VOLUME_PLACES = 6


def ts(value: datetime) -> str:
    """An instant as an OCPI DateTime (UTC, ``Z``)."""
    micro = f".{value.microsecond:06d}" if value.microsecond else ""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + micro + "Z"


def volume(value: Decimal) -> Decimal:
    """A volume for display: at most 6 decimals, half up, no trailing zeros."""
    return Decimal(fmt(quantize_money(value, _VOLUME_PLACES)))


def step_text(s: StepAdjustment) -> str:
    factor, unit = (1000, "Wh") if s.dimension == "ENERGY" else (3600, "s")
    total, rounded = s.total * factor, s.rounded * factor
    return (
        f"{s.group} of tariff {s.tariff_id}: session total {fmt(total)} {unit} rounded up to "
        f"{fmt(rounded)} {unit} with step_size {s.step_size} of the last relevant component; "
        f"the surplus {fmt(rounded - total)} {unit} is billed on this line"
    )


def not_matched(report: PriceReport, ln: Line) -> list[tuple[int, str]]:
    """Elements before the chosen one that could have priced ``ln``, and why they did not."""
    part = ln.part
    ct = part.compiled
    chosen = ln.choice[0] if ln.choice is not None else None
    out: list[tuple[int, str]] = []
    if ct.per_element:
        candidates: tuple[CompiledElement, ...] = ct.phase_elements[part.phase]
    else:
        candidates = ct.slots[part.phase][ln.slot]
    in_phase = {e.index for e in ct.phase_elements[part.phase]}
    dim = "TIME" if ln.dimension == "RESERVATION_TIME" else ln.dimension
    state: EvalState | None = None
    for element in ct.elements:
        if chosen is not None and element.index >= chosen:
            break
        if element.index not in in_phase:
            if dim in element.components:
                kind = element.reservation or "charging"
                phase = PHASES[part.phase]
                out.append(
                    (element.index, f"a {kind} element; not active in the {phase} phase (AMB-23)")
                )
            continue
        if element not in candidates:
            continue
        if state is None:
            state = rebuild_state(part, report.session, report.zone())
        reason = element.why_not(state)
        if reason is not None:
            out.append((element.index, reason))
    return out


def render_text(report: PriceReport, lines: list[Line] | None = None) -> str:
    ids = ", ".join(sorted({t.id for t in report.tariffs}))
    zone = report.time_zone or "none (UTC)"
    out = [f"tariff {ids} | OCPI {report.version} | {report.currency} | time zone {zone}"]
    changed = report.policy.non_default()
    policy = ", ".join(f"{k}={v}" for k, v in changed.items()) if changed else "defaults"
    out.append(f"policy: {policy}")
    out.append("")
    out.extend(render_lines(report, report.lines if lines is None else lines))
    for s in report.steps:
        out.append(f"step_size: {step_text(s)} (period {s.line.part.period})")
    for c in report.clamps:
        out.append(
            f"{c.bound} of tariff {c.tariff_id}: total {c.side} {fmt(c.before)} -> {fmt(c.after)}"
        )
    out.append("")
    digits = report.digits
    for name in _MONEY_FIELDS:
        value = report.rounded(name)
        if value is not None:
            out.append(
                f"{name:24} {_money(value.excl, digits):>12} {_money(value.incl, digits):>12}"
            )
    for name in ("total_energy", "total_time", "total_parking_time"):
        out.append(f"{name:24} {fmt(volume(getattr(report, name))):>12}")
    for issue in report.issues:
        ref = f" {issue.ref}" if issue.ref else ""
        out.append(f"[{issue.level}{ref}] {issue.message}")
    return "\n".join(out)


def render_lines(report: PriceReport, lines: list[Line]) -> list[str]:
    out = [
        f"{'period':>6} {'start':20} {'dimension':16} {'volume':>10} {'billed':>10} "
        f"{'elem':>4} {'price':>8} {'excl':>10} {'incl':>10}"
    ]
    for ln in lines:
        part = ln.part
        choice = ln.choice
        price = f"{choice[2].price:f}" if choice is not None else "free"
        element = str(choice[0]) if choice is not None else "-"
        out.append(
            f"{part.period:>4}.{part.sub:<1} {ts(part.start):20} {ln.dimension:16} "
            f"{fmt(volume(ln.volume)):>10} {fmt(volume(ln.billed)):>10} {element:>4} "
            f"{price:>8} {_exact(ln.excl):>10} {_exact(ln.incl):>10}"
        )
        for index, reason in not_matched(report, ln):
            out.append(f"{'':8}element {index} not used: {reason}")
        if choice is None:
            out.append(f"{'':8}no element prices {ln.dimension} here: no cost (REQ-TAR-010)")
    return out


def _money(value: Decimal | None, digits: int) -> str:
    return "n/a" if value is None else fmt(value, digits)


def _exact(value: Decimal | None) -> str:
    return "n/a" if value is None else fmt(value)


def dumps(value: object, indent: int | None = 2) -> str:
    """JSON text with Decimals written as plain JSON numbers (never floats, never exponents)."""
    return _dump(value, indent, 0)


def _dump(value: object, indent: int | None, level: int) -> str:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value)
    if isinstance(value, dict):
        items = [f"{json.dumps(str(k))}: {_dump(v, indent, level + 1)}" for k, v in value.items()]
        return _wrap("{", "}", items, indent, level)
    if isinstance(value, list | tuple):
        return _wrap("[", "]", [_dump(v, indent, level + 1) for v in value], indent, level)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _wrap(open_: str, close: str, items: list[str], indent: int | None, level: int) -> str:
    if not items:
        return open_ + close
    if indent is None:
        return open_ + ", ".join(items) + close
    pad = " " * (indent * (level + 1))
    return open_ + "\n" + ",\n".join(pad + i for i in items) + "\n" + " " * (indent * level) + close
