"""The mocks implement exactly the interfaces harness.ocpi says their roles have."""

from __future__ import annotations

import re

import pytest

from harness.ocpi import InterfaceRole, UrlBase, VersionNumber, interface
from mock_partners.cpo import cpo_operations
from mock_partners.emsp import emsp_operations
from mock_partners.operations import OpsFactory

PLACEHOLDER = re.compile(r"\{[a-z_]+\}|[A-Z_]+")  # the mock spells out each {command}
# Where a side of a module lives at a URL of the implementer's choosing (response_url, the CDR
# Location header), the mock picks a path: those operations are checked by method only.
FREE_FORM = frozenset({UrlBase.RESPONSE_URL, UrlBase.LOCATION_HEADER})


def shape(path: str) -> tuple[str, ...]:
    return tuple("{}" if PLACEHOLDER.fullmatch(p) else p for p in path.split("/") if p)


@pytest.mark.parametrize("version", list(VersionNumber))
@pytest.mark.parametrize("factory", [cpo_operations, emsp_operations], ids=["cpo", "emsp"])
def test_operations_match_the_spec_interfaces(factory: OpsFactory, version: VersionNumber) -> None:
    ours: dict[tuple[str, InterfaceRole | None], set[tuple[str, tuple[str, ...]]]] = {}
    for op in factory(version):
        ours.setdefault((op.module.value, op.interface), set()).add((op.method, shape(op.path)))
    for (module, role), operations in ours.items():
        spec = interface(version, module, role)
        assert spec is not None, f"{version} has no {module} {role} interface"
        fixed = {(o.method, shape(o.path)) for o in spec.operations if o.base not in FREE_FORM}
        free = {o.method for o in spec.operations if o.base in FREE_FORM}
        assert fixed <= operations, f"{version} {module} {role}: missing {fixed - operations}"
        extra = {(m, p) for m, p in operations - fixed if m not in free}
        assert not extra, f"{version} {module} {role}: not in the spec {extra}"
