"""What a run shares between its cases: the :class:`Connection` with the SUT (registered and
discovered once), the mock :class:`Partner` s the SUT calls back, the hook, the checks, the
profile, the clocks and the seed: the :class:`RunContext` that ``run_case`` receives.

The partner side is a protocol, so the runner never imports ``mock_partners``: the composition
root (:mod:`harness.sandbox`) adapts a running mock to it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Protocol

from harness.checks import CheckRegistry, Party
from harness.client import OcpiClient
from harness.clock import Clock
from harness.endpoints import EndpointDirectory
from harness.hooks import Hook
from harness.matchers import MatcherRegistry
from harness.ocpi.roles import Role
from harness.ocpi.versions import VersionNumber
from harness.payloads import FixtureLoader
from harness.profiles import Profile
from harness.results import Exchange

__all__ = [
    "CallQuery",
    "CallWait",
    "Connection",
    "Partner",
    "ReceivedCall",
    "RegistrationOutcome",
    "RunContext",
    "case_rng",
]


@dataclass(frozen=True, slots=True)
class Connection:
    """The registered connection with the SUT.

    ``token`` is what we present to the SUT (the token C it issued, or the token B it sent
    when it registered with us); ``their_token`` is what the SUT must present to our mock
    partner (checked by ``authorization_header``).
    """

    role: Role
    version: VersionNumber
    versions_url: str
    token: str
    sut: Party
    us: Party
    our_versions_url: str
    endpoints: EndpointDirectory
    token_a: str | None = None
    their_token: str | None = None
    setup: tuple[Exchange, ...] = ()
    registered: bool = True
    """False after a ``registration`` step unregistered (``token`` is then the old token)."""
    previous_token: str | None = None
    """The token the SUT issued to us before the latest ``registration`` step."""

    def variables(self) -> dict[str, object]:
        return {
            "role": self.role.value,
            "version": self.version.value,
            "versions_url": self.versions_url,
            "details_url": self.endpoints.details_url,
            "country_code": self.sut.country_code,
            "party_id": self.sut.party_id,
        }


@dataclass(frozen=True, slots=True)
class CallQuery:
    """A request the SUT should send to a partner: method and full-path pattern (``*``
    matches anything)."""

    method: str
    """One method, or alternatives joined by ``|`` (``PUT|PATCH``)."""
    path: str
    module: str

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(m.strip().upper() for m in self.method.split("|"))


@dataclass(frozen=True, slots=True)
class ReceivedCall:
    """A request the SUT sent to a partner, recorded as an exchange (``from_sut``)."""

    seq: int
    exchange: Exchange
    path: str
    query: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CallWait:
    """The calls that matched, and when too few came in time, why (near misses)."""

    calls: tuple[ReceivedCall, ...]
    message: str | None = None


@dataclass(frozen=True, slots=True)
class RegistrationOutcome:
    """What a partner's credentials action did.

    ``registration``: the partner's registration afterwards (``version``, ``versions_url``,
    ``token_in`` (what the SUT presents to the partner), ``token_out`` (what the partner
    presents to the SUT), ``roles``); empty after ``delete``. ``exchanges``: every exchange of
    the handshake in the order they completed, with the partner's sequence numbers; the
    partner's own requests to the SUT are ``to_sut``, the SUT's calls ``from_sut``.
    ``token_a``: the token A the partner handed out (``await``: what the SUT had to use).
    """

    ok: bool
    message: str | None
    registration: Mapping[str, object]
    exchanges: tuple[tuple[int, Exchange], ...] = ()
    token_a: str | None = None


class Partner(Protocol):
    """A mock partner the SUT talks to (the harness's side of the connection)."""

    @property
    def name(self) -> str: ...

    def variables(self) -> Mapping[str, object]:
        """``url`` (the version base the module endpoints hang below), ``versions_url``,
        ``country_code``, ``party_id``."""
        ...

    def module_url(self, module: str) -> str: ...

    def mark(self) -> int:
        """The sequence number of the latest recorded call (later calls are newer)."""
        ...

    def wait_for_calls(
        self, query: CallQuery, *, count: int, timeout: float, since: int, exclude: Set[int]
    ) -> CallWait: ...

    def registration(
        self,
        action: str,
        *,
        versions_url: str,
        token_a: str | None,
        version: VersionNumber | None,
        timeout: float,
        since: int,
    ) -> RegistrationOutcome:
        """Act on the credentials module (``register``, ``update``, ``delete``, ``await``);
        exchanges are reported from sequence number ``since`` on."""
        ...


@dataclass
class RunContext:
    """Everything ``run_case`` needs, built once per run (see :mod:`harness.sandbox`)."""

    run_id: str
    seed: int
    clock: Clock
    timer: Clock
    client: OcpiClient
    connection: Connection
    checks: CheckRegistry
    profile: Profile
    fixtures: FixtureLoader
    matchers: MatcherRegistry
    hook: Hook
    partners: Mapping[str, Partner] = field(default_factory=dict)
    hook_timeout: float = 30.0
    callback_scale: float = 1.0
    """Multiplies every ``await_call.within`` (tests shorten waits, slow SUTs lengthen them)."""
    lost: str | None = None
    """Why the connection with the SUT no longer works (a case changed the registration and
    could not restore it); the cases after it are not run (ERROR with this reason)."""

    def capabilities(self) -> frozenset[str]:
        return self.profile.effective_capabilities(self.connection.endpoints.capabilities())

    def secrets(self) -> tuple[str, ...]:
        """Every token to redact from what is written down (raw and Base64)."""
        self.client.add_secret(self.connection.token)
        conn = self.connection
        for token in (conn.token_a, conn.their_token, conn.previous_token):
            if token:
                self.client.add_secret(token)
        return self.client.secrets()

    def builtins(self) -> dict[str, object]:
        """The run-wide built-in variables: ``self``, ``sut``, ``partners``, ``run``."""
        conn = self.connection
        return {
            "self": {
                "country_code": conn.us.country_code,
                "party_id": conn.us.party_id,
                "versions_url": conn.our_versions_url,
                "role": "EMSP" if conn.role is Role.CPO else "CPO",
            },
            "sut": conn.variables(),
            "partners": {name: dict(p.variables()) for name, p in self.partners.items()},
            "run": {"id": self.run_id, "seed": self.seed},
        }


def case_rng(seed: int, case_id: str) -> random.Random:
    """The generator of one case: derived from (run seed, case id), so adding a case never
    shifts the data of another."""
    return random.Random(f"ocpi-harness:{seed}:{case_id}")
