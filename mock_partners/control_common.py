"""Shared pieces of the control API: the admin check, JSON in and out, picking a partner."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.ocpi import VersionNumber, candidate_tokens
from mock_partners.faults import FaultRuleError
from mock_partners.jsonio import dumps, loads
from mock_partners.partners import Registration
from mock_partners.push import PushError
from mock_partners.registration import RegistrationError
from mock_partners.session_driver import SimulationError
from mock_partners.state import MockState

Endpoint = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    """A control call that cannot be done; ``status`` is the HTTP status of the answer."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def reply(data: object, status: int = 200) -> Response:
    """A plain JSON answer (the control API does not use OCPI envelopes)."""
    return Response(dumps(data), status_code=status, media_type="application/json")


def admin_state(request: Request) -> MockState:
    """The mock's state, once the admin token is checked (raw or Base64, either works)."""
    state: MockState = request.app.state.mock
    header = request.headers.get("authorization")
    tokens = candidate_tokens(header) if header else ()
    if not any(hmac.compare_digest(t, state.config.admin_token) for t in tokens):
        raise ControlError(401, "the control API needs Authorization: Token <admin token>")
    return state


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"the body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ControlError(400, "the body must be a JSON object")
    return value


def pick_registration(state: MockState, wanted: object) -> Registration:
    """The named registration, or the only one there is."""
    if wanted is not None:
        found = state.partners.get(str(wanted))
        if found is None:
            raise ControlError(404, f"no registration {wanted!r}")
        return found
    regs = state.partners.registrations
    if len(regs) != 1:
        raise ControlError(409, f"{len(regs)} registrations: name one with registration_id")
    return regs[0]


def pick_version(
    state: MockState, wanted: object, registration: Registration | None
) -> VersionNumber:
    if wanted is None:
        return VersionNumber(registration.version) if registration else state.config.newest_version
    try:
        version = VersionNumber(str(wanted))
    except ValueError:
        raise ControlError(400, f"unknown OCPI version {wanted!r}") from None
    if version not in state.config.versions:
        raise ControlError(400, f"this mock does not serve OCPI {version}")
    return version


def guarded(handler: Endpoint) -> Endpoint:
    """``handler`` with the mock's own errors turned into JSON answers."""

    async def run(request: Request) -> Response:
        try:
            response: Response = await handler(request)
            return response
        except ControlError as exc:
            return reply({"error": exc.message, **exc.extra}, exc.status)
        except RegistrationError as exc:
            return reply({"error": exc.message, "status_code": exc.status_code}, 502)
        except (PushError, SimulationError) as exc:
            return reply({"error": str(exc)}, 409)
        except FaultRuleError as exc:
            return reply({"error": str(exc), "pointer": exc.pointer}, 400)

    run.__name__ = handler.__name__
    return run
