"""The SUT hook: how a suite makes the SUT act (start a session, push a location, issue a CDR).

The contract a vendor implements is in ``docs/hooks.md``: each action is an HTTP POST with a
JSON object in and a JSON object out, under ``--hook-url``::

    start_session   POST {hook}/sessions/start                 {location_id, evse_uid, ...}
    stop_session    POST {hook}/sessions/{session_id}/stop     {}
    push_location   POST {hook}/locations/{location_id}/push   {}
    push_tariff     POST {hook}/tariffs/{tariff_id}/push       {}
    push_token      POST {hook}/tokens/{token_uid}/push        {type}
    issue_cdr       POST {hook}/cdrs/issue                     {session_id}
    correct_cdr     POST {hook}/cdrs/{cdr_id}/correct          {}
    tick            POST {hook}/tick                           {seconds}
    send_command    POST {hook}/commands/{command}             {location_id, token, ...}
    register        POST {hook}/credentials/register           {versions_url, token}
    issue_token_a   POST {hook}/credentials/token-a            {}
    any other       POST {hook}/actions/{action}               {args...}

2xx with a JSON object: done (the object is the step's ``result``); 404, 405 or 501: the SUT
does not support the action (the case is SKIPPED); anything else: the hook failed (ERROR).
Without a hook, :class:`PromptHook` asks a person at a terminal, and :class:`NoHook` (CI) skips.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol, TextIO
from urllib.parse import quote

import httpx

from harness.clock import Clock
from harness.ocpi.envelope import parse_json
from harness.payloads import json_text
from harness.results import Exchange

__all__ = [
    "HOOK_ACTIONS",
    "Hook",
    "HookAction",
    "HookResult",
    "HttpHook",
    "NoHook",
    "PromptHook",
    "hook_path",
]

HookStatus = Literal["done", "unsupported", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class HookAction:
    """A standard action: its path below the hook URL; ``params`` come out of the args."""

    path: str
    params: tuple[str, ...] = ()
    description: str = ""


HOOK_ACTIONS: Mapping[str, HookAction] = {
    "start_session": HookAction("/sessions/start", (), "start a charging session"),
    "stop_session": HookAction(
        "/sessions/{session_id}/stop", ("session_id",), "stop a charging session"
    ),
    "push_location": HookAction(
        "/locations/{location_id}/push", ("location_id",), "push a Location to the partner"
    ),
    "push_tariff": HookAction(
        "/tariffs/{tariff_id}/push", ("tariff_id",), "push a Tariff to the partner"
    ),
    "push_token": HookAction(
        "/tokens/{token_uid}/push", ("token_uid",), "push a Token to the partner"
    ),
    "issue_cdr": HookAction("/cdrs/issue", (), "issue (and push) the CDR of a session"),
    "correct_cdr": HookAction(
        "/cdrs/{cdr_id}/correct",
        ("cdr_id",),
        "correct a sent CDR: push a Credit CDR, then a replacement CDR",
    ),
    "cancel_reservation": HookAction(
        "/reservations/{reservation_id}/cancel",
        ("reservation_id",),
        "cancel a reservation on the CPO's side (CANCELED_RESERVATION to its response_url)",
    ),
    "tick": HookAction("/tick", (), "advance the SUT's simulated clock by seconds"),
    "send_command": HookAction(
        "/commands/{command}", ("command",), "send a command to the partner CPO (an eMSP SUT)"
    ),
    "present_token": HookAction(
        "/tokens/{token_uid}/present",
        ("token_uid",),
        "a driver presents a token at an EVSE (a CPO SUT authorizes it and starts a session)",
    ),
    "set_evse_status": HookAction(
        "/locations/{location_id}/{evse_uid}/status",
        ("location_id", "evse_uid"),
        "change an EVSE's status and PATCH it to the partner",
    ),
    "remove_evse": HookAction(
        "/locations/{location_id}/{evse_uid}/remove",
        ("location_id", "evse_uid"),
        "decommission an EVSE (status REMOVED) and send it to the partner",
    ),
    "patch_token": HookAction(
        "/tokens/{token_uid}/patch", ("token_uid",), "change a Token and PATCH it to the partner"
    ),
    "invalidate_token": HookAction(
        "/tokens/{token_uid}/invalidate",
        ("token_uid",),
        "invalidate a Token (valid false) and send it to the partner",
    ),
    "restrict_token": HookAction(
        "/tokens/{token_uid}/restrict",
        ("token_uid",),
        "make a Token usable only at one Location (its authorization needs LocationReferences)",
    ),
    "register": HookAction(
        "/credentials/register",
        (),
        "register with a partner: versions_url and token (its token A); the SUT is the Sender",
    ),
    "issue_token_a": HookAction(
        "/credentials/token-a",
        (),
        "issue a token A for a new registration with the harness (answers {token_a})",
    ),
}


@dataclass(frozen=True, slots=True)
class HookResult:
    status: HookStatus
    result: Mapping[str, object] = field(default_factory=dict)
    message: str | None = None
    exchange: Exchange | None = None


class Hook(Protocol):
    """Something that makes the SUT act."""

    @property
    def name(self) -> str: ...

    def call(self, action: str, args: Mapping[str, object], timeout: float) -> HookResult: ...


def hook_path(action: str, args: Mapping[str, object]) -> tuple[str, dict[str, object]]:
    """The path of ``action`` and the body (the args without the ones in the path)."""
    spec = HOOK_ACTIONS.get(action)
    if spec is None:
        return f"/actions/{quote(action, safe='')}", dict(args)
    values = {p: quote(str(args.get(p, "")), safe="") for p in spec.params}
    missing = [p for p in spec.params if not values[p]]
    if missing:
        raise ValueError(f"hook action {action} needs {', '.join(missing)} in args")
    body = {k: v for k, v in args.items() if k not in spec.params}
    return spec.path.format(**values), body


def _as_result(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {"value": value}


class HttpHook:
    """The vendor's hook over HTTP (``--hook-url``, ``--hook-token``)."""

    name = "http"

    def __init__(
        self, http: httpx.Client, url: str, *, clock: Clock, timer: Clock, token: str | None
    ) -> None:
        self.http = http
        self.url = url.rstrip("/")
        self.clock = clock
        self.timer = timer
        self.token = token

    def call(self, action: str, args: Mapping[str, object], timeout: float) -> HookResult:
        try:
            path, body = hook_path(action, args)
        except ValueError as exc:
            return HookResult("failed", message=str(exc))
        return self.post(path, body, timeout, action=action)

    def post(
        self, path: str, body: Mapping[str, object], timeout: float, *, action: str
    ) -> HookResult:
        """POST ``body`` to ``{hook}{path}`` and read the answer by the contract's rules."""
        url = self.url + path
        content = json_text(body).encode("utf-8")
        headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if self.token:
            headers.append(("Authorization", f"Token {self.token}"))
        started_at, start = self.clock.now(), self.timer.monotonic()
        record = Exchange(
            "POST", url, tuple(headers), content.decode(), None, (), None, 0.0, started_at
        )
        try:
            response = self.http.post(url, content=content, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            message = f"hook {action} at {url}: {type(exc).__name__}: {exc}"
            done = replace(record, elapsed=self.timer.monotonic() - start, error=message)
            return HookResult("failed", message=message, exchange=done)
        record = replace(
            record,
            status=response.status_code,
            response_headers=tuple(response.headers.items()),
            response_body=response.text,
            elapsed=self.timer.monotonic() - start,
        )
        if response.status_code in (404, 405, 501):
            text = f"the SUT's hook does not support {action} (HTTP {response.status_code})"
            return HookResult("unsupported", message=text, exchange=record)
        if not 200 <= response.status_code < 300:
            text = f"hook {action} failed: HTTP {response.status_code}: {response.text[:300]}"
            return HookResult("failed", message=text, exchange=record)
        try:
            value = parse_json(response.text) if response.text.strip() else {}
        except ValueError:
            return HookResult(
                "failed", message=f"hook {action}: answer is not JSON", exchange=record
            )
        return HookResult("done", _as_result(value), exchange=record)


class NoHook:
    """No hook and nobody to ask (CI): every action is skipped with the reason."""

    name = "none"

    def call(self, action: str, args: Mapping[str, object], timeout: float) -> HookResult:
        return HookResult(
            "skipped",
            message=f"needs the SUT to act ({action}); there is no --hook-url and stdin is not "
            "a terminal to ask a person",
        )


class PromptHook:
    """Asks a person at a terminal to make the SUT act, then continues."""

    name = "prompt"

    def __init__(self, ask: Callable[[str], str], out: TextIO) -> None:
        self.ask = ask
        self.out = out

    def call(self, action: str, args: Mapping[str, object], timeout: float) -> HookResult:
        spec = HOOK_ACTIONS.get(action)
        what = spec.description if spec is not None else action
        self.out.write(
            f"\n>>> Please make the SUT {what} ({action}) with: {json_text(dict(args))}\n"
            "    Press Enter when done, type 'skip' to skip this case, or type a JSON object "
            'with the result (e.g. {"session_id": "..."}).\n'
        )
        self.out.flush()
        try:
            answer = self.ask("> ").strip()
        except EOFError:
            answer = "skip"
        if answer.lower() in ("skip", "s"):
            return HookResult("skipped", message=f"{action} skipped by the person at the terminal")
        if not answer:
            return HookResult("done")
        try:
            return HookResult("done", _as_result(json.loads(answer)))
        except ValueError:
            return HookResult("done", {"answer": answer})
