"""An OpenAPI 3.1 document for a mock, generated from its operation table and our schemas.

Every OCPI object schema of every served version goes into ``components/schemas`` under a
version prefix (``v221_Location``), its ``$ref``s rewritten to point there, so the document
stands alone (no remote references). Each operation documents its path and query parameters,
its request body (the partial schema for PATCH) and its responses: the envelope with the
operation's ``data`` on success, or an error envelope (OCPI puts most errors in HTTP 200,
``status_codes``; REQ-TF-013), and an error envelope for any other HTTP status.
Served at ``/_mock/openapi.json``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.ocpi import VersionNumber
from harness.schemas import schema_for
from mock_partners.jsonio import dumps
from mock_partners.operations import Op
from mock_partners.state import MockState

JSON = dict[str, Any]
_ID_SCHEMA: JSON = {
    "type": "string",
    "minLength": 1,
    "maxLength": 36,
    "pattern": "^[A-Za-z0-9_*-][A-Za-z0-9._*-]*$",
}
_QUERY: dict[str, JSON] = {
    "offset": {"type": "integer", "minimum": 0},
    "limit": {"type": "integer", "minimum": 0},
    "duration": {"type": "integer", "minimum": 0},
    "response_url": {"type": "string", "maxLength": 255, "pattern": "^https?://[!-~]+$"},
}


def prefix(version: VersionNumber | str) -> str:
    return "v" + str(version).replace(".", "")


def _rewrite(node: Any, version: VersionNumber | str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and "#/$defs/" in value:
                out[key] = f"#/components/schemas/{prefix(version)}_{value.split('#/$defs/', 1)[1]}"
            else:
                out[key] = _rewrite(value, version)
        return out
    if isinstance(node, list):
        return [_rewrite(item, version) for item in node]
    return node


@cache
def _component_schemas(version: str) -> dict[str, JSON]:
    folder = resources.files("harness.schemas").joinpath(version)
    out: dict[str, JSON] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            doc = json.loads(entry.read_text(encoding="utf-8"))
            for name, schema in doc.get("$defs", {}).items():
                out[f"{prefix(version)}_{name}"] = _rewrite(schema, version)
    return out


def _object_schema(version: VersionNumber, name: str, *, partial: bool = False) -> JSON:
    if name.endswith("[]"):
        return {"type": "array", "items": _object_schema(version, name[:-2], partial=partial)}
    if not partial:
        return {"$ref": f"#/components/schemas/{prefix(version)}_{name}"}
    root = copy.deepcopy(schema_for(version.value, name, partial=True))
    root.pop("$schema", None)
    root.pop("$id", None)
    rewritten: JSON = _rewrite(root, version)
    return rewritten


def _envelope(version: VersionNumber, status_code: JSON, data: JSON | None) -> JSON:
    properties: JSON = {
        "status_code": status_code,
        "status_message": {"type": ["string", "null"]},
        "timestamp": {"$ref": f"#/components/schemas/{prefix(version)}_DateTime"},
    }
    required = ["status_code", "timestamp"]
    if data is not None:
        properties["data"] = data
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _success(version: VersionNumber, data: JSON | None) -> JSON:
    envelope = _envelope(version, {"type": "integer", "const": 1000}, data)
    if data is not None:
        envelope["required"].append("data")
    return envelope


def _error(version: VersionNumber) -> JSON:
    """An OCPI error (2xxx/3xxx/4xxx); its data, if any, is unspecified (REQ-TF-010)."""
    return _envelope(version, {"type": "integer", "minimum": 2000, "maximum": 4999}, {})


def _responses(version: VersionNumber, op: Op | None, data_name: str | None) -> JSON:
    data = _object_schema(version, data_name) if data_name else None
    either = {"anyOf": [_success(version, data), _error(version)]}
    ok_content = {"application/json": {"schema": either}}
    error_content = {"application/json": {"schema": _error(version)}}
    responses: JSON = {"200": {"description": "OCPI envelope", "content": ok_content}}
    if op is not None and op.paginated:
        responses["200"]["headers"] = {
            name: {"schema": {"type": "string"}} for name in ("X-Total-Count", "X-Limit", "Link")
        }
    if op is not None and op.created_status:
        responses["201"] = {"description": "created", "content": ok_content}
    responses["default"] = {"description": "error envelope", "content": error_content}
    return responses


def _operation(state: MockState, version: VersionNumber, op: Op) -> JSON:
    params: list[JSON] = [
        {"name": name, "in": "path", "required": True, "schema": dict(_ID_SCHEMA)}
        for name in op.parameters
    ]
    query = (*op.query, *(("offset", "limit", "date_from", "date_to") if op.paginated else ()))
    for name in query:
        if name in ("date_from", "date_to"):
            schema: JSON = {"$ref": f"#/components/schemas/{prefix(version)}_DateTime"}
        elif name in ("type", "token_type"):
            schema = {"$ref": f"#/components/schemas/{prefix(version)}_TokenType"}
        else:
            schema = dict(_QUERY.get(name, {"type": "string"}))
        required = name == "duration" or (name == "response_url" and op.method != "PUT")
        params.append({"name": name, "in": "query", "required": required, "schema": schema})
    operation: JSON = {
        "operationId": f"{prefix(version)}_{op.method.lower()}_{op.module.value}_"
        + "_".join(p.strip("{}") for p in op.segments),
        "summary": op.summary or f"{op.module.value} {op.interface.value if op.interface else ''}",
        "tags": [f"{version} {op.module.value}"],
        "parameters": params,
        "responses": _responses(version, op, op.response),
    }
    if op.request is not None:
        schema = _object_schema(version, op.request, partial=op.partial)
        operation["requestBody"] = {
            "required": not op.body_optional,
            "content": {"application/json": {"schema": schema}},
        }
    return operation


def openapi_document(state: MockState) -> JSON:
    """The OpenAPI 3.1 document of the mock behind ``state``."""
    config = state.config
    paths: JSON = {}
    schemas: JSON = {}
    newest = config.newest_version
    base = f"/ocpi/{config.slug}"
    paths[f"{base}/versions"] = {
        "get": {
            "operationId": "get_versions",
            "summary": "the versions this mock serves",
            "responses": _responses(newest, None, "Version[]"),
        }
    }
    for version in config.versions:
        schemas.update(_component_schemas(version.value))
        paths[f"{base}/{version.value}"] = {
            "get": {
                "operationId": f"{prefix(version)}_get_version_details",
                "responses": _responses(version, None, "VersionDetails"),
            }
        }
        for op in state.ops(version):
            path = f"{base}/{version.value}/{op.module.value}" + "".join(
                f"/{s}" for s in op.segments
            )
            paths.setdefault(path, {})[op.method.lower()] = _operation(state, version, op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"ocpi-harness mock {config.role.value}",
            "version": "0.1.0",
            "description": "Generated from the mock's operation table and the OCPI schemas.",
        },
        "servers": [{"url": config.root}],
        "security": [{"ocpiToken": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "ocpiToken": {"type": "apiKey", "in": "header", "name": "Authorization"}
            },
        },
    }


async def openapi_endpoint(request: Request) -> Response:
    state: MockState = request.app.state.mock
    return Response(dumps(openapi_document(state)), media_type="application/json")
