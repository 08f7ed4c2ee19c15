"""Module identifiers per version, what kind of module each is and who owns its data.

Sources: ``version_information_endpoint`` §ModuleID enum (2.1.1 lists cdrs, commands,
credentials, locations, sessions, tariffs, tokens; 2.2.1 adds chargingprofiles and hubclientinfo;
2.3.0 makes it an OpenEnum) and the heading lines of each module chapter ("Module Identifier",
"Data owner", "Type"). 2.3.0's ``invoicereconciliation`` is named in its own chapter but missing
from the ModuleID table; we count it as a 2.3.0 module (AMB-44).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum, unique
from types import MappingProxyType

from harness.ocpi.roles import DataOwner
from harness.ocpi.versions import VersionNumber, require_version, traits


@unique
class ModuleID(StrEnum):
    """A standard module identifier (``Endpoint.identifier``), spelled as on the wire."""

    CDRS = "cdrs"
    CHARGING_PROFILES = "chargingprofiles"
    COMMANDS = "commands"
    CREDENTIALS = "credentials"
    HUB_CLIENT_INFO = "hubclientinfo"
    INVOICE_RECONCILIATION = "invoicereconciliation"
    LOCATIONS = "locations"
    SESSIONS = "sessions"
    TARIFFS = "tariffs"
    TOKENS = "tokens"


VERSIONS_MODULE = "versions"
"""The versions module has no ModuleID (its endpoints are discovered out of band), but the
routing rules count it as a configuration module (``transport_and_format`` §Message Routing)."""

_V211_MODULES = frozenset(
    {
        ModuleID.CDRS,
        ModuleID.COMMANDS,
        ModuleID.CREDENTIALS,
        ModuleID.LOCATIONS,
        ModuleID.SESSIONS,
        ModuleID.TARIFFS,
        ModuleID.TOKENS,
    }
)
_V221_MODULES = _V211_MODULES | {ModuleID.CHARGING_PROFILES, ModuleID.HUB_CLIENT_INFO}

MODULE_IDS: Mapping[VersionNumber, frozenset[ModuleID]] = MappingProxyType(
    {
        VersionNumber.V2_1_1: _V211_MODULES,
        VersionNumber.V2_2_1: _V221_MODULES,
        VersionNumber.V2_3_0: _V221_MODULES | {ModuleID.INVOICE_RECONCILIATION},
    }
)
"""The standard modules of each version."""

MODULE_ID_TABLE_OMISSIONS: Mapping[VersionNumber, frozenset[ModuleID]] = MappingProxyType(
    {
        VersionNumber.V2_1_1: frozenset(),
        VersionNumber.V2_2_1: frozenset(),
        VersionNumber.V2_3_0: frozenset({ModuleID.INVOICE_RECONCILIATION}),
    }
)
"""Modules of a version that its ModuleID enum table does not list (AMB-44)."""


def module_ids(version: VersionNumber | str) -> frozenset[ModuleID]:
    """The standard modules of ``version``."""
    return MODULE_IDS[require_version(version)]


def parse_module_id(identifier: object, version: VersionNumber | str) -> ModuleID | None:
    """The standard module ``identifier`` names in ``version``, or None for anything else.

    None covers custom modules (allowed by agreement, ``version_information_endpoint``
    §Custom Modules; any value in 2.3.0's OpenEnum), modules of other versions and non-strings.
    Matching is exact: ModuleID values are case-sensitive.
    """
    if not isinstance(identifier, str):
        return None
    try:
        module = ModuleID(identifier)
    except ValueError:
        return None
    return module if module in module_ids(version) else None


@unique
class ModuleKind(StrEnum):
    """A module chapter's "Type:" line (2.2+); decides whether routing headers apply."""

    FUNCTIONAL = "Functional Module"
    CONFIGURATION = "Configuration Module"


_CONFIGURATION_MODULES = frozenset({ModuleID.CREDENTIALS, ModuleID.HUB_CLIENT_INFO})


def module_kind(module: ModuleID | str) -> ModuleKind | None:
    """Functional or configuration; None for an identifier that is not a standard module.

    The kind of a module is the same in every version that has it. 2.1.1 has no such
    classification, but nothing there depends on it (no routing headers).
    """
    if module == VERSIONS_MODULE:
        return ModuleKind.CONFIGURATION
    try:
        standard = ModuleID(module)
    except ValueError:
        return None
    return ModuleKind.CONFIGURATION if standard in _CONFIGURATION_MODULES else ModuleKind.FUNCTIONAL


def routing_headers_apply(version: VersionNumber | str, module: ModuleID | str) -> bool:
    """Whether requests and responses of ``module`` carry OCPI-to-*/OCPI-from-* headers.

    Yes for functional modules from 2.2 on (REQ-TF-043); never for credentials, versions and
    hubclientinfo (REQ-TF-044); never in 2.1.1 (REQ-211-004); unknown for custom modules, which
    this answers with False (the spec cannot say).
    """
    if not traits(version).routing_headers:
        return False
    return module_kind(module) is ModuleKind.FUNCTIONAL


_OWNERS_221: Mapping[ModuleID, frozenset[DataOwner]] = MappingProxyType(
    {
        ModuleID.CDRS: frozenset({DataOwner.CPO}),
        ModuleID.CHARGING_PROFILES: frozenset(),
        ModuleID.COMMANDS: frozenset(),
        ModuleID.CREDENTIALS: frozenset(),
        ModuleID.HUB_CLIENT_INFO: frozenset({DataOwner.HUB}),
        ModuleID.LOCATIONS: frozenset({DataOwner.CPO}),
        ModuleID.SESSIONS: frozenset({DataOwner.CPO}),
        ModuleID.TARIFFS: frozenset({DataOwner.CPO}),
        ModuleID.TOKENS: frozenset({DataOwner.MSP}),
    }
)

DATA_OWNERS: Mapping[VersionNumber, Mapping[ModuleID, frozenset[DataOwner]]] = MappingProxyType(
    {
        # 2.1.1 chapters have no "Data owner" line; the owners follow from which side pushes
        # (CPO interface vs eMSP interface) and are the same as in 2.2.1.
        VersionNumber.V2_1_1: MappingProxyType(
            {m: o for m, o in _OWNERS_221.items() if m in _V211_MODULES}
        ),
        VersionNumber.V2_2_1: _OWNERS_221,
        VersionNumber.V2_3_0: MappingProxyType(
            {
                **_OWNERS_221,
                ModuleID.INVOICE_RECONCILIATION: frozenset({DataOwner.CPO, DataOwner.MSP}),
            }
        ),
    }
)
"""Who owns each module's data; an empty set where the chapter names no owner."""


def data_owners(version: VersionNumber | str, module: ModuleID | str) -> frozenset[DataOwner]:
    """The data owners of ``module`` in ``version`` (empty if none, or not a module there)."""
    owners = DATA_OWNERS[require_version(version)]
    try:
        return owners.get(ModuleID(module), frozenset())
    except ValueError:
        return frozenset()
