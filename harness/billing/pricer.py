"""The pure pricer: tariffs + charging periods + time zone + policy -> a PriceReport.

No I/O and no guessing (``style-models.md`` §5.5): every input is an argument and a missing one is
a ``BillingInputError`` naming it. Two paths give the same result:

- :mod:`.uniform` totals sessions whose periods are all priced by the same components (a tariff
  without restrictions that could change them) and expands the breakdown only when it is read;
- :mod:`.ledger` evaluates every period in one loop that keeps per-component totals instead of
  parts and lines (the common case for restricted tariffs), again expanding the breakdown only
  when it is read;
- :mod:`.walk` walks every period into priced lines (selection per dimension, boundaries inside
  periods), then :mod:`.steps` applies step_size and :mod:`.costing` turns volumes into money.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from zoneinfo import ZoneInfo

from harness.billing.compiled import compile_tariff
from harness.billing.costing import cost_lines, finish_report
from harness.billing.evaluation import default_tariff
from harness.billing.ledger import ledger_applies, price_ledger
from harness.billing.lines import BUCKETS, Issue
from harness.billing.model import SessionInput, Tariff
from harness.billing.policy import Policy
from harness.billing.report import Detail, PriceReport
from harness.billing.steps import apply_steps
from harness.billing.uniform import price_uniform
from harness.billing.walk import Walk
from harness.errors import BillingInputError

__all__ = ["price_session", "price_walk"]


def price_session(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    *,
    tz: ZoneInfo | None,
    policy: Policy,
    reservation_expired: bool = False,
) -> PriceReport:
    """Price ``session`` with ``tariffs`` (the one valid at the session start is the default)."""
    if not tariffs:
        raise BillingInputError("no tariff to price with: give a tariff or a CDR with tariffs")
    issues: list[Issue] = []
    default = default_tariff(tariffs, session, issues)
    ct = compile_tariff(tariffs[default], policy)

    # the breakdown, walked on first read. A partial, not a nested function: compiled (mypyc),
    # a closure and its environment form a reference cycle, garbage only the GC can free
    expand = partial(_walk_detail, tariffs, session, tz, policy, reservation_expired)
    if ct.simple is not None:  # else the uniform lane cannot apply
        report = price_uniform(
            tariffs,
            session,
            default,
            ct,
            issues,
            expand,
            tz=tz,
            policy=policy,
            reservation_expired=reservation_expired,
        )
        if report is not None:
            return report
    if ledger_applies(tariffs, session, policy, ct):
        return price_ledger(
            tariffs,
            session,
            expand,
            tz=tz,
            policy=policy,
            reservation_expired=reservation_expired,
        )
    return price_walk(
        tariffs, session, tz=tz, policy=policy, reservation_expired=reservation_expired
    )


def _walk_detail(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    tz: ZoneInfo | None,
    policy: Policy,
    reservation_expired: bool,
) -> Detail:
    return price_walk(
        tariffs, session, tz=tz, policy=policy, reservation_expired=reservation_expired
    ).detail


def price_walk(
    tariffs: Sequence[Tariff],
    session: SessionInput,
    *,
    tz: ZoneInfo | None,
    policy: Policy,
    reservation_expired: bool = False,
) -> PriceReport:
    """The general path: walk every period, then step_size, then money."""
    if not tariffs:
        raise BillingInputError("no tariff to price with: give a tariff or a CDR with tariffs")
    walk = Walk(tariffs, session, tz, policy, reservation_expired)
    walk.run()
    steps = apply_steps(walk.lines, tariffs, policy)
    if len(tariffs) == 1:
        used: list[int] = [0]
    else:
        used = sorted({part.tariff_index for part in walk.parts})
    modes = [ct.tax_mode for ct in walk.compiled]
    present = [False] * len(BUCKETS)
    rows = cost_lines(walk.lines, modes, used, present)
    return finish_report(
        tariffs,
        session,
        used,
        rows,
        present,
        Detail(walk.parts, walk.lines, steps),
        walk.issues,
        policy=policy,
        tz=tz,
        reservation_expired=reservation_expired,
    )
