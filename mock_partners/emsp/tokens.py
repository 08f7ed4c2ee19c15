"""The eMSP's tokens Sender: the Token list and real-time authorization.

``POST {token_uid}/authorize[?type=]`` with optional LocationReferences (REQ-TOK-008):
an unknown token gets HTTP 404 with status 2004 and no data (REQ-TOK-009, AMB-29 strict;
2.1.1 has no 2004 and gets 404 with 2000, REQ-211-028); a known one gets an
AuthorizationInfo with ``allowed`` and the complete token (REQ-TOK-011), ALLOWED for a valid
token and BLOCKED otherwise, as a normal 200/1000 answer (REQ-TOK-020). A token restricted to
one Location through the control API needs LocationReferences (else 2002, REQ-TOK-010) and is
NOT_ALLOWED elsewhere. With LocationReferences the answer names only EVSEs the eMSP knows at
that Location (or echoes them when it does not know the Location; REQ-TOK-012). Opening hours
and EVSE status are never considered (REQ-TOK-013).
"""

from __future__ import annotations

from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber
from mock_partners.operations import Ctx, Op, Reply, fail, ok
from mock_partners.owned import same, token_type
from mock_partners.pagination import list_reply
from mock_partners.store import Doc

TOKENS = ModuleID.TOKENS
SENDER = InterfaceRole.SENDER
RESTRICTIONS = "token-restrictions"
"""Store kind of Token restrictions (``/_mock/tokens/{uid}/restrict``): key -> {location_id}."""


def restricted_to(ctx: Ctx, uid: str, kind: str | None) -> str | None:
    """The only Location where a restricted Token may be used (None: not restricted)."""
    found = ctx.state.store.get(RESTRICTIONS, "", "", f"{ctx.version}\t{uid}\t{kind or 'RFID'}")
    return str(found["location_id"]) if found else None


async def list_tokens(ctx: Ctx) -> Reply:
    return list_reply(ctx, ctx.state.catalog(ctx.version, TOKENS))


def _find(ctx: Ctx, uid: str, kind: str | None) -> Doc | None:
    catalog = ctx.state.catalog(ctx.version, TOKENS)
    if kind is not None:
        return catalog.get(f"{uid}\t{kind}")
    wanted = ctx.query.get("type") or ctx.query.get("token_type")
    for candidate in (wanted, "RFID", "OTHER"):
        if candidate:
            found = catalog.get(f"{uid}\t{candidate}")
            if found is not None:
                return found
    return None


def _location(ctx: Ctx, references: dict[str, Any]) -> dict[str, Any]:
    """The LocationReferences to answer with: only EVSEs known at a known Location."""
    answer = dict(references)
    party = ctx.registration.primary
    location = ctx.state.store.get(
        ctx.kind(ModuleID.LOCATIONS),
        party.country_code,
        party.party_id,
        str(references["location_id"]),
    )
    asked = references.get("evse_uids")
    if location is not None and isinstance(asked, list):
        known = [e.get("uid") for e in location.get("evses") or []]
        answer["evse_uids"] = [uid for uid in asked if any(same(uid, k) for k in known)]
    return answer


async def authorize(ctx: Ctx) -> Reply:
    kind, trouble = token_type(ctx)
    if trouble is not None:
        return trouble
    uid = ctx.params["token_uid"]
    token = _find(ctx, uid, kind)
    if token is None:
        code = 2000 if ctx.version is VersionNumber.V2_1_1 else 2004
        return fail(code, f"unknown token {uid!r}", http_status=404)
    allowed = "ALLOWED" if token.get("valid") else "BLOCKED"
    where = restricted_to(ctx, str(token.get("uid", uid)), kind or str(token.get("type", "RFID")))
    if where is not None and not isinstance(ctx.body, dict):
        return fail(2002, f"token {uid!r} is only valid at some Locations: send LocationReferences")
    if where is not None and isinstance(ctx.body, dict) and ctx.body.get("location_id") != where:
        allowed = "NOT_ALLOWED" if allowed == "ALLOWED" else allowed
    info: dict[str, Any] = {"allowed": allowed}
    if ctx.version is not VersionNumber.V2_1_1:
        info["token"] = token
        info["authorization_reference"] = ctx.state.rngs.ident("authorization", "AUTH-")
    if isinstance(ctx.body, dict):
        info["location"] = _location(ctx, ctx.body)
    return ok(info)


def token_ops(version: VersionNumber) -> list[Op]:
    query = ("type",) if version is not VersionNumber.V2_1_1 else ("type", "token_type")
    return [
        Op(TOKENS, SENDER, "GET", "", list_tokens, response="Token[]", paginated=True),
        Op(
            TOKENS,
            SENDER,
            "POST",
            "{token_uid}/authorize",
            authorize,
            request="LocationReferences",
            body_optional=True,
            response="AuthorizationInfo",
            query=query,
            summary="real-time authorization",
        ),
    ]
