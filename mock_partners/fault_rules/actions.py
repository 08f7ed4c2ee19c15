"""Pure transformations: what a fault action does to a response or to a request.

:func:`apply_to_response` changes what the mock answers (inbound exchanges);
:func:`apply_to_request` changes what the mock sends (outbound exchanges). Both return a
:class:`Mutated` and never raise for partner-shaped input: an action that does not apply (a
pagination fault on a single object, a CDR fault on a Location) returns the input unchanged
with ``applied=False`` and a note saying why.

The *document* of a response is the envelope's ``data``; of a request, the body. Pointers in
action parameters (``missing_field``, ``wrong_type``, ``set_field``) are JSON pointers into the
document; a ``*`` segment stands for every item of a list (or value of an object).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from harness.ocpi import (
    LIMIT_HEADER,
    LINK_HEADER,
    TOTAL_COUNT_HEADER,
    build_link,
    decode_base64_token,
    format_datetime,
    parse_link_header,
    traits,
)
from mock_partners.fault_rules.documents import (
    DOC_ACTIONS,
    Ctx,
    NotJson,
    bad_timestamps,
    dump_json,
    load_json,
    malformed,
    wrong_id,
)
from mock_partners.fault_rules.model import REQUEST_ONLY, RESPONSE_ONLY, FaultAction

__all__ = ["HTML_ERROR_PAGE", "Mutated", "apply_to_request", "apply_to_response"]

Headers = list[tuple[str, str]]

HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)
_EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Mutated:
    """The outcome of applying an action: the (new) message, or a drop, and a delay first.

    For responses ``status`` is the HTTP status; for requests ``method`` and ``url`` are set.
    """

    status: int | None
    headers: Headers
    body: bytes
    method: str | None = None
    url: str | None = None
    drop: bool = False
    delay: float = 0.0
    applied: bool = True
    note: str = ""


# -- headers ---------------------------------------------------------------------------------


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers if k.lower() == wanted), None)


def _without(headers: Sequence[tuple[str, str]], *names: str) -> Headers:
    drop = {n.lower() for n in names}
    return [(k, v) for k, v in headers if k.lower() not in drop]


def _with(headers: Sequence[tuple[str, str]], name: str, value: str) -> Headers:
    """Replace every ``name`` header by one with ``value`` (in place of the first)."""
    out: Headers = []
    done = False
    for k, v in headers:
        if k.lower() == name.lower():
            if not done:
                out.append((k, value))
                done = True
        else:
            out.append((k, v))
    if not done:
        out.append((name, value))
    return out


def _sized(headers: Sequence[tuple[str, str]], body: bytes) -> Headers:
    """Keep Content-Length true after the body changed (only if the message had one)."""
    if _header(headers, "content-length") is None:
        return list(headers)
    return _with(headers, "content-length", str(len(body)))


# -- responses -------------------------------------------------------------------------------


def _unchanged(status: int | None, headers: Headers, body: bytes, why: str, **kw: Any) -> Mutated:
    return Mutated(status, headers, body, applied=False, note=why, **kw)


def apply_to_response(
    action: FaultAction,
    *,
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    version: str,
    object_name: str | None,
    request_url: str | None = None,
    now: datetime | None = None,
) -> Mutated:
    """What the mock sends instead of (``status``, ``headers``, ``body``)."""
    headers = list(headers)
    kind = action.kind
    if kind == "behaviour":
        return _unchanged(status, headers, body, f"quirk {action.param('quirk')}: in the handler")
    if kind in REQUEST_ONLY:
        return _unchanged(status, headers, body, f"{kind} applies to requests only")
    if kind == "delay":
        return Mutated(status, headers, body, delay=float(action.param("seconds")),
                       note=f"delayed {action.param('seconds')} s")  # fmt: skip
    if kind == "drop_connection":
        return Mutated(status, headers, body, drop=True, note="connection dropped, no response")
    if kind == "http_status":
        new_body = body if action.param("body") is None else action.param("body").encode()
        new_headers = headers
        if action.param("body") is not None:
            media = action.param("content_type") or "text/plain; charset=utf-8"
            new_headers = _with(headers, "content-type", media)
        new_status = action.param("status")
        return Mutated(new_status, _sized(new_headers, new_body), new_body,
                       note=f"HTTP {status} -> {new_status}")  # fmt: skip
    if kind == "non_json":
        page = action.param("body") or HTML_ERROR_PAGE
        new_body = page.encode()
        new_status = action.param("status") or status
        new_headers = _with(headers, "content-type", action.param("content_type"))
        return Mutated(new_status, _sized(new_headers, new_body), new_body,
                       note=f"HTML page instead of JSON (HTTP {new_status})")  # fmt: skip
    if kind == "malformed_json":
        new_body = malformed(body, action.param("variant"))
        return Mutated(status, _sized(headers, new_body), new_body,
                       note=f"malformed JSON ({action.param('variant')})")  # fmt: skip
    if kind == "drop_header":
        names = action.param("name")
        names = [names] if isinstance(names, str) else list(names)
        kept = _without(headers, *names)
        if len(kept) == len(headers):
            return _unchanged(status, headers, body, f"no {', '.join(names)} header to drop")
        return Mutated(status, kept, body, note=f"dropped {', '.join(names)}")
    if kind == "wrong_header":
        name, value = action.param("name"), action.param("value")
        return Mutated(status, _with(headers, name, value), body, note=f"{name}: {value}")
    if kind == "wrong_correlation_id":
        name = action.param("header")
        value = wrong_id(_header(headers, name), action.param("value"))
        return Mutated(status, _with(headers, name, value), body, note=f"{name}: {value}")
    if kind == "broken_pagination":
        return _broken_pagination(action, status, headers, body, request_url)
    try:
        envelope = load_json(body)
    except NotJson:
        return _unchanged(status, headers, body, "the body is not JSON")
    if kind == "bad_timestamps":
        envelope, n = bad_timestamps(envelope, action.param("variant"))
        if not n:
            return _unchanged(status, headers, body, "no DateTime values")
        new_body = dump_json(envelope)
        return Mutated(status, _sized(headers, new_body), new_body,
                       note=f"{n} DateTime value(s) as {action.param('variant')}")  # fmt: skip
    if not isinstance(envelope, dict):
        return _unchanged(status, headers, body, "the body is not an OCPI envelope")
    if kind == "ocpi_status":
        envelope["status_code"] = action.param("status_code")
        if action.param("status_message") is not None:
            envelope["status_message"] = action.param("status_message")
        if action.param("drop_data"):
            envelope.pop("data", None)
        if "timestamp" not in envelope:
            envelope["timestamp"] = format_datetime(now) if now is not None else _EPOCH
        new_body = dump_json(envelope)
        return Mutated(200, _sized(headers, new_body), new_body,
                       note=f"status_code {action.param('status_code')} with HTTP 200")  # fmt: skip
    if kind == "missing_envelope_fields":
        dropped = [f for f in action.param("fields") if f in envelope]
        if not dropped:
            return _unchanged(status, headers, body, "the envelope has none of those fields")
        for name in dropped:
            del envelope[name]
        new_body = dump_json(envelope)
        return Mutated(status, _sized(headers, new_body), new_body,
                       note=f"envelope without {', '.join(dropped)}")  # fmt: skip
    fn = DOC_ACTIONS.get(kind)
    if fn is None or "data" not in envelope:
        return _unchanged(status, headers, body, f"{kind} needs an envelope with data")
    result = fn(envelope["data"], action, Ctx(version, object_name, request_url, now))
    if isinstance(result, str):
        return _unchanged(status, headers, body, result)
    envelope["data"], note = result
    new_body = dump_json(envelope)
    return Mutated(status, _sized(headers, new_body), new_body, note=note)


def _page_url(url: str, *, offset: int | None, keep_filters: bool) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    pairs = parse_qsl(query, keep_blank_values=True)
    if not keep_filters:
        pairs = [(k, v) for k, v in pairs if k in ("offset", "limit")]
    if offset is not None:
        pairs = [("offset", str(offset)), *((k, v) for k, v in pairs if k != "offset")]
    return urlunsplit((scheme, netloc, path, urlencode(pairs, quote_via=quote, safe=":"),
                       fragment))  # fmt: skip


def _broken_pagination(
    action: FaultAction, status: int, headers: Headers, body: bytes, request_url: str | None
) -> Mutated:
    variant = action.param("variant")
    link = parse_link_header(_header(headers, LINK_HEADER)).next_url
    if variant == "no_link":
        if link is None:
            return _unchanged(status, headers, body, "no Link header (last page)")
        return Mutated(status, _without(headers, LINK_HEADER), body, note="Link dropped")
    if variant == "no_limit":
        if _header(headers, LIMIT_HEADER) is None:
            return _unchanged(status, headers, body, "no X-Limit header")
        return Mutated(status, _without(headers, LIMIT_HEADER), body, note="X-Limit dropped")
    if variant == "link_drops_filters":
        if link is None:
            return _unchanged(status, headers, body, "no Link header (last page)")
        target = _page_url(link, offset=None, keep_filters=False)
        return Mutated(status, _with(headers, LINK_HEADER, build_link(target)), body,
                       note=f"Link without filters: {target}")  # fmt: skip
    try:
        envelope = load_json(body)
    except NotJson:
        return _unchanged(status, headers, body, "the body is not JSON")
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(data, list):
        return _unchanged(status, headers, body, "not a list response")
    if variant == "total_is_page_size":
        return Mutated(status, _with(headers, TOTAL_COUNT_HEADER, str(len(data))), body,
                       note=f"X-Total-Count: {len(data)} (the page size)")  # fmt: skip
    # same_page: the next link points at this very page, so a crawler never advances
    current: str | None = None
    if request_url is not None:
        offset = dict(parse_qsl(urlsplit(request_url).query)).get("offset", "0")
        current = _page_url(request_url, offset=int(offset) if offset.isdigit() else 0,
                            keep_filters=True)  # fmt: skip
    elif link is not None:
        next_offset = dict(parse_qsl(urlsplit(link).query)).get("offset", "")
        if next_offset.isdigit():
            current = _page_url(link, offset=max(0, int(next_offset) - len(data)),
                                keep_filters=True)  # fmt: skip
    if current is None:
        return _unchanged(status, headers, body, "cannot tell the URL of this page")
    return Mutated(status, _with(headers, LINK_HEADER, build_link(current)), body,
                   note=f"Link points at the same page: {current}")  # fmt: skip


# -- requests --------------------------------------------------------------------------------


def _mangle(url: str, variant: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    if variant == "add_trailing_slash":
        path = path if path.endswith("/") else path + "/"
    elif variant == "drop_trailing_slash":
        path = path.rstrip("/") or "/"
    else:
        head, _, tail = path.rstrip("/").rpartition("/")
        path = f"{head}//{tail}" if head else f"//{tail}"
    return urlunsplit((scheme, netloc, path, query, fragment))


def apply_to_request(
    action: FaultAction,
    *,
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    version: str,
    object_name: str | None = None,
    now: datetime | None = None,
) -> Mutated:
    """What the mock sends instead of this request (or a drop / delay)."""
    headers = list(headers)
    base = Mutated(None, headers, body, method=method, url=url)
    kind = action.kind
    if kind == "behaviour":
        return replace(base, applied=False, note=f"quirk {action.param('quirk')}: in the code")
    if kind in RESPONSE_ONLY:
        return replace(base, applied=False, note=f"{kind} applies to responses only")
    if kind == "delay":
        seconds = float(action.param("seconds"))
        return replace(base, delay=seconds, note=f"delayed {seconds} s")
    if kind == "drop_connection":
        return replace(base, drop=True, note="request not sent: connection dropped")
    if kind == "wrong_token_encoding":
        auth = _header(headers, "Authorization")
        if auth is None or not auth.startswith("Token "):
            return replace(base, applied=False, note="no 'Authorization: Token' header")
        credential = auth[len("Token ") :]
        if traits(version).base64_token:
            decoded = decode_base64_token(credential)
            if decoded is None:
                return replace(base, applied=False, note="the token is already raw")
            wrong, how = decoded[0], "raw token instead of Base64"
        else:
            wrong = base64.b64encode(credential.encode()).decode("ascii")
            how = "Base64 token in 2.1.1"
        return replace(base, headers=_with(headers, "Authorization", f"Token {wrong}"), note=how)
    if kind == "mangle_url":
        new_url = _mangle(url, action.param("variant"))
        return replace(base, url=new_url, note=f"URL {new_url}")
    if kind in ("drop_header", "wrong_header", "wrong_correlation_id", "non_json",
                "malformed_json"):  # fmt: skip
        out = apply_to_response(
            action, status=200, headers=headers, body=body, version=version,
            object_name=object_name, now=now,
        )  # fmt: skip
        return replace(base, headers=out.headers, body=out.body, applied=out.applied,
                       note=out.note)  # fmt: skip
    try:
        doc = load_json(body)
    except NotJson:
        return replace(base, applied=False, note="the body is not JSON")
    if kind == "bad_timestamps":
        doc, n = bad_timestamps(doc, action.param("variant"))
        if not n:
            return replace(base, applied=False, note="no DateTime values")
        new_body = dump_json(doc)
        return replace(base, headers=_sized(headers, new_body), body=new_body,
                       note=f"{n} DateTime value(s) as {action.param('variant')}")  # fmt: skip
    fn = DOC_ACTIONS.get(kind)
    if fn is None:  # pragma: no cover - every kind is handled above or here
        return replace(base, applied=False, note=f"{kind} does not apply to requests")
    result = fn(doc, action, Ctx(version, object_name, url, now))
    if isinstance(result, str):
        return replace(base, applied=False, note=result)
    new_doc, note = result
    new_body = dump_json(new_doc)
    return replace(base, headers=_sized(headers, new_body), body=new_body, note=note)
