"""``run_case``: one case, start to finish, against the run's shared context.

    result = run_case(case, suite, ctx)        # a CaseResult, never an exception for SUT trouble

Both front ends end here: ``ocpi-harness run`` loops over the selected cases
(:func:`run_suites`), the pytest plugin calls it from each item. A case is SKIPPED before its
first step when its suite is for another OCPI version or SUT role, or when the SUT profile
does not claim a capability it ``requires``. Then each step is rendered (variables: the
built-ins ``self``, ``sut``, ``partners``, ``suite``, ``case``, ``run``, ``now``, then the
suite's and the case's ``vars``, then values set and saved by earlier steps), executed and
checked. The outcome: FAILED when any finding is at MUST level, ERROR when the harness could
not finish the case (and nothing failed before), SKIPPED when the SUT could not be made to act,
PASSED otherwise. Tokens are redacted from everything the result holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from harness import __version__
from harness.checks import Message
from harness.client import Auth, OcpiRequest
from harness.context import RunContext, case_rng
from harness.errors import HarnessError
from harness.model import (
    AssumeStep,
    AwaitCallStep,
    Case,
    CrawlStep,
    FrozenJson,
    HookStep,
    RegistrationStep,
    RequestStep,
    SetStep,
    SourceLocation,
    Step,
    Suite,
    TickStep,
    VerifyBillingStep,
)
from harness.ocpi.problems import Level
from harness.ocpi.timestamps import format_datetime
from harness.ocpi.versions import VersionNumber
from harness.payloads import build_payload
from harness.results import (
    REDACTED,
    CaseResult,
    Finding,
    Outcome,
    RunResult,
    StepResult,
    SutDescription,
    outcome_of,
)
from harness.run_crawl import run_crawl
from harness.run_state import CaseState, StopCase
from harness.run_steps import (
    run_assume,
    run_await_call,
    run_hook,
    run_registration,
    run_request,
    run_set,
    run_tick,
    run_verify_billing,
)
from harness.templating import LATER_OFFSETS, TemplateError

__all__ = [
    "RunListener",
    "build_run_result",
    "changes_registration",
    "run_case",
    "run_order",
    "run_suites",
    "skip_reason",
]


_EXECUTORS: dict[type[Any], Callable[[CaseState, Any], list[int]]] = {
    RequestStep: run_request,
    CrawlStep: run_crawl,
    AwaitCallStep: run_await_call,
    VerifyBillingStep: run_verify_billing,
    HookStep: run_hook,
    TickStep: run_tick,
    RegistrationStep: run_registration,
    AssumeStep: run_assume,
    SetStep: run_set,
}
"""The executor of each step kind (every member of :data:`harness.model.Step`)."""


def _execute(state: CaseState, step: Step) -> list[int]:
    """Run one step; returns the indexes of the exchanges it recorded."""
    return _EXECUTORS[type(step)](state, step)


def skip_reason(case: Case, suite: Suite, ctx: RunContext) -> str | None:
    """Why ``case`` does not apply to this SUT, or None when it runs."""
    conn = ctx.connection
    if suite.ocpi_version != conn.version:
        return f"the suite is for OCPI {suite.ocpi_version}; the SUT speaks {conn.version} here"
    if suite.sut_role != conn.role:
        return f"the suite is for a {suite.sut_role} SUT; this SUT is a {conn.role}"
    missing = ctx.profile.missing((*suite.requires, *case.requires), ctx.capabilities())
    if missing:
        if ctx.profile.capabilities is not None:
            return f"the SUT profile does not declare: {', '.join(missing)}"
        return (
            f"not among the capabilities the SUT advertises: {', '.join(missing)} "
            "(declare them in a --profile FILE)"
        )
    return None


def _times(now: datetime) -> dict[str, object]:
    """``now``, ``later.<offset>`` and ``earlier.<offset>`` (templating.LATER_OFFSETS) as OCPI
    DateTimes."""
    later = {k: format_datetime(now + timedelta(seconds=v)) for k, v in LATER_OFFSETS.items()}
    earlier = {k: format_datetime(now - timedelta(seconds=v)) for k, v in LATER_OFFSETS.items()}
    return {"now": format_datetime(now), "later": later, "earlier": earlier}


def _initial_variables(state: CaseState) -> None:
    ctx, suite, case = state.ctx, state.suite, state.case
    builtins = ctx.builtins()
    builtins["suite"] = {
        "id": suite.id,
        "ocpi_version": suite.ocpi_version.value,
        "module": suite.module,
        "title": suite.title,
    }
    builtins["case"] = {
        "id": case.id,
        "title": case.title,
        "uid": f"{state.rng.getrandbits(48):012X}",
        "seed": state.rng.getrandbits(31),
    }
    builtins.update(_times(ctx.clock.now()))
    state.bind(builtins)
    for var in (*suite.vars, *case.vars):
        location = var.location

        def render(value: FrozenJson, where: SourceLocation = location) -> object:
            return state.render(value, where)

        state.bind({var.name: build_payload(var.payload, render, ctx.fixtures)})


def _redact_text(text: str | None, secrets: Sequence[str]) -> str | None:
    if text is None:
        return None
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _redact_finding(finding: Finding, secrets: Sequence[str]) -> Finding:
    return replace(
        finding,
        message=_redact_text(finding.message, secrets) or "",
        expected=_redact_text(finding.expected, secrets),
        actual=_redact_text(finding.actual, secrets),
    )


def _run_step(state: CaseState, step: Step) -> tuple[StepResult, StopCase | None]:
    timer = state.ctx.timer
    start = timer.monotonic()
    before = len(state.findings)
    state.step = step.index
    state.bind(_times(state.ctx.clock.now()))
    state.notes.clear()
    stop: StopCase | None
    indexes: list[int] = []
    try:
        indexes = _execute(state, step)
    except (TemplateError, ValueError) as exc:  # a suite value that cannot be used here
        stop = StopCase(Outcome.ERROR, f"step {step.index} ({step.kind}): {exc}")
    except StopCase as raised:
        stop = raised
    except Exception as exc:  # a harness bug: reported on the case, never a traceback
        stop = StopCase(Outcome.ERROR, _internal(exc))
    else:
        stop = None
    if stop is not None:
        spent = timer.monotonic() - start
        result = StepResult(step.index, step.kind, step.name, stop.outcome, spent, (), stop.message)
        return result, stop
    failed = any(f.level is Level.MUST for f in state.findings[before:])
    result = StepResult(
        step.index,
        step.kind,
        step.name,
        Outcome.FAILED if failed else Outcome.PASSED,
        timer.monotonic() - start,
        tuple(indexes),
        "; ".join(state.notes) or None,
    )
    return result, None


def _registration_lost(state: CaseState, version: VersionNumber) -> str | None:
    """Why the connection does not work after a case that changed the registration (None:
    it works: registered, on the run's version, the credentials GET answers 200/1000)."""
    conn = state.ctx.connection
    if not conn.registered:
        return "it unregistered and did not register again"
    if conn.version is not version:
        return f"it switched to OCPI {conn.version} and did not switch back to {version}"
    url = conn.endpoints.url("credentials", None)
    if url is None:
        return "the SUT's version details list no credentials endpoint"
    sent = state.client.send(OcpiRequest("GET", url, module="credentials", auth=Auth(conn.token)))
    index = state.add_exchange(sent.exchange)
    parsed = Message(sent.exchange, index).json
    status = parsed.get("status_code") if isinstance(parsed, dict) else None
    if sent.exchange.status != 200 or status != 1000:
        return f"GET credentials with the current token answered HTTP {sent.exchange.status}"
    return None


def _internal(exc: BaseException) -> str:
    """A harness bug, in one line: the exception and where it was raised."""
    where = exc.__traceback__
    while where is not None and where.tb_next is not None:
        where = where.tb_next
    line = f" ({where.tb_frame.f_code.co_filename}:{where.tb_lineno})" if where else ""
    return f"internal error: {type(exc).__name__}: {exc}{line}"


def _result(case: Case, suite: Suite, outcome: Outcome, **values: object) -> CaseResult:
    return CaseResult(
        case_id=case.id,
        title=case.title,
        suite_id=suite.id,
        reqs=case.reqs,
        outcome=outcome,
        location=str(case.location),
        spec=case.spec,
        **values,  # type: ignore[arg-type]
    )


def run_case(case: Case, suite: Suite, ctx: RunContext) -> CaseResult:
    """Run ``case`` of ``suite``; see the module docstring for the outcome rules."""
    timer = ctx.timer
    start = timer.monotonic()
    if ctx.lost is not None:
        return _result(case, suite, Outcome.ERROR, error=f"not run: {ctx.lost}")
    reason = skip_reason(case, suite, ctx)
    if reason is not None:
        return _result(case, suite, Outcome.SKIPPED, skip_reason=reason)
    version_before = ctx.connection.version
    state = CaseState.start(ctx, suite, case, case_rng(ctx.seed, case.id))
    steps: list[StepResult] = []
    stopped: StopCase | None = None
    try:
        _initial_variables(state)
        for step in case.steps:
            step_result, stopped = _run_step(state, step)
            steps.append(step_result)
            if stopped is not None:
                break
        for step in case.finally_steps:  # run whatever stopped the case above
            step_result, closing = _run_step(state, step)
            steps.append(step_result)
            if closing is not None:
                stopped = stopped or closing
                break
    except (TemplateError, ValueError, HarnessError) as exc:  # the suite's or case's vars
        stopped = StopCase(Outcome.ERROR, f"vars: {exc}")
    except Exception as exc:  # a harness bug: reported on the case, never a traceback
        stopped = StopCase(Outcome.ERROR, _internal(exc))
    if any(result.kind == RegistrationStep.kind for result in steps):  # one ran: probe
        lost = _registration_lost(state, version_before)
        if lost is not None:
            ctx.lost = f"case {case.id} left the connection with the SUT unusable: {lost}"
            if stopped is None or stopped.outcome is not Outcome.ERROR:
                stopped = StopCase(Outcome.ERROR, ctx.lost)
    outcome = outcome_of(state.findings)
    skip: str | None = None
    error: str | None = None
    if stopped is not None:
        if outcome is Outcome.FAILED:
            error = stopped.message if stopped.outcome is Outcome.ERROR else None
        elif stopped.outcome is Outcome.SKIPPED:
            outcome, skip = Outcome.SKIPPED, stopped.message
        elif stopped.outcome is Outcome.ERROR:
            outcome, error = Outcome.ERROR, stopped.message
    secrets = ctx.secrets()
    result = _result(
        case,
        suite,
        outcome,
        findings=tuple(_redact_finding(f, secrets) for f in state.findings),
        exchanges=tuple(state.exchanges),
        steps=tuple(steps),
        duration=timer.monotonic() - start,
        skip_reason=skip,
        error=_redact_text(error, secrets),
    )
    return result.redacted(secrets)


class RunListener(Protocol):
    """Progress of a run (the CLI prints it; tests collect it)."""

    def case_started(self, case: Case, suite: Suite) -> None: ...

    def case_finished(self, result: CaseResult) -> None: ...


def changes_registration(case: Case) -> bool:
    """Whether ``case`` has ``registration`` steps (it changes the shared connection)."""
    return any(isinstance(step, RegistrationStep) for step in (*case.steps, *case.finally_steps))


def run_order(suites: Iterable[Suite]) -> list[tuple[Case, Suite]]:
    """Every case of ``suites`` in order, except that the cases changing the registration
    come after all others: a SUT that cannot be registered with again then costs only them."""
    cases = [(case, suite) for suite in suites for case in suite.cases]
    return sorted(cases, key=lambda item: changes_registration(item[0]))


def run_suites(
    suites: Iterable[Suite], ctx: RunContext, listener: RunListener | None = None
) -> list[CaseResult]:
    """Run every case of ``suites`` in :func:`run_order`."""
    results: list[CaseResult] = []
    for case, suite in run_order(suites):
        if listener is not None:
            listener.case_started(case, suite)
        result = run_case(case, suite, ctx)
        results.append(result)
        if listener is not None:
            listener.case_finished(result)
    return results


def build_run_result(
    results: Sequence[CaseResult],
    *,
    run_id: str,
    seed: int,
    started_at: datetime,
    finished_at: datetime,
    profile: str,
    policies: dict[str, str],
    ocpi_version: str,
    sut_role: str,
    sut: SutDescription,
) -> RunResult:
    """The run's result, ready for the report writers."""
    return RunResult(
        run_id=run_id,
        started_at=started_at,
        finished_at=max(finished_at, started_at),
        seed=seed,
        profile=profile,
        policies=policies,
        ocpi_version=ocpi_version,
        sut_role=sut_role,
        sut=sut,
        cases=tuple(results),
        tool_version=__version__,
    )
