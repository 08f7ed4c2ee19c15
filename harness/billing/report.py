"""PriceReport: the result of pricing, with its JSON form and a human breakdown.

Totals keep exact values; ``to_json()`` rounds money to the currency's minor unit (half up, once,
at the end) in the 2.2.1 Price shape for every version (``incl_vat`` null where unknown) and adds
the exact values under ``"exact"``. The breakdown says, per period and dimension, which element
priced it and why the earlier candidate elements did not match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from harness.billing import render
from harness.billing.lines import BUCKETS, Amount, Clamp, Issue, Line, Part, StepAdjustment
from harness.billing.model import SessionInput, Tariff
from harness.billing.money import ZERO, div, fmt, quantize_money
from harness.billing.policy import Policy

if TYPE_CHECKING:
    pass

__all__ = ["Detail", "PriceReport", "dumps"]

dumps = render.dumps

_UNITS = {
    "ENERGY": "kWh",
    "TIME": "h",
    "PARKING_TIME": "h",
    "RESERVATION_TIME": "h",
    "FLAT": "session",
}
_MONEY_FIELDS = ("total_cost", *BUCKETS)


@dataclass(slots=True)
class Detail:
    """The per-period breakdown of a pricing run."""

    parts: list[Part]
    lines: list[Line]
    steps: list[StepAdjustment]


_HOUR_US: Final = Decimal(3_600_000_000)
_US: Final = timedelta(microseconds=1)


@dataclass(slots=True)
class PriceReport:
    """What a session costs under a tariff and a policy, and why.

    The breakdown (``parts``, ``lines``, ``steps``) may be computed on first access: sessions
    priced by constant components are totalled directly (see :mod:`.uniform`) and only expanded
    into per-period lines when someone reads them.
    """

    currency: str
    digits: int  # ISO 4217 minor unit of the currency
    session: SessionInput
    time_zone: str | None
    policy: Policy
    reservation_expired: bool
    tariffs: tuple[Tariff, ...]
    total_cost: Amount  # after min/max price and the rounding policy
    unclamped_cost: Amount  # sum of the buckets before min/max price
    bucket_excl: list[Decimal | None]  # per BUCKETS entry
    bucket_incl: list[Decimal | None]
    bucket_used: list[bool]  # False: no line went to that bucket
    clamps: list[Clamp]
    issues: list[Issue]
    _detail: Detail | Callable[[], Detail]

    @property
    def detail(self) -> Detail:
        detail = self._detail
        if not isinstance(detail, Detail):
            detail = self._detail = detail()
        return detail

    @property
    def parts(self) -> list[Part]:
        return self.detail.parts

    @property
    def lines(self) -> list[Line]:
        return self.detail.lines

    @property
    def steps(self) -> list[StepAdjustment]:
        return self.detail.steps

    @property
    def version(self) -> str:
        return self.session.version

    @property
    def total_energy(self) -> Decimal:
        """kWh: the sum of the periods' ENERGY volumes."""
        return sum((p.energy for p in self.session.periods if p.energy is not None), ZERO)

    @property
    def total_parking_time(self) -> Decimal:
        """h: the sum of the periods' PARKING_TIME volumes."""
        periods = self.session.periods
        return sum((p.parking_time for p in periods if p.parking_time is not None), ZERO)

    @property
    def total_reservation_time(self) -> Decimal:
        """h: the sum of the periods' RESERVATION_TIME volumes."""
        periods = self.session.periods
        return sum((p.reservation_time for p in periods if p.reservation_time), ZERO)

    @property
    def total_time(self) -> Decimal:
        """h: end - start (minus reservation time under ``total_time_reservation=exclude``)."""
        session = self.session
        hours = div(Decimal((session.end - session.start) // _US), _HOUR_US)
        if self.policy.total_time_reservation == "exclude":
            hours -= self.total_reservation_time
        return hours

    @property
    def buckets(self) -> dict[str, Amount | None]:
        """Sub-totals by CDR field name (None: no line went to that bucket)."""
        return {
            name: Amount(self.bucket_excl[k], self.bucket_incl[k]) if self.bucket_used[k] else None
            for k, name in enumerate(BUCKETS)
        }

    @property
    def total_energy_cost(self) -> Amount | None:
        return self.amount("total_energy_cost")

    @property
    def total_time_cost(self) -> Amount | None:
        return self.amount("total_time_cost")

    @property
    def total_parking_cost(self) -> Amount | None:
        return self.amount("total_parking_cost")

    @property
    def total_fixed_cost(self) -> Amount | None:
        return self.amount("total_fixed_cost")

    @property
    def total_reservation_cost(self) -> Amount | None:
        return self.amount("total_reservation_cost")

    def amount(self, name: str) -> Amount | None:
        """``total_cost`` or a bucket by its CDR field name (exact values)."""
        if name == "total_cost":
            return self.total_cost
        k = BUCKETS.index(name)
        if not self.bucket_used[k]:
            return None
        return Amount(self.bucket_excl[k], self.bucket_incl[k])

    def rounded(self, name: str) -> Amount | None:
        """An amount rounded half-up to the currency's minor unit (None parts stay None)."""
        value = self.amount(name)
        if value is None:
            return None
        d = self.digits
        return Amount(
            None if value.excl is None else quantize_money(value.excl, d),
            None if value.incl is None else quantize_money(value.incl, d),
        )

    @property
    def clamped(self) -> bool:
        return bool(self.clamps)

    def lines_for(self, name: str) -> list[Line]:
        """The breakdown lines behind an amount (all lines for ``total_cost``)."""
        if name == "total_cost":
            return list(self.lines)
        k = BUCKETS.index(name)
        return [ln for ln in self.lines if ln.bucket == k]

    # -- JSON ----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        """The JSON form (the ``ocpi-harness price --json`` contract); numbers are Decimal."""
        out: dict[str, object] = {
            "currency": self.currency,
            "ocpi_version": self.version,
            "time_zone": self.time_zone,
            "reservation_expired": self.reservation_expired,
        }
        for name in _MONEY_FIELDS:
            value = self.rounded(name)
            out[name] = None if value is None else _price(value)
        out["total_energy"] = render.volume(self.total_energy)
        out["total_time"] = render.volume(self.total_time)
        out["total_parking_time"] = render.volume(self.total_parking_time)
        out["total_reservation_time"] = render.volume(self.total_reservation_time)
        out["policy"] = self.policy.to_json()
        out["breakdown"] = [self.line_json(ln) for ln in self.lines]
        out["step_size"] = [self._step_json(s) for s in self.steps]
        out["min_max_price"] = [
            {
                "tariff_id": c.tariff_id,
                "bound": c.bound,
                "side": c.side,
                "before": c.before,
                "after": c.after,
            }
            for c in self.clamps
        ]
        out["issues"] = [
            {
                "code": i.code,
                "level": i.level,
                "ref": i.ref,
                "pointer": i.pointer,
                "message": i.message,
            }
            for i in self.issues
        ]
        exact: dict[str, object] = {}
        for name in _MONEY_FIELDS:
            value = self.amount(name)
            exact[name] = None if value is None else _price(value, exact=True)
        exact["unclamped_cost"] = _price(self.unclamped_cost, exact=True)
        exact["total_time"] = self.total_time
        out["exact"] = exact
        return out

    def to_json_text(self, indent: int | None = 2) -> str:
        return render.dumps(self.to_json(), indent=indent)

    def line_json(self, ln: Line) -> dict[str, object]:
        part = ln.part
        choice = ln.choice
        comp = choice[2] if choice is not None else None
        out: dict[str, object] = {
            "period": part.period,
            "part": part.sub,
            "start": render.ts(part.start),
            "end": render.ts(part.end),
            "local_start": self._local(part.start),
            "phase": render.PHASES[part.phase],
            "tariff_id": part.compiled.tariff.id,
            "dimension": ln.dimension,
            "element": None if choice is None else choice[0],
            "component": None if choice is None else choice[1],
            "price": None if comp is None else comp.price,
            "vat": None if comp is None else comp.vat,
            "step_size": None if comp is None else comp.step_size,
            "unit": _UNITS[ln.dimension],
            "volume": ln.volume,
            "billed_volume": ln.billed,
            "cost": _price(Amount(ln.excl, ln.incl), exact=True),
            "bucket": BUCKETS[ln.bucket],
            "not_matched": [{"element": i, "reason": r} for i, r in self.not_matched(ln)],
            "step": None if ln.step is None else render.step_text(ln.step),
        }
        return out

    def _local(self, instant: datetime) -> str | None:
        zone = self.zone()
        return None if zone is None else instant.astimezone(zone).isoformat()

    def _step_json(self, s: StepAdjustment) -> dict[str, object]:
        return {
            "tariff_id": s.tariff_id,
            "group": s.group,
            "dimension": s.dimension,
            "total": s.total,
            "rounded": s.rounded,
            "step_size": s.step_size,
            "period": s.line.part.period,
            "text": render.step_text(s),
        }

    @staticmethod
    def step_text(s: StepAdjustment) -> str:
        """One step_size rounding in words."""
        return render.step_text(s)

    def not_matched(self, ln: Line) -> list[tuple[int, str]]:
        """Elements before the chosen one that could have priced this line, and why not."""
        return render.not_matched(self, ln)

    def render_text(self, lines: list[Line] | None = None) -> str:
        """A human-readable breakdown (what ``ocpi-harness price`` prints without --json)."""
        return render.render_text(self, lines)

    def render_lines(self, lines: list[Line]) -> list[str]:
        """The breakdown table rows for ``lines``, each with the elements it skipped and why."""
        return render.render_lines(self, lines)

    def zone(self) -> ZoneInfo | None:
        return None if self.time_zone is None else ZoneInfo(self.time_zone)


def _price(value: Amount, *, exact: bool = False) -> dict[str, object]:
    if exact:
        return {
            "excl_vat": None if value.excl is None else Decimal(fmt(value.excl)),
            "incl_vat": None if value.incl is None else Decimal(fmt(value.incl)),
        }
    return {"excl_vat": value.excl, "incl_vat": value.incl}
