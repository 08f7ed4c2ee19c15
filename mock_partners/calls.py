"""The CallLog: every OCPI exchange a mock took part in, inbound and outbound, and waiting on it.

``wait_for`` never races: it checks what is already recorded first, then sleeps on a
:class:`threading.Condition` that every new entry notifies. On timeout it returns
:class:`NearMisses`, the recorded exchanges that matched part of an :class:`ExchangeFilter`
with the reasons they did not match ("a PUT came, but for another session").

Times of exchanges come from the injected clock's ``monotonic()``; only the *waiting* uses a
real clock (``wait_clock``, a :class:`~harness.clock.SystemClock` unless one is given).
"""

from __future__ import annotations

import fnmatch
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.clock import Clock, SystemClock
from mock_partners.jsonio import loads

Direction = Literal["inbound", "outbound"]
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response (or the transport error that replaced the response)."""

    seq: int
    direction: Direction
    method: str
    url: str
    path: str
    request_headers: Headers
    request_body: bytes
    status: int | None
    response_headers: Headers
    response_body: bytes
    started: float
    elapsed: float
    timestamp: str
    """When the exchange started, on the injected wall clock (OCPI DateTime)."""
    module: str | None = None
    version: str | None = None
    partner: str | None = None
    """The id of the registration of the other party, when known."""
    problems: tuple[dict[str, str], ...] = ()
    """Protocol problems the mock noticed in the other party's message (request or response)."""
    error: str | None = None

    def header(self, name: str, *, response: bool = False) -> str | None:
        wanted = name.lower()
        source = self.response_headers if response else self.request_headers
        values = [v for k, v in source if k.lower() == wanted]
        return ", ".join(values) if values else None

    @property
    def request_json(self) -> Any:
        """The request body parsed (None when empty or not JSON)."""
        return _parse(self.request_body)

    @property
    def response_json(self) -> Any:
        return _parse(self.response_body)

    @property
    def ocpi_status(self) -> int | None:
        body = self.response_json
        code = body.get("status_code") if isinstance(body, dict) else None
        return code if type(code) is int else None

    def summary(self) -> str:
        status = self.status if self.status is not None else self.error
        return f"#{self.seq} {self.direction} {self.method} {self.path} -> {status}"

    def to_json(self, *, bodies: bool = True) -> dict[str, object]:
        out: dict[str, object] = {
            "seq": self.seq,
            "direction": self.direction,
            "method": self.method,
            "url": self.url,
            "path": self.path,
            "status": self.status,
            "ocpi_status": self.ocpi_status,
            "module": self.module,
            "version": self.version,
            "partner": self.partner,
            "timestamp": self.timestamp,
            "elapsed": round(self.elapsed, 6),
            "problems": list(self.problems),
            "error": self.error,
            "request_headers": [list(pair) for pair in self.request_headers],
            "response_headers": [list(pair) for pair in self.response_headers],
        }
        if bodies:
            out["request_body"] = _text(self.request_body)
            out["response_body"] = _text(self.response_body)
        return out


def _parse(body: bytes) -> Any:
    if not body:
        return None
    try:
        return loads(body)
    except ValueError:
        return None


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


_MISSING = object()


def _lookup(value: object, dotted: str) -> object:
    for part in dotted.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


@dataclass(frozen=True, slots=True)
class ExchangeFilter:
    """What an awaited exchange looks like; unset fields match anything.

    ``path`` is matched as a shell-style pattern (``*`` matches anything, also "/"), so
    ``"*/sessions/NL/CPO/S1"`` ignores the URL prefix. ``body`` maps dotted paths into the
    request body (``"status"``, ``"cdr_token.uid"``) to the values they must have.
    """

    direction: Direction | None = None
    method: str | None = None
    module: str | None = None
    path: str | None = None
    version: str | None = None
    status: int | None = None
    body: Mapping[str, object] = field(default_factory=dict)
    since: int = 0
    """Only exchanges with a sequence number at or above this one."""

    def reasons(self, exchange: Exchange) -> list[str]:
        """Why ``exchange`` does not match (empty: it matches)."""
        out: list[str] = []
        if exchange.seq < self.since:
            out.append(f"recorded before #{self.since}")
        for name in ("direction", "module", "version", "status"):
            want = getattr(self, name)
            got = getattr(exchange, name)
            if want is not None and got != want:
                out.append(f"{name} is {got}, wanted {want}")
        if self.method is not None and exchange.method.upper() != self.method.upper():
            out.append(f"method is {exchange.method}, wanted {self.method}")
        if self.path is not None and not fnmatch.fnmatchcase(exchange.path, self.path):
            out.append(f"path is {exchange.path}, wanted {self.path}")
        if self.body:
            document = exchange.request_json
            for dotted, want in self.body.items():
                got = _lookup(document, dotted)
                if got is _MISSING:
                    out.append(f"body has no {dotted}")
                elif got != want:
                    out.append(f"body {dotted} is {got!r}, wanted {want!r}")
        return out

    def near(self, exchange: Exchange) -> bool:
        """Close enough to report as a near miss: same direction, and same module if given."""
        if exchange.seq < self.since:
            return False
        if self.direction is not None and exchange.direction != self.direction:
            return False
        return self.module is None or exchange.module == self.module


@dataclass(frozen=True, slots=True)
class NearMiss:
    exchange: Exchange
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.exchange.summary()}: {'; '.join(self.reasons)}"


@dataclass(frozen=True, slots=True)
class NearMisses:
    """What ``wait_for`` returns on timeout. Falsy, so ``if log.wait_for(...)`` reads well."""

    description: str
    timeout: float
    misses: tuple[NearMiss, ...]

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        head = f"no exchange matched {self.description} within {self.timeout:g}s"
        if not self.misses:
            return head + " (nothing close was recorded)"
        return head + "; near misses:\n" + "\n".join(f"  {m}" for m in self.misses)


Predicate = ExchangeFilter | Callable[[Exchange], bool]


class CallLog:
    """A bounded, thread-safe record of exchanges."""

    def __init__(
        self,
        clock: Clock,
        *,
        max_entries: int = 10_000,
        max_bytes: int = 64 * 1024 * 1024,
        wait_clock: Clock | None = None,
    ) -> None:
        """Keep at most ``max_entries`` exchanges and about ``max_bytes`` of bodies (the
        oldest go first), so a long-running sandbox does not grow without bound."""
        self.clock = clock
        self._wait_clock = wait_clock or SystemClock()
        self._entries: deque[Exchange] = deque()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._cond = threading.Condition(threading.RLock())
        self._next_seq = 1
        self._appended = 0

    def next_seq(self) -> int:
        """Reserve a sequence number (entries are numbered when they start)."""
        with self._cond:
            seq = self._next_seq
            self._next_seq += 1
            return seq

    @property
    def last_seq(self) -> int:
        """The highest sequence number handed out so far (0 when none)."""
        with self._cond:
            return self._next_seq - 1

    def record(self, exchange: Exchange) -> None:
        with self._cond:
            self._entries.append(exchange)
            self._bytes += _size(exchange)
            while len(self._entries) > 1 and (
                len(self._entries) > self._max_entries or self._bytes > self._max_bytes
            ):
                self._bytes -= _size(self._entries.popleft())
            self._appended += 1
            self._cond.notify_all()

    def recorded(self, since: int = 0) -> list[Exchange]:
        """Entries with ``seq >= since`` in the order they were completed (recorded), not
        started: an inbound call recorded before an outbound one was answered before it."""
        with self._cond:
            return [e for e in self._entries if e.seq >= since]

    def entries(self, predicate: Predicate | None = None) -> list[Exchange]:
        with self._cond:
            snapshot = sorted(self._entries, key=lambda e: e.seq)
        if predicate is None:
            return snapshot
        return [e for e in snapshot if _matches(predicate, e)]

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.entries())

    def __len__(self) -> int:
        with self._cond:
            return len(self._entries)

    def count(self, predicate: Predicate | None = None) -> int:
        return len(self.entries(predicate))

    def last(self, predicate: Predicate | None = None) -> Exchange | None:
        found = self.entries(predicate)
        return found[-1] if found else None

    def clear(self) -> None:
        with self._cond:
            self._entries.clear()
            self._bytes = 0

    def wait_for(self, predicate: Predicate, timeout: float) -> Exchange | NearMisses:
        """The first recorded exchange matching ``predicate``, waiting up to ``timeout`` s.

        Entries already recorded are checked first, then each new one as it arrives.
        """
        deadline = self._wait_clock.monotonic() + timeout
        with self._cond:
            seen = self._appended - len(self._entries)
            while True:
                fresh = self._appended - seen
                if fresh:
                    start = max(len(self._entries) - fresh, 0)
                    for index in range(start, len(self._entries)):
                        if _matches(predicate, self._entries[index]):
                            return self._entries[index]
                    seen = self._appended
                remaining = deadline - self._wait_clock.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        return self._near_misses(predicate, timeout)

    def _near_misses(self, predicate: Predicate, timeout: float) -> NearMisses:
        entries = self.entries()
        if isinstance(predicate, ExchangeFilter):
            misses = [
                NearMiss(e, tuple(predicate.reasons(e))) for e in entries if predicate.near(e)
            ]
            description = _describe(predicate)
        else:
            misses = [NearMiss(e, ("the predicate returned False",)) for e in entries]
            description = getattr(predicate, "__name__", "the predicate")
        return NearMisses(description, timeout, tuple(misses[-5:]))


def _size(exchange: Exchange) -> int:
    return len(exchange.request_body) + len(exchange.response_body)


def _matches(predicate: Predicate, exchange: Exchange) -> bool:
    if isinstance(predicate, ExchangeFilter):
        return not predicate.reasons(exchange)
    return bool(predicate(exchange))


def _describe(spec: ExchangeFilter) -> str:
    parts = [
        f"{name}={getattr(spec, name)}"
        for name in ("direction", "method", "module", "path", "version", "status")
        if getattr(spec, name) is not None
    ]
    parts.extend(f"body.{k}={v!r}" for k, v in spec.body.items())
    return "{" + ", ".join(parts) + "}"
