"""Which suites and cases a run takes: the default suites folder, and grouping by the SUT
(OCPI version and role) that each suite is written for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import harness
from harness.model import Suite
from harness.ocpi.roles import Role
from harness.ocpi.versions import VersionNumber

__all__ = ["default_suites_root", "group_suites", "select_suites"]


def default_suites_root() -> Path:
    """``suites/`` of the checkout, or ``harness/_data/suites`` of an installed wheel."""
    package = Path(harness.__file__).resolve().parent
    installed = package / "_data" / "suites"
    return installed if installed.is_dir() else package.parent / "suites"


def select_suites(
    suites: Iterable[Suite], *, role: Role | None = None, version: VersionNumber | None = None
) -> list[Suite]:
    """The suites for a ``role`` SUT in ``version`` (None: any)."""
    return [
        s
        for s in suites
        if (role is None or s.sut_role == role) and (version is None or s.ocpi_version == version)
    ]


def group_suites(suites: Sequence[Suite]) -> list[tuple[VersionNumber, Role, list[Suite]]]:
    """Suites grouped by (version, SUT role): CPO before EMSP, versions oldest first, suites
    in their given order."""
    groups: dict[tuple[VersionNumber, Role], list[Suite]] = {}
    for suite in suites:
        groups.setdefault((suite.ocpi_version, suite.sut_role), []).append(suite)
    order = list(VersionNumber)
    keys = sorted(groups, key=lambda k: (order.index(k[0]), k[1] is not Role.CPO, k[1].value))
    return [(version, role, groups[(version, role)]) for version, role in keys]
