"""Module operations as data: what each (version, module, method, path) of a mock does.

One table drives three things: request routing and body validation (``endpoint.py``), the
version-details endpoint list (``versions.py``) and the OpenAPI document (``openapi.py``).
A handler gets a :class:`Ctx` (the authenticated, validated request) and returns a
:class:`Reply` (what goes into the envelope).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from harness.ocpi import HttpMethod, InterfaceRole, ModuleID, RoutingHeaders, VersionNumber

if TYPE_CHECKING:
    from mock_partners.partners import Caller, Registration
    from mock_partners.state import MockState

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(slots=True)
class Reply:
    """What a handler answers: the envelope fields, the HTTP status and extra headers."""

    data: object = None
    status_code: int = 1000
    http_status: int = 200
    message: str | None = None
    include_data: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    background: Callable[[], Awaitable[None]] | None = None
    """Work to run after the response is sent (e.g. POSTing a CommandResult)."""
    response_object: str | None = None
    """Schema name of ``data`` when it differs from the operation's (validation only)."""


def ok(data: object = None, *, http_status: int = 200, include_data: bool = True) -> Reply:
    return Reply(data=data, http_status=http_status, include_data=include_data)


def stored(created: bool) -> Reply:
    """The answer to a PUT/POST that stored an object: 201 when new, else 200 (REQ-TF-015)."""
    return Reply(http_status=201 if created else 200, include_data=False)


def fail(status_code: int, message: str, *, http_status: int = 200, data: object = None) -> Reply:
    return Reply(
        data=data,
        status_code=status_code,
        http_status=http_status,
        message=message,
        include_data=data is not None,
    )


def not_found(message: str, status_code: int = 2000) -> Reply:
    """HTTP 404 for an object that does not exist (REQ-TF-014)."""
    return fail(status_code, message, http_status=404)


@dataclass(slots=True)
class Ctx:
    """One authenticated OCPI request that reached a module operation."""

    state: MockState
    request: Request
    version: VersionNumber
    op: Op
    params: dict[str, str]
    body: Any
    caller: Caller
    routing: RoutingHeaders
    url: str
    """The request URL as the client sees it (public base URL + path + query)."""

    @property
    def module(self) -> ModuleID:
        return self.op.module

    @property
    def registration(self) -> Registration:
        """The calling partner (functional modules are only open to registered partners)."""
        registration = self.caller.registration
        if registration is None:  # pragma: no cover - the endpoint guarantees it
            raise RuntimeError("operation reached without a registered caller")
        return registration

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    def kind(self, module: ModuleID | str | None = None) -> str:
        """The store kind of ``module`` (default: this one) in this version."""
        return f"{self.version}/{module or self.op.module}"

    def now(self) -> datetime:
        return self.state.clock.now()


Handler = Callable[[Ctx], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Op:
    """One operation of a module interface, relative to the module's endpoint URL."""

    module: ModuleID
    interface: InterfaceRole | None
    method: HttpMethod
    path: str
    handler: Handler
    request: str | None = None
    """Schema name of the request body; None for no body."""
    partial: bool = False
    response: str | None = None
    """Schema name of ``data`` on success (``X[]`` for a list); None when there is no data."""
    paginated: bool = False
    query: tuple[str, ...] = ()
    body_optional: bool = False
    created_status: bool = False
    """Documents 201 as a success status (object creation)."""
    summary: str = ""

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(part for part in self.path.split("/") if part)

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(_PLACEHOLDER.findall(self.path))

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """Placeholder values when ``segments`` fit this operation's path, else None."""
        mine = self.segments
        if len(mine) != len(segments):
            return None
        values: dict[str, str] = {}
        for pattern, actual in zip(mine, segments, strict=True):
            placeholder = _PLACEHOLDER.fullmatch(pattern)
            if placeholder is not None:
                if actual == "":
                    return None
                values[placeholder.group(1)] = actual
            elif pattern != actual:
                return None
        return values

    @property
    def literal_count(self) -> int:
        return sum(1 for part in self.segments if _PLACEHOLDER.fullmatch(part) is None)


OpsFactory = Callable[[VersionNumber], list[Op]]
"""A role's operations in one version."""


def find_operation(ops: list[Op], segments: list[str], method: str) -> tuple[Op | None, set[str]]:
    """The operation for ``method`` on ``segments`` (literal segments win over placeholders),
    and the methods any operation allows on that path (for 405 and Allow)."""
    candidates: list[tuple[Op, dict[str, str]]] = []
    for op in ops:
        values = op.match(segments)
        if values is not None:
            candidates.append((op, values))
    allowed: set[str] = {op.method for op, _ in candidates}
    chosen = [op for op, _ in candidates if op.method == method]
    chosen.sort(key=lambda op: -op.literal_count)
    return (chosen[0] if chosen else None), allowed
