"""OCPI status codes (the ``status_code`` of the response envelope), per version.

Sources: ``status_codes`` of each version. 2.1.1 defines 1000, 2000–2003 and 3000–3003 and no
custom ranges (REQ-211-011). 2.2.1 adds 2004, the hub errors 4000–4003 and the reserved custom
ranges 1900–1999, 2900–2999, 3900–3999, 4900–4999 (REQ-TF-017/018). 2.3.0's table is the same
as 2.2.1's (the two files are identical).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum, unique
from types import MappingProxyType

from harness.ocpi.versions import VersionNumber, require_version, traits


@unique
class OcpiStatus(IntEnum):
    """Every standard status code of the implemented versions."""

    SUCCESS = 1000
    CLIENT_ERROR = 2000
    INVALID_OR_MISSING_PARAMETERS = 2001
    NOT_ENOUGH_INFORMATION = 2002
    UNKNOWN_LOCATION = 2003
    UNKNOWN_TOKEN = 2004
    SERVER_ERROR = 3000
    UNABLE_TO_USE_CLIENT_API = 3001
    UNSUPPORTED_VERSION = 3002
    NO_MATCHING_ENDPOINTS = 3003
    HUB_ERROR = 4000
    UNKNOWN_RECEIVER = 4001
    FORWARD_TIMEOUT = 4002
    CONNECTION_PROBLEM = 4003


_V211_CODES = frozenset(
    {
        OcpiStatus.SUCCESS,
        OcpiStatus.CLIENT_ERROR,
        OcpiStatus.INVALID_OR_MISSING_PARAMETERS,
        OcpiStatus.NOT_ENOUGH_INFORMATION,
        OcpiStatus.UNKNOWN_LOCATION,
        OcpiStatus.SERVER_ERROR,
        OcpiStatus.UNABLE_TO_USE_CLIENT_API,
        OcpiStatus.UNSUPPORTED_VERSION,
        OcpiStatus.NO_MATCHING_ENDPOINTS,
    }
)

STATUS_CODES: Mapping[VersionNumber, frozenset[OcpiStatus]] = MappingProxyType(
    {
        VersionNumber.V2_1_1: _V211_CODES,
        VersionNumber.V2_2_1: frozenset(OcpiStatus),
        VersionNumber.V2_3_0: frozenset(OcpiStatus),
    }
)
"""The standard codes each version defines."""

_CUSTOM_2X = (range(1900, 2000), range(2900, 3000), range(3900, 4000), range(4900, 5000))

CUSTOM_RANGES: Mapping[VersionNumber, tuple[range, ...]] = MappingProxyType(
    {
        VersionNumber.V2_1_1: (),
        VersionNumber.V2_2_1: _CUSTOM_2X,
        VersionNumber.V2_3_0: _CUSTOM_2X,
    }
)
"""The reserved custom ranges each version defines (19xx, 29xx, 39xx, 49xx from 2.2)."""


@unique
class StatusClass(StrEnum):
    """The range a code falls in (the "Range" table plus the 4xxx section)."""

    SUCCESS = "success"
    CLIENT_ERROR = "client_error"
    SERVER_ERROR = "server_error"
    HUB_ERROR = "hub_error"


_CLASS_BY_THOUSAND: Mapping[int, StatusClass] = MappingProxyType(
    {
        1: StatusClass.SUCCESS,
        2: StatusClass.CLIENT_ERROR,
        3: StatusClass.SERVER_ERROR,
        4: StatusClass.HUB_ERROR,
    }
)


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """What a status code means in one version."""

    code: int
    status_class: StatusClass | None
    """None when the code is outside every range this version defines."""
    standard: OcpiStatus | None
    """The code, if it is one of this version's standard codes."""
    custom: bool
    """The code lies in one of this version's reserved custom ranges."""

    @property
    def known(self) -> bool:
        """Standard, or inside a custom range: a value this version allows (REQ-TF-018)."""
        return self.standard is not None or self.custom

    @property
    def is_success(self) -> bool:
        return self.status_class is StatusClass.SUCCESS


def status_codes(version: VersionNumber | str) -> frozenset[OcpiStatus]:
    """The standard codes of ``version``."""
    return STATUS_CODES[require_version(version)]


def custom_ranges(version: VersionNumber | str) -> tuple[range, ...]:
    """The custom ranges of ``version`` (none in 2.1.1)."""
    return CUSTOM_RANGES[require_version(version)]


def classify_status(code: int, version: VersionNumber | str) -> StatusInfo:
    """Classify ``code`` as ``version`` defines it.

    The class comes from the thousands digit, for the ranges the version defines (4xxx only
    from 2.2; 2.1.1 has 1xxx–3xxx). A code is standard if the version's tables list it, custom if
    it lies in one of its reserved ranges; anything else (e.g. 1001, 2004 in 2.1.1, 200) is
    unknown. ``code`` should be a real int (not bool): callers parsing JSON check that first.
    """
    v = require_version(version)
    standard = OcpiStatus(code) if code in STATUS_CODES[v] else None
    custom = any(code in r for r in CUSTOM_RANGES[v])
    top = 4999 if traits(v).hub_status_codes else 3999
    status_class = _CLASS_BY_THOUSAND[code // 1000] if 1000 <= code <= top else None
    return StatusInfo(code=code, status_class=status_class, standard=standard, custom=custom)
