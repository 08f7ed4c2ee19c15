"""The self-test's shared connections: the built-in mock CPO and mock eMSP as SUTs, each
registered with the harness once per session and OCPI version (like a real run), over real
sockets. ``box(role, version)`` opens them lazily."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest

from harness.clock import FrozenClock, SystemClock
from harness.ocpi import Role
from harness.ocpi.versions import VersionNumber
from harness.sandbox import HarnessOptions, Sandbox, open_embedded

START = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _open(role: Role, version: str) -> Sandbox:
    options = HarnessOptions(
        seed=11, timeout=2.0, callback_scale=0.3, version=VersionNumber(version)
    )
    return open_embedded(role, options, clock=FrozenClock(START), timer=SystemClock())


@pytest.fixture(scope="session")
def box() -> Iterator[Callable[[Role, str], Sandbox]]:
    opened: dict[tuple[Role, str], Sandbox] = {}
    with ExitStack() as stack:

        def get(role: Role, version: str) -> Sandbox:
            if (role, version) not in opened:
                opened[(role, version)] = stack.enter_context(_open(role, version))
            return opened[(role, version)]

        yield get
