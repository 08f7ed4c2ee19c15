"""The hubclientinfo Receiver both mocks offer from 2.2 (``mod_hub_client_info``; REQ-HCI-001).

GET/PUT ``{country_code}/{party_id}`` with a ClientInfo; the body's owner must equal the URL's
(2001 otherwise). No routing headers: it is a configuration module (REQ-HCI-003).
"""

from __future__ import annotations

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber
from mock_partners.operations import Ctx, Op, Reply, not_found, ok, stored
from mock_partners.owned import identity_problem_owner

HUB_CLIENT_INFO = ModuleID.HUB_CLIENT_INFO
PATH = "{country_code}/{party_id}"


async def get_client_info(ctx: Ctx) -> Reply:
    cc, pid = ctx.params["country_code"], ctx.params["party_id"]
    found = ctx.state.store.get(ctx.kind(), cc, pid, "")
    if found is None:
        return not_found(f"no ClientInfo for {cc}/{pid}")
    return ok(found)


async def put_client_info(ctx: Ctx) -> Reply:
    trouble = identity_problem_owner(ctx, ctx.body)
    if trouble is not None:
        return trouble
    cc, pid = ctx.params["country_code"], ctx.params["party_id"]
    return stored(ctx.state.store.put(ctx.kind(), cc, pid, "", ctx.body))


def hub_client_info_ops(version: VersionNumber) -> list[Op]:
    if version is VersionNumber.V2_1_1:
        return []
    receiver = InterfaceRole.RECEIVER
    return [
        Op(HUB_CLIENT_INFO, receiver, "GET", PATH, get_client_info, response="ClientInfo"),
        Op(
            HUB_CLIENT_INFO,
            receiver,
            "PUT",
            PATH,
            put_client_info,
            request="ClientInfo",
            created_status=True,
        ),
    ]
