"""Fault rules: scope counting, every action kind, JSON forms, the catalogue, and the
middleware over a real uvicorn socket."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from harness.ocpi import pagination_headers, parse_link_header
from harness.schemas import validate
from mock_partners.faults import (
    ACTION_KINDS,
    FAULT_CATALOGUE,
    ConnectionDropped,
    FaultAction,
    FaultMatch,
    FaultMiddleware,
    FaultPlan,
    FaultRule,
    FaultRuleError,
    FaultScope,
    FaultTransport,
    apply_to_request,
    apply_to_response,
    guess_module,
    guess_object_name,
)
from mock_partners.seed_data import generate_world

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WORLD = generate_world(version="2.2.1", seed=5, role="cpo", locations=8, start=START)
LOCATIONS = [WORLD.locations[i] for i in range(8)]
GET = {"direction": "inbound", "module": "locations", "method": "GET",
       "path": "/ocpi/2.2.1/locations"}  # fmt: skip


def _rule(kind: str, rule_id: str = "r", match: FaultMatch | None = None,
          scope: FaultScope | None = None, **params: Any) -> FaultRule:  # fmt: skip
    return FaultRule(
        rule_id, match or FaultMatch(), scope or FaultScope(), FaultAction(kind, params)
    )


def _envelope(data: Any) -> bytes:
    return json.dumps(
        {"data": data, "status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"}
    ).encode()


def _respond(kind: str, data: Any = None, *, headers: list[tuple[str, str]] | None = None,
             object_name: str | None = "Location", request_url: str | None = None,
             version: str = "2.2.1", **params: Any) -> tuple[Any, Any]:  # fmt: skip
    body = _envelope(LOCATIONS[0] if data is None else data)
    out = apply_to_response(
        FaultAction(kind, params), status=200,
        headers=headers or [("content-type", "application/json"),
                            ("content-length", str(len(body)))],
        body=body, version=version, object_name=object_name, request_url=request_url,
    )  # fmt: skip
    try:
        parsed = json.loads(out.body)
    except ValueError:
        parsed = None
    return out, parsed


# -- scope and plan ----------------------------------------------------------------------------


def test_scope_fires_on_matches_after_plus_one_to_after_plus_times() -> None:
    plan = FaultPlan(seed=1)
    plan.arm(_rule("delay", "window", FaultMatch(module="locations"), FaultScope(times=3, after=2),
                   seconds=1))  # fmt: skip
    fired = []
    for _ in range(8):
        other = plan.select(direction="inbound", module="tokens", method="GET", path="/t")
        assert other is None  # does not match: does not count
        fired.append(plan.select(**GET) is not None)
    assert fired == [False, False, True, True, True, False, False, False]
    assert plan.match_count("window") == 8 and plan.fired_count("window") == 3
    assert [f.match_number for f in plan.fired] == [3, 4, 5]
    assert plan.fired[0].exchange == "inbound GET /ocpi/2.2.1/locations (locations)"


def test_probability_draws_are_seeded() -> None:
    def pattern(seed: int) -> list[bool]:
        plan = FaultPlan(seed=seed)
        plan.arm(_rule("drop_connection", scope=FaultScope(probability=0.5)))
        return [plan.select(**GET) is not None for _ in range(400)]

    a, b, c = pattern(7), pattern(7), pattern(8)
    assert a == b and a != c
    assert 150 < sum(a) < 250
    never = FaultPlan(seed=1, rules=[_rule("drop_connection", scope=FaultScope(probability=0.0))])
    assert all(never.select(**GET) is None for _ in range(50))


def test_first_armed_rule_wins_but_every_matching_rule_counts() -> None:
    plan = FaultPlan(seed=1)
    plan.arm(_rule("delay", "first", scope=FaultScope(times=2), seconds=1))
    plan.arm(_rule("drop_connection", "second"))
    chosen = [plan.select(**GET).id for _ in range(4)]  # type: ignore[union-attr]
    assert chosen == ["first", "first", "second", "second"]
    assert plan.match_count("first") == 4 and plan.match_count("second") == 4
    plan.arm(_rule("drop_connection", "first"))  # re-arming replaces and restarts the count
    assert plan.match_count("first") == 0 and [r.id for r in plan.rules] == ["second", "first"]
    assert plan.disarm("second") and not plan.disarm("second")
    plan.clear()
    assert plan.rules == () and plan.fired == () and plan.select(**GET) is None


def test_match_fields_are_wildcards_globs_and_case_insensitive() -> None:
    m = FaultMatch(module="Locations", direction="inbound", method="get", path="*/locations*")
    assert m.matches(direction="inbound", module="locations", method="GET", path="/x/locations/1")
    assert not m.matches(direction="outbound", module="locations", method="GET", path="/locations")
    assert not m.matches(direction="inbound", module="tokens", method="GET", path="/locations")
    assert not m.matches(direction="inbound", module="locations", method="PUT", path="/locations")
    assert not m.matches(direction="inbound", module="locations", method="GET", path="/tariffs")
    assert FaultMatch().matches(direction="outbound", module=None, method="POST", path="/")


def test_select_is_thread_safe() -> None:
    plan = FaultPlan(seed=3, rules=[_rule("drop_connection", scope=FaultScope(times=100))])
    hits: list[int] = []

    def worker() -> None:
        n = sum(plan.select(**GET) is not None for _ in range(500))
        hits.append(n)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(hits) == 100 and plan.match_count("r") == 4000 and len(plan.fired) == 100
    assert sorted(f.sequence for f in plan.fired) == list(range(1, 101))


# -- JSON forms and errors ---------------------------------------------------------------------


def test_json_round_trip_of_every_catalogue_rule_and_flat_or_nested_params() -> None:
    for rules in FAULT_CATALOGUE.values():
        for rule in rules:
            text = json.dumps(rule.to_json())
            assert FaultRule.from_json(json.loads(text)) == rule
    flat = FaultRule.from_json({"id": "x", "action": {"kind": "delay", "seconds": 2}})
    nested = FaultRule.from_json({"id": "x", "action": {"kind": "delay", "params": {"seconds": 2}}})
    assert flat == nested and flat.scope == FaultScope() and flat.match == FaultMatch()
    plan = FaultPlan(seed=1)
    plan.arm({"id": "j", "match": {"path": "*/locations"}, "action": {"kind": "wrap_in_list"}})
    assert plan.to_json()["rules"][0]["matched"] == 0


@pytest.mark.parametrize(
    ("doc", "pointer", "message"),
    [
        ({"id": "x", "action": {"kind": "explode"}}, "/action/kind", "known kinds: delay"),
        ({"id": "x", "action": {"kind": "delay", "secs": 1}}, "/action/secs",
         "takes no parameter 'secs'; parameters: seconds"),
        ({"id": "x", "action": {"kind": "delay", "seconds": "soon"}}, "/action/seconds",
         "delay.seconds must be a number"),
        ({"id": "x", "action": {"kind": "http_status"}}, "/action/status",
         "requires parameter 'status'"),
        ({"id": "x", "action": {"kind": "broken_pagination", "variant": "weird"}},
         "/action/variant", "one of no_link"),
        ({"id": "x", "action": {}}, "/action/kind", "required"),
        ({"id": "x"}, "/action", "required"),
        ({"action": {"kind": "delay", "seconds": 1}}, "/id", "non-empty"),
        ({"id": "x", "when": 1, "action": {"kind": "wrap_in_list"}}, "/when", "unknown member"),
        ({"id": "x", "match": {"direction": "sideways"}, "action": {"kind": "wrap_in_list"}},
         "/match/direction", "inbound"),
        ({"id": "x", "match": {"verb": "GET"}, "action": {"kind": "wrap_in_list"}},
         "/match/verb", "allowed: direction, module, method, path"),
        ({"id": "x", "scope": {"times": 0}, "action": {"kind": "wrap_in_list"}},
         "/scope/times", ">= 1"),
        ({"id": "x", "scope": {"probability": 1.5}, "action": {"kind": "wrap_in_list"}},
         "/scope/probability", "0..1"),
        ({"id": "x", "match": {"direction": "outbound"},
          "action": {"kind": "http_status", "status": 500}}, "/match/direction", "inbound"),
        ({"id": "x", "match": {"direction": "inbound"},
          "action": {"kind": "wrong_token_encoding"}}, "/match/direction", "outbound"),
        ([1, 2], "/", "expected an object"),
    ],
)  # fmt: skip
def test_bad_rule_json_gives_a_clear_error(doc: Any, pointer: str, message: str) -> None:
    with pytest.raises(FaultRuleError) as caught:
        FaultRule.from_json(doc)
    assert caught.value.pointer == pointer.rstrip("/") or pointer == "/"
    assert message in str(caught.value)


# -- each action kind, as a pure transformation ------------------------------------------------


def test_delay_drop_and_status_actions() -> None:
    out, parsed = _respond("delay", seconds=1.5)
    assert out.delay == 1.5 and not out.drop and parsed["data"] == LOCATIONS[0]
    out, _ = _respond("drop_connection")
    assert out.drop
    out, parsed = _respond("http_status", status=500)
    assert out.status == 500 and parsed["status_code"] == 1000  # body kept
    out, _ = _respond("http_status", status=503, body="Service Unavailable")
    assert out.status == 503 and out.body == b"Service Unavailable"
    assert ("content-length", str(len(out.body))) in out.headers
    assert ("content-type", "text/plain; charset=utf-8") in out.headers
    out, parsed = _respond(
        "ocpi_status", status_code=2001, status_message="Invalid", drop_data=True
    )
    assert out.status == 200 and parsed["status_code"] == 2001 and "data" not in parsed
    assert parsed["status_message"] == "Invalid" and parsed["timestamp"]


@pytest.mark.parametrize("variant", ["truncate", "trailing_comma", "single_quotes"])
def test_malformed_json_is_not_json(variant: str) -> None:
    out, parsed = _respond("malformed_json", variant=variant)
    assert parsed is None and out.body
    assert dict(out.headers)["content-length"] == str(len(out.body))


def test_non_json_sends_an_html_page() -> None:
    out, parsed = _respond("non_json", status=502)
    assert parsed is None and out.status == 502 and out.body.startswith(b"<!DOCTYPE html>")
    assert dict(out.headers)["content-type"].startswith("text/html")


def test_missing_field_by_pointer_and_first_required_field() -> None:
    out, parsed = _respond("missing_field", pointer="/evses/0/uid")
    assert "uid" not in parsed["data"]["evses"][0] and out.note == "removed /evses/0/uid"
    assert any(v.path == "/evses/0/uid" and v.rule == "required"
               for v in validate("2.2.1", "Location", parsed["data"]))  # fmt: skip
    out, parsed = _respond("missing_field")
    assert "country_code" not in parsed["data"]
    assert [v.rule for v in validate("2.2.1", "Location", parsed["data"])] == ["required"]
    out, parsed = _respond("missing_field", LOCATIONS[:3], item=1)
    assert "country_code" in parsed["data"][0] and "country_code" not in parsed["data"][1]
    out, _ = _respond("missing_field", object_name=None)
    assert not out.applied and "pointer" in out.note
    out, _ = _respond("missing_field", pointer="/nope")
    assert not out.applied


def test_wrong_type_by_pointer_and_default() -> None:
    _, parsed = _respond("wrong_type", pointer="/coordinates")
    assert parsed["data"]["coordinates"] == 12345
    assert any(v.rule == "type" for v in validate("2.2.1", "Location", parsed["data"]))
    _, parsed = _respond("wrong_type", pointer="/publish")
    assert parsed["data"]["publish"] == "true"
    _, parsed = _respond("wrong_type")
    assert parsed["data"]["country_code"] == 12345


def test_wrap_in_list_only_wraps_single_objects() -> None:
    out, parsed = _respond("wrap_in_list")
    assert parsed["data"] == [LOCATIONS[0]] and out.applied
    out, parsed = _respond("wrap_in_list", LOCATIONS[:2])
    assert not out.applied and parsed["data"] == LOCATIONS[:2]


def test_header_actions() -> None:
    headers = [("content-type", "application/json"), ("X-Request-ID", "a"),
               ("OCPI-to-party-id", "ABC"), ("x-correlation-id", "c-1")]  # fmt: skip
    out, _ = _respond("drop_header", headers=headers, name=["x-request-id", "OCPI-TO-PARTY-ID"])
    assert [k for k, _ in out.headers] == ["content-type", "x-correlation-id"]
    out, _ = _respond("wrong_header", headers=headers, name="ocpi-to-party-id", value="ZZZ")
    assert ("OCPI-to-party-id", "ZZZ") in out.headers and len(out.headers) == 4
    out, _ = _respond("wrong_correlation_id", headers=headers)
    again, _ = _respond("wrong_correlation_id", headers=headers)
    value = dict(out.headers)["x-correlation-id"]
    assert value != "c-1" and value == dict(again.headers)["x-correlation-id"]
    assert re.fullmatch(r"[0-9a-f-]{36}", value)


def _page(offset: int, returned: int, total: int) -> tuple[str, list[tuple[str, str]]]:
    url = f"https://mock.example/ocpi/2.2.1/locations?date_from=2026-01-01T00:00:00Z&offset={offset}&limit=2"
    headers = pagination_headers(url, offset=offset, limit=2, returned=returned, total=total)
    tracing = [("X-Request-ID", "req-1"), ("X-Correlation-ID", "cor-1"),
               ("OCPI-from-country-code", "NL"), ("OCPI-from-party-id", "EXA"),
               ("OCPI-to-country-code", "NL"), ("OCPI-to-party-id", "MSP")]  # fmt: skip
    return url, [("content-type", "application/json"), *headers.items(), *tracing]


def test_broken_pagination_variants() -> None:
    url, headers = _page(2, 2, 8)
    data = LOCATIONS[2:4]
    out, _ = _respond("broken_pagination", data, headers=headers, variant="no_link")
    assert "link" not in {k.lower() for k, _ in out.headers}
    out, _ = _respond("broken_pagination", data, headers=headers, variant="no_limit")
    assert "x-limit" not in {k.lower() for k, _ in out.headers}
    out, _ = _respond("broken_pagination", data, headers=headers, variant="total_is_page_size")
    assert dict(out.headers)["X-Total-Count"] == "2"
    out, _ = _respond("broken_pagination", data, headers=headers, variant="link_drops_filters")
    target = parse_link_header(dict(out.headers)["Link"]).next_url
    assert target is not None and "date_from" not in target and "offset=4" in target
    for request_url in (url, None):  # from the request URL, or worked out from the Link
        out, _ = _respond("broken_pagination", data, headers=headers, variant="same_page",
                          request_url=request_url)  # fmt: skip
        target = parse_link_header(dict(out.headers)["Link"]).next_url
        assert target is not None and "offset=2" in target and "date_from" in target
    _, last = _page(6, 2, 8)
    out, _ = _respond("broken_pagination", LOCATIONS[6:8], headers=last, variant="no_link")
    assert not out.applied and "last page" in out.note


def _cdr(version: str) -> dict[str, Any]:
    if version == "2.1.1":
        cost: Any = 12.34
    elif version == "2.2.1":
        cost = {"excl_vat": 12.34, "incl_vat": 14.93}
    else:
        cost = {"before_taxes": 12.34, "taxes": [{"name": "VAT", "amount": 2.59}]}
    return {"id": "C1", "total_cost": cost, "charging_periods": [], "total_energy": 10,
            "cdr_location": {}}  # fmt: skip


def test_wrong_cdr_total_in_every_version_shape() -> None:
    _, parsed = _respond("wrong_cdr_total", [_cdr("2.1.1")], amount=0.01, object_name="CDR")
    assert parsed["data"][0]["total_cost"] == 12.35
    _, parsed = _respond("wrong_cdr_total", _cdr("2.2.1"), amount=0.1)
    assert parsed["data"]["total_cost"] == {"excl_vat": 12.44, "incl_vat": 15.03}
    _, parsed = _respond("wrong_cdr_total", _cdr("2.2.1"), amount=-1, field="incl_vat")
    assert parsed["data"]["total_cost"] == {"excl_vat": 12.34, "incl_vat": 13.93}
    _, parsed = _respond("wrong_cdr_total", _cdr("2.3.0"), amount=0.5)
    assert parsed["data"]["total_cost"]["before_taxes"] == 12.84
    out, _ = _respond("wrong_cdr_total")  # a Location: nothing to change
    assert not out.applied


def test_missing_envelope_fields_and_extras() -> None:
    _, parsed = _respond("missing_envelope_fields")
    assert set(parsed) == {"data"}
    _, parsed = _respond("missing_envelope_fields", fields=["data"])
    assert set(parsed) == {"status_code", "timestamp"}
    _, parsed = _respond("set_field", LOCATIONS[:3], pointer="/*/evses/0/status", value="UNKNOWN")
    assert [loc["evses"][0]["status"] for loc in parsed["data"]] == ["UNKNOWN"] * 3
    _, parsed = _respond("bad_timestamps")
    assert parsed["timestamp"] == "2026-03-01T12:00:00+00:00"
    assert parsed["data"]["last_updated"].endswith("+00:00")
    _, parsed = _respond("bad_timestamps", variant="nanoseconds")
    assert re.fullmatch(r".*\.[0-9]{9}Z", parsed["data"]["last_updated"])
    _, parsed = _respond("lowercase_ids")
    assert parsed["data"]["country_code"] == "nl" and parsed["data"]["party_id"] == "exa"
    _, parsed = _respond("coordinates_precision", decimals=4)
    assert re.fullmatch(r"-?[0-9]+\.[0-9]{4}", parsed["data"]["coordinates"]["latitude"])
    assert any(
        v.path == "/coordinates/latitude" for v in validate("2.2.1", "Location", parsed["data"])
    )
    _, parsed = _respond("stale_parent_last_updated")
    loc = parsed["data"]
    assert loc["last_updated"] < max(e["last_updated"] for e in loc["evses"])
    url = "https://m.example/ocpi/2.2.1/locations?date_from=2026-01-01T00:00:00Z"
    _, parsed = _respond("date_filter_violation", LOCATIONS[:2], request_url=url)
    assert {x["last_updated"] for x in parsed["data"]} == {"2025-12-31T23:59:59Z"}


def test_request_side_actions() -> None:
    token = "my-token-b"
    encoded = base64.b64encode(token.encode()).decode()
    url = "https://sut.example/ocpi/2.2.1/locations/NL/EXA/LOC1"
    body = json.dumps(LOCATIONS[0]).encode()
    headers = [("Authorization", f"Token {encoded}"), ("Content-Length", str(len(body)))]

    def req(kind: str, version: str = "2.2.1", **params: Any) -> Any:
        return apply_to_request(FaultAction(kind, params), method="PUT", url=url,
                                headers=headers, body=body, version=version,
                                object_name="Location")  # fmt: skip

    assert dict(req("wrong_token_encoding").headers)["Authorization"] == f"Token {token}"
    raw = [("Authorization", f"Token {token}")]
    out = apply_to_request(FaultAction("wrong_token_encoding", {}), method="GET", url=url,
                           headers=raw, body=b"", version="2.1.1")  # fmt: skip
    assert dict(out.headers)["Authorization"] == f"Token {encoded}"
    assert req("mangle_url", variant="double_slash").url.endswith("/EXA//LOC1")
    assert req("mangle_url", variant="add_trailing_slash").url.endswith("/LOC1/")
    out = req("set_field", pointer="/party_id", value="ZZZ")
    assert json.loads(out.body)["party_id"] == "ZZZ"
    assert dict(out.headers)["Content-Length"] == str(len(out.body))
    out = req("missing_field")
    assert "country_code" not in json.loads(out.body)
    assert req("drop_connection").drop and req("delay", seconds=2).delay == 2
    out = req("http_status", status=500)
    assert not out.applied and "responses only" in out.note


def test_every_kind_is_exercised_somewhere() -> None:
    source = Path(__file__).read_text()
    missing = [k for k in ACTION_KINDS if f'"{k}"' not in source]
    assert missing == []


# -- guessing module and object ------------------------------------------------------------


def test_guess_module_and_object_name() -> None:
    assert guess_module("/ocpi/2.2.1/locations/LOC1/E1") == "locations"
    assert guess_module("/ocpi/cpo/2.1.1/tokens/NL/EXA/123/authorize") == "tokens"
    assert guess_object_name("locations", "GET", "/ocpi/2.2.1/locations") == "Location"
    assert guess_object_name("locations", "GET", "/ocpi/2.2.1/locations/L1/E1") == "EVSE"
    assert (
        guess_object_name("locations", "PUT", "/ocpi/2.2.1/locations/NL/EXA/L1/E1/1") == "Connector"
    )
    assert (
        guess_object_name("tokens", "POST", "/ocpi/2.2.1/tokens/X/authorize") == "AuthorizationInfo"
    )
    assert guess_object_name("cdrs", "GET", "/ocpi/2.2.1/cdrs") == "CDR"
    irc = "/ocpi/cpo/2.3.0/invoicereconciliation/NL/EXA/IRR-1"
    assert guess_module(irc) == "invoicereconciliation"
    assert guess_object_name("invoicereconciliation", "GET", irc) == "InvoiceReconciliationRecord"


# -- the catalogue ---------------------------------------------------------------------------


def test_catalogue_has_an_entry_per_pitfall_row_citing_it() -> None:
    keys = set(FAULT_CATALOGUE)
    assert all(re.fullmatch(r"(pitfall-[0-9]{2}|common)-[a-z0-9-]+", k) for k in keys)
    for row in range(1, 16):
        entries = [k for k in keys if k.startswith(f"pitfall-{row:02d}-")]
        assert entries, row
        for key in entries:
            for rule in FAULT_CATALOGUE[key]:
                assert f"Pitfall {row}" in rule.description, key
    for rules in FAULT_CATALOGUE.values():
        assert rules and len({r.id for r in rules}) == len(rules)
        for rule in rules:
            assert rule.description and (
                "REQ-" in rule.description or rule.id.startswith(("common-", "pitfall-10"))
            ), rule.id


def test_catalogue_rules_really_break_a_correct_exchange() -> None:
    """Each inbound catalogue rule changes a correct locations or CDR response."""
    list_url, list_headers = _page(0, 3, 8)
    for key, rules in FAULT_CATALOGUE.items():
        for rule in rules:
            if rule.match.direction != "inbound" or rule.action.kind == "delay":
                continue
            module = rule.match.module or "locations"
            data: Any = LOCATIONS[:3] if module == "locations" else [_cdr("2.2.1")]
            if module not in ("locations", "cdrs"):
                continue
            if rule.action.kind in ("wrap_in_list", "missing_field", "wrong_type") and (
                rule.action.params.get("pointer") is None
            ):
                data = data[0]
            out = apply_to_response(
                rule.action, status=200, headers=list_headers, body=_envelope(data),
                version="2.2.1", object_name="Location" if module == "locations" else "CDR",
                request_url=list_url + "&date_from=2026-01-01T00:00:00Z",
            )  # fmt: skip
            changed = (out.status, out.headers, out.body, out.drop) != (
                200, list_headers, _envelope(data), False)  # fmt: skip
            assert out.applied and changed, (key, rule.id, out.note)


# -- over a real socket ----------------------------------------------------------------------


async def _locations(request: Request) -> JSONResponse:
    body = {"data": LOCATIONS[:3], "status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"}
    return JSONResponse(body, headers={"X-Request-ID": request.headers.get("x-request-id", "")})


async def _location(request: Request) -> JSONResponse:
    loc = next(x for x in LOCATIONS if x["id"] == request.path_params["lid"])
    return JSONResponse({"data": loc, "status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"})


def _app(plan: FaultPlan) -> FaultMiddleware:
    inner = Starlette(routes=[Route("/ocpi/2.2.1/locations", _locations),
                              Route("/ocpi/2.2.1/locations/{lid}", _location)])  # fmt: skip
    return FaultMiddleware(inner, plan)


class _Recorder:
    """A closure-wrapping middleware, as a call log would be."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.statuses: list[int] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def keep(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.statuses.append(message["status"])
            await send(message)

        await self.app(scope, receive, keep)


def _stacked_app(plan: FaultPlan) -> Starlette:
    """FaultMiddleware inside Starlette's own middleware stack (ServerErrorMiddleware outside)."""
    from starlette.middleware import Middleware

    return Starlette(
        routes=[Route("/ocpi/2.2.1/locations", _locations),
                Route("/ocpi/2.2.1/locations/{lid}", _location)],
        middleware=[Middleware(_Recorder), Middleware(FaultMiddleware, plan=plan)],
    )  # fmt: skip


@contextlib.contextmanager
def _serve(app: Any) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical",
                            lifespan="off", ws="none")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served() -> Iterator[tuple[str, FaultPlan]]:
    plan = FaultPlan(seed=1)
    with _serve(_app(plan)) as base:
        yield base, plan


def test_drop_works_inside_a_starlette_middleware_stack() -> None:
    plan = FaultPlan(seed=1, rules=[_rule("drop_connection", scope=FaultScope(times=1))])
    with _serve(_stacked_app(plan)) as base, httpx.Client(timeout=5) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(f"{base}/ocpi/2.2.1/locations")
        assert client.get(f"{base}/ocpi/2.2.1/locations").status_code == 200
    assert plan.fired_count("r") == 1


def test_middleware_over_a_real_socket(served: tuple[str, FaultPlan]) -> None:
    base, plan = served
    single = f"{base}/ocpi/2.2.1/locations/{LOCATIONS[1]['id']}"
    with httpx.Client(timeout=5) as client:
        clean = client.get(f"{base}/ocpi/2.2.1/locations", headers={"X-Request-ID": "r1"})
        assert clean.status_code == 200 and clean.json()["data"] == LOCATIONS[:3]

        plan.arm(_rule("http_status", "500", scope=FaultScope(times=1), status=500))
        assert client.get(single).status_code == 500
        assert client.get(single).status_code == 200  # times=1

        plan.arm(_rule("non_json", "html", scope=FaultScope(times=1), status=502))
        page = client.get(single)
        assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
        with pytest.raises(json.JSONDecodeError):
            page.json()

        plan.arm(_rule("wrap_in_list", "wrap", FaultMatch(path="*/locations/*"),
                       FaultScope(times=1)))  # fmt: skip
        wrapped = client.get(single).json()
        assert wrapped["data"] == [LOCATIONS[1]]
        assert int(client.get(single).headers["content-length"]) > 0

        plan.arm(_rule("delay", "slow", scope=FaultScope(times=1), seconds=0.3))
        t0 = time.monotonic()
        assert client.get(single).status_code == 200
        assert time.monotonic() - t0 >= 0.3

        plan.arm(_rule("drop_connection", "drop", scope=FaultScope(times=1)))
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(single)
        assert client.get(single).json()["data"] == LOCATIONS[1]  # the server lives on

        plan.arm(_rule("drop_connection", "drop-first", scope=FaultScope(times=1), when="before"))
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(single)
    assert [f.rule_id for f in plan.fired] == ["500", "html", "wrap", "slow", "drop", "drop-first"]
    assert all(f.module == "locations" and f.method == "GET" for f in plan.fired)


def test_middleware_in_process_raises_on_drop_and_guesses_the_object() -> None:
    plan = FaultPlan(seed=1)

    async def scenario() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=_app(plan))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            assert (await client.get("/ocpi/2.2.1/locations")).status_code == 200
            plan.arm(_rule("drop_connection"))
            with pytest.raises(ConnectionDropped):
                await client.get("/ocpi/2.2.1/locations")
            plan.clear()
            plan.arm(_rule("missing_field", match=FaultMatch(path="*/locations/*")))
            response = await client.get(f"/ocpi/2.2.1/locations/{LOCATIONS[0]['id']}")
            data: dict[str, Any] = response.json()["data"]
            return data

    doc = anyio.run(scenario)
    assert "country_code" not in doc  # object name guessed from the path: Location


def test_outbound_transport_applies_request_rules() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"})

    plan = FaultPlan(seed=1)
    plan.arm(_rule("wrong_token_encoding", "enc", FaultMatch(direction="outbound"),
                   FaultScope(times=1)))  # fmt: skip
    plan.arm(_rule("set_field", "owner", FaultMatch(direction="outbound", method="PUT"),
                   pointer="/party_id", value="ZZZ"))  # fmt: skip
    plan.arm(_rule("drop_connection", "gone", FaultMatch(direction="outbound", method="DELETE")))
    transport = FaultTransport(httpx.MockTransport(handler), plan)
    token = base64.b64encode(b"tok").decode()
    with httpx.Client(transport=transport, headers={"Authorization": f"Token {token}"}) as client:
        client.get("https://sut.example/ocpi/2.2.1/locations")
        client.put("https://sut.example/ocpi/2.2.1/locations/NL/EXA/L1", json=LOCATIONS[0])
        with pytest.raises(httpx.ConnectError):
            client.delete("https://sut.example/ocpi/2.2.1/tariffs/NL/EXA/T1")
    assert seen[0].headers["authorization"] == "Token tok"
    assert json.loads(seen[1].content)["party_id"] == "ZZZ"
    assert seen[1].headers["authorization"] == f"Token {token}"  # times=1
    assert len(seen) == 2 and [f.rule_id for f in plan.fired] == ["enc", "owner", "gone"]


def test_a_behaviour_rule_changes_no_message() -> None:
    """A ``behaviour`` quirk is played by the mock's handler (mock_partners.quirks); the
    message mutators leave the exchange alone and say so."""
    action = FaultAction("behaviour", {"quirk": "skip_discovery"})
    body = b'{"status_code": 1000, "timestamp": "2026-03-01T12:00:00Z", "data": {}}'
    out = apply_to_response(action, status=200, headers=[], body=body, version="2.2.1",
                            object_name="Credentials")  # fmt: skip
    assert (out.status, out.body, out.applied) == (200, body, False)
    assert "skip_discovery" in out.note
    sent = apply_to_request(action, method="PUT", url="http://p/credentials", headers=[],
                            body=b"{}", version="2.2.1")  # fmt: skip
    assert (sent.url, sent.body, sent.applied) == ("http://p/credentials", b"{}", False)


def test_misprice_cdr_bills_the_cdrs_of_a_page_under_a_wrong_reading() -> None:
    from tests.mock_partners.test_billing_history import history

    page = history("2.2.1")
    out, parsed = _respond("misprice_cdr", page, object_name="CDR", mistake="ignore_min_price")
    assert out.applied and "1 of" in out.note
    changed = [c for c, o in zip(parsed["data"], page, strict=True) if c != json.loads(
        json.dumps(o))]  # fmt: skip
    assert len(changed) == 1 and changed[0]["total_cost"]["excl_vat"] < 2
    out, _ = _respond("misprice_cdr", mistake="utc_time")  # a Location: nothing to change
    assert not out.applied
    with pytest.raises(FaultRuleError):
        FaultAction.from_json({"kind": "misprice_cdr", "mistake": "no_such_mistake"}, "/action")
