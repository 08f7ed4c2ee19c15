"""The eMSP's sessions, cdrs and tariffs Receivers.

Sessions: GET/PUT/PATCH ``{cc}/{pid}/{session_id}``; PUT replaces the charging periods, a PATCH
with ``charging_periods`` appends them (REQ-SES-007/008/012/013; 2.1.1 merges plainly,
REQ-211-020). A session may arrive after a non-ACCEPTED command result (AMB-47): no check.
CDRs: POST the final CDR; 201 with a ``Location`` header where GET reads it back
(REQ-CDR-003..005); CDRs are immutable, so a different CDR under a known id is refused (2001).
Tariffs: GET/PUT/DELETE ``{cc}/{pid}/{tariff_id}`` (and PATCH in 2.1.1, REQ-211-024).
"""

from __future__ import annotations

import copy

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, join_url
from mock_partners.operations import Ctx, Op, Reply, fail, not_found, ok, stored
from mock_partners.owned import (
    Owned,
    delete_owned,
    get_owned,
    patch_owned,
    put_owned,
    shallow_merge,
)
from mock_partners.store import Doc

RECEIVER = InterfaceRole.RECEIVER
SESSIONS, CDRS, TARIFFS = ModuleID.SESSIONS, ModuleID.CDRS, ModuleID.TARIFFS


def merge_session(existing: Doc, patch: Doc, version: VersionNumber) -> Doc:
    """PATCH of a Session: charging periods are appended from 2.2 (REQ-SES-012/013)."""
    if version is VersionNumber.V2_1_1 or "charging_periods" not in patch:
        return shallow_merge(existing, patch, version)
    rest = {k: v for k, v in patch.items() if k != "charging_periods"}
    merged = shallow_merge(existing, rest, version)
    added = copy.deepcopy(patch.get("charging_periods") or [])
    merged["charging_periods"] = [*(existing.get("charging_periods") or []), *added]
    return merged


SESSION = Owned(SESSIONS, "Session", "id", "session_id", merge=merge_session)
TARIFF = Owned(TARIFFS, "Tariff", "id", "tariff_id")
S_PATH = "{country_code}/{party_id}/{session_id}"
T_PATH = "{country_code}/{party_id}/{tariff_id}"
CDR_PATH = "{country_code}/{party_id}/{cdr_id}"


async def get_session(ctx: Ctx) -> Reply:
    return await get_owned(ctx, SESSION)


async def put_session(ctx: Ctx) -> Reply:
    return await put_owned(ctx, SESSION)


async def patch_session(ctx: Ctx) -> Reply:
    return await patch_owned(ctx, SESSION)


async def get_tariff(ctx: Ctx) -> Reply:
    return await get_owned(ctx, TARIFF)


async def put_tariff(ctx: Ctx) -> Reply:
    return await put_owned(ctx, TARIFF)


async def patch_tariff(ctx: Ctx) -> Reply:
    return await patch_owned(ctx, TARIFF)


async def delete_tariff(ctx: Ctx) -> Reply:
    return await delete_owned(ctx, TARIFF)


def _cdr_owner(ctx: Ctx, cdr: Doc) -> tuple[str, str]:
    if ctx.version is VersionNumber.V2_1_1 or "country_code" not in cdr:
        party = ctx.registration.primary
        return party.country_code, party.party_id
    return str(cdr["country_code"]), str(cdr["party_id"])


async def post_cdr(ctx: Ctx) -> Reply:
    cdr = ctx.body
    cc, pid = _cdr_owner(ctx, cdr)
    cdr_id = str(cdr["id"])
    if not cdr_id.strip() or not cc.strip() or not pid.strip():
        return fail(2001, "a CDR needs a non-empty id, country_code and party_id")
    known = ctx.state.store.get(ctx.kind(), cc, pid, cdr_id)
    if known is not None and known != cdr:
        return fail(2001, f"CDR {cdr_id!r} exists and CDRs never change: send a credit CDR")
    if known is None:
        ctx.state.store.put(ctx.kind(), cc, pid, cdr_id, cdr)
    reply = stored(known is None)
    reply.headers["Location"] = join_url(
        ctx.state.config.module_url(ctx.version, CDRS), cc, pid, cdr_id
    )
    return reply


async def get_cdr(ctx: Ctx) -> Reply:
    cc, pid, cdr_id = (ctx.params[k] for k in ("country_code", "party_id", "cdr_id"))
    found = ctx.state.store.get(ctx.kind(), cc, pid, cdr_id)
    return ok(found) if found is not None else not_found(f"unknown CDR {cdr_id!r}")


def receiver_ops(version: VersionNumber) -> list[Op]:
    ops = [
        Op(SESSIONS, RECEIVER, "GET", S_PATH, get_session, response="Session"),
        Op(SESSIONS, RECEIVER, "PUT", S_PATH, put_session, request="Session", created_status=True),
        Op(SESSIONS, RECEIVER, "PATCH", S_PATH, patch_session, request="Session", partial=True),
        Op(CDRS, RECEIVER, "POST", "", post_cdr, request="CDR", created_status=True),
        Op(CDRS, RECEIVER, "GET", CDR_PATH, get_cdr, response="CDR"),
        Op(TARIFFS, RECEIVER, "GET", T_PATH, get_tariff, response="Tariff"),
        Op(TARIFFS, RECEIVER, "PUT", T_PATH, put_tariff, request="Tariff", created_status=True),
        Op(TARIFFS, RECEIVER, "DELETE", T_PATH, delete_tariff),
    ]
    if version is VersionNumber.V2_1_1:
        ops.append(
            Op(TARIFFS, RECEIVER, "PATCH", T_PATH, patch_tariff, request="Tariff", partial=True)
        )
    return ops
