"""The check seam: what a check sees (:class:`CheckContext`, :class:`Message`), what it is
(:class:`Check`), and the per-run :class:`CheckRegistry`.

A check is a pure function ``(ctx, message) -> list[Finding]``: it reads one exchange (already
recorded, never sent again) and returns findings. It opens no socket, reads no clock and never
imports httpx, starlette or pytest. Crawl checks see every page of a crawl instead of one
message. Check names are stable snake_case statements of the rule; reports and profiles refer
to them, so renaming one is a breaking change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from harness.errors import UsageError
from harness.ocpi.envelope import DataCardinality, EnvelopeParse, parse_envelope, parse_json
from harness.ocpi.headers import header_value
from harness.ocpi.problems import Level, Problem
from harness.ocpi.versions import VersionNumber
from harness.results import Exchange, Finding
from harness.templating import MISSING

_UNSET: object = object()

__all__ = [
    "Check",
    "CheckContext",
    "CheckKind",
    "CheckRegistry",
    "FunctionCheck",
    "Message",
    "Party",
    "finding_from_problem",
    "with_level",
]

CheckKind = Literal["message", "crawl", "billing"]
"""``message``: one exchange; ``crawl``: all pages of a crawl; ``billing``: a CDR re-pricing."""


@dataclass(frozen=True, slots=True)
class Party:
    """A party on an OCPI connection: country code and party id."""

    country_code: str
    party_id: str


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check needs to know besides the exchange itself.

    ``direction`` says whose message is checked: ``to_sut`` is the SUT's response to the
    harness, ``from_sut`` a request the SUT sent to a mock partner. Either way the message goes
    from the SUT (``sut``) to the harness's side (``us``), so the routing headers it should
    carry are the same. ``schema``/``cardinality``/``partial`` describe the payload when the
    step declared it (``expect.data``).
    """

    version: VersionNumber
    strict: bool = True
    direction: Literal["to_sut", "from_sut"] = "to_sut"
    module: str | None = None
    schema: str | None = None
    cardinality: DataCardinality | None = None
    partial: bool = False
    us: Party | None = None
    sut: Party | None = None
    expected_token: str | None = None
    routing_required: bool = False
    args: Mapping[str, object] = field(default_factory=dict)

    @property
    def schema_profile(self) -> str:
        return "strict" if self.strict else "lenient"


class Message:
    """One recorded exchange as a check reads it: the SUT's side of it, parsed once.

    For ``to_sut`` exchanges the SUT's message is the response; for ``from_sut`` exchanges
    (a call the SUT made to a mock partner) it is the request.
    """

    __slots__ = ("_envelope", "_json", "exchange", "index")

    def __init__(self, exchange: Exchange, index: int | None = None) -> None:
        self.exchange = exchange
        self.index = index
        self._json: object = _UNSET
        self._envelope: EnvelopeParse | None = None

    @property
    def is_response(self) -> bool:
        return self.exchange.direction == "to_sut"

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The headers the SUT sent."""
        x = self.exchange
        return x.response_headers if self.is_response else x.request_headers

    @property
    def our_headers(self) -> tuple[tuple[str, str], ...]:
        """The headers of the other half (what we sent, or what we answered)."""
        x = self.exchange
        return x.request_headers if self.is_response else x.response_headers

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    @property
    def text(self) -> str | None:
        """The body the SUT sent, as text (None when there was none)."""
        x = self.exchange
        return x.response_body if self.is_response else x.request_body

    @property
    def json(self) -> object:
        """The SUT's body parsed (fractions as Decimal), or MISSING when empty or not JSON."""
        if self._json is _UNSET:
            value: object = MISSING
            if self.text is not None and self.text.strip():
                try:
                    value = parse_json(self.text)
                except ValueError:
                    value = MISSING
            self._json = value
        return self._json

    @property
    def envelope(self) -> EnvelopeParse:
        """The SUT's body read as a response envelope."""
        if self._envelope is None:
            self._envelope = parse_envelope(self.text)
        return self._envelope

    @property
    def payload(self) -> object:
        """The OCPI payload: the envelope's ``data`` for a response, the body for a request."""
        if not self.is_response:
            return self.json
        envelope = self.envelope.envelope
        if envelope is None or not envelope.data_present:
            return MISSING
        return envelope.data

    @property
    def status_code(self) -> int | None:
        """The envelope's OCPI ``status_code`` (responses only)."""
        envelope = self.envelope.envelope if self.is_response else None
        return envelope.status_code if envelope is not None else None


class Check(Protocol):
    """A named rule. ``__call__`` takes a :class:`Message` (kind ``message``), a sequence of
    crawled pages (``crawl``) or billing inputs (``billing``) and returns findings."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> CheckKind: ...

    @property
    def default(self) -> bool:
        """Whether the runner runs it on every exchange of its kind without being asked."""
        ...

    @property
    def description(self) -> str: ...

    def __call__(self, ctx: CheckContext, subject: Any) -> list[Finding]: ...


@dataclass(frozen=True, slots=True)
class FunctionCheck:
    """A check made from a plain function."""

    name: str
    kind: CheckKind
    func: Callable[[CheckContext, Any], list[Finding]]
    description: str = ""
    default: bool = True

    def __call__(self, ctx: CheckContext, subject: Any) -> list[Finding]:
        return self.func(ctx, subject)


def finding_from_problem(
    check: str, problem: Problem, *, exchange: int | None = None, pointer_prefix: str = ""
) -> Finding:
    """A protocol :class:`Problem` as a finding of ``check``."""
    pointer = problem.pointer or None
    if pointer is not None:
        pointer = pointer_prefix + pointer
    elif problem.header is not None:
        pointer = f"header:{problem.header}"
    return Finding(
        check=check,
        level=problem.level,
        message=problem.message,
        req=problem.req,
        pointer=pointer,
        exchange=exchange,
    )


def with_level(findings: Iterable[Finding], level: Level | None) -> list[Finding]:
    """Findings with their MUST/SHOULD level replaced by ``level`` (INFO stays INFO)."""
    out = list(findings)
    if level is None:
        return out
    return [f if f.level is Level.INFO else replace(f, level=level) for f in out]


class CheckRegistry:
    """The checks of one run, by name. Duplicate names are refused; built fresh per run."""

    def __init__(self, checks: Iterable[Check] = ()) -> None:
        self._checks: dict[str, Check] = {}
        self._disabled: set[str] = set()
        for check in checks:
            self.register(check)

    def register(self, check: Check) -> None:
        if check.name in self._checks:
            raise UsageError(f"a check named {check.name!r} is already registered")
        self._checks[check.name] = check

    def get(self, name: str) -> Check:
        try:
            return self._checks[name]
        except KeyError:
            known = ", ".join(sorted(self._checks))
            raise UsageError(f"unknown check {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._checks

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._checks))

    def disable(self, names: Iterable[str]) -> None:
        """Never run these (a profile's ``disabled`` list); unknown names are an error."""
        for name in names:
            self.get(name)
            self._disabled.add(name)

    def enabled(self, name: str) -> bool:
        return name in self._checks and name not in self._disabled

    def defaults(self, kind: CheckKind) -> tuple[Check, ...]:
        """The enabled checks of ``kind`` that run without being asked for."""
        return tuple(
            c
            for c in self._checks.values()
            if c.kind == kind and c.default and c.name not in self._disabled
        )

    def copy(self) -> CheckRegistry:
        new = CheckRegistry(self._checks.values())
        new._disabled = set(self._disabled)
        return new


def run_message_checks(
    registry: CheckRegistry,
    ctx: CheckContext,
    message: Message,
    *,
    requested: Sequence[tuple[str, Level | None, Mapping[str, object]]] = (),
    levels: Mapping[str, Level] | None = None,
) -> list[Finding]:
    """Run the default message checks plus ``requested`` ones (name, level override, args),
    each once; a requested level overrides the profile's ``levels``."""
    plan: dict[str, tuple[Level | None, Mapping[str, object]]] = {
        c.name: ((levels or {}).get(c.name), {}) for c in registry.defaults("message")
    }
    for name, level, args in requested:
        if registry.enabled(name) and registry.get(name).kind == "message":
            plan[name] = (level if level is not None else (levels or {}).get(name), args)
    findings: list[Finding] = []
    for name, (level, args) in plan.items():
        check = registry.get(name)
        local = replace(ctx, args=args) if args else ctx
        findings.extend(with_level(check(local, message), level))
    return findings
