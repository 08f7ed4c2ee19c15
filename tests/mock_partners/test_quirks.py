"""Behaviour quirks: the fault kind, how a handler sees one, the token book's ghosts and the
CallLog's completion order the handshake check relies on."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import anyio
import pytest

from harness.clock import FrozenClock
from mock_partners import CallLog
from mock_partners.fault_rules.glue import QUIRK_SCOPE_KEY, FaultMiddleware
from mock_partners.fault_rules.model import FaultAction, FaultRuleError
from mock_partners.fault_rules.plan import FaultPlan
from mock_partners.partners import PartnerBook, PartyRole, Registration
from mock_partners.quirks import QUIRKS, armed_quirk, request_quirk
from mock_partners.store import InMemoryStore
from tests.mock_partners.helpers import START
from tests.mock_partners.test_calls import exchange

RULE = {
    "id": "q",
    "match": {"direction": "inbound", "module": "credentials", "method": "PUT"},
    "scope": {"times": 1},
    "action": {"kind": "behaviour", "quirk": "keep_token"},
}


def test_behaviour_rules_name_a_quirk() -> None:
    with pytest.raises(FaultRuleError, match="quirk"):
        FaultAction("behaviour", {})
    assert FaultAction("behaviour", {"quirk": "keep_token"}).param("quirk") == "keep_token"
    assert "keep_token" in QUIRKS


def test_armed_quirk_looks_without_counting_a_match() -> None:
    plan = FaultPlan(seed=1, rules=[RULE])
    state: Any = SimpleNamespace(faults=plan)
    assert armed_quirk(state, "keep_token")
    assert not armed_quirk(state, "skip_discovery")
    assert plan.match_count("q") == 0
    assert not armed_quirk(SimpleNamespace(faults=None), "keep_token")  # type: ignore[arg-type]


def test_the_middleware_hands_a_fired_quirk_to_the_handler_once() -> None:
    anyio.run(_middleware_scenario)


async def _middleware_scenario() -> None:
    plan = FaultPlan(seed=1, rules=[RULE])
    seen: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(request_quirk(scope, "keep_token"))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    middleware = FaultMiddleware(app, plan)
    for _ in range(2):
        scope = {"type": "http", "path": "/ocpi/cpo/2.2.1/credentials", "method": "PUT",
                 "headers": [], "query_string": b""}  # fmt: skip
        await middleware(scope, receive, send)
    assert seen == [True, False]  # scope times: 1
    assert sent[0]["status"] == 200  # the response is not changed
    assert QUIRK_SCOPE_KEY == "ocpi_mock_quirk"


def test_a_ghost_token_is_accepted_after_removal_until_the_registration_is_removed_again() -> None:
    book = PartnerBook(InMemoryStore(), "token-a", random.Random(1))
    reg = Registration("reg-1", "2.2.1", "http://p/versions", "C1", "B1",
                       [PartyRole("EMSP", "NL", "MSP")], [], "partner")  # fmt: skip
    book.save(reg)
    book.remove(reg)
    assert book.last_removed_token == "C1"
    assert book.identify(["C1"]) is None
    book.keep_as_ghost(reg)
    caller = book.identify(["C1"])
    assert caller is not None and caller.kind == "partner" and caller.registration is reg
    assert book.registrations == []  # a ghost is not a registration: POST can register again
    book.remove(reg)
    assert book.identify(["C1"]) is None


def test_recorded_lists_exchanges_in_completion_order() -> None:
    log = CallLog(FrozenClock(START))
    outer = exchange(log, "/outbound-put")  # started first, completes last
    inner = exchange(log, "/inbound-get")
    log.record(inner)
    log.record(outer)
    assert [e.path for e in log.recorded()] == ["/inbound-get", "/outbound-put"]
    assert [e.path for e in log.entries()] == ["/outbound-put", "/inbound-get"]
    assert [e.path for e in log.recorded(since=inner.seq)] == ["/inbound-get"]
