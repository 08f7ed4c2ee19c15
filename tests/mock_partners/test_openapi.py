"""The generated OpenAPI documents, and schemathesis against both mocks over a live socket."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mock_partners import MockServer, openapi_document
from tests.mock_partners.conftest import Pair

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 2


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node))
    return set()


@pytest.mark.parametrize("role", ["cpo", "emsp"])
def test_document_covers_every_operation_and_stands_alone(
    http: httpx.Client, pair: Pair, role: str
) -> None:
    server = pair.cpo if role == "cpo" else pair.emsp
    served = http.get(server.state.config.root + "/_mock/openapi.json")
    assert served.status_code == 200
    doc = served.json()
    assert doc["openapi"] == "3.1.0" and doc == json.loads(
        json.dumps(openapi_document(server.state))
    )
    operations = sum(len(server.state.ops(v)) for v in server.state.config.versions)
    documented = sum(
        1 for item in doc["paths"].values() for method in item if method != "parameters"
    )
    assert documented == operations + 1 + len(server.state.config.versions)  # + versions, details
    names = set(doc["components"]["schemas"])
    for ref in refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in names, ref
    if role == "cpo":
        put = doc["paths"]["/ocpi/cpo/2.2.1/tokens/{country_code}/{party_id}/{token_uid}"]["patch"]
        body = put["requestBody"]["content"]["application/json"]["schema"]
        assert body["required"] == ["last_updated"]  # the partial schema of a PATCH


def run_schemathesis(server: MockServer, token: str) -> int:
    """Every operation with a few positive and negative examples; returns the number of calls."""
    schema = schemathesis.openapi.from_dict(openapi_document(server.state))
    base_url = server.state.config.root
    headers = {"Authorization": "Token " + base64.b64encode(token.encode()).decode()}
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    # credentials last: a fuzzed PUT or DELETE there ends the registration the others need
    operations.sort(key=lambda op: "/credentials" in op.path)
    with requests.Session() as session:
        for operation in operations:
            for mode in (
                schemathesis.GenerationMode.POSITIVE,
                schemathesis.GenerationMode.NEGATIVE,
            ):

                @settings(
                    max_examples=EXAMPLES_PER_OPERATION,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(generation_mode=mode))
                def check(case: Any) -> None:
                    nonlocal calls
                    case.headers = {**(case.headers or {}), **headers}
                    response = case.call(base_url=base_url, session=session, timeout=10)
                    calls += 1
                    case.validate_response(response, checks=CHECKS)

                check()
    return calls


@pytest.mark.slow
@pytest.mark.parametrize("role", ["cpo", "emsp"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(pair: Pair, role: str) -> None:
    server, token = (pair.cpo, pair.cpo_token) if role == "cpo" else (pair.emsp, pair.emsp_token)
    calls = run_schemathesis(server, token)
    assert calls >= 100
    assert not server.state.errors and not server.state.schema_bugs
    # the fuzzing really reached the handlers: some requests passed authentication and routing
    inbound = [e for e in server.state.calls if e.direction == "inbound"]
    statuses = {e.status for e in inbound}
    assert {200, 400, 404} <= statuses <= {200, 201, 400, 401, 404, 405}
    accepted = [e for e in inbound if e.ocpi_status == 1000 and e.method != "GET"]
    assert accepted, "no fuzzed write was accepted: the strategies never produced valid objects"
