"""Module interfaces as data: for each (version, module, interface role) the URL patterns and
HTTP methods the spec defines, plus URL joining.

Sources: the "Interfaces and endpoints" section of every module chapter (method tables and
"Endpoint structure definition" lines) and docs/ocpi-requirements.md §1.1. Paths are relative to
the endpoint URL found in version details, written as ``"{country_code}/{party_id}/{tariff_id}"``;
``""`` is the endpoint URL itself. Optional trailing segments (``[/{evse_uid}]``) are listed as
separate operations. 2.1.1 has no InterfaceRole: its "CPO interface" / "eMSP interface" are
filed under the role they play (e.g. the 2.1.1 CPO locations interface is the SENDER one) and
``typical_roles`` keeps the 2.1.1 name.

Decisions: the charging-profiles Sender lists PUT twice, once as "n/a" (AMB-43): PUT is
supported. The invoice-reconciliation Receiver template lacks the owner segments its parameter
tables require (AMB-44): GET/PUT/DELETE use ``{country_code}/{party_id}/{id}``, POST the bare URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum, unique
from types import MappingProxyType
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

from harness.ocpi.modules import ModuleID
from harness.ocpi.roles import InterfaceRole, Role
from harness.ocpi.versions import VersionNumber, require_version

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

LIST_QUERY: tuple[str, ...] = ("date_from", "date_to", "offset", "limit")
"""Query parameters of every paginated GET (``transport_and_format`` §Paginated Request)."""


@unique
class UrlBase(StrEnum):
    """What an operation's path is relative to."""

    ENDPOINT = "endpoint"
    """The module endpoint URL from version details."""
    RESPONSE_URL = "response_url"
    """A URL the other side gave in a request body (commands, charging profiles results)."""
    LOCATION_HEADER = "location_header"
    """The URL returned in the ``Location`` header of a CDR POST (cdrs Receiver GET)."""


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one URL pattern of an interface."""

    method: HttpMethod
    path: str = ""
    base: UrlBase = UrlBase.ENDPOINT
    query: tuple[str, ...] = ()
    paginated: bool = False

    @property
    def parameters(self) -> tuple[str, ...]:
        """The names of the placeholders in :attr:`path`, in order."""
        return tuple(_PLACEHOLDER.findall(self.path))

    def url(self, base_url: str, **values: str) -> str:
        """The URL of this operation below ``base_url``, placeholders filled from ``values``.

        Raises:
            KeyError: a placeholder has no value.
        """
        segments = [
            values[m.group(1)] if (m := _PLACEHOLDER.fullmatch(part)) else part
            for part in self.path.split("/")
            if part
        ]
        return join_url(base_url, *segments)


@dataclass(frozen=True, slots=True)
class Interface:
    """One side of a module in one version."""

    version: VersionNumber
    module: ModuleID
    role: InterfaceRole | None
    """SENDER or RECEIVER; None for the symmetric credentials module."""
    typical_roles: frozenset[Role]
    """Roles the spec says usually implement it; empty when it names none."""
    operations: tuple[Operation, ...]

    @property
    def methods(self) -> frozenset[str]:
        """The HTTP methods this interface supports on any of its URLs."""
        return frozenset(op.method for op in self.operations)

    def operations_for(self, method: str) -> tuple[Operation, ...]:
        """The operations using ``method`` (upper case)."""
        return tuple(op for op in self.operations if op.method == method)


def join_url(base: str, *segments: str) -> str:
    """Append path segments to ``base`` with exactly one "/" between parts (AMB-33).

    A trailing "/" on ``base`` is ignored, each segment is percent-encoded as one path segment
    (so a "/" inside an id cannot add a level), and a query string on ``base`` is kept.

    Raises:
        ValueError: a segment is empty (an empty id would silently address the parent).
    """
    if not segments:
        return base
    scheme, netloc, path, query, fragment = urlsplit(base)
    parts = [path.rstrip("/")]
    for segment in segments:
        if segment == "":
            raise ValueError(f"empty path segment in join_url({base!r}, ...)")
        parts.append(quote(segment, safe="-._~!$&'()*+,;=:@"))
    return urlunsplit((scheme, netloc, "/".join(parts), query, fragment))


def _ops(method: HttpMethod, *paths: str, query: tuple[str, ...] = ()) -> tuple[Operation, ...]:
    return tuple(Operation(method, p, query=query) for p in paths)


def _list() -> Operation:
    return Operation("GET", "", query=LIST_QUERY, paginated=True)


_LOC_OBJ = ("{location_id}", "{location_id}/{evse_uid}", "{location_id}/{evse_uid}/{connector_id}")
_LOC_OWNED = tuple(f"{{country_code}}/{{party_id}}/{p}" for p in _LOC_OBJ)
_SESSION = "{country_code}/{party_id}/{session_id}"
_TARIFF = "{country_code}/{party_id}/{tariff_id}"
_TOKEN = "{country_code}/{party_id}/{token_uid}"
_IRR = "{country_code}/{party_id}/{id}"

_CPO = frozenset({Role.CPO})
_EMSP = frozenset({Role.EMSP})
_NONE: frozenset[Role] = frozenset()
_S, _R = InterfaceRole.SENDER, InterfaceRole.RECEIVER

# (module, role) -> (typical roles, operations); one table per version, built from the 2.2.1
# table plus the differences each version's chapters show.
_Table = dict[tuple[ModuleID, InterfaceRole | None], tuple[frozenset[Role], tuple[Operation, ...]]]

_V221: _Table = {
    (ModuleID.CREDENTIALS, None): (
        _NONE,
        (Operation("GET"), Operation("POST"), Operation("PUT"), Operation("DELETE")),
    ),
    (ModuleID.LOCATIONS, _S): (_CPO, (_list(), *_ops("GET", *_LOC_OBJ))),
    (ModuleID.LOCATIONS, _R): (
        frozenset({Role.EMSP, Role.NSP}),
        _ops("GET", *_LOC_OWNED) + _ops("PUT", *_LOC_OWNED) + _ops("PATCH", *_LOC_OWNED),
    ),
    (ModuleID.SESSIONS, _S): (
        _CPO,
        (_list(), Operation("PUT", "{session_id}/charging_preferences")),
    ),
    (ModuleID.SESSIONS, _R): (
        frozenset({Role.EMSP, Role.SCSP}),
        (Operation("GET", _SESSION), Operation("PUT", _SESSION), Operation("PATCH", _SESSION)),
    ),
    (ModuleID.CDRS, _S): (_CPO, (_list(),)),
    (ModuleID.CDRS, _R): (
        _EMSP,
        (Operation("POST"), Operation("GET", base=UrlBase.LOCATION_HEADER)),
    ),
    (ModuleID.TARIFFS, _S): (_CPO, (_list(),)),
    (ModuleID.TARIFFS, _R): (
        frozenset({Role.EMSP, Role.NSP}),
        (Operation("GET", _TARIFF), Operation("PUT", _TARIFF), Operation("DELETE", _TARIFF)),
    ),
    (ModuleID.TOKENS, _S): (
        _EMSP,
        (_list(), Operation("POST", "{token_uid}/authorize", query=("type",))),
    ),
    (ModuleID.TOKENS, _R): (
        _CPO,
        (
            Operation("GET", _TOKEN, query=("type",)),
            Operation("PUT", _TOKEN, query=("type",)),
            Operation("PATCH", _TOKEN, query=("type",)),
        ),
    ),
    (ModuleID.COMMANDS, _R): (_CPO, (Operation("POST", "{command}"),)),
    (ModuleID.COMMANDS, _S): (_EMSP, (Operation("POST", base=UrlBase.RESPONSE_URL),)),
    (ModuleID.CHARGING_PROFILES, _R): (
        _CPO,
        (
            Operation("GET", "{session_id}", query=("duration", "response_url")),
            Operation("PUT", "{session_id}"),
            Operation("DELETE", "{session_id}", query=("response_url",)),
        ),
    ),
    (ModuleID.CHARGING_PROFILES, _S): (
        frozenset({Role.SCSP}),
        (Operation("POST", base=UrlBase.RESPONSE_URL), Operation("PUT", "{session_id}")),
    ),
    (ModuleID.HUB_CLIENT_INFO, _S): (frozenset({Role.HUB}), (_list(),)),
    (ModuleID.HUB_CLIENT_INFO, _R): (
        _NONE,
        (
            Operation("GET", "{country_code}/{party_id}"),
            Operation("PUT", "{country_code}/{party_id}"),
        ),
    ),
}

_V211: _Table = {
    key: value
    for key, value in _V221.items()
    if key[0] not in {ModuleID.CHARGING_PROFILES, ModuleID.HUB_CLIENT_INFO}
}
_V211.update(
    {
        # Locations receiver: the eMSP interface; only CPO and eMSP exist in 2.1.1.
        (ModuleID.LOCATIONS, _R): (_EMSP, _V221[(ModuleID.LOCATIONS, _R)][1]),
        # No charging preferences in 2.1.1.
        (ModuleID.SESSIONS, _S): (_CPO, (_list(),)),
        (ModuleID.SESSIONS, _R): (_EMSP, _V221[(ModuleID.SESSIONS, _R)][1]),
        # The 2.1.1 eMSP tariffs interface also takes PATCH (REQ-211-024).
        (ModuleID.TARIFFS, _R): (
            _EMSP,
            (
                Operation("GET", _TARIFF),
                Operation("PUT", _TARIFF),
                Operation("PATCH", _TARIFF),
                Operation("DELETE", _TARIFF),
            ),
        ),
        # The 2.1.1 CPO tokens interface has no ?type= parameter (REQ-211-031).
        (ModuleID.TOKENS, _R): (
            _CPO,
            (Operation("GET", _TOKEN), Operation("PUT", _TOKEN), Operation("PATCH", _TOKEN)),
        ),
    }
)

_V230: _Table = dict(_V221)
_V230.update(
    {
        # No HUB role in 2.3.0: hub functionality is not a role any more (REQ-230-008).
        (ModuleID.HUB_CLIENT_INFO, _S): (_NONE, (_list(),)),
        (ModuleID.INVOICE_RECONCILIATION, _S): (frozenset({Role.CPO, Role.EMSP}), (_list(),)),
        (ModuleID.INVOICE_RECONCILIATION, _R): (
            frozenset({Role.CPO, Role.EMSP}),
            (
                Operation("GET", _IRR),
                Operation("POST"),
                Operation("PUT", _IRR),
                Operation("DELETE", _IRR),
            ),
        ),
    }
)


def _freeze(version: VersionNumber, table: _Table) -> tuple[Interface, ...]:
    return tuple(
        Interface(version, module, role, typical, ops)
        for (module, role), (typical, ops) in sorted(
            table.items(), key=lambda item: (item[0][0].value, str(item[0][1]))
        )
    )


INTERFACES: Mapping[VersionNumber, tuple[Interface, ...]] = MappingProxyType(
    {
        VersionNumber.V2_1_1: _freeze(VersionNumber.V2_1_1, _V211),
        VersionNumber.V2_2_1: _freeze(VersionNumber.V2_2_1, _V221),
        VersionNumber.V2_3_0: _freeze(VersionNumber.V2_3_0, _V230),
    }
)
"""Every interface of every implemented version."""

del _V211, _V221, _V230


def interfaces(version: VersionNumber | str) -> tuple[Interface, ...]:
    """All interfaces of ``version``, sorted by module id then role."""
    return INTERFACES[require_version(version)]


def interface(
    version: VersionNumber | str, module: ModuleID | str, role: InterfaceRole | str | None
) -> Interface | None:
    """The ``role`` side of ``module`` in ``version``; None if the spec defines no such side.

    For credentials (symmetric) any ``role`` returns its single interface.
    """
    for candidate in interfaces(version):
        if candidate.module != module:
            continue
        if candidate.role is None or candidate.role == role:
            return candidate
    return None
