"""Roles: the Role enum, the InterfaceRole enum and the data owners of modules.

Sources: ``types`` §Role enum (2.2.1: CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP; 2.3.0 drops HUB,
REQ-230-008), ``version_information_endpoint`` §InterfaceRole enum (2.2+; 2.1.1 endpoints have
no role, REQ-211-012), and the "Data owner" line at the top of each module chapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum, unique
from types import MappingProxyType

from harness.ocpi.versions import VersionNumber, require_version


@unique
class Role(StrEnum):
    """A market role, spelled as on the wire (``types`` §Role enum)."""

    CPO = "CPO"
    EMSP = "EMSP"
    HUB = "HUB"
    NAP = "NAP"
    NSP = "NSP"
    OTHER = "OTHER"
    SCSP = "SCSP"


ROLES: Mapping[VersionNumber, frozenset[Role]] = MappingProxyType(
    {
        # 2.1.1 has no Role enum on the wire: a connection is between one CPO and one eMSP, and
        # the module chapters name interfaces after them ("CPO interface", "eMSP interface").
        VersionNumber.V2_1_1: frozenset({Role.CPO, Role.EMSP}),
        VersionNumber.V2_2_1: frozenset(Role),
        VersionNumber.V2_3_0: frozenset(Role) - {Role.HUB},
    }
)
"""The roles that exist in each version."""

ROLE_ENUM_ON_WIRE: Mapping[VersionNumber, bool] = MappingProxyType(
    {
        VersionNumber.V2_1_1: False,
        VersionNumber.V2_2_1: True,
        VersionNumber.V2_3_0: True,
    }
)
"""Whether the version sends Role values (CredentialsRole.role, ClientInfo.role)."""


def roles(version: VersionNumber | str) -> frozenset[Role]:
    """The roles of ``version``."""
    return ROLES[require_version(version)]


@unique
class InterfaceRole(StrEnum):
    """Which side of a module an endpoint implements (2.2+ ``Endpoint.role``)."""

    SENDER = "SENDER"
    """Implemented by the data owner; the other side pulls from it."""
    RECEIVER = "RECEIVER"
    """Implemented by the receiver of data; the owner pushes to it."""


def interface_roles(version: VersionNumber | str) -> frozenset[InterfaceRole]:
    """The InterfaceRole values of ``version``: none in 2.1.1, both from 2.2 on."""
    if require_version(version) is VersionNumber.V2_1_1:
        return frozenset()
    return frozenset(InterfaceRole)


@unique
class DataOwner(StrEnum):
    """A data owner as a module chapter names it ("Data owner: `CPO`", "`MSP`", "`Hub`")."""

    CPO = "CPO"
    MSP = "MSP"
    HUB = "Hub"

    @property
    def role(self) -> Role:
        """The Role value for this owner (MSP is spelled EMSP in the Role enum)."""
        return _OWNER_ROLE[self]


_OWNER_ROLE: Mapping[DataOwner, Role] = MappingProxyType(
    {DataOwner.CPO: Role.CPO, DataOwner.MSP: Role.EMSP, DataOwner.HUB: Role.HUB}
)
