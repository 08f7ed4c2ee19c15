"""The typed suite model: what the loader builds from YAML and the runner executes.

Every object is a frozen, slotted dataclass carrying the :class:`SourceLocation` of the YAML
node it came from, so any later error (a template that does not resolve, a matcher argument
that is wrong at run time) can still point at the file and line.

Values that may contain ``${...}`` references are kept as :data:`FrozenJson`: JSON data whose
objects are read-only mappings and whose arrays are tuples. The runner renders them with
:func:`harness.templating.render`, which returns fresh, mutable JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar, Literal, TypeAlias

from harness.ocpi.envelope import DataCardinality
from harness.ocpi.interfaces import HttpMethod
from harness.ocpi.problems import Level
from harness.ocpi.roles import InterfaceRole, Role
from harness.ocpi.versions import VersionNumber

FrozenJson: TypeAlias = (
    "bool | int | Decimal | str | tuple[FrozenJson, ...] | Mapping[str, FrozenJson] | None"
)
"""Read-only JSON; strings may hold ``${...}`` references until rendered."""

AuthMode = Literal["current", "previous", "token_a", "invalid", "none"]
"""Which credentials a request presents: the token the SUT issued to us (``current``), the one
it issued before the latest ``registration`` step (``previous``), the registration token A, a
token the SUT never issued, or no Authorization header at all."""

RegistrationAction = Literal["register", "update", "delete", "await", "restore"]
"""What a ``registration`` step makes the harness's partner do on the credentials module
(``restore``: register again when unregistered, switch back to the suite's version when on
another one, nothing when the registration is as the case found it)."""

TokenEncoding = Literal["version", "base64", "raw"]
"""How the token is written in the header: as the negotiated version requires, or forced."""


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """A place in a suite file; line and column count from 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A dotted path into a JSON document (``data.0.uid``; ``*`` means every item)."""

    text: str
    segments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FixtureRef:
    """A JSON file under the fixtures folder, e.g. ``2.2.1/Token/rfid-allowed.json``."""

    path: str
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class Override:
    """Set the value at ``path`` (created if missing) after the base payload is built."""

    path: FieldPath
    value: FrozenJson
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class Payload:
    """A JSON document: a template or a fixture, then overrides and removals, in that order.

    ``raw`` is text sent byte for byte (to probe how a SUT handles a body that is not JSON);
    when it is set, the other fields are empty.
    """

    value: FrozenJson = None
    fixture: FixtureRef | None = None
    overrides: tuple[Override, ...] = ()
    remove: tuple[FieldPath, ...] = ()
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class VarDef:
    """A named value in scope for every step of a suite or case."""

    name: str
    payload: Payload
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class MatcherRef:
    """Use of a named matcher (see :mod:`harness.matchers`); ``arg`` may hold templates."""

    name: str
    arg: FrozenJson
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class ValueAssertion:
    """The value at ``path`` equals ``expected`` (after rendering) or satisfies a matcher."""

    path: FieldPath
    expected: FrozenJson | MatcherRef
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class DataExpectation:
    """Schema and cardinality of a payload: the envelope's ``data`` of a response, or the body
    of a request the SUT sent us (requests have no envelope)."""

    schema: str | None
    cardinality: DataCardinality | None
    partial: bool
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class CheckRef:
    """A named Python check to run (the check registry of the run resolves the name)."""

    name: str
    level: Level | None
    args: Mapping[str, FrozenJson]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class Expectation:
    """What one exchange must look like. Empty tuples mean "not checked".

    ``level`` is the level of the findings these assertions produce and ``req`` the
    requirement they cite (None: the case's own ``reqs``).
    """

    http_status: tuple[int, ...] = ()
    ocpi_status: tuple[int, ...] = ()
    data: DataExpectation | None = None
    headers: tuple[ValueAssertion, ...] = ()
    body: tuple[ValueAssertion, ...] = ()
    checks: tuple[CheckRef, ...] = ()
    level: Level = Level.MUST
    req: str | None = None
    location: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class SaveRule:
    """After the step, bind ``name`` to the value at ``source`` in the step's result."""

    name: str
    source: FieldPath
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """A request to the SUT. ``endpoint`` is a module id resolved through the SUT's version
    details (with ``role`` in 2.2+); ``url`` is an absolute URL template instead."""

    method: HttpMethod
    endpoint: str | None
    role: InterfaceRole | None
    url: str | None
    path: str
    query: Mapping[str, FrozenJson]
    headers: Mapping[str, FrozenJson]
    body: Payload | None
    auth: AuthMode
    token_encoding: TokenEncoding
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class RequestStep:
    """Send a request to the SUT and check its response."""

    kind: ClassVar[str] = "request"
    index: int
    name: str | None
    request: RequestSpec
    expect: Expectation | None
    save: tuple[SaveRule, ...]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class CrawlSpec:
    """A paginated GET list, followed through ``Link: <...>; rel="next"`` to the end."""

    endpoint: str
    role: InterfaceRole | None
    path: str
    query: Mapping[str, FrozenJson]
    auth: AuthMode
    max_pages: int
    checks: tuple[CheckRef, ...]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class CrawlStep:
    """Crawl a list; ``expect`` applies to every page, ``crawl.checks`` to the whole crawl.
    Saved values come from ``items`` (all pages' data, in order) and ``pages``."""

    kind: ClassVar[str] = "crawl"
    index: int
    name: str | None
    crawl: CrawlSpec
    expect: Expectation | None
    save: tuple[SaveRule, ...]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class CallSpec:
    """A request the SUT must make to a mock partner: method, module endpoint and path
    (relative to that endpoint), at least ``count`` times within ``within``."""

    partner: str | None
    method: str
    """An HTTP method, or the methods the SUT may choose from joined by ``|`` (``PUT|PATCH``)."""
    module: str
    path: str
    within: timedelta
    count: int
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class AwaitCallStep:
    """Wait for the SUT to call the mock partner; ``expect`` applies to the SUT's request."""

    kind: ClassVar[str] = "await_call"
    index: int
    name: str | None
    call: CallSpec
    expect: Expectation | None
    save: tuple[SaveRule, ...]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class VerifyBillingStep:
    """Re-price a CDR with the reference calculator and compare what the SUT billed.

    With ``cdrs`` (a list, e.g. a crawl's items) instead of ``cdr``, every CDR whose price one
    of the ``exercising`` features decided (:mod:`harness.billing.exercise`; all CDRs when
    empty) is verified; ``locations`` (a list of Locations) gives each CDR its time zone. The
    case is SKIPPED when no CDR exercises them."""

    kind: ClassVar[str] = "verify_billing"
    index: int
    name: str | None
    cdr: FrozenJson
    tariffs: FrozenJson
    time_zone: FrozenJson
    tolerance: Decimal | None
    policy: Mapping[str, str]
    reservation_expired: bool
    level: Level
    req: str | None
    save: tuple[SaveRule, ...]
    location: SourceLocation
    cdrs: FrozenJson = None
    exercising: tuple[str, ...] = ()
    locations: FrozenJson = None


@dataclass(frozen=True, slots=True)
class HookStep:
    """Ask the SUT, through its hook, to do something (start a session, push a location)."""

    kind: ClassVar[str] = "hook"
    index: int
    name: str | None
    action: str
    args: Mapping[str, FrozenJson]
    within: timedelta | None
    save: tuple[SaveRule, ...]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class TickStep:
    """Move the simulated clock forward by ``by``, or to the instant ``to`` (a template)."""

    kind: ClassVar[str] = "tick"
    index: int
    name: str | None
    by: timedelta | None
    to: str | None
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class RegistrationStep:
    """The harness's mock partner acts on the credentials module and the run's connection
    follows: ``register`` (POST with token A), ``update`` (PUT with a fresh token, to the
    credentials endpoint of ``version`` when given), ``delete`` (unregister) or ``await`` (the
    SUT registers with the partner, e.g. after a ``register`` hook). The handshake's exchanges
    become the step's; ``expect`` applies to the SUT's answer to the POST/PUT/DELETE."""

    kind: ClassVar[str] = "registration"
    index: int
    name: str | None
    action: RegistrationAction
    partner: str | None
    version: VersionNumber | None
    token_a: str | None
    within: timedelta | None
    expect: Expectation | None
    save: tuple[SaveRule, ...]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class SetStep:
    """Bind names to rendered values for later steps (no exchange)."""

    kind: ClassVar[str] = "set"
    index: int
    name: str | None
    values: Mapping[str, FrozenJson]
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class AssumeStep:
    """Go on only when ``that`` (rendered) equals ``expected`` or satisfies its matcher;
    otherwise the case is SKIPPED with ``reason``. For rules that bind only SUTs doing
    something the spec leaves optional (e.g. publishing a Session while it is PENDING)."""

    kind: ClassVar[str] = "assume"
    index: int
    name: str | None
    that: FrozenJson
    expected: FrozenJson | MatcherRef
    reason: str
    location: SourceLocation


Step: TypeAlias = (
    RequestStep
    | CrawlStep
    | AwaitCallStep
    | VerifyBillingStep
    | HookStep
    | TickStep
    | SetStep
    | RegistrationStep
    | AssumeStep
)
STEP_KINDS: tuple[str, ...] = (
    "request",
    "crawl",
    "await_call",
    "verify_billing",
    "hook",
    "tick",
    "set",
    "registration",
    "assume",
)
"""The action keys of a step, in the order the schema documents them."""


@dataclass(frozen=True, slots=True)
class Proof:
    """A planted fault that must make the case fail with a given finding: ``fault`` is a key of
    the mock SUT's fault catalogue or an inline fault rule (JSON, as the mock accepts it); the
    finding is named by its check, REQ id and level. The engine does not arm faults itself (it
    knows no mock); the self-test does."""

    fault: str | Mapping[str, FrozenJson]
    check: str
    req: str
    level: Level
    location: SourceLocation

    @property
    def fault_key(self) -> str:
        """The catalogue key, or ``inline:<rule id>`` for an inline rule."""
        if isinstance(self.fault, str):
            return self.fault
        return f"inline:{self.fault.get('id')}"


@dataclass(frozen=True, slots=True)
class Case:
    """One test case: a stable id, the requirements it verifies, and its steps."""

    id: str
    title: str
    reqs: tuple[str, ...]
    spec: str | None
    requires: tuple[str, ...]
    vars: tuple[VarDef, ...]
    steps: tuple[Step, ...]
    suite_id: str
    location: SourceLocation
    proofs: tuple[Proof, ...] = ()
    pitfalls: tuple[int, ...] = ()
    finally_steps: tuple[Step, ...] = ()
    """``finally``: steps run after ``steps`` even when one of them stopped the case (a case
    that changes the shared registration restores it there)."""


@dataclass(frozen=True, slots=True)
class Suite:
    """A suite file: one OCPI version, SUT role and module, and its cases."""

    id: str
    title: str
    description: str | None
    ocpi_version: VersionNumber
    sut_role: Role
    module: str
    interface: InterfaceRole | None
    requires: tuple[str, ...]
    vars: tuple[VarDef, ...]
    cases: tuple[Case, ...]
    path: str
    location: SourceLocation

    def case(self, case_id: str) -> Case:
        """The case with ``case_id`` (KeyError when there is none)."""
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(case_id)
