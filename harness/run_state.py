"""The state of one running case: its variables, exchanges, findings and partner cursors, and
the helpers every step kind shares (rendering, check contexts, saving values).

A step stops the case by raising :class:`StopCase` with the outcome it would give the case on
its own (ERROR: the harness cannot go on; SKIPPED: the SUT cannot be made to act; FAILED: a
MUST finding was recorded and nothing sensible follows). Findings are data and go through
:meth:`CaseState.add_findings`; they never raise.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from harness.checks import CheckContext, Message, run_message_checks
from harness.client import OcpiClient
from harness.context import RunContext
from harness.model import Case, DataExpectation, FrozenJson, SaveRule, SourceLocation, Suite
from harness.ocpi.envelope import DataCardinality
from harness.ocpi.headers import new_request_id
from harness.ocpi.problems import Level
from harness.results import Exchange, Finding, Outcome
from harness.templating import MISSING, Variables, lookup, render, render_text

__all__ = ["CaseState", "StopCase", "text_value"]


class StopCase(Exception):
    """The case cannot go on; ``outcome`` is what it means for the case (see module doc)."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message


def text_value(value: object) -> str:
    """A rendered scalar as header / query text (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | str):
        return str(value)
    raise ValueError(f"expected text, a number or a boolean, got {type(value).__name__}")


@dataclass
class CaseState:
    """Everything a case accumulates while it runs."""

    ctx: RunContext
    suite: Suite
    case: Case
    rng: random.Random
    client: OcpiClient
    variables: Variables
    exchanges: list[Exchange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    consumed: dict[str, set[int]] = field(default_factory=dict)
    step: int = 0
    notes: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, ctx: RunContext, suite: Suite, case: Case, rng: random.Random) -> CaseState:
        correlation = new_request_id(rng)
        client = ctx.client.derive(rng=rng, correlation_id=correlation)
        state = cls(ctx, suite, case, rng, client, Variables())
        for name, partner in ctx.partners.items():
            state.marks[name] = partner.mark()
            state.consumed[name] = set()
        return state

    # -- recording -----------------------------------------------------------------------------

    def add_exchange(self, exchange: Exchange) -> int:
        self.exchanges.append(exchange)
        return len(self.exchanges) - 1

    def add_findings(self, findings: Iterable[Finding]) -> list[Finding]:
        added = [
            replace(f, step=self.step, spec_ref=f.spec_ref or self.case.spec) for f in findings
        ]
        self.findings.extend(added)
        return added

    def has_failure(self) -> bool:
        return any(f.level is Level.MUST for f in self.findings)

    @property
    def default_req(self) -> str | None:
        return self.case.reqs[0] if self.case.reqs else None

    def finding(
        self,
        check: str,
        message: str,
        *,
        level: Level = Level.MUST,
        req: str | None = None,
        exchange: int | None = None,
        pointer: str | None = None,
        expected: str | None = None,
        actual: str | None = None,
    ) -> Finding:
        return Finding(
            check=check,
            level=level,
            message=message,
            req=req or self.default_req,
            pointer=pointer,
            expected=expected,
            actual=actual,
            exchange=exchange,
        )

    # -- rendering -----------------------------------------------------------------------------

    def render(self, value: FrozenJson, location: SourceLocation | None = None) -> object:
        return render(value, self.variables, location)

    def render_text(self, text: str, location: SourceLocation | None = None) -> str:
        return render_text(text, self.variables, location)

    def bind(self, values: Mapping[str, object]) -> None:
        self.variables = self.variables.with_values(values)

    # -- checking ------------------------------------------------------------------------------

    def check_context(
        self,
        *,
        direction: str = "to_sut",
        module: str | None = None,
        data: DataExpectation | None = None,
        cardinality: DataCardinality | None = None,
    ) -> CheckContext:
        conn, profile = self.ctx.connection, self.ctx.profile
        return CheckContext(
            version=conn.version,
            strict=profile.strict,
            direction="from_sut" if direction == "from_sut" else "to_sut",
            module=module,
            schema=data.schema if data is not None else None,
            cardinality=(data.cardinality if data is not None else None) or cardinality,
            partial=data.partial if data is not None else False,
            us=conn.us,
            sut=conn.sut,
            expected_token=conn.their_token,
            routing_required=profile.routing_headers_required,
        )

    def run_checks(
        self,
        ctx: CheckContext,
        message: Message,
        requested: Sequence[tuple[str, Level | None, Mapping[str, object]]] = (),
    ) -> list[Finding]:
        found = run_message_checks(
            self.ctx.checks, ctx, message, requested=requested, levels=self.ctx.profile.levels
        )
        return self.add_findings(found)

    # -- saving --------------------------------------------------------------------------------

    def save(self, rules: Sequence[SaveRule], roots: Mapping[str, object], kind: str) -> None:
        """Bind each rule's name to the value at its path; a path that leads nowhere is a
        MUST finding ``save_path_missing`` (the SUT did not send what later steps need)."""
        values: dict[str, object] = {}
        for rule in rules:
            root, *rest = rule.source.segments
            base = roots.get(root, MISSING)
            if root == "headers" and isinstance(base, Mapping):
                rest = [s.lower() for s in rest]
            value = lookup(base, rest) if base is not MISSING else MISSING
            if value is MISSING:
                self.add_findings(
                    [
                        self.finding(
                            "save_path_missing",
                            f"cannot save {rule.name}: the {kind} result has nothing at "
                            f"{rule.source.text}",
                            pointer="/" + "/".join(rule.source.segments),
                        )
                    ]
                )
                continue
            values[rule.name] = value
        if values:
            self.bind(values)
