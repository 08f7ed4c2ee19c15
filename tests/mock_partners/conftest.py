"""Mock partners on real sockets (uvicorn on 127.0.0.1, port 0), one pair per test.

Every mock started here is checked when the test ends: no response or request the mock sent
broke the OCPI schemas, and no exception escaped a handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from harness.clock import FrozenClock
from mock_partners import MockServer, create_mock_cpo, create_mock_emsp
from tests.mock_partners.helpers import START, TIMEOUT, Control

Starter = Callable[..., MockServer]


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One client for the whole run (plain HTTP on loopback)."""
    with httpx.Client(timeout=TIMEOUT, verify=False) as client:
        yield client


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def start_mock(clock: FrozenClock) -> Iterator[Starter]:
    """Start mocks (``start_mock("cpo", **options)``); stopped and checked after the test."""
    started: list[MockServer] = []

    def start(role: str, **options: Any) -> MockServer:
        factory = create_mock_cpo if role == "cpo" else create_mock_emsp
        options.setdefault("seed", 11)
        options.setdefault("clock", clock)
        server = MockServer.start_app(factory, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.request_stop()
    for server in started:
        server.stop()
    for server in started:
        state = server.state
        assert not state.errors, "\n".join(state.errors)
        assert not state.schema_bugs, "\n".join(str(b) for b in state.schema_bugs)


@pytest.fixture
def cpo(start_mock: Starter) -> MockServer:
    return start_mock("cpo")


@pytest.fixture
def emsp(start_mock: Starter) -> MockServer:
    return start_mock("emsp")


@dataclass
class Pair:
    """A mock eMSP registered with a mock CPO (the eMSP started the handshake)."""

    cpo: MockServer
    emsp: MockServer
    registration: dict[str, Any]
    """The eMSP's registration with the CPO (as the eMSP's control API shows it)."""

    @property
    def cpo_token(self) -> str:
        """The token the eMSP presents to the CPO (token C)."""
        token: str = self.registration["token_out"]
        return token

    @property
    def emsp_token(self) -> str:
        """The token the CPO presents to the eMSP (token B)."""
        token: str = self.registration["token_in"]
        return token

    @property
    def version(self) -> str:
        version: str = self.registration["version"]
        return version


def make_pair(start_mock: Starter, version: str = "2.2.1", **cpo_options: Any) -> Pair:
    """A mock CPO (all versions) and a mock eMSP that registers with it in ``version``."""
    cpo = start_mock("cpo", **cpo_options)
    older = tuple(v for v in ("2.1.1", "2.2.1", "2.3.0") if v <= version)
    emsp = start_mock("emsp", versions=older)
    registration = Control(emsp).register_with(cpo)
    assert registration["version"] == version
    return Pair(cpo, emsp, registration)


@pytest.fixture
def pair(start_mock: Starter) -> Pair:
    """Registered in OCPI 2.2.1 (the eMSP also speaks 2.1.1, the CPO all three)."""
    return make_pair(start_mock)
