"""The composition root: connect the harness to a SUT once, and hand out the RunContext.

    with open_embedded(Role.CPO, options, clock=clock, timer=timer) as box:
        results = run_suites(suites, box.ctx)

A :class:`Sandbox` owns what a connection needs: the HTTP client, the mock partner of the
opposite role served with uvicorn (the SUT calls it back), and for the embedded default the
mock SUT itself. Setting up is the shared precondition of every case, done once: the mock
partner registers with the SUT (the credentials handshake: token A in, token C out) or waits
for the SUT to register with it, then the SUT's version details are read with the new token.
Anything that keeps the run from starting is a :class:`~harness.errors.UsageError` with a
one-line reason (the CLI exits 2).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Self

import httpx

from harness.checks import Party, default_checks
from harness.client import Auth, OcpiClient, OcpiRequest
from harness.clock import Clock
from harness.context import Connection, Partner, RunContext
from harness.endpoints import DiscoveryError, discover
from harness.errors import UsageError
from harness.hooks import Hook, HttpHook, NoHook, PromptHook
from harness.loader import FixtureStore
from harness.matchers import default_matchers
from harness.mock_adapters import (
    MockHook,
    MockPartner,
    await_registration,
    register_partner,
    serve_mock,
)
from harness.ocpi.roles import Role
from harness.ocpi.timestamps import format_datetime
from harness.ocpi.versions import VersionNumber
from harness.profiles import Profile
from harness.results import SutDescription
from mock_partners import MockServer, create_mock_cpo, create_mock_emsp
from mock_partners.faults import catalogue_entry

__all__ = ["HarnessOptions", "Sandbox", "open_embedded", "open_live", "partner_name"]


@dataclass(frozen=True, slots=True)
class HarnessOptions:
    """How to connect and judge (the CLI's and the pytest plugin's options)."""

    seed: int = 1
    profile: Profile = field(default_factory=Profile)
    version: VersionNumber | None = None
    offer: tuple[VersionNumber, ...] = ()
    """Without ``version``: the versions the harness's partner offers (those that have suites);
    registration then settles on the highest one the SUT speaks too. Empty: all."""
    timeout: float = 10.0
    hook_timeout: float = 30.0
    callback_scale: float = 1.0
    listen_host: str = "127.0.0.1"
    listen_port: int = 0
    public_url: str | None = None
    hook_url: str | None = None
    hook_token: str | None = None
    interactive: bool = False
    mock_options: Mapping[str, Any] = field(default_factory=dict)
    """Extra factory options for the embedded mock SUT (tests: ``max_page_size`` ...)."""
    mock_faults: tuple[str, ...] = ()
    """``FAULT_CATALOGUE`` entries to arm on the embedded mock SUT once connected (demos and
    self-tests: a deliberately faulty SUT)."""


def _offered(options: HarnessOptions) -> dict[str, Any]:
    if options.version is not None:
        return {"versions": (options.version,)}
    return {"versions": options.offer} if options.offer else {}


def partner_name(sut_role: Role) -> str:
    """The name suites use for the harness's mock partner: ``mock_emsp`` for a CPO SUT."""
    return "mock_emsp" if sut_role is Role.CPO else "mock_cpo"


class Sandbox:
    """One connection to one SUT and everything started for it; :meth:`close` stops it all."""

    def __init__(self, ctx: RunContext, description: SutDescription, owned: list[Any]) -> None:
        self.ctx = ctx
        self.description = description
        self._owned = owned

    @property
    def sut_server(self) -> MockServer | None:
        """The mock SUT of the embedded default (None in live mode)."""
        found = [o for o in self._owned if isinstance(o, MockServer)]
        return found[0] if len(found) == 2 else None

    @property
    def partner_server(self) -> MockServer:
        return next(o for o in reversed(self._owned) if isinstance(o, MockServer))

    def close(self) -> None:
        _close(self._owned)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _sut_party(registration: Mapping[str, Any], role: Role) -> Party:
    roles = registration.get("roles") or []
    chosen = next((r for r in roles if r.get("role") == role.value), roles[0] if roles else {})
    return Party(str(chosen.get("country_code", "")), str(chosen.get("party_id", "")))


def _hook(options: HarnessOptions, http: httpx.Client, clock: Clock, timer: Clock) -> Hook:
    if options.hook_url:
        return HttpHook(http, options.hook_url, clock=clock, timer=timer, token=options.hook_token)
    if options.interactive:
        return PromptHook(input, sys.stdout)
    return NoHook()


def _connect(
    *,
    role: Role,
    versions_url: str | None,
    token_a: str | None,
    options: HarnessOptions,
    clock: Clock,
    timer: Clock,
    http: httpx.Client,
    owned: list[Any],
    wait: bool,
    registration_timeout: float,
    notify: Callable[[str], None],
    hook: Hook | None,
    mode: str,
) -> Sandbox:
    seed = options.seed
    client = OcpiClient(
        http,
        version=options.version or VersionNumber.V2_2_1,
        rng=random.Random(f"ocpi-harness:{seed}:setup"),
        clock=clock,
        timer=timer,
        timeout=options.timeout,
    )
    if versions_url is not None and token_a is not None and not wait:
        probe = client.send(OcpiRequest("GET", versions_url, module="versions", auth=Auth(token_a)))
        if probe.failure is not None:
            raise UsageError(f"the SUT is unreachable at discovery: {probe.failure.message}")
    factory = create_mock_emsp if role is Role.CPO else create_mock_cpo
    extra: dict[str, Any] = {"locations": 3} if role is Role.EMSP else {}
    partner = serve_mock(
        factory,
        host=options.listen_host,
        port=options.listen_port,
        public_url=options.public_url,
        clock=clock,
        seed=seed + 1,
        **_offered(options),
        **extra,
    )
    owned.append(partner)
    if wait:
        notify(
            f"waiting for the SUT to register with the harness: versions URL "
            f"{partner.versions_url}, token A {partner.token_a}"
        )
        registration = await_registration(http, partner, timer, registration_timeout)
    else:
        assert versions_url is not None
        assert token_a is not None
        registration = register_partner(http, partner, versions_url, token_a, 3 * options.timeout)
    version = VersionNumber(registration["version"])
    sut_versions_url = str(registration["versions_url"])
    config = partner.state.config
    us = Party(config.country_code, config.party_id)
    sut = _sut_party(registration, role)
    client = client.derive(version=version, us=us, sut=sut)
    token = str(registration["token_out"])
    try:
        endpoints = discover(client, sut_versions_url, Auth(token), version)
    except DiscoveryError as exc:
        raise UsageError(f"cannot read the SUT's version details: {exc}") from None
    connection = Connection(
        role=role,
        version=version,
        versions_url=sut_versions_url,
        token=token,
        sut=sut,
        us=us,
        our_versions_url=config.versions_url,
        endpoints=endpoints,
        token_a=token_a,
        their_token=str(registration["token_in"]),
        setup=endpoints.exchanges,
    )
    name = partner_name(role)
    partners: dict[str, Partner] = {name: MockPartner(name, partner, version, timer, http)}
    checks = default_checks()
    checks.disable(options.profile.disabled)
    for name in options.profile.levels:
        checks.get(name)  # an unknown check name in the profile is a usage error
    started = format_datetime(clock.now()).replace(":", "").replace("-", "")
    ctx = RunContext(
        run_id=f"run-{started}-s{seed}",
        seed=seed,
        clock=clock,
        timer=timer,
        client=client,
        connection=connection,
        checks=checks,
        profile=options.profile,
        fixtures=FixtureStore(),
        matchers=default_matchers(),
        hook=hook if hook is not None else _hook(options, http, clock, timer),
        partners=partners,
        hook_timeout=options.hook_timeout,
        callback_scale=options.callback_scale,
    )
    description = SutDescription(
        name=f"built-in mock {role.value}" if mode == "in-process" else f"{role.value} SUT",
        versions_url=sut_versions_url,
        mode="in-process" if mode == "in-process" else "live",
        details={
            "role": role.value,
            "ocpi_version": version.value,
            "party": f"{sut.country_code}*{sut.party_id}",
            "partner": partner.versions_url,
        },
    )
    return Sandbox(ctx, description, owned)


def _http(options: HarnessOptions) -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(retries=0),
        follow_redirects=False,
        timeout=options.timeout,
    )


def open_live(
    role: Role,
    versions_url: str | None,
    token_a: str | None,
    options: HarnessOptions,
    *,
    clock: Clock,
    timer: Clock,
    wait_for_registration: bool = False,
    registration_timeout: float = 300.0,
    notify: Callable[[str], None] = print,
) -> Sandbox:
    """Connect to a SUT over the network (see the module docstring)."""
    owned: list[Any] = []
    http = _http(options)
    owned.append(http)
    try:
        return _connect(
            role=role,
            versions_url=versions_url,
            token_a=token_a,
            options=options,
            clock=clock,
            timer=timer,
            http=http,
            owned=owned,
            wait=wait_for_registration,
            registration_timeout=registration_timeout,
            notify=notify,
            hook=None,
            mode="live",
        )
    except BaseException:
        _close(owned)
        raise


def _close(owned: list[Any]) -> None:
    for item in owned:
        if isinstance(item, MockServer):
            item.request_stop()
    for item in reversed(owned):
        if isinstance(item, MockServer):
            item.stop()
        elif isinstance(item, httpx.Client):
            item.close()
    owned.clear()


def open_embedded(role: Role, options: HarnessOptions, *, clock: Clock, timer: Clock) -> Sandbox:
    """Start the built-in mock ``role`` as the SUT on 127.0.0.1 and connect to it like to
    any SUT; its control API is its hook."""
    owned: list[Any] = []
    http = _http(options)
    owned.append(http)
    try:
        factory = create_mock_cpo if role is Role.CPO else create_mock_emsp
        sut = serve_mock(factory, clock=clock, seed=options.seed, **options.mock_options)
        owned.append(sut)
        version = options.version or VersionNumber.V2_2_1
        hook = (
            _hook(options, http, clock, timer)
            if options.hook_url
            else MockHook(sut, version, http, clock, timer)
        )
        box = _connect(
            role=role,
            versions_url=sut.versions_url,
            token_a=sut.token_a,
            options=options if options.version else _with_version(options, version),
            clock=clock,
            timer=timer,
            http=http,
            owned=owned,
            wait=False,
            registration_timeout=0.0,
            notify=print,
            hook=hook,
            mode="in-process",
        )
        plan = sut.state.faults
        for name in options.mock_faults:
            if plan is None:
                raise UsageError("this mock has no fault plan")
            for rule in catalogue_entry(name):
                plan.arm(rule)
        return box
    except BaseException:
        _close(owned)
        raise


def _with_version(options: HarnessOptions, version: VersionNumber) -> HarnessOptions:
    return replace(options, version=version)
