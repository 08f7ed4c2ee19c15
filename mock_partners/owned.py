"""Client-owned objects on a Receiver interface: GET / PUT / PATCH / DELETE by URL owner and id.

Rules (``transport_and_format`` §Client Owned Object Push and §Errors; REQ-TF-035..041):
the URL ``{country_code}/{party_id}`` must be one of the caller's roles (else HTTP 404); the id
in the URL must equal the body's (else 2001), and from 2.2 the body's country_code/party_id
must equal the URL's (else 2001). PUT replaces (201 new, 200 updated), PATCH merges the fields
sent and needs ``last_updated`` from 2.2 (the partial schema requires it), GET of an unknown
object is 404 (REQ-TF-014), PATCH of an unknown object is 404 (AMB-48). Ids compare
case-insensitively (CiString).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.ocpi import ModuleID, VersionNumber, format_datetime
from harness.schemas import validate
from mock_partners.operations import Ctx, Reply, fail, not_found, ok, stored
from mock_partners.store import Doc

Merge = Callable[[Doc, Doc, VersionNumber], Doc]
TOKEN_TYPES = ("AD_HOC_USER", "APP_USER", "OTHER", "RFID", "EMAID")


def shallow_merge(existing: Doc, patch: Doc, version: VersionNumber) -> Doc:
    merged = copy.deepcopy(existing)
    merged.update(copy.deepcopy(patch))
    return merged


@dataclass(frozen=True, slots=True)
class Owned:
    """How one module's client-owned object is addressed."""

    module: ModuleID
    object_name: str
    id_field: str
    id_param: str
    typed: bool = False
    """Tokens: (uid, type) is the key and ``?type=`` names the type (default RFID)."""
    merge: Merge = shallow_merge


def same(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.upper() == b.upper()


def owner_problem(ctx: Ctx) -> Reply | None:
    cc, pid = ctx.params["country_code"], ctx.params["party_id"]
    if ctx.registration.owns(cc, pid):
        return None
    return not_found(f"{cc}/{pid} is not one of your roles")


def token_type(ctx: Ctx) -> tuple[str | None, Reply | None]:
    """The ``?type=`` of a Token URL (default RFID, REQ-TOK-002); None in 2.1.1.

    2.3.0's TokenType is an OpenEnum (REQ-230-003): any value is taken.
    """
    if ctx.version is VersionNumber.V2_1_1:
        return None, None
    wanted = ctx.query.get("type", "RFID")
    if ctx.version is VersionNumber.V2_2_1 and wanted not in TOKEN_TYPES[:-1]:
        return None, fail(2001, f"type={wanted!r} is not a TokenType")
    return wanted, None


def _token_type(ctx: Ctx, spec: Owned) -> tuple[str | None, Reply | None]:
    return token_type(ctx) if spec.typed else (None, None)


def object_id(ctx: Ctx, spec: Owned, kind: str | None) -> str:
    """The store id: the URL id, plus TAB and the token type for Tokens from 2.2."""
    uid = ctx.params[spec.id_param]
    return f"{uid}\t{kind}" if kind is not None else uid


def mismatch(name: str, in_body: object, in_url: object) -> Reply:
    return fail(2001, f"{name} {in_body!r} in the body is not {in_url!r} of the URL")


def identity_problem_owner(ctx: Ctx, body: Doc) -> Reply | None:
    """2001 when the body's country_code/party_id differ from the URL's (2.2+)."""
    if ctx.version is VersionNumber.V2_1_1:
        return None
    for name in ("country_code", "party_id"):
        if name in body and not same(body[name], ctx.params[name]):
            return mismatch(name, body[name], ctx.params[name])
    return None


def identity_problem(ctx: Ctx, spec: Owned, body: Doc, kind: str | None) -> Reply | None:
    """2001 when the body names another object, owner or token type than the URL."""
    url_id = ctx.params[spec.id_param]
    if spec.id_field in body and not same(body[spec.id_field], url_id):
        return mismatch(spec.id_field, body[spec.id_field], url_id)
    if kind is not None and "type" in body and body["type"] != kind:
        return mismatch("type", body["type"], kind)
    return identity_problem_owner(ctx, body)


async def get_owned(ctx: Ctx, spec: Owned) -> Reply:
    kind, trouble = _token_type(ctx, spec)
    trouble = trouble or owner_problem(ctx)
    if trouble is not None:
        return trouble
    doc = ctx.state.store.get(
        ctx.kind(),
        ctx.params["country_code"],
        ctx.params["party_id"],
        object_id(ctx, spec, kind),
    )
    if doc is None:
        return not_found(f"unknown {spec.object_name} {ctx.params[spec.id_param]!r}")
    return ok(doc)


async def put_owned(ctx: Ctx, spec: Owned) -> Reply:
    kind, trouble = _token_type(ctx, spec)
    trouble = trouble or owner_problem(ctx) or identity_problem(ctx, spec, ctx.body, kind)
    if trouble is not None:
        return trouble
    if ctx.version is not VersionNumber.V2_1_1 and spec.id_field not in ctx.body:
        return fail(2001, f"the body has no {spec.id_field}")
    created = ctx.state.store.put(
        ctx.kind(),
        ctx.params["country_code"],
        ctx.params["party_id"],
        object_id(ctx, spec, kind),
        ctx.body,
    )
    return stored(created)


def stamp_patch(ctx: Ctx, patch: Doc) -> Doc:
    """2.1.1 PATCH bodies may lack last_updated: the receiver stamps the change itself."""
    if "last_updated" in patch:
        return patch
    return {**patch, "last_updated": format_datetime(ctx.now())}


async def patch_owned(ctx: Ctx, spec: Owned) -> Reply:
    kind, trouble = _token_type(ctx, spec)
    trouble = trouble or owner_problem(ctx) or identity_problem(ctx, spec, ctx.body, kind)
    if trouble is not None:
        return trouble
    cc, pid = ctx.params["country_code"], ctx.params["party_id"]
    key = object_id(ctx, spec, kind)
    existing = ctx.state.store.get(ctx.kind(), cc, pid, key)
    if existing is None:
        return not_found(f"unknown {spec.object_name} {ctx.params[spec.id_param]!r}: PUT it first")
    merged = spec.merge(existing, stamp_patch(ctx, ctx.body), ctx.version)
    invalid = invalid_after_patch(ctx, spec.object_name, merged)
    if invalid is not None:
        return invalid
    ctx.state.store.put(ctx.kind(), cc, pid, key, merged)
    return ok(include_data=False)


def invalid_after_patch(ctx: Ctx, object_name: str, merged: Any) -> Reply | None:
    errors = [
        v
        for v in validate(ctx.version.value, object_name, merged, profile=ctx.state.config.profile)
        if v.level == "error"
    ]
    if not errors:
        return None
    shown = "; ".join(f"{v.path or '/'}: {v.message}" for v in errors[:5])
    return fail(2001, f"the PATCH would make the {object_name} invalid: {shown}")


async def delete_owned(ctx: Ctx, spec: Owned) -> Reply:
    trouble = owner_problem(ctx)
    if trouble is not None:
        return trouble
    removed = ctx.state.store.delete(
        ctx.kind(), ctx.params["country_code"], ctx.params["party_id"], object_id(ctx, spec, None)
    )
    if not removed:
        return not_found(f"unknown {spec.object_name} {ctx.params[spec.id_param]!r}")
    return ok(include_data=False)
