"""A fake SUT behind httpx.MockTransport and a hand-built RunContext (no sockets)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from harness.checks import Party, default_checks
from harness.client import OcpiClient
from harness.clock import Clock, FrozenClock
from harness.context import CallQuery, CallWait, Connection, Partner, ReceivedCall, RunContext
from harness.endpoints import Endpoint, EndpointDirectory
from harness.hooks import Hook, NoHook
from harness.loader import FixtureStore, parse_suite
from harness.matchers import default_matchers
from harness.model import Suite
from harness.ocpi import InterfaceRole, Role, VersionNumber
from harness.profiles import Profile
from harness.results import Exchange

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
ROOT = "https://sut.example/ocpi/cpo"
TOKEN = "token-C-secret-value"
US = Party("NL", "MSP")
SUT = Party("DE", "CPO")
Handler = Callable[[httpx.Request], httpx.Response]


class Timer:
    def __init__(self) -> None:
        self.value = 0.0

    def now(self) -> datetime:
        return AT

    def monotonic(self) -> float:
        self.value += 0.001
        return self.value


def reply(
    data: Any = None,
    status_code: int = 1000,
    *,
    http: int = 200,
    headers: Mapping[str, str] | None = None,
    request: httpx.Request | None = None,
) -> httpx.Response:
    """An OCPI answer with tracing echoed and routing headers back to us."""
    body: dict[str, Any] = {"status_code": status_code, "timestamp": "2026-03-01T12:00:00Z"}
    if data is not None:
        body["data"] = data
    out = {
        "OCPI-to-country-code": US.country_code,
        "OCPI-to-party-id": US.party_id,
        "OCPI-from-country-code": SUT.country_code,
        "OCPI-from-party-id": SUT.party_id,
    }
    if request is not None:
        for name in ("X-Request-ID", "X-Correlation-ID"):
            if name in request.headers:
                out[name] = request.headers[name]
    out.update(headers or {})
    return httpx.Response(http, content=json.dumps(body).encode(), headers=out)


def location(i: int) -> dict[str, Any]:
    return {
        "country_code": "DE",
        "party_id": "CPO",
        "id": f"LOC{i}",
        "last_updated": "2026-03-01T10:00:00Z",
    }


def sut_handler(request: httpx.Request) -> httpx.Response:
    """A tiny correct CPO: locations list (3, two per page) and single Locations."""
    path = request.url.path
    if path == f"{ROOT}/2.2.1/locations".removeprefix("https://sut.example"):
        offset = int(request.url.params.get("offset", "0"))
        items = [location(i) for i in range(3)][offset : offset + 2]
        headers = {"X-Total-Count": "3", "X-Limit": "2"}
        if offset + 2 < 3:
            headers["Link"] = f'<{ROOT}/2.2.1/locations?offset={offset + 2}&limit=2>; rel="next"'
        return reply(items, headers=headers, request=request)
    if path.startswith("/ocpi/cpo/2.2.1/locations/"):
        ident = path.rsplit("/", 1)[-1]
        if ident.startswith("LOC"):
            return reply({"id": ident}, request=request)
        return reply(None, 2003, http=404, request=request)
    return reply(None, 2000, http=404, request=request)


@dataclass
class FakePartner:
    """A partner whose inbox is a list the test fills."""

    name: str = "mock_emsp"
    calls: list[ReceivedCall] = field(default_factory=list)

    def variables(self) -> Mapping[str, object]:
        return {"url": "http://us.example/ocpi/emsp/2.2.1", "versions_url": "http://us.example/v"}

    def module_url(self, module: str) -> str:
        return f"http://us.example/ocpi/emsp/2.2.1/{module}"

    def mark(self) -> int:
        return 0

    def wait_for_calls(
        self, query: CallQuery, *, count: int, timeout: float, since: int, exclude: Set[int]
    ) -> CallWait:
        import fnmatch

        found = [
            c
            for c in self.calls
            if c.seq not in exclude
            and c.exchange.method == query.method
            and fnmatch.fnmatchcase(c.path, query.path)
        ][:count]
        return CallWait(tuple(found), None if len(found) >= count else "nothing came")

    def receive(self, method: str, path: str, body: Any, headers: list[tuple[str, str]]) -> None:
        exchange = Exchange(
            method,
            f"http://us.example{path}",
            tuple(headers),
            json.dumps(body),
            200,
            (),
            '{"status_code":1000,"timestamp":"2026-03-01T12:00:00Z"}',
            0.0,
            AT,
            "from_sut",
        )
        self.calls.append(ReceivedCall(len(self.calls) + 1, exchange, path, {}))


def context(
    handler: Handler = sut_handler,
    *,
    profile: Profile | None = None,
    hook: Hook | None = None,
    partners: Mapping[str, Partner] | None = None,
    endpoints: tuple[Endpoint, ...] | None = None,
    seed: int = 3,
    timeout: float = 2.0,
    http: httpx.Client | None = None,
    timer: Clock | None = None,
) -> RunContext:
    """A context whose SUT is ``handler`` (or, given ``http``, whatever that client reaches)."""
    clock = FrozenClock(AT)
    timer = timer or Timer()
    http = http or httpx.Client(transport=httpx.MockTransport(handler))
    client = OcpiClient(
        http,
        version="2.2.1",
        rng=random.Random(seed),
        clock=clock,
        timer=timer,
        us=US,
        sut=SUT,
        timeout=timeout,
    )
    directory = EndpointDirectory(
        VersionNumber.V2_2_1,
        f"{ROOT}/versions",
        f"{ROOT}/2.2.1",
        endpoints
        if endpoints is not None
        else (
            Endpoint("credentials", InterfaceRole.SENDER, f"{ROOT}/2.2.1/credentials"),
            Endpoint("locations", InterfaceRole.SENDER, f"{ROOT}/2.2.1/locations"),
        ),
    )
    connection = Connection(
        role=Role.CPO,
        version=VersionNumber.V2_2_1,
        versions_url=f"{ROOT}/versions",
        token=TOKEN,
        sut=SUT,
        us=US,
        our_versions_url="http://us.example/v",
        endpoints=directory,
        token_a="token-A-secret",
        their_token="token-B-secret",
    )
    return RunContext(
        run_id="run-test",
        seed=seed,
        clock=clock,
        timer=timer,
        client=client,
        connection=connection,
        checks=default_checks(),
        profile=profile or Profile(),
        fixtures=FixtureStore(),
        matchers=default_matchers(),
        hook=hook or NoHook(),
        partners=dict(partners or {}),
        hook_timeout=1.0,
    )


HEADER = """
suite:
  id: runner-test
  title: runner test
  ocpi_version: "2.2.1"
  sut_role: CPO
  module: locations
  interface: SENDER
"""


def suite(cases: str, header: str = HEADER) -> Suite:
    return parse_suite(header + "cases:\n" + cases, "runner-test.yaml")
