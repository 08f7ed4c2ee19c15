"""Fault injection wired into a mock: one seeded :class:`~mock_partners.faults.FaultPlan` per app.

Inbound rules act through :class:`~mock_partners.faults.FaultMiddleware`, placed inside the
CallLog recorder so recorded exchanges show the faults as the partner saw them; outbound rules
act through :class:`~mock_partners.faults.AsyncFaultTransport` around the mock's HTTP
transport. The control API arms and disarms rules with :func:`arm` and :func:`disarm`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from starlette.middleware import Middleware

from mock_partners.faults import AsyncFaultTransport, FaultMiddleware, FaultPlan, FaultRule
from mock_partners.state import MockState


def install_faults(state: MockState) -> None:
    state.faults = FaultPlan(seed=state.seed)


def _plan(state: MockState) -> FaultPlan:
    if state.faults is None:  # pragma: no cover - build_app installs the plan first
        raise RuntimeError("the fault plan is not installed")
    return state.faults


def fault_middleware(state: MockState) -> list[Middleware]:
    return [Middleware(FaultMiddleware, plan=_plan(state))]


def outbound_transport(
    state: MockState, inner: httpx.AsyncBaseTransport
) -> httpx.AsyncBaseTransport:
    """``inner`` with the plan's outbound rules applied to every request the mock sends."""
    return AsyncFaultTransport(inner, _plan(state))


def arm(state: MockState, rules: list[Mapping[str, Any]]) -> list[FaultRule]:
    """Arm rules given as JSON (raises FaultRuleError, naming the bad field, for bad ones)."""
    return [_plan(state).arm(rule) for rule in rules]


def disarm(state: MockState, rule_id: str | None = None) -> None:
    plan = _plan(state)
    if rule_id is None:
        plan.clear()
    else:
        plan.disarm(rule_id)


def plan_json(state: MockState) -> dict[str, Any]:
    return _plan(state).to_json()
