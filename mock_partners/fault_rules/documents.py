"""JSON-level fault transformations: pointers with ``*``, and what each document action does.

Each function takes the *document* (a response's ``data`` or a request body), changes it in place
or returns a replacement, and returns ``(document, note)``, or a string saying why the action
does not apply.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.errors import UsageError
from harness.ocpi import format_datetime, parse_datetime
from harness.schemas.mutations import mutations
from mock_partners.fault_rules.mispricing import misprice_cdr
from mock_partners.fault_rules.model import FaultAction

__all__ = [
    "DOC_ACTIONS",
    "Ctx",
    "DocResult",
    "NotJson",
    "bad_timestamps",
    "dump_json",
    "load_json",
    "malformed",
    "wrong_id",
]

_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?")


# -- JSON documents --------------------------------------------------------------------------


class NotJson(Exception):
    """The body is not JSON."""


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotJson from None


def dump_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _children(node: Any, part: str) -> list[Any]:
    if part == "*":
        if isinstance(node, list):
            return list(node)
        return list(node.values()) if isinstance(node, dict) else []
    if isinstance(node, dict):
        return [node[part]] if part in node else []
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return [node[int(part)]]
    return []


def _targets(doc: Any, pointer: str) -> list[tuple[Any, Any]]:
    """(container, key) pairs addressed by ``pointer``; dict keys need not exist yet."""
    if not pointer.startswith("/"):
        raise UsageError(f"a JSON pointer starts with '/', got {pointer!r}")
    parts = [_unescape(p) for p in pointer.split("/")[1:]]
    nodes = [doc]
    for part in parts[:-1]:
        nodes = [child for node in nodes for child in _children(node, part)]
    last = parts[-1]
    out: list[tuple[Any, Any]] = []
    for node in nodes:
        if last == "*":
            if isinstance(node, list):
                out.extend((node, i) for i in range(len(node)))
            elif isinstance(node, dict):
                out.extend((node, k) for k in list(node))
        elif isinstance(node, dict):
            out.append((node, last))
        elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
            out.append((node, int(last)))
    return out


def _present(container: Any, key: Any) -> bool:
    return key in container if isinstance(container, dict) else True


def _other_type(value: Any) -> Any:
    """A value of another JSON type: the shape of a typing bug."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return 12345  # strings, objects, arrays and null become a number


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _add(value: Any, amount: Decimal) -> float:
    return float(Decimal(str(value)) + amount)


@dataclass(frozen=True, slots=True)
class Ctx:
    version: str
    object_name: str | None
    request_url: str | None
    now: datetime | None


DocResult = tuple[Any, str] | str  # (new document, note) or the reason it does not apply
DocFn = Callable[[Any, FaultAction, Ctx], DocResult]


def _by_pointer(doc: Any, pointer: str, change: Callable[[Any, Any], None], verb: str) -> DocResult:
    hits = [(c, k) for c, k in _targets(doc, pointer) if _present(c, k)]
    if not hits:
        return f"nothing at {pointer}"
    for container, key in hits:
        change(container, key)
    return doc, f"{verb} {pointer} ({len(hits)}x)" if len(hits) > 1 else f"{verb} {pointer}"


def _first_mutation(doc: Any, action: FaultAction, ctx: Ctx, kind: str) -> DocResult:
    item = action.param("item")
    prefix = ""
    target = doc
    if isinstance(doc, list):
        if item >= len(doc):
            return f"the list has no item {item}"
        target, prefix = doc[item], f"/{item}"
    if ctx.object_name is None:
        return "the object name is unknown: give a pointer"
    try:
        found = next((m for m in mutations(ctx.version, ctx.object_name, target)
                      if m.kind == kind), None)  # fmt: skip
    except (UsageError, KeyError):
        return f"no schema for {ctx.object_name!r} in {ctx.version}"
    if found is None:
        return f"{ctx.object_name} has no field for {kind}"
    if isinstance(doc, list):
        doc[item] = found.document
        return doc, f"{kind} at {prefix}{found.path}"
    return found.document, f"{kind} at {found.path}"


def _missing_field(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    pointer = action.param("pointer")
    if pointer:
        return _by_pointer(doc, pointer, lambda c, k: c.__delitem__(k), "removed")
    return _first_mutation(doc, action, ctx, "remove_required")


def _wrong_type(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    pointer = action.param("pointer")
    if pointer:
        return _by_pointer(
            doc, pointer, lambda c, k: c.__setitem__(k, _other_type(c[k])), "retyped"
        )
    return _first_mutation(doc, action, ctx, "wrong_type")


def _set_field(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    pointer, value = action.param("pointer"), action.param("value")
    hits = _targets(doc, pointer)
    if not hits:
        return f"nothing at {pointer}"
    for container, key in hits:
        container[key] = json.loads(json.dumps(value))
    return doc, f"set {pointer} = {json.dumps(value)}"


def _wrap_in_list(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    if isinstance(doc, list) or doc is None:
        return "not a single object"
    return [doc], "single object wrapped in a one-element list"


def _is_cdr(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "total_cost" in obj
        and "charging_periods" in obj
        and ("cdr_location" in obj or "stop_date_time" in obj or "total_energy" in obj)
    )


def _wrong_cdr_total(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    amount = Decimal(str(action.param("amount")))
    which = action.param("field")
    cdrs = (
        [doc] if _is_cdr(doc) else [d for d in doc if _is_cdr(d)] if isinstance(doc, list) else []
    )
    if not cdrs:
        return "no CDR in the message"
    for cdr in cdrs:
        cost = cdr["total_cost"]
        if isinstance(cost, int | float) and not isinstance(cost, bool):
            cdr["total_cost"] = _add(cost, amount)  # 2.1.1: a number, excl. VAT
        elif isinstance(cost, dict) and "before_taxes" in cost:  # 2.3.0 Price
            taxes = cost.get("taxes") or []
            if which in ("both", "excl_vat") or not taxes:
                cost["before_taxes"] = _add(cost["before_taxes"], amount)
            elif isinstance(taxes[0], dict) and "amount" in taxes[0]:
                taxes[0]["amount"] = _add(taxes[0]["amount"], amount)
        elif isinstance(cost, dict):  # 2.2.1 Price
            for key in ("excl_vat", "incl_vat"):
                if which in ("both", key) and cost.get(key) is not None:
                    cost[key] = _add(cost[key], amount)
    return doc, f"total_cost of {len(cdrs)} CDR(s) changed by {amount}"


def _misprice_cdr(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    mistake = action.param("mistake")
    cdrs = (
        [doc] if _is_cdr(doc) else [d for d in doc if _is_cdr(d)] if isinstance(doc, list) else []
    )
    if not cdrs:
        return "no CDR in the message"
    changed = sum(misprice_cdr(c, mistake, ctx.version, action.param("time_zone")) for c in cdrs)
    if not changed:
        return f"{mistake} changes the price of none of the {len(cdrs)} CDR(s)"
    return doc, f"{changed} of {len(cdrs)} CDR(s) billed with the mistake {mistake}"


def _lowercase_ids(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    n = 0
    for node in _walk(doc):
        if isinstance(node, dict):
            for key in ("country_code", "party_id"):
                if isinstance(node.get(key), str) and node[key] != node[key].lower():
                    node[key] = node[key].lower()
                    n += 1
    return (doc, f"{n} country_code/party_id value(s) in lower case") if n else "no ids"


def _coordinates(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    decimals = action.param("decimals")
    n = 0
    for node in _walk(doc):
        if isinstance(node, dict) and isinstance(node.get("latitude"), str):
            for key in ("latitude", "longitude"):
                try:
                    node[key] = f"{Decimal(node[key]):.{decimals}f}"
                    n += 1
                except (ArithmeticError, ValueError, TypeError):
                    continue
    return (doc, f"{n} coordinate(s) with {decimals} decimals") if n else "no coordinates"


def _stale_parent(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    n = 0
    for node in _walk(doc):
        if not (isinstance(node, dict) and isinstance(node.get("evses"), list)):
            continue
        stamps = [
            parse_datetime(x.get("last_updated")).value
            for e in node["evses"] if isinstance(e, dict)
            for x in [e, *(c for c in e.get("connectors") or [] if isinstance(c, dict))]
        ]  # fmt: skip
        newest = max((s for s in stamps if s is not None), default=None)
        if newest is not None:
            node["last_updated"] = format_datetime(newest - timedelta(hours=1))
            n += 1
    return (doc, f"{n} Location(s) older than their newest EVSE/Connector") if n else "no EVSEs"


def _date_filter_violation(doc: Any, action: FaultAction, ctx: Ctx) -> DocResult:
    if not isinstance(doc, list) or not doc:
        return "not a non-empty list"
    query = dict(parse_qsl(urlsplit(ctx.request_url or "").query))
    lo = parse_datetime(query.get("date_from")).value
    hi = parse_datetime(query.get("date_to")).value
    if lo is None and hi is None:
        return "the request has no date_from/date_to"
    outside = format_datetime(lo - timedelta(seconds=1)) if lo is not None else None
    if outside is None and hi is not None:
        outside = format_datetime(hi)
    for item in doc:
        if isinstance(item, dict):
            item["last_updated"] = outside
    return doc, f"last_updated of {len(doc)} object(s) set outside the filter to {outside}"


DOC_ACTIONS: dict[str, DocFn] = {
    "missing_field": _missing_field,
    "wrong_type": _wrong_type,
    "set_field": _set_field,
    "wrap_in_list": _wrap_in_list,
    "wrong_cdr_total": _wrong_cdr_total,
    "misprice_cdr": _misprice_cdr,
    "lowercase_ids": _lowercase_ids,
    "coordinates_precision": _coordinates,
    "stale_parent_last_updated": _stale_parent,
    "date_filter_violation": _date_filter_violation,
}


def _bad_timestamp(text: str, variant: str) -> str:
    core = text.rstrip("Z").split(".")[0]
    if variant == "nanoseconds":
        return core + ".123456789Z"
    if variant == "space_separator":
        return core.replace("T", " ") + "Z"
    return core + "+00:00"


def bad_timestamps(value: Any, variant: str) -> tuple[Any, int]:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        return _bad_timestamp(value, variant), 1
    if isinstance(value, dict):
        n = 0
        for key, item in value.items():
            value[key], k = bad_timestamps(item, variant)
            n += k
        return value, n
    if isinstance(value, list):
        n = 0
        for i, item in enumerate(value):
            value[i], k = bad_timestamps(item, variant)
            n += k
        return value, n
    return value, 0


def malformed(body: bytes, variant: str) -> bytes:
    if variant == "trailing_comma":
        text = body.rstrip()
        return text[:-1] + b",}" if text.endswith(b"}") else text + b","
    if variant == "single_quotes":
        return body.replace(b'"', b"'")
    return body[: max(1, len(body) // 2)]


def wrong_id(current: str | None, value: str | None) -> str:
    if value is not None:
        return value
    digest = hashlib.blake2b((current or "").encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))
