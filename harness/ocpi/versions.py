"""OCPI versions: the ones the harness implements, the labels each spec lists, negotiation.

Sources: ``version_information_endpoint`` §VersionNumber enum of each version (2.1.1 lists
2.0, 2.1, 2.1.1; 2.2.1 adds 2.2 and 2.2.1; 2.3.0 adds 2.3.0 and makes the enum an OpenEnum,
REQ-230-003/005), docs/ocpi-requirements.md §6.1 for what changed between versions, and
interop-pitfalls row 12 for the deprecated "2.1" label seen in the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum, unique
from types import MappingProxyType

from harness.errors import UnknownVersionError
from harness.ocpi.problems import Level, Problem


@unique
class VersionNumber(StrEnum):
    """An OCPI version the harness implements; the value is the wire spelling."""

    V2_1_1 = "2.1.1"
    V2_2_1 = "2.2.1"
    V2_3_0 = "2.3.0"


SUPPORTED_VERSIONS: tuple[VersionNumber, ...] = (
    VersionNumber.V2_1_1,
    VersionNumber.V2_2_1,
    VersionNumber.V2_3_0,
)
"""The implemented versions, oldest first (this order is the negotiation order)."""

VERSION_LABELS: Mapping[VersionNumber, tuple[str, ...]] = MappingProxyType(
    {
        VersionNumber.V2_1_1: ("2.0", "2.1", "2.1.1"),
        VersionNumber.V2_2_1: ("2.0", "2.1", "2.1.1", "2.2", "2.2.1"),
        VersionNumber.V2_3_0: ("2.0", "2.1", "2.1.1", "2.2", "2.2.1", "2.3.0"),
    }
)
"""The values of each version's VersionNumber enum, in the order the spec lists them."""

DEPRECATED_LABELS: Mapping[str, str] = MappingProxyType({"2.1": "2.1.1", "2.2": "2.2.1"})
"""Labels the spec marks DEPRECATED, with the label it says to use instead."""

LENIENT_ALIASES: Mapping[str, VersionNumber] = MappingProxyType({"2.1": VersionNumber.V2_1_1})
"""Deprecated labels a lenient profile reads as an implemented version (pitfall 12).

Only "2.1": it was withdrawn in favour of 2.1.1, which fixed it, and parties still advertise
it for 2.1.1 endpoints. "2.2" is not aliased: 2.2 and 2.2.1 differ in more than errata.
"""


@dataclass(frozen=True, slots=True)
class VersionTraits:
    """Transport-level features that depend on the version (docs/ocpi-requirements.md §6.1)."""

    base64_token: bool
    """Authorization header carries Base64 of the token (2.2+) instead of the raw token."""
    tracing_headers: bool
    """X-Request-ID / X-Correlation-ID are required (2.2+; REQ-211-003)."""
    routing_headers: bool
    """OCPI-to-* / OCPI-from-* exist (2.2+; REQ-211-004)."""
    interface_roles: bool
    """Endpoint objects carry an InterfaceRole (2.2+; REQ-211-012)."""
    hub_status_codes: bool
    """The 4xxx hub error codes are defined (2.2+; REQ-211-011)."""
    custom_status_ranges: bool
    """The x9xx custom status code ranges are defined (2.2+; REQ-211-011)."""
    open_enums: bool
    """ModuleID, VersionNumber and other enums accept unknown values (2.3.0; REQ-230-003)."""
    tolerate_unknown_fields: bool
    """Undocumented JSON fields must not be rejected (2.3.0; REQ-230-001)."""


_TRAITS: Mapping[VersionNumber, VersionTraits] = MappingProxyType(
    {
        VersionNumber.V2_1_1: VersionTraits(
            base64_token=False,
            tracing_headers=False,
            routing_headers=False,
            interface_roles=False,
            hub_status_codes=False,
            custom_status_ranges=False,
            open_enums=False,
            tolerate_unknown_fields=False,
        ),
        VersionNumber.V2_2_1: VersionTraits(
            base64_token=True,
            tracing_headers=True,
            routing_headers=True,
            interface_roles=True,
            hub_status_codes=True,
            custom_status_ranges=True,
            open_enums=False,
            tolerate_unknown_fields=False,
        ),
        VersionNumber.V2_3_0: VersionTraits(
            base64_token=True,
            tracing_headers=True,
            routing_headers=True,
            interface_roles=True,
            hub_status_codes=True,
            custom_status_ranges=True,
            open_enums=True,
            tolerate_unknown_fields=True,
        ),
    }
)


def traits(version: VersionNumber | str) -> VersionTraits:
    """The transport features of ``version``."""
    return _TRAITS[require_version(version)]


def require_version(version: VersionNumber | str) -> VersionNumber:
    """Turn a version given by the harness's own caller into a :class:`VersionNumber`.

    For labels that come from a partner use :func:`parse_version`, which never raises.

    Raises:
        UnknownVersionError: ``version`` is not an implemented version.
    """
    try:
        return VersionNumber(version)
    except ValueError:
        supported = ", ".join(SUPPORTED_VERSIONS)
        raise UnknownVersionError(
            f"OCPI version {version!r} is not implemented (supported: {supported})"
        ) from None


def version_labels(version: VersionNumber | str) -> tuple[str, ...]:
    """The labels listed by the VersionNumber enum of ``version``."""
    return VERSION_LABELS[require_version(version)]


def version_order(version: VersionNumber | str) -> int:
    """Position of an implemented version in :data:`SUPPORTED_VERSIONS` (higher is newer)."""
    return SUPPORTED_VERSIONS.index(require_version(version))


@dataclass(frozen=True, slots=True)
class VersionParse:
    """The reading of one version label sent by a partner."""

    label: object
    version: VersionNumber | None
    """The implemented version the label stands for, or None."""
    known: bool
    """The label is listed by the VersionNumber enum of some implemented version."""
    deprecated: bool
    problem: Problem | None


_ALL_LABELS = frozenset(label for labels in VERSION_LABELS.values() for label in labels)


def parse_version(label: object, *, lenient: bool = False) -> VersionParse:
    """Read a VersionNumber value from a partner (a ``Version.version`` or similar).

    Exact labels of implemented versions map to them. "2.1" maps to 2.1.1 only when
    ``lenient``, with a SHOULD-level problem; when strict it maps to nothing, with a MUST-level
    problem (pitfall 12). Other labels ("2.0", "2.2", unknown ones) map to nothing: "2.2" is
    reported as deprecated, an unlisted label as INFO (2.3.0 makes the enum open, so whether it
    is an error depends on the version being spoken). Never raises.
    """
    if not isinstance(label, str):
        problem = Problem(
            code="version_not_string",
            message=f"a version number must be a JSON string, got {label!r}",
            req="REQ-VER-002",
            level=Level.MUST,
        )
        return VersionParse(label, None, known=False, deprecated=False, problem=problem)
    try:
        exact = VersionNumber(label)
    except ValueError:
        pass
    else:
        return VersionParse(label, exact, known=True, deprecated=False, problem=None)
    if label in DEPRECATED_LABELS:
        alias = LENIENT_ALIASES.get(label) if lenient else None
        instead = DEPRECATED_LABELS[label]
        level = Level.SHOULD if alias is not None else Level.MUST
        read = f"; read as {alias}" if alias is not None else ""
        problem = Problem(
            code="deprecated_version_label",
            message=f"version label {label!r} is deprecated, the spec says use {instead!r}{read}",
            req="REQ-VER-002",
            level=level,
        )
        return VersionParse(label, alias, known=True, deprecated=True, problem=problem)
    if label in _ALL_LABELS:
        return VersionParse(label, None, known=True, deprecated=False, problem=None)
    problem = Problem(
        code="unknown_version_label",
        message=f"version label {label!r} is not listed by any implemented OCPI version",
        req="REQ-VER-002",
        level=Level.INFO,
    )
    return VersionParse(label, None, known=False, deprecated=False, problem=problem)


def negotiate(
    ours: Iterable[VersionNumber | str],
    theirs: Iterable[object],
    *,
    lenient: bool = False,
) -> VersionNumber | None:
    """The highest version both sides implement, or None (credentials §Registration step 2).

    ``ours`` are versions the harness plays (they must be implemented ones); ``theirs`` are the
    labels a partner listed, read with :func:`parse_version` (so "2.1" counts as 2.1.1 only when
    ``lenient``).
    """
    mine = {require_version(v) for v in ours}
    offered: set[VersionNumber] = set()
    for label in theirs:
        parsed = parse_version(label, lenient=lenient)
        if parsed.version is not None:
            offered.add(parsed.version)
    mutual = mine & offered
    if not mutual:
        return None
    return max(mutual, key=version_order)
