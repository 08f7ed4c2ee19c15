"""CallLog: recording, filtering, and waiting without races; near misses on timeout."""

from __future__ import annotations

import threading

import httpx

from harness.clock import FrozenClock
from mock_partners import CallLog, Exchange, ExchangeFilter, NearMisses
from mock_partners.jsonio import dumps
from tests.mock_partners.conftest import Pair
from tests.mock_partners.helpers import START, V221, Control


def exchange(log: CallLog, path: str, body: object = None, method: str = "PUT") -> Exchange:
    return Exchange(
        seq=log.next_seq(),
        direction="inbound",
        method=method,
        url=f"http://mock{path}",
        path=path,
        request_headers=(("Authorization", "Token x"),),
        request_body=dumps(body) if body is not None else b"",
        status=200,
        response_headers=(),
        response_body=b'{"status_code":1000,"timestamp":"2026-03-01T12:00:00Z"}',
        started=0.0,
        elapsed=0.0,
        timestamp="2026-03-01T12:00:00Z",
        module="sessions",
    )


def test_wait_for_returns_what_is_already_recorded_without_waiting() -> None:
    log = CallLog(FrozenClock(START))
    recorded = exchange(log, "/s/NL/CPO/S1", {"status": "ACTIVE"})
    log.record(recorded)
    found = log.wait_for(ExchangeFilter(path="*/S1", body={"status": "ACTIVE"}), timeout=0)
    assert found is recorded and found.ocpi_status == 1000


def test_wait_for_wakes_up_when_another_thread_records() -> None:
    log = CallLog(FrozenClock(START))
    ready = threading.Event()

    def later() -> None:
        ready.wait()
        log.record(exchange(log, "/s/NL/CPO/S2"))

    worker = threading.Thread(target=later)
    worker.start()
    ready.set()
    found = log.wait_for(ExchangeFilter(method="PUT", path="*/S2"), timeout=10)
    worker.join()
    assert isinstance(found, Exchange) and found.path == "/s/NL/CPO/S2"


def test_timeout_reports_near_misses_with_reasons() -> None:
    log = CallLog(FrozenClock(START))
    log.record(exchange(log, "/s/NL/CPO/OTHER", {"status": "ACTIVE"}))
    log.record(exchange(log, "/s/NL/CPO/S3", {"status": "PENDING"}, method="PATCH"))
    result = log.wait_for(
        ExchangeFilter(direction="inbound", module="sessions", method="PUT", path="*/S3"),
        timeout=0.05,
    )
    assert isinstance(result, NearMisses) and not result
    reasons = [m.reasons for m in result.misses]
    assert reasons == [
        ("path is /s/NL/CPO/OTHER, wanted */S3",),
        ("method is PATCH, wanted PUT",),
    ]
    assert "near misses" in str(result) and "wanted */S3" in str(result)


def test_since_and_callable_predicates() -> None:
    log = CallLog(FrozenClock(START))
    first = exchange(log, "/a")
    log.record(first)
    mark = log.last_seq + 1
    assert not log.wait_for(ExchangeFilter(path="/a", since=mark), timeout=0)
    log.record(exchange(log, "/a"))
    assert isinstance(log.wait_for(ExchangeFilter(path="/a", since=mark), timeout=0), Exchange)
    missed = log.wait_for(lambda e: e.path == "/nowhere", timeout=0)
    assert isinstance(missed, NearMisses) and len(missed.misses) == 2
    assert log.count(ExchangeFilter(path="/a")) == 2


def test_log_is_bounded_in_entries_and_bytes() -> None:
    log = CallLog(FrozenClock(START), max_entries=3)
    for n in range(5):
        log.record(exchange(log, f"/{n}"))
    assert [e.path for e in log] == ["/2", "/3", "/4"]
    small = CallLog(FrozenClock(START), max_bytes=300)
    for n in range(5):
        small.record(exchange(small, f"/{n}", {"pad": "x" * 50}))
    assert [e.path for e in small] == ["/3", "/4"]  # each entry holds ~125 bytes of bodies


def test_control_wait_long_polls_and_explains_misses(http: httpx.Client, pair: Pair) -> None:
    control = Control(pair.emsp)
    miss = control.ok(
        "POST", "/wait", {"direction": "inbound", "module": "sessions", "timeout": 0.1}
    )
    assert miss["matched"] is False and miss["near_misses"] == []
    result: dict[str, object] = {}

    def wait() -> None:
        result.update(
            control.ok(
                "POST", "/wait", {"direction": "inbound", "module": "locations", "timeout": 10}
            )
        )

    waiter = threading.Thread(target=wait)
    waiter.start()
    location = dict(pair.cpo.state.worlds[V221].locations[0])
    Control(pair.cpo).ok("POST", "/push", {"module": "locations", "object": location})
    waiter.join()
    assert result["matched"] is True
    listed = control.ok("GET", "/exchanges", module="locations", bodies="0")["exchanges"]
    assert len(listed) == 1 and "request_body" not in listed[0] and listed[0]["status"] == 201
