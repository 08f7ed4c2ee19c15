"""Adapters from running mock partners (:mod:`mock_partners`) to the runner's seams: a mock as
the :class:`~harness.context.Partner` the SUT calls back, and the mock SUT's control API as its
:class:`~harness.hooks.Hook`. Only the composition layer (:mod:`harness.sandbox`, the CLI, the
pytest plugin) imports this module; the runner and the checks never see ``mock_partners``.
"""

from __future__ import annotations

import fnmatch
import socket
from collections.abc import Callable, Mapping, Set
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from harness.clock import Clock
from harness.context import CallQuery, CallWait, ReceivedCall, RegistrationOutcome
from harness.errors import UsageError
from harness.hooks import HookResult, HttpHook
from harness.ocpi.timestamps import parse_datetime
from harness.ocpi.versions import VersionNumber
from harness.results import Exchange
from mock_partners import Exchange as MockExchange
from mock_partners import ExchangeFilter, MockServer
from mock_partners.config import ALL_VERSIONS

__all__ = [
    "MockHook",
    "MockPartner",
    "await_registration",
    "check_port",
    "control",
    "register_partner",
    "serve_mock",
    "to_exchange",
]

POLL_SECONDS = 0.1
FORWARDED = frozenset(
    {
        "start_session", "stop_session", "tick", "send_command", "cancel_reservation",
        "present_token", "set_evse_status", "remove_evse", "patch_token", "invalidate_token",
        "restrict_token", "correct_cdr",
    }
)  # fmt: skip
"""Hook actions the mock SUT's control API serves under the contract's own paths."""


def _text(body: bytes) -> str | None:
    return body.decode("utf-8", errors="replace") if body else None


def to_exchange(entry: MockExchange) -> Exchange:
    """A mock's CallLog entry as the harness records it: an inbound one is a call from the SUT
    (``from_sut``), an outbound one the partner's request to the SUT (``to_sut``)."""
    parsed = parse_datetime(entry.timestamp, lenient=True).value
    return Exchange(
        method=entry.method,
        url=entry.url,
        request_headers=entry.request_headers,
        request_body=_text(entry.request_body),
        status=entry.status,
        response_headers=entry.response_headers,
        response_body=_text(entry.response_body),
        elapsed=entry.elapsed,
        started_at=parsed or datetime(1970, 1, 1, tzinfo=UTC),
        direction="from_sut" if entry.direction == "inbound" else "to_sut",
        error=entry.error,
    )


class MockPartner:
    """A running mock partner as the runner sees it."""

    def __init__(
        self,
        name: str,
        server: MockServer,
        version: VersionNumber,
        timer: Clock,
        http: httpx.Client | None = None,
    ) -> None:
        self.name = name
        self.server = server
        self.version = version
        self.timer = timer
        self.http = http
        self.base_versions = server.state.config.versions
        """The versions the partner offers between version switches."""

    def variables(self) -> Mapping[str, object]:
        config = self.server.state.config
        return {
            "url": config.version_url(self.version),
            "versions_url": config.versions_url,
            "country_code": config.country_code,
            "party_id": config.party_id,
            "role": config.role.value,
            "token_a": self.server.state.partners.token_a,
            "tokens": self._tokens(valid=True),
            "blocked_tokens": self._tokens(valid=False),
        }

    def _tokens(self, *, valid: bool, limit: int = 5) -> list[dict[str, object]]:
        """A few Tokens this mock (an eMSP) owns, valid ones (it authorizes them: ALLOWED) or
        invalid ones (it answers BLOCKED): a CPO suite pushes them to the SUT and presents them
        at its charge points (real-time authorization)."""
        try:
            page = self.server.state.catalog(self.version, "tokens").page(limit=50)
        except KeyError:
            return []
        return [dict(t) for t in page.items if t.get("valid") is valid][:limit]

    def module_url(self, module: str) -> str:
        return self.server.state.config.module_url(self.version, module)

    def mark(self) -> int:
        return self.server.state.calls.last_seq

    def wait_for_calls(
        self, query: CallQuery, *, count: int, timeout: float, since: int, exclude: Set[int]
    ) -> CallWait:
        calls = self.server.state.calls
        timer = self.timer
        deadline = timer.monotonic() + timeout
        found: list[ReceivedCall] = []
        taken = set(exclude)

        def wanted(entry: MockExchange) -> bool:
            return (
                entry.direction == "inbound"
                and entry.seq >= since
                and entry.seq not in taken
                and entry.method.upper() in query.methods
                and fnmatch.fnmatchcase(entry.path, query.path)
            )

        wanted.__name__ = f"{query.method} {query.path}"
        while len(found) < count:
            remaining = max(deadline - timer.monotonic(), 0.0)
            got = calls.wait_for(wanted, remaining)
            if not isinstance(got, MockExchange):
                return CallWait(tuple(found), self._near_misses(query, since, taken))
            taken.add(got.seq)
            query_pairs = dict(parse_qsl(urlsplit(got.url).query, keep_blank_values=True))
            found.append(ReceivedCall(got.seq, to_exchange(got), got.path, query_pairs))
        return CallWait(tuple(found))

    # -- the credentials module (registration steps) ------------------------------------------

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
        """Drive the partner's control API (``/_mock/register``, ``/_mock/token-a``)."""
        state = self.server.state
        http = self.http if self.http is not None else httpx.Client()
        partner_token_a = state.partners.token_a
        try:
            if action == "register":
                control(http, self.server, "POST", "/register",
                        {"versions_url": versions_url, "token": token_a}, timeout)  # fmt: skip
            elif action == "update":
                if version is not None:
                    self._offer(version)
                control(http, self.server, "PUT", "/register",
                        {"version": version.value} if version else {}, timeout)  # fmt: skip
            elif action == "delete":
                control(http, self.server, "DELETE", "/register", {}, timeout)
                control(http, self.server, "POST", "/token-a", {}, timeout)  # ready for await
            elif action == "await":
                self._await_registration(timeout)
            else:
                return RegistrationOutcome(False, f"unknown registration action {action}", {})
        except UsageError as exc:
            return self._outcome(False, str(exc), since, partner_token_a)
        finally:
            if self.http is None:
                http.close()
        return self._outcome(True, None, since, partner_token_a)

    def _offer(self, version: VersionNumber) -> None:
        """Offer ``version`` too (a switch to it), or only the usual ones again (back)."""
        state = self.server.state
        offered = self.base_versions
        if version not in offered:
            offered = tuple(v for v in ALL_VERSIONS if v in {*offered, version})
        state.config = replace(state.config, versions=offered)

    def _await_registration(self, timeout: float) -> None:
        deadline = self.timer.monotonic() + timeout
        book = self.server.state.partners
        while not any(r.initiated_by == "partner" for r in book.registrations):
            if self.timer.monotonic() >= deadline:
                raise UsageError(f"the SUT did not register with the partner within {timeout:g}s")
            self.server.state.calls.wait_for(lambda _e: False, POLL_SECONDS)

    def _outcome(
        self, ok: bool, message: str | None, since: int, token_a: str
    ) -> RegistrationOutcome:
        state = self.server.state
        registration = state.partners.only()
        doc: dict[str, object] = {}
        if registration is not None:
            doc = registration.public()
            self.version = VersionNumber(registration.version)
            if ok and self.version in self.base_versions:
                state.config = replace(state.config, versions=self.base_versions)
        exchanges = tuple((e.seq, to_exchange(e)) for e in state.calls.recorded(since))
        return RegistrationOutcome(ok, message, doc, exchanges, token_a)

    def _near_misses(self, query: CallQuery, since: int, taken: Set[int]) -> str:
        one = query.methods[0] if len(query.methods) == 1 else None
        spec = ExchangeFilter(direction="inbound", method=one, path=query.path, since=since)
        recent = [
            e
            for e in self.server.state.calls.entries()
            if e.direction == "inbound" and e.seq >= since and e.seq not in taken
        ]
        if not recent:
            return "the SUT sent nothing to the partner in that time"
        lines = [f"{e.method} {e.path} ({'; '.join(spec.reasons(e)) or 'taken'})" for e in recent]
        return "near misses: " + " | ".join(lines[-5:])


class MockHook:
    """The control API of a mock SUT as its hook (the embedded default).

    ``start_session``, ``stop_session``, ``tick``, ``send_command`` and the other
    :data:`FORWARDED` actions go to the control routes of the same paths; ``push_location``,
    ``push_tariff`` and ``push_token`` look the object up in the mock's published data and push
    it with ``POST /_mock/push``.
    """

    name = "mock"

    def __init__(
        self,
        sut: MockServer,
        version: VersionNumber,
        http: httpx.Client,
        clock: Clock,
        timer: Clock,
    ) -> None:
        self.sut = sut
        self.version = version
        self.inner = HttpHook(
            http, sut.state.config.root + "/_mock", clock=clock, timer=timer, token=sut.admin_token
        )

    def _object(self, module: str, key: str) -> dict[str, object] | None:
        try:
            doc = self.sut.state.catalog(self.version, module).get(key)
        except KeyError:
            return None
        return dict(doc) if doc is not None else None

    def call(self, action: str, args: Mapping[str, object], timeout: float) -> HookResult:
        if action == "push_location":
            doc = self._object("locations", str(args.get("location_id", "")))
            return self._push("locations", doc, args, timeout)
        if action == "push_tariff":
            doc = self._object("tariffs", str(args.get("tariff_id", "")))
            return self._push("tariffs", doc, args, timeout)
        if action == "push_token":
            key = f"{args.get('token_uid', '')}\t{args.get('type', 'RFID')}"
            return self._push("tokens", self._object("tokens", key), args, timeout)
        if action == "register":  # the SUT registers with the partner (its /_mock/register)
            body = {"versions_url": args.get("versions_url"), "token": args.get("token")}
            return self.inner.post("/register", body, timeout, action="register")
        if action == "issue_token_a":  # a token A for a new registration (re-armed)
            return self.inner.post("/token-a", {}, timeout, action="issue_token_a")
        if action not in FORWARDED:
            return HookResult("unsupported", message=f"the mock has no hook action {action}")
        result = self.inner.call(action, args, timeout)
        session = result.result.get("session")
        if result.status == "done" and isinstance(session, Mapping) and "id" in session:
            return HookResult("done", {**result.result, "session_id": session["id"]}, None,
                              result.exchange)  # fmt: skip
        return result

    def _push(
        self,
        module: str,
        doc: dict[str, object] | None,
        args: Mapping[str, object],
        timeout: float,
    ) -> HookResult:
        if doc is None:
            return HookResult("failed", message=f"the mock has no such {module} object: {args}")
        body = {"module": module, "object": doc, "version": self.version.value}
        result = self.inner.post("/push", body, timeout, action=f"push_{module}")
        if result.status != "done":
            return result
        return HookResult("done", {"object": doc, **result.result}, None, result.exchange)


# -- serving a mock and driving its control API -------------------------------------------


def check_port(host: str, port: int) -> None:
    """Fail early, with a clear message, when ``host:port`` cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            probe.listen(1)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve_mock(factory: Callable[..., Any], **kwargs: Any) -> MockServer:
    """Build and serve a mock on ``host:port`` (uvicorn in a thread); UsageError if it cannot."""
    host, port = kwargs.pop("host", "127.0.0.1"), kwargs.pop("port", 0)
    check_port(host, port)
    try:
        return MockServer.start_app(factory, host=host, port=port, **kwargs)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except RuntimeError as exc:  # uvicorn did not come up
        raise UsageError(f"cannot serve the mock partner on {host}:{port}: {exc}") from None


def control(
    http: httpx.Client, server: MockServer, method: str, path: str, body: object, timeout: float
) -> dict[str, Any]:
    url = server.state.config.root + "/_mock" + path
    headers = {"Authorization": f"Token {server.admin_token}"}
    try:
        response = http.request(method, url, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise UsageError(f"the harness's mock partner did not answer ({exc})") from None
    data = response.json() if response.content else {}
    if response.status_code >= 300:
        raise UsageError(str(data.get("error", response.text)) if isinstance(data, dict) else "?")
    return data if isinstance(data, dict) else {}


def register_partner(
    http: httpx.Client, partner: MockServer, versions_url: str, token_a: str, timeout: float
) -> dict[str, Any]:
    try:
        done = control(
            http,
            partner,
            "POST",
            "/register",
            {"versions_url": versions_url, "token": token_a},
            timeout,
        )
    except UsageError as exc:
        raise UsageError(f"registration with the SUT at {versions_url} failed: {exc}") from None
    registration: dict[str, Any] = done["registration"]
    return registration


def await_registration(
    http: httpx.Client, partner: MockServer, timer: Clock, timeout: float
) -> dict[str, Any]:
    deadline = timer.monotonic() + timeout
    while timer.monotonic() < deadline:
        state = control(http, partner, "GET", "/state", None, 5.0)
        registrations = state.get("registrations") or []
        if registrations:
            found: dict[str, Any] = registrations[0]
            return found
        partner.state.calls.wait_for(lambda _e: False, POLL_SECONDS)
    raise UsageError(f"the SUT did not register within {timeout:g}s")
