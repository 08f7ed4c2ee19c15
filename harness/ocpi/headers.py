"""HTTP headers of OCPI: case-insensitive lookup, tracing ids and message routing headers.

Sources: ``transport_and_format`` §Unique message IDs (X-Request-ID, X-Correlation-ID, 2.2+;
REQ-TF-019..024, none in 2.1.1 per REQ-211-003) and §Message Routing Headers (OCPI-to-* and
OCPI-from-*, CiString(2)/(3), on functional modules only; REQ-TF-043..052, REQ-211-004).
Header names are case-insensitive everywhere (pitfall 6); the Authorization header is in
:mod:`harness.ocpi.authorization`.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harness.ocpi.modules import ModuleID, module_kind, routing_headers_apply
from harness.ocpi.problems import Level, Problem
from harness.ocpi.versions import VersionNumber, require_version, traits

HeaderSource = Mapping[str, str] | Iterable[tuple[str, str]]
"""Headers as a mapping (httpx/starlette ``Headers``, dict) or a sequence of (name, value)."""

REQUEST_ID_HEADER = "X-Request-ID"
CORRELATION_ID_HEADER = "X-Correlation-ID"
TO_COUNTRY_CODE_HEADER = "OCPI-to-country-code"
TO_PARTY_ID_HEADER = "OCPI-to-party-id"
FROM_COUNTRY_CODE_HEADER = "OCPI-from-country-code"
FROM_PARTY_ID_HEADER = "OCPI-from-party-id"
ROUTING_HEADERS: tuple[str, ...] = (
    TO_COUNTRY_CODE_HEADER,
    TO_PARTY_ID_HEADER,
    FROM_COUNTRY_CODE_HEADER,
    FROM_PARTY_ID_HEADER,
)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)


def header_values(headers: HeaderSource, name: str) -> tuple[str, ...]:
    """All values of header ``name``, matched case-insensitively, in order."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    return tuple(value for key, value in items if key.lower() == wanted)


def header_value(headers: HeaderSource, name: str) -> str | None:
    """The value of header ``name`` (several joined with ", ", as HTTP allows), or None."""
    values = header_values(headers, name)
    return ", ".join(values) if values else None


# -- tracing ---------------------------------------------------------------------------------


def new_request_id(rng: random.Random) -> str:
    """A UUID-4-shaped id drawn from ``rng`` (REQ-TF-022): the same seed gives the same ids."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def tracing_headers(rng: random.Random, *, correlation_id: str | None = None) -> dict[str, str]:
    """X-Request-ID (always new) and X-Correlation-ID (kept if given, else new) for a request."""
    request_id = new_request_id(rng)
    return {
        REQUEST_ID_HEADER: request_id,
        CORRELATION_ID_HEADER: correlation_id if correlation_id is not None else request_id,
    }


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID in the 8-4-4-4-12 hex form (any case)."""
    return _UUID.fullmatch(text) is not None


def check_request_tracing(headers: HeaderSource, version: VersionNumber | str) -> list[Problem]:
    """Tracing headers a partner's request must carry (2.2+; nothing is required in 2.1.1)."""
    if not traits(version).tracing_headers:
        return []
    problems: list[Problem] = []
    for name, missing_req, code in (
        (REQUEST_ID_HEADER, "REQ-TF-019", "request_id"),
        (CORRELATION_ID_HEADER, "REQ-TF-021", "correlation_id"),
    ):
        value = header_value(headers, name)
        if value is None or value.strip() == "":
            problems.append(
                Problem(
                    f"missing_{code}",
                    f"the request has no {name} header",
                    missing_req,
                    Level.MUST,
                    header=name,
                )
            )
        elif not is_uuid(value.strip()):
            problems.append(
                Problem(
                    f"{code}_not_uuid",
                    f"{name} {value!r} is not a UUID, as advised",
                    "REQ-TF-022",
                    Level.SHOULD,
                    header=name,
                )
            )
    return problems


def check_response_tracing(
    request_headers: HeaderSource, response_headers: HeaderSource, version: VersionNumber | str
) -> list[Problem]:
    """Whether a response echoes the request's X-Request-ID and X-Correlation-ID (2.2+).

    Only ids the request carried are checked. An echo that differs only in letter case is a
    SHOULD-level problem, any other difference MUST.
    """
    if not traits(version).tracing_headers:
        return []
    problems: list[Problem] = []
    for name, req, code in (
        (REQUEST_ID_HEADER, "REQ-TF-020", "request_id"),
        (CORRELATION_ID_HEADER, "REQ-TF-021", "correlation_id"),
    ):
        sent = header_value(request_headers, name)
        if sent is None:
            continue
        echoed = header_value(response_headers, name)
        if echoed is None:
            problems.append(
                Problem(
                    f"{code}_not_echoed",
                    f"the response does not repeat the request's {name}",
                    req,
                    Level.MUST,
                    header=name,
                )
            )
        elif echoed.strip() != sent.strip():
            level = Level.SHOULD if echoed.strip().lower() == sent.strip().lower() else Level.MUST
            problems.append(
                Problem(
                    f"{code}_mismatch",
                    f"{name} of the response is {echoed!r}, the request sent {sent!r}",
                    req,
                    level,
                    header=name,
                )
            )
    return problems


def check_request_ids_unique(request_ids: Iterable[str]) -> list[Problem]:
    """Each X-Request-ID value a partner sent must be new (REQ-TF-019, REQ-TF-023 for hubs)."""
    seen: set[str] = set()
    problems: list[Problem] = []
    for request_id in request_ids:
        if request_id in seen:
            problems.append(
                Problem(
                    "request_id_reused",
                    f"X-Request-ID {request_id!r} was used for more than one request",
                    "REQ-TF-019",
                    Level.MUST,
                    header=REQUEST_ID_HEADER,
                )
            )
        seen.add(request_id)
    return problems


# -- routing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoutingHeaders:
    """The four OCPI routing headers of one message; None where a header is absent."""

    to_country_code: str | None = None
    to_party_id: str | None = None
    from_country_code: str | None = None
    from_party_id: str | None = None

    @classmethod
    def for_request(
        cls,
        *,
        from_country_code: str,
        from_party_id: str,
        to_country_code: str | None = None,
        to_party_id: str | None = None,
    ) -> RoutingHeaders:
        """Headers of a request from one party to another; leave TO out for open routing."""
        return cls(to_country_code, to_party_id, from_country_code, from_party_id)

    def swapped(self) -> RoutingHeaders:
        """The headers of the response to this request: TO and FROM exchanged (REQ-TF-045)."""
        return RoutingHeaders(
            to_country_code=self.from_country_code,
            to_party_id=self.from_party_id,
            from_country_code=self.to_country_code,
            from_party_id=self.to_party_id,
        )

    def to_headers(self) -> dict[str, str]:
        """The present values under their spec names (values are sent as given)."""
        pairs = zip(
            ROUTING_HEADERS,
            (self.to_country_code, self.to_party_id, self.from_country_code, self.from_party_id),
            strict=True,
        )
        return {name: value for name, value in pairs if value is not None}

    @classmethod
    def from_headers(cls, headers: HeaderSource) -> RoutingHeaders:
        """Read the routing headers, whatever the case of their names; blank counts as absent."""

        def read(name: str) -> str | None:
            value = header_value(headers, name)
            return (value.strip() or None) if value is not None else None

        return cls(*(read(name) for name in ROUTING_HEADERS))

    @property
    def is_empty(self) -> bool:
        return not self.to_headers()

    def matches(self, other: RoutingHeaders) -> bool:
        """Same parties, comparing country codes and party ids case-insensitively (CiString)."""
        return all(_ci(a) == _ci(b) for a, b in zip(self._values(), other._values(), strict=True))

    def _values(self) -> tuple[str | None, ...]:
        return (self.to_country_code, self.to_party_id, self.from_country_code, self.from_party_id)


def _ci(value: str | None) -> str | None:
    return value.upper() if value is not None else None


_MAX_LENGTH: Mapping[str, int] = MappingProxyType(
    {
        TO_COUNTRY_CODE_HEADER: 2,
        TO_PARTY_ID_HEADER: 3,
        FROM_COUNTRY_CODE_HEADER: 2,
        FROM_PARTY_ID_HEADER: 3,
    }
)


def check_routing_headers(
    headers: HeaderSource,
    *,
    version: VersionNumber | str,
    module: ModuleID | str,
    response: bool,
    expected: RoutingHeaders | None = None,
    required: bool = False,
) -> list[Problem]:
    """Check the routing headers of one request or response of ``module``.

    2.1.1 has none (present ones are INFO). Configuration modules must not carry them
    (REQ-TF-044). On functional modules: values must be CiString(2)/(3), pairs complete, and, if
    ``expected`` is given, equal to it ignoring case (REQ-TF-045/046). Missing headers are MUST
    when ``required`` (hub profile, pitfall 7), else SHOULD; a request may omit TO (open routing,
    REQ-TF-050), reported as INFO. Custom modules are not checked.
    """
    v = require_version(version)
    present = RoutingHeaders.from_headers(headers)
    values = dict(zip(ROUTING_HEADERS, present._values(), strict=True))
    if not traits(v).routing_headers:
        if present.is_empty:
            return []
        return [
            Problem(
                "routing_headers_in_2_1_1",
                "OCPI 2.1.1 has no routing headers; these are ignored",
                "REQ-211-004",
                Level.INFO,
            )
        ]
    if not routing_headers_apply(v, module):
        if module_kind(module) is None or present.is_empty:
            return []
        names = ", ".join(name for name, value in values.items() if value is not None)
        return [
            Problem(
                "routing_headers_on_configuration_module",
                f"routing headers ({names}) must not be used with the {module} module",
                "REQ-TF-044",
                Level.MUST,
            )
        ]
    problems: list[Problem] = []
    for name, value in values.items():
        if value is None:
            continue
        if len(value) > _MAX_LENGTH[name] or not all("!" <= ch <= "~" for ch in value):
            problems.append(
                Problem(
                    "routing_header_invalid",
                    f"{name} {value!r} is not a CiString({_MAX_LENGTH[name]})",
                    "REQ-TF-043",
                    Level.MUST,
                    header=name,
                )
            )
        elif value != value.upper():
            problems.append(
                Problem(
                    "routing_header_lowercase",
                    f"{name} {value!r} is not upper case (compared case-insensitively)",
                    "REQ-TF-057",
                    Level.INFO,
                    header=name,
                )
            )
    for side, (cc_name, pid_name) in (
        ("to", (TO_COUNTRY_CODE_HEADER, TO_PARTY_ID_HEADER)),
        ("from", (FROM_COUNTRY_CODE_HEADER, FROM_PARTY_ID_HEADER)),
    ):
        cc, pid = values[cc_name], values[pid_name]
        if (cc is None) != (pid is None):
            absent = cc_name if cc is None else pid_name
            problems.append(
                Problem(
                    "routing_header_incomplete",
                    f"{absent} is missing while its partner header is present",
                    "REQ-TF-043",
                    Level.MUST,
                    header=absent,
                )
            )
        elif cc is None:
            open_routing = side == "to" and not response
            level = Level.MUST if required else (Level.INFO if open_routing else Level.SHOULD)
            what = "request" if not response else "response"
            note = " (allowed for open routing)" if open_routing and not required else ""
            problems.append(
                Problem(
                    f"missing_routing_{side}",
                    f"the {what} has no OCPI-{side}-* headers{note}",
                    "REQ-TF-050" if open_routing else "REQ-TF-043",
                    level,
                    header=cc_name,
                )
            )
    if expected is not None:
        for name, want, got in zip(
            ROUTING_HEADERS, expected._values(), present._values(), strict=True
        ):
            if want is not None and got is not None and _ci(want) != _ci(got):
                problems.append(
                    Problem(
                        "routing_header_mismatch",
                        f"{name} is {got!r}, expected {want!r}",
                        "REQ-TF-045",
                        Level.MUST,
                        header=name,
                    )
                )
    return problems
