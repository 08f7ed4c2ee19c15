"""The OCPI request pipeline: everything under ``/ocpi/{role}/`` goes through :func:`handle`.

Order: path -> version -> Authorization (401 before anything else, REQ-TF-003) -> token A
only on versions/credentials (REQ-TF-004) -> operation (404 unknown path, 405 wrong method)
-> tracing/routing headers noted -> body (400 too big or not JSON, 2001 schema violations)
-> list query (2001) -> handler -> envelope. Any exception is a mock bug: it is recorded and
answered with a 3000 envelope, never a traceback.
"""

from __future__ import annotations

import traceback
from typing import Any
from urllib.parse import unquote

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from harness.ocpi import (
    AUTHORIZATION_HEADER,
    Level,
    ModuleID,
    Problem,
    RoutingHeaders,
    TokenEncoding,
    VersionNumber,
    candidate_tokens,
    check_request_tracing,
    check_routing_headers,
    parse_authorization,
    parse_page_params,
    routing_headers_apply,
    traits,
)
from harness.schemas import validate
from mock_partners.envelopes import render, response_headers
from mock_partners.jsonio import loads
from mock_partners.operations import Ctx, Op, Reply, fail, find_operation, not_found, ok
from mock_partners.partners import Caller
from mock_partners.state import MockState
from mock_partners.versions import version_details_data, versions_data

META_KEY = "ocpi.meta"
OCPI_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def meta_of(request: Request) -> dict[str, Any]:
    """The annotations the recording middleware stores with the exchange."""
    found = request.scope.get(META_KEY)
    return found if isinstance(found, dict) else {}


def note(request: Request, problems: list[Problem]) -> None:
    listed = meta_of(request).setdefault("problems", [])
    for p in problems:
        listed.append({"code": p.code, "level": p.level.value, "req": p.req, "message": p.message})


async def ocpi_endpoint(request: Request) -> Response:
    state: MockState = request.app.state.mock
    try:
        return await handle(state, request)
    except Exception:  # a bug in the mock: answer with an envelope, keep the trace for tests
        state.errors.append(traceback.format_exc())
        version = state.config.newest_version
        reply = fail(3000, "internal error in the mock partner", http_status=500)
        return render(
            state,
            reply,
            version=version,
            method=request.method,
            path=request.url.path,
            data_object=None,
            headers={},
        )


def _segments(request: Request) -> list[str]:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1").split("?", 1)[0]
    parts = path.split("/")
    # "/ocpi/<role>/..." -> ["<role>", ...]; a trailing "/" is tolerated (pitfall 4)
    parts = [unquote(p) for p in parts[2:]]
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _tokens(header: str | None, version: VersionNumber, strict: bool) -> tuple[str, ...]:
    if not strict:
        return candidate_tokens(header, version)
    parsed = parse_authorization(header, version, strict=True)
    expected = TokenEncoding.BASE64 if traits(version).base64_token else TokenEncoding.RAW
    if parsed.token is None or parsed.encoding is not expected:
        return ()
    return (parsed.token,)


def public_url(state: MockState, request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1").split("?", 1)[0]
    query = request.url.query
    return state.config.root + path + (f"?{query}" if query else "")


async def handle(state: MockState, request: Request) -> Response:
    config = state.config
    segments = _segments(request)
    method = request.method.upper()
    meta = meta_of(request)
    version: VersionNumber | None = None
    if len(segments) >= 2 and segments[0] == config.slug and segments[1] != "versions":
        version = next((v for v in config.versions if v.value == segments[1]), None)
    module = segments[2] if len(segments) >= 3 else None
    meta.update(version=version.value if version else None, module=module)
    speak = version or config.newest_version

    def answer(
        reply: Reply, op: Op | None = None, requester: RoutingHeaders | None = None
    ) -> Response:
        return reply_with(reply, op.response if op else None, requester)

    def reply_with(
        reply: Reply, data_object: str | None, requester: RoutingHeaders | None = None
    ) -> Response:
        headers = response_headers(state, speak, module, request.headers, requester)
        return render(
            state,
            reply,
            version=speak,
            method=method,
            path=request.url.path,
            data_object=data_object,
            headers=headers,
        )

    known = (len(segments) == 2 and segments == [config.slug, "versions"]) or version is not None
    if not known or not segments or segments[0] != config.slug:
        return answer(not_found(f"no OCPI resource at {request.url.path}"))

    header = request.headers.get(AUTHORIZATION_HEADER)
    caller = state.partners.identify(_tokens(header, speak, config.strict_auth))
    if version is not None and header:
        note(
            request, list(parse_authorization(header, version, strict=config.strict_auth).problems)
        )
    if caller is None:
        reason = "missing Authorization header" if not header else "unknown token"
        return answer(fail(2000, f"{reason}: unauthorized", http_status=401))
    if caller.registration is not None:
        meta["partner"] = caller.registration.id

    if version is None or len(segments) == 2:
        if method not in ("GET", "HEAD"):
            refused = Reply(status_code=2000, http_status=405, message="only GET is allowed")
            refused.include_data = False
            refused.headers["Allow"] = "GET, HEAD"
            return answer(refused)
        if version is None:
            return reply_with(ok(versions_data(state)), "Version[]")
        return reply_with(ok(version_details_data(state, version)), "VersionDetails")

    assert module is not None
    served = {m.value for m in state.modules(version)}
    if module not in served:
        return answer(not_found(f"OCPI {version} {config.slug} has no module {module!r}"))
    if caller.kind == "token_a" and module != ModuleID.CREDENTIALS:
        return answer(fail(2000, "token A opens only versions and credentials", http_status=401))
    if caller.kind == "pending":
        return answer(fail(2000, "registration still under way", http_status=401))

    op, allowed = find_operation(state.module_ops(version, module), segments[3:], method)
    if op is None:
        if not allowed:
            return answer(not_found(f"no {module} resource at {request.url.path}"))
        reply = Reply(status_code=2000, http_status=405, message=f"{method} not allowed here")
        reply.include_data = False
        reply.headers["Allow"] = ", ".join(sorted(allowed))
        return answer(reply)
    params = op.match(segments[3:]) or {}

    routing = RoutingHeaders.from_headers(request.headers)
    if module != ModuleID.CREDENTIALS:
        note(request, check_request_tracing(request.headers, version))
        problems = check_routing_headers(
            request.headers,
            version=version,
            module=module,
            response=False,
            required=config.strict_routing,
        )
        note(request, problems)
        if config.strict_routing and any(p.level is Level.MUST for p in problems):
            return answer(fail(2001, "; ".join(p.message for p in problems)), op, routing)
    requester = _requester(routing, caller, version, module)

    body, trouble = await _read_body(request, op, config.max_body_bytes, version, config.profile)
    if trouble is not None:
        return answer(trouble, op, requester)
    if op.paginated:
        page = parse_page_params(request.url.query, strict=config.profile == "strict")
        bad = [p for p in page.problems if p.level is Level.MUST]
        if bad:
            return answer(fail(2001, "; ".join(p.message for p in bad)), op, requester)

    ctx = Ctx(
        state, request, version, op, params, body, caller, routing, public_url(state, request)
    )
    reply = await op.handler(ctx)
    return answer(reply, op, requester)


def _requester(
    routing: RoutingHeaders, caller: Caller, version: VersionNumber, module: str
) -> RoutingHeaders | None:
    """Who to address the response to: the request's FROM, else the partner's first role."""
    if not routing_headers_apply(version, module):
        return None
    if routing.from_country_code and routing.from_party_id:
        return routing
    registration = caller.registration
    if registration is None or not registration.roles:
        return None
    party = registration.primary
    return RoutingHeaders(from_country_code=party.country_code, from_party_id=party.party_id)


async def _read_body(
    request: Request, op: Op, limit: int, version: VersionNumber, profile: str
) -> tuple[Any, Reply | None]:
    if op.request is None:
        return None, None
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None, fail(2001, f"request body larger than {limit} bytes", http_status=400)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None, fail(2001, f"request body larger than {limit} bytes", http_status=400)
            chunks.append(chunk)
    except ClientDisconnect:
        return None, fail(2001, "the client went away before sending the body", http_status=400)
    raw = b"".join(chunks)
    if not raw.strip():
        if op.body_optional:
            return None, None
        return None, fail(2001, f"a JSON {op.request} body is required", http_status=400)
    try:
        body = loads(raw)
    except ValueError as exc:
        return None, fail(2001, f"the body is not valid JSON: {exc}", http_status=400)
    violations = [
        v
        for v in validate(version.value, op.request, body, partial=op.partial, profile=profile)
        if v.level == "error"
    ]
    if violations:
        shown = "; ".join(f"{v.path or '/'}: {v.message}" for v in violations[:10])
        more = f" (and {len(violations) - 10} more)" if len(violations) > 10 else ""
        kind = "partial " if op.partial else ""
        return None, fail(2001, f"invalid {kind}{op.request}: {shown}{more}")
    return body, None
