"""FaultPlan: the armed rules of one mock, which one fires for an exchange, and what fired."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mock_partners.fault_rules.model import FaultRule, FaultRuleError

__all__ = ["FaultPlan", "FiredFault"]


@dataclass(frozen=True, slots=True)
class FiredFault:
    """A record of one rule firing."""

    sequence: int  # 1-based, across the plan
    rule_id: str
    kind: str
    match_number: int  # which matching exchange of this rule it was (1-based)
    direction: str
    module: str | None
    method: str
    path: str

    @property
    def exchange(self) -> str:
        """The exchange in words: ``inbound GET /ocpi/2.2.1/locations (locations)``."""
        module = f" ({self.module})" if self.module else ""
        return f"{self.direction} {self.method} {self.path}{module}"

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "rule_id": self.rule_id,
            "kind": self.kind,
            "match_number": self.match_number,
            "exchange": self.exchange,
            "direction": self.direction,
            "module": self.module,
            "method": self.method,
            "path": self.path,
        }


class FaultPlan:
    """The armed rules of a mock partner (thread-safe).

    :meth:`select` is called once per exchange. Every armed rule that matches counts the
    exchange; the first (in arming order) whose scope window contains that count and whose
    probability draw succeeds fires, and is recorded in :attr:`fired`. Probability draws come
    from ``random.Random(seed)`` and happen only inside a rule's window, so the same seed and
    the same exchanges fire the same faults.
    """

    def __init__(self, seed: int = 0, rules: Iterable[FaultRule] = ()) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._rules: dict[str, FaultRule] = {}
        self._matches: dict[str, int] = {}
        self._fired: list[FiredFault] = []
        for rule in rules:
            self.arm(rule)

    # -- arming ------------------------------------------------------------------------------

    def arm(self, rule: FaultRule | Mapping[str, Any]) -> FaultRule:
        """Arm ``rule`` (a FaultRule or its JSON). A rule with the same id is replaced and its
        match count starts again from zero."""
        if not isinstance(rule, FaultRule):
            rule = FaultRule.from_json(rule)
        with self._lock:
            self._rules.pop(rule.id, None)
            self._rules[rule.id] = rule
            self._matches[rule.id] = 0
        return rule

    def arm_all(self, rules: Iterable[FaultRule | Mapping[str, Any]]) -> list[FaultRule]:
        return [self.arm(r) for r in rules]

    def disarm(self, rule_id: str) -> bool:
        """Remove a rule; False when no rule has that id."""
        with self._lock:
            self._matches.pop(rule_id, None)
            return self._rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        """Disarm every rule and forget what fired."""
        with self._lock:
            self._rules.clear()
            self._matches.clear()
            self._fired.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        with self._lock:
            return tuple(self._rules.values())

    def rule(self, rule_id: str) -> FaultRule | None:
        with self._lock:
            return self._rules.get(rule_id)

    # -- selection ---------------------------------------------------------------------------

    def select(
        self, *, direction: str, module: str | None, method: str, path: str
    ) -> FaultRule | None:
        """The rule that fires for this exchange, or None."""
        if direction not in ("inbound", "outbound"):
            raise FaultRuleError("/match/direction", f"unknown direction {direction!r}")
        with self._lock:
            chosen: FaultRule | None = None
            number = 0
            for rule in self._rules.values():
                if not rule.match.matches(
                    direction=direction, module=module, method=method, path=path
                ):
                    continue
                count = self._matches[rule.id] = self._matches[rule.id] + 1
                if chosen is not None or not rule.scope.in_window(count):
                    continue
                probability = rule.scope.probability
                if probability < 1.0 and self._rng.random() >= probability:
                    continue
                chosen, number = rule, count
            if chosen is not None:
                self._fired.append(
                    FiredFault(
                        sequence=len(self._fired) + 1,
                        rule_id=chosen.id,
                        kind=chosen.action.kind,
                        match_number=number,
                        direction=direction,
                        module=module,
                        method=method.upper(),
                        path=path,
                    )
                )
            return chosen

    # -- records -----------------------------------------------------------------------------

    @property
    def fired(self) -> tuple[FiredFault, ...]:
        with self._lock:
            return tuple(self._fired)

    def fired_count(self, rule_id: str) -> int:
        with self._lock:
            return sum(1 for f in self._fired if f.rule_id == rule_id)

    def match_count(self, rule_id: str) -> int:
        """How many exchanges matched ``rule_id`` since it was armed (fired or not)."""
        with self._lock:
            return self._matches.get(rule_id, 0)

    def to_json(self) -> dict[str, Any]:
        """The plan as the control API shows it."""
        with self._lock:
            return {
                "seed": self.seed,
                "rules": [
                    {**r.to_json(), "matched": self._matches[r.id]} for r in self._rules.values()
                ],
                "fired": [f.to_json() for f in self._fired],
            }
