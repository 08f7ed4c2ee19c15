"""Schema checks: the OCPI payload against the object schema of the run's version and profile.

``response_schema`` validates the envelope's ``data`` of a response, ``request_schema`` the body
of a request the SUT sent to a mock partner; both run when the step names the object
(``expect.data.schema``). A list payload is validated item by item, so pointers name the item
(``/data/3/evses/0/status``). Levels (docs/ocpi-requirements.md §7.4): schema errors are MUST;
values only the lenient profile accepts are SHOULD; unknown fields are SHOULD under the strict
profile and INFO under the lenient one (and in 2.3.0, which requires tolerating them).
"""

from __future__ import annotations

import re

from harness.checks.base import CheckContext, FunctionCheck, Message
from harness.ocpi.problems import Level
from harness.ocpi.versions import VersionNumber, traits
from harness.results import Finding
from harness.schemas import Violation, validate
from harness.templating import MISSING

__all__ = ["REQUEST_SCHEMA", "RESPONSE_SCHEMA", "schema_findings", "violation_req"]

_DATETIME_FIELDS = ("timestamp", "last_updated", "date_time", "datetime", "date_from", "date_to")


def violation_req(violation: Violation, version: VersionNumber) -> str:
    """The requirement a schema violation breaks, by its rule (and field, for patterns)."""
    v211 = version is VersionNumber.V2_1_1
    rule, field = violation.rule, violation.path.rsplit("/", 1)[-1]
    if "DateTime" in violation.message or field.endswith(_DATETIME_FIELDS):
        return "REQ-211-009" if v211 else "REQ-TF-056"
    if v211 and "printable ASCII" in violation.message:
        return "REQ-211-010"
    if version is VersionNumber.V2_3_0:
        added = _added_in_230(violation, rule)
        if added is not None:
            return added
    if "Latitude" in violation.message or "Longitude" in violation.message:
        return "REQ-LOC-023"
    if rule in ("required", "minItems", "minProperties"):
        return "REQ-TF-062"
    if rule == "type" and ("number" in violation.message or "integer" in violation.message):
        return "REQ-TF-060"
    if rule in ("enum", "const"):
        return "REQ-TF-063"
    if rule in ("maxLength", "minLength"):
        return "REQ-TF-058"
    if rule == "additionalProperties":
        return "REQ-230-001" if version is VersionNumber.V2_3_0 else "REQ-TF-062"
    return "REQ-TF-062"


_NEW_ENUMS_230 = ("ParkingDirection", "EVSEPosition")


def _added_in_230(violation: Violation, rule: str) -> str | None:
    """The 2.3.0 requirement that brought the structure a violation is in, if any."""
    path = violation.path
    if rule == "enum" and any(name in violation.message for name in _NEW_ENUMS_230):
        return "REQ-230-018"
    if "/parking_places/" in path:
        return "REQ-230-013"
    if re.search(r"/evses/\d+/(parking|accepted_service_providers)(/|$)", path):
        return "REQ-230-014"
    return None


def _level(violation: Violation, ctx: CheckContext) -> Level:
    if violation.level == "error":
        return Level.MUST
    if violation.rule == "additionalProperties":
        lenient = not ctx.strict or traits(ctx.version).tolerate_unknown_fields
        return Level.INFO if lenient else Level.SHOULD
    return Level.SHOULD  # a variant only the lenient profile accepts


def schema_findings(
    check: str,
    ctx: CheckContext,
    payload: object,
    *,
    base: str,
    exchange: int | None = None,
) -> list[Finding]:
    """Validate ``payload`` as ``ctx.schema`` (each item when it is a list)."""
    if ctx.schema is None or payload is MISSING or payload is None:
        return []
    items: list[tuple[str, object]]
    if isinstance(payload, list) and ctx.cardinality != "one":
        items = [(f"{base}/{i}", item) for i, item in enumerate(payload)]
    else:
        items = [(base, payload)]
    findings: list[Finding] = []
    for prefix, item in items:
        for violation in validate(
            ctx.version.value,
            ctx.schema,
            item,
            partial=ctx.partial,
            profile=ctx.schema_profile,
        ):
            findings.append(
                Finding(
                    check=check,
                    level=_level(violation, ctx),
                    message=f"{ctx.schema}: {violation.message}",
                    req=violation_req(violation, ctx.version),
                    pointer=prefix + violation.path,
                    expected=f"{violation.rule} of {ctx.schema}",
                    exchange=exchange,
                )
            )
    return findings


def _response_schema(ctx: CheckContext, message: Message) -> list[Finding]:
    if not message.is_response or ctx.schema is None:
        return []
    code = message.status_code
    if code is None or not 1000 <= code < 2000:
        return []  # data of error answers is unspecified (REQ-TF-010)
    return schema_findings(
        "response_schema", ctx, message.payload, base="/data", exchange=message.index
    )


def _request_schema(ctx: CheckContext, message: Message) -> list[Finding]:
    if message.is_response or ctx.schema is None:
        return []
    payload = message.json
    if payload is MISSING:
        return [
            Finding(
                check="request_schema",
                level=Level.MUST,
                message=f"the request body is not JSON; expected a {ctx.schema}",
                req="REQ-TF-008",
                pointer="",
                exchange=message.index,
            )
        ]
    return schema_findings("request_schema", ctx, payload, base="", exchange=message.index)


RESPONSE_SCHEMA = FunctionCheck(
    "response_schema",
    "message",
    _response_schema,
    "the data of a successful response validates against the OCPI object schema",
)
REQUEST_SCHEMA = FunctionCheck(
    "request_schema",
    "message",
    _request_schema,
    "the body of a request the SUT sent validates against the OCPI object schema",
)
