"""The credentials module, server side (the same for both roles; ``credentials`` §Interfaces).

POST registers (405 when the caller is registered already, REQ-CRED-009), PUT updates and
rotates tokens (405 before registration, REQ-CRED-010), DELETE unregisters (405 before
registration, REQ-CRED-011), GET returns our credentials for the caller (REQ-CRED-015). Before
answering a POST or PUT the mock reads the client's versions and details with the token the
client just gave it (REQ-CRED-004/012).
"""

from __future__ import annotations

from harness.ocpi import ModuleID, VersionNumber, format_datetime
from mock_partners.operations import Ctx, Op, Reply, fail, ok
from mock_partners.partners import Registration, roles_from_credentials
from mock_partners.quirks import request_quirk
from mock_partners.registration import (
    RegistrationError,
    counterpart,
    discover,
    missing_modules,
    our_credentials,
)

CREDENTIALS = ModuleID.CREDENTIALS


def _not_registered() -> Reply:
    return fail(2000, "not registered: use POST to register first", http_status=405)


async def _discover_endpoints(
    ctx: Ctx, version: VersionNumber, registration: Registration | None
) -> list[dict[str, str]] | Reply:
    """The endpoints the registering partner offers, read with the token it sent (GET versions,
    then details); the error Reply when that fails or a module we need is missing."""
    body = ctx.body
    try:
        discovery = await discover(
            ctx.state, body["url"], body["token"], version=version, registration=registration
        )
    except RegistrationError as exc:
        return fail(exc.status_code, exc.message)
    missing = missing_modules(ctx.state, discovery)
    if missing:
        return fail(3003, f"required endpoints missing: {', '.join(missing)}")
    return discovery.endpoints


async def get_credentials(ctx: Ctx) -> Reply:
    if ctx.caller.kind != "partner":
        return _not_registered()
    return ok(our_credentials(ctx.state, ctx.version, ctx.registration.token_in))


async def post_credentials(ctx: Ctx) -> Reply:
    state = ctx.state
    if ctx.caller.kind == "partner":
        return fail(2000, "already registered: use PUT to update", http_status=405)
    body = ctx.body
    roles = roles_from_credentials(body, ctx.version, counterpart=counterpart(state))
    known = state.partners.find_party(roles)
    if known is not None:
        return fail(2000, f"already registered ({known.id}): use PUT to update", http_status=405)
    scope = ctx.request.scope
    endpoints: list[dict[str, str]] = []
    if not request_quirk(scope, "skip_discovery"):
        found = await _discover_endpoints(ctx, ctx.version, None)
        if not isinstance(found, list):
            return found
        endpoints = found
    token_c = state.partners.new_token()
    if request_quirk(scope, "reuse_client_token"):
        token_c = str(body["token"])
    now = format_datetime(ctx.now())
    registration = Registration(
        id=state.partners.new_id("reg"),
        version=ctx.version.value,
        versions_url=body["url"],
        token_in=token_c,
        token_out=body["token"],
        roles=roles,
        endpoints=endpoints,
        initiated_by="partner",
        credentials=dict(body),
        created=now,
        updated=now,
    )
    state.partners.save(registration)
    state.partners.consume_token_a()
    return ok(our_credentials(state, ctx.version, token_c))


async def put_credentials(ctx: Ctx) -> Reply:
    state = ctx.state
    if ctx.caller.kind != "partner":
        return _not_registered()
    registration = ctx.registration
    body = ctx.body
    scope = ctx.request.scope
    version = ctx.version
    if request_quirk(scope, "ignore_version"):
        version = VersionNumber(registration.version)
    endpoints = registration.endpoints
    if not request_quirk(scope, "skip_discovery"):
        found = await _discover_endpoints(ctx, version, registration)
        if not isinstance(found, list):
            return found
        endpoints = found
    if request_quirk(scope, "reuse_client_token"):
        registration.token_in = str(body["token"])
    elif not request_quirk(scope, "keep_token"):
        registration.token_in = state.partners.new_token()
    if not request_quirk(scope, "keep_token_b"):
        registration.token_out = body["token"]
    registration.versions_url = body["url"]
    registration.version = version.value
    registration.endpoints = endpoints
    registration.roles = roles_from_credentials(body, ctx.version, counterpart=counterpart(state))
    registration.credentials = dict(body)
    registration.updated = format_datetime(ctx.now())
    state.partners.save(registration)
    return ok(our_credentials(state, ctx.version, registration.token_in))


async def delete_credentials(ctx: Ctx) -> Reply:
    if ctx.caller.kind != "partner":
        return _not_registered()
    ctx.state.partners.remove(ctx.registration)
    if request_quirk(ctx.request.scope, "delete_keeps_token"):
        ctx.state.partners.keep_as_ghost(ctx.registration)
    ctx.state.partners.arm_token_a()
    return ok(include_data=False)


def credentials_ops(version: VersionNumber) -> list[Op]:
    return [
        Op(CREDENTIALS, None, "GET", "", get_credentials, response="Credentials"),
        Op(
            CREDENTIALS,
            None,
            "POST",
            "",
            post_credentials,
            request="Credentials",
            response="Credentials",
            summary="register",
        ),
        Op(
            CREDENTIALS,
            None,
            "PUT",
            "",
            put_credentials,
            request="Credentials",
            response="Credentials",
            summary="update the registration and rotate the token",
        ),
        Op(CREDENTIALS, None, "DELETE", "", delete_credentials, summary="unregister"),
    ]
