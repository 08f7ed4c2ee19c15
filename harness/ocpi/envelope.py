"""The response envelope ``{data, status_code, status_message, timestamp}``: parse, check, make.

Sources: ``transport_and_format`` §Response format (fields and cardinalities; ``data`` is an
array for ``*``/``+`` responses and a single object for ``1``/``?``; the 2.2.1 note advising
senders to leave ``data`` unset where the spec defines none), ``status_codes`` (HTTP pairing,
data on non-1xxx responses). Requirements REQ-TF-008..018, REQ-TF-056, REQ-211-006/009/011;
pitfall 13; AMB-34 (any HTTP status with 4xxx) and AMB-35 (data on PUT/PATCH/DELETE answers).

Numbers are read with ``Decimal`` for JSON fractions, so money never passes through ``float``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from harness.ocpi.problems import Level, Problem, tolerated
from harness.ocpi.status import StatusClass, classify_status
from harness.ocpi.timestamps import format_datetime, parse_datetime
from harness.ocpi.versions import VersionNumber, require_version

DataCardinality = Literal["one", "list", "none"]
"""What ``data`` should hold on success: one object, a list, or nothing (unset)."""

ENVELOPE_FIELDS: Mapping[str, bool] = MappingProxyType(
    {"data": False, "status_code": True, "status_message": False, "timestamp": True}
)
"""Envelope fields and whether each is required (the same table in every version)."""

TRANSPORT_ERROR_STATUSES = frozenset({400, 401, 403, 404, 405})
"""HTTP errors the spec (or AMB-29/38) pairs with requests that did not, or may not, reach the
OCPI layer: bad JSON, authentication, authorization, unknown resource, wrong method."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """A response body that is a JSON object; the fields are read from :attr:`raw` as typed.

    A field of the wrong JSON type reads as None; :func:`check_envelope` says what is wrong.
    """

    raw: Mapping[str, object]

    @property
    def data(self) -> object:
        """The ``data`` value (None when absent or null; see :attr:`data_present`)."""
        return self.raw.get("data")

    @property
    def data_present(self) -> bool:
        """Whether the ``data`` key is in the body at all (even with a null value)."""
        return "data" in self.raw

    @property
    def status_code(self) -> int | None:
        value = self.raw.get("status_code")
        return value if type(value) is int else None

    @property
    def status_message(self) -> str | None:
        value = self.raw.get("status_message")
        return value if isinstance(value, str) else None

    @property
    def timestamp(self) -> str | None:
        """The ``timestamp`` text; read it with :func:`~harness.ocpi.timestamps.parse_datetime`."""
        value = self.raw.get("timestamp")
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class EnvelopeParse:
    """Either an :class:`Envelope` or the problems that kept the body from being one."""

    envelope: Envelope | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.envelope is not None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _not_envelope(code: str, message: str) -> EnvelopeParse:
    return EnvelopeParse(None, (Problem(code, message, "REQ-TF-008", Level.MUST),))


def parse_json(text: str | bytes | bytearray) -> object:
    """Parse JSON as OCPI bodies are read here: fractions as Decimal, NaN/Infinity refused.

    Raises:
        ValueError: not JSON (including bad UTF-8 and too deep nesting).
    """
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def parse_envelope(body: str | bytes | bytearray | Mapping[str, object] | None) -> EnvelopeParse:
    """Read a response body as an envelope. Never raises.

    Accepts raw bytes or text, or a mapping already parsed (then it is taken as is).
    """
    if isinstance(body, Mapping):
        return EnvelopeParse(Envelope(MappingProxyType(dict(body))))
    if body is None or not body.strip():
        return _not_envelope("empty_body", "the response has no body; expected an OCPI envelope")
    if isinstance(body, (bytes, bytearray)):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            return _not_envelope("not_utf8", f"the body is not UTF-8: {exc}")
    else:
        text = body
    try:
        value = parse_json(text)
    except ValueError as exc:
        return _not_envelope("invalid_json", f"the body is not valid JSON: {exc}")
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        return _not_envelope(
            "envelope_not_object", f"the body is JSON {kind}, not an envelope object"
        )
    return EnvelopeParse(Envelope(MappingProxyType(value)))


def _req(version: VersionNumber, default: str, v211: str | None = None) -> str:
    return v211 if version is VersionNumber.V2_1_1 and v211 is not None else default


def check_envelope(
    parsed: EnvelopeParse | Envelope,
    *,
    version: VersionNumber | str,
    expect: DataCardinality | None = None,
    http_status: int | None = None,
    strict: bool = True,
    allow_custom_codes: bool = False,
) -> list[Problem]:
    """Check one response envelope against the rules of ``version``.

    ``expect`` is the response data cardinality of the endpoint (None: do not check ``data``);
    it is checked only on 1xxx answers (REQ-TF-009/010). ``http_status`` enables the HTTP
    pairing checks. ``strict`` decides whether lenient-only timestamp forms are MUST or SHOULD.
    ``allow_custom_codes`` is for custom modules (standard ones never use the custom ranges,
    REQ-TF-017). Problem codes: empty_body, not_utf8, invalid_json, envelope_not_object,
    missing_status_code, status_code_not_int, unknown_status_code, custom_status_code,
    missing_timestamp, timestamp_format, timestamp_variant, status_message_not_string,
    missing_data, data_should_be_object, data_should_be_list, data_should_be_absent,
    http_error_with_success_code, http_error_at_ocpi_layer.
    """
    v = require_version(version)
    http_error = http_status is not None and http_status >= 400
    if isinstance(parsed, EnvelopeParse):
        if parsed.envelope is None:
            if not http_error:
                return list(parsed.problems)
            # HTTP errors should still carry an envelope, but it is not required (REQ-TF-016).
            return [
                Problem(p.code, p.message, "REQ-TF-016", Level.SHOULD, p.pointer, p.header)
                for p in parsed.problems
            ]
        envelope = parsed.envelope
    else:
        envelope = parsed
    problems: list[Problem] = []
    raw = envelope.raw
    status_req = _req(v, "REQ-TF-018", "REQ-211-011")

    code = envelope.status_code
    if "status_code" not in raw:
        problems.append(
            Problem(
                "missing_status_code",
                "the envelope has no status_code",
                "REQ-TF-008",
                Level.MUST,
                "/status_code",
            )
        )
    elif code is None:
        problems.append(
            Problem(
                "status_code_not_int",
                f"status_code must be a JSON integer, got {raw['status_code']!r}",
                "REQ-TF-008",
                Level.MUST,
                "/status_code",
            )
        )
    status_class: StatusClass | None = None
    if code is not None:
        info = classify_status(code, v)
        status_class = info.status_class
        if not info.known:
            problems.append(
                Problem(
                    "unknown_status_code",
                    f"status_code {code} is not defined by OCPI {v}",
                    status_req,
                    Level.MUST,
                    "/status_code",
                )
            )
        elif info.custom and not allow_custom_codes:
            problems.append(
                Problem(
                    "custom_status_code",
                    f"status_code {code} is in a custom range, which standard modules never use",
                    "REQ-TF-017",
                    Level.MUST,
                    "/status_code",
                )
            )

    problems.extend(_check_timestamp(raw, v, strict))

    message = raw.get("status_message")
    if message is not None and not isinstance(message, str):
        problems.append(
            Problem(
                "status_message_not_string",
                f"status_message must be a string, got {message!r}",
                "REQ-TF-008",
                Level.MUST,
                "/status_message",
            )
        )

    if status_class is StatusClass.SUCCESS and expect is not None:
        problems.extend(_check_data(envelope, v, expect))

    if http_error and code is not None and status_class is not None:
        problems.extend(_check_http_pairing(v, http_status or 0, code, status_class))
    return problems


def _check_timestamp(raw: Mapping[str, object], v: VersionNumber, strict: bool) -> list[Problem]:
    req = _req(v, "REQ-TF-056", "REQ-211-009")
    if "timestamp" not in raw:
        return [
            Problem(
                "missing_timestamp",
                "the envelope has no timestamp",
                "REQ-TF-008",
                Level.MUST,
                "/timestamp",
            )
        ]
    value = raw["timestamp"]
    if parse_datetime(value).ok:
        return []
    loose = parse_datetime(value, lenient=True)
    if loose.ok:
        forms = ", ".join(loose.deviations)
        return [
            Problem(
                "timestamp_variant",
                f"timestamp {value!r} is not in the OCPI DateTime form ({forms})",
                req,
                tolerated(strict),
                "/timestamp",
            )
        ]
    return [Problem("timestamp_format", f"timestamp: {loose.error}", req, Level.MUST, "/timestamp")]


def _check_data(envelope: Envelope, v: VersionNumber, expect: DataCardinality) -> list[Problem]:
    data = envelope.data
    if expect == "none":
        if not envelope.data_present:
            return []
        # 2.2.1 advises leaving data unset where the spec defines none (REQ-TF-011, AMB-35).
        level = Level.SHOULD if data is not None and v is not VersionNumber.V2_1_1 else Level.INFO
        return [
            Problem(
                "data_should_be_absent",
                "this response defines no data; the sender should leave data unset",
                "REQ-TF-011",
                level,
                "/data",
            )
        ]
    if data is None:
        return [
            Problem(
                "missing_data",
                "a success response should carry data"
                + (" (absent)" if not envelope.data_present else " (null)"),
                "REQ-TF-009",
                Level.SHOULD,
                "/data",
            )
        ]
    if expect == "one" and not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else type(data).__name__
        return [
            Problem(
                "data_should_be_object",
                f"data must be a single object for this endpoint, got {kind}",
                "REQ-TF-009",
                Level.MUST,
                "/data",
            )
        ]
    if expect == "list" and not isinstance(data, list):
        kind = "an object" if isinstance(data, dict) else type(data).__name__
        return [
            Problem(
                "data_should_be_list",
                f"data must be a list for this endpoint, got {kind}",
                "REQ-TF-009",
                Level.MUST,
                "/data",
            )
        ]
    return []


def _check_http_pairing(
    v: VersionNumber, http_status: int, code: int, status_class: StatusClass
) -> list[Problem]:
    if status_class is StatusClass.SUCCESS:
        return [
            Problem(
                "http_error_with_success_code",
                f"HTTP {http_status} contradicts OCPI success status {code}",
                "REQ-TF-016",
                Level.MUST,
                "/status_code",
            )
        ]
    if status_class is StatusClass.HUB_ERROR or http_status in TRANSPORT_ERROR_STATUSES:
        return []  # AMB-34: hub errors may come with any HTTP status
    legacy = v is VersionNumber.V2_1_1
    return [
        Problem(
            "http_error_at_ocpi_layer",
            f"OCPI status {code} was sent with HTTP {http_status}: a request that reached the "
            "OCPI layer gets no HTTP error, the error goes in status_code",
            _req(v, "REQ-TF-013", "REQ-211-006"),
            Level.SHOULD if legacy else Level.MUST,
        )
    ]


def make_envelope(
    data: object,
    status_code: int,
    *,
    timestamp: datetime,
    status_message: str | None = None,
    include_data: bool = True,
) -> dict[str, object]:
    """Build an envelope as the mocks send it (``timestamp`` formatted by format_datetime).

    ``include_data=False`` leaves ``data`` out, as advised where the spec defines none.
    """
    envelope: dict[str, object] = {}
    if include_data:
        envelope["data"] = data
    envelope["status_code"] = int(status_code)
    if status_message is not None:
        envelope["status_message"] = status_message
    envelope["timestamp"] = format_datetime(timestamp)
    return envelope
