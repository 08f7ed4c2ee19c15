"""The eMSP's locations Receiver: Locations, EVSEs and Connectors pushed by the CPO.

GET/PUT/PATCH ``{country_code}/{party_id}/{location_id}[/{evse_uid}[/{connector_id}]]``
(REQ-LOC-005..013). A whole Location is stored per key; an EVSE or Connector PUT/PATCH
replaces or merges that child and sets the parents' ``last_updated`` to the child's
(REQ-LOC-008/009; never backwards). A child of an unknown parent is 404.
"""

from __future__ import annotations

import copy
from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber
from mock_partners.cpo.senders import find_connector, find_evse
from mock_partners.operations import Ctx, Op, Reply, not_found, ok, stored
from mock_partners.owned import (
    Owned,
    get_owned,
    invalid_after_patch,
    mismatch,
    owner_problem,
    patch_owned,
    put_owned,
    same,
    stamp_patch,
)
from mock_partners.store import stamp_of

LOCATIONS = ModuleID.LOCATIONS
RECEIVER = InterfaceRole.RECEIVER
LOCATION = Owned(LOCATIONS, "Location", "id", "location_id")
L_PATH = "{country_code}/{party_id}/{location_id}"
E_PATH = L_PATH + "/{evse_uid}"
C_PATH = E_PATH + "/{connector_id}"


def _load(ctx: Ctx) -> tuple[dict[str, Any] | None, Reply | None]:
    trouble = owner_problem(ctx)
    if trouble is not None:
        return None, trouble
    cc, pid, location_id = (ctx.params[k] for k in ("country_code", "party_id", "location_id"))
    location = ctx.state.store.get(ctx.kind(), cc, pid, location_id)
    if location is None:
        return None, not_found(f"unknown location {location_id!r}", 2003)
    return copy.deepcopy(location), None


def _save(ctx: Ctx, location: dict[str, Any]) -> None:
    cc, pid, location_id = (ctx.params[k] for k in ("country_code", "party_id", "location_id"))
    ctx.state.store.put(ctx.kind(), cc, pid, location_id, location)


def _bump(parent: dict[str, Any], stamp: object) -> None:
    """Raise ``parent.last_updated`` to ``stamp`` (the child's), never lowering it."""
    if isinstance(stamp, str) and stamp_of(stamp) > stamp_of(parent.get("last_updated")):
        parent["last_updated"] = stamp


def _replace(items: list[dict[str, Any]], field: str, item: dict[str, Any]) -> bool:
    """Put ``item`` in place of the one with the same ``field``; True when it was added."""
    for index, existing in enumerate(items):
        if same(existing.get(field), item.get(field)):
            items[index] = item
            return False
    items.append(item)
    return True


async def get_location(ctx: Ctx) -> Reply:
    return await get_owned(ctx, LOCATION)


async def put_location(ctx: Ctx) -> Reply:
    return await put_owned(ctx, LOCATION)


async def patch_location(ctx: Ctx) -> Reply:
    return await patch_owned(ctx, LOCATION)


async def get_evse(ctx: Ctx) -> Reply:
    location, trouble = _load(ctx)
    if location is None:
        return trouble or not_found("unknown location")
    evse = find_evse(location, ctx.params["evse_uid"])
    return ok(evse) if evse is not None else not_found(f"unknown EVSE {ctx.params['evse_uid']!r}")


async def get_connector(ctx: Ctx) -> Reply:
    location, trouble = _load(ctx)
    if location is None:
        return trouble or not_found("unknown location")
    evse = find_evse(location, ctx.params["evse_uid"])
    connector = find_connector(evse, ctx.params["connector_id"]) if evse is not None else None
    return ok(connector) if connector is not None else not_found("unknown EVSE or connector")


async def put_evse(ctx: Ctx) -> Reply:
    location, trouble = _load(ctx)
    if location is None:
        return trouble or not_found("unknown location")
    evse = ctx.body
    if not same(evse.get("uid"), ctx.params["evse_uid"]):
        return mismatch("uid", evse.get("uid"), ctx.params["evse_uid"])
    created = _replace(location.setdefault("evses", []), "uid", evse)
    _bump(location, evse.get("last_updated"))
    _save(ctx, location)
    return stored(created)


async def put_connector(ctx: Ctx) -> Reply:
    location, trouble = _load(ctx)
    if location is None:
        return trouble or not_found("unknown location")
    evse = find_evse(location, ctx.params["evse_uid"])
    if evse is None:
        return not_found(f"unknown EVSE {ctx.params['evse_uid']!r}")
    connector = ctx.body
    if not same(connector.get("id"), ctx.params["connector_id"]):
        return mismatch("id", connector.get("id"), ctx.params["connector_id"])
    created = _replace(evse.setdefault("connectors", []), "id", connector)
    _bump(evse, connector.get("last_updated"))
    _bump(location, connector.get("last_updated"))
    _save(ctx, location)
    return stored(created)


async def patch_evse(ctx: Ctx) -> Reply:
    location, trouble = _load(ctx)
    if location is None:
        return trouble or not_found("unknown location")
    evse = find_evse(location, ctx.params["evse_uid"])
    if evse is None:
        return not_found(f"unknown EVSE {ctx.params['evse_uid']!r}: PUT it first")
    patch = stamp_patch(ctx, ctx.body)
    if "uid" in patch and not same(patch["uid"], ctx.params["evse_uid"]):
        return mismatch("uid", patch["uid"], ctx.params["evse_uid"])
    evse.update(copy.deepcopy(patch))
    invalid = invalid_after_patch(ctx, "EVSE", evse)
    if invalid is not None:
        return invalid
    _bump(location, patch["last_updated"])
    _save(ctx, location)
    return ok(include_data=False)


async def patch_connector(ctx: Ctx) -> Reply:
    location, trouble = _load(ctx)
    if location is None:
        return trouble or not_found("unknown location")
    evse = find_evse(location, ctx.params["evse_uid"])
    connector = find_connector(evse, ctx.params["connector_id"]) if evse is not None else None
    if evse is None or connector is None:
        return not_found("unknown EVSE or connector: PUT it first")
    patch = stamp_patch(ctx, ctx.body)
    if "id" in patch and not same(patch["id"], ctx.params["connector_id"]):
        return mismatch("id", patch["id"], ctx.params["connector_id"])
    connector.update(copy.deepcopy(patch))
    invalid = invalid_after_patch(ctx, "Connector", connector)
    if invalid is not None:
        return invalid
    _bump(evse, patch["last_updated"])
    _bump(location, patch["last_updated"])
    _save(ctx, location)
    return ok(include_data=False)


def location_ops(version: VersionNumber) -> list[Op]:
    table = [
        (L_PATH, "Location", get_location, put_location, patch_location),
        (E_PATH, "EVSE", get_evse, put_evse, patch_evse),
        (C_PATH, "Connector", get_connector, put_connector, patch_connector),
    ]
    ops: list[Op] = []
    for path, name, get, put, patch in table:
        ops.append(Op(LOCATIONS, RECEIVER, "GET", path, get, response=name))
        ops.append(Op(LOCATIONS, RECEIVER, "PUT", path, put, request=name, created_status=True))
        ops.append(Op(LOCATIONS, RECEIVER, "PATCH", path, patch, request=name, partial=True))
    return ops
