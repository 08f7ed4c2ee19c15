"""The CPO's tokens Receiver: the eMSP pushes its Tokens (``mod_tokens`` §Receiver interface).

GET/PUT/PATCH ``{country_code}/{party_id}/{token_uid}[?type=]``; tokens are keyed by
(uid, type), ``type`` defaulting to RFID (REQ-TOK-001..003); 2.1.1 has no ``type`` parameter
and keys by uid (REQ-211-031).
"""

from __future__ import annotations

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber
from mock_partners.operations import Ctx, Op, Reply
from mock_partners.owned import Owned, get_owned, patch_owned, put_owned

TOKENS = ModuleID.TOKENS
RECEIVER = InterfaceRole.RECEIVER
TOKEN = Owned(TOKENS, "Token", "uid", "token_uid", typed=True)
PATH = "{country_code}/{party_id}/{token_uid}"


async def get_token(ctx: Ctx) -> Reply:
    return await get_owned(ctx, TOKEN)


async def put_token(ctx: Ctx) -> Reply:
    return await put_owned(ctx, TOKEN)


async def patch_token(ctx: Ctx) -> Reply:
    return await patch_owned(ctx, TOKEN)


def token_ops(version: VersionNumber) -> list[Op]:
    query = () if version is VersionNumber.V2_1_1 else ("type",)
    return [
        Op(TOKENS, RECEIVER, "GET", PATH, get_token, response="Token", query=query),
        Op(
            TOKENS,
            RECEIVER,
            "PUT",
            PATH,
            put_token,
            request="Token",
            query=query,
            created_status=True,
        ),
        Op(
            TOKENS, RECEIVER, "PATCH", PATH, patch_token, request="Token", partial=True, query=query
        ),
    ]
