"""The mock CPO corrects a CDR it sent: a Credit CDR, then a replacement CDR (hook ``correct_cdr``).

A sent CDR is never changed (REQ-CDR-006); a correction is a Credit CDR with a new ``id``
(the original id + ``-C``), ``credit`` true, ``credit_reference_id`` = the original id and the
original data with negated amounts (REQ-CDR-007, REQ-CDR-008), followed by a new CDR with a
new id and no credit fields (REQ-CDR-009) (``mod_cdrs.md`` §Credit CDRs). Both are stored on
the CDRs Sender interface and POSTed to the partner's CDRs Receiver, credit first.
"""

from __future__ import annotations

import contextlib
import copy
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.ocpi import ModuleID, Role, VersionNumber, format_datetime
from mock_partners.control_common import ControlError, admin_state, json_body, pick_version, reply
from mock_partners.push import PushError, push
from mock_partners.simulation.wire import MONEY_FIELDS
from mock_partners.state import MockState

__all__ = ["correct_cdr", "credit_of", "post_cdr_correct"]


def _negate_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return -value if value else value


def _negate(price: Any) -> Any:
    if isinstance(price, dict):
        out = dict(price)
        for key in ("excl_vat", "incl_vat", "before_taxes"):
            if key in out:
                out[key] = _negate_number(out[key])
        if isinstance(out.get("taxes"), list):
            out["taxes"] = [
                {**t, "amount": _negate_number(t.get("amount"))} if isinstance(t, dict) else t
                for t in out["taxes"]
            ]
        return out
    return _negate_number(price)


def credit_of(cdr: dict[str, Any], now: str) -> dict[str, Any]:
    """The Credit CDR of ``cdr``: new id, credit fields, the same data, negated amounts."""
    credit = copy.deepcopy(cdr)
    credit["id"] = f"{cdr['id']}-C"[:39]
    credit["credit"] = True
    credit["credit_reference_id"] = cdr["id"]
    for name in MONEY_FIELDS:
        if name in credit:
            credit[name] = _negate(credit[name])
    credit["last_updated"] = now
    return credit


def replacement_of(cdr: dict[str, Any], new_id: str, now: str) -> dict[str, Any]:
    """The CDR that replaces ``cdr`` after the credit: a new id and no credit fields."""
    out = copy.deepcopy(cdr)
    out["id"] = new_id
    out.pop("credit", None)
    out.pop("credit_reference_id", None)
    out["last_updated"] = now
    return out


async def correct_cdr(state: MockState, version: VersionNumber, cdr_id: str) -> dict[str, Any]:
    """Credit the CDR ``cdr_id`` and issue its replacement; both are stored and pushed."""
    if state.config.role is not Role.CPO:
        raise ControlError(404, "CDRs are issued by the mock CPO")
    if version is VersionNumber.V2_1_1:
        raise ControlError(501, "OCPI 2.1.1 has no Credit CDRs")
    catalog = state.catalog(version, ModuleID.CDRS)
    original = catalog.get(cdr_id)
    if original is None:
        raise ControlError(404, f"no CDR {cdr_id!r} in OCPI {version}")
    if original.get("credit") is True:
        raise ControlError(409, f"CDR {cdr_id!r} is itself a Credit CDR")
    now = state.clock.now()
    credit = credit_of(dict(original), format_datetime(now))
    new_id = state.rngs.ident("cdr-ids", "CDR")
    replacement = replacement_of(
        dict(original), new_id, format_datetime(now + timedelta(seconds=1))
    )
    registration = state.partners.only()
    for doc in (credit, replacement):
        catalog.put(copy.deepcopy(doc))
        if registration is not None and registration.version == version.value:
            with contextlib.suppress(PushError):  # no CDRs Receiver: stored only
                await push(state, registration, ModuleID.CDRS.value, doc, version=version)
    return {"credit_cdr_id": credit["id"], "cdr_id": replacement["id"]}


async def post_cdr_correct(request: Request) -> Response:
    """``POST /_mock/cdrs/{cdr_id}/correct``: the hook action ``correct_cdr``."""
    state = admin_state(request)
    values = await json_body(request)
    version = pick_version(state, values.get("version"), state.partners.only())
    return reply(await correct_cdr(state, version, request.path_params["cdr_id"]))
