"""The versions module: the versions list and each version's details (REQ-VER-001..008).

Endpoints are derived from the role's operation table, so what the details advertise is
exactly what the mock serves. Our own credentials endpoint is advertised as SENDER
(``version_information_endpoint`` §Endpoint class note; REQ-VER-008); 2.1.1 endpoints have no
role (REQ-211-012).
"""

from __future__ import annotations

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, traits
from mock_partners.state import MockState


def versions_data(state: MockState) -> list[dict[str, str]]:
    config = state.config
    return [{"version": v.value, "url": config.version_url(v)} for v in config.versions]


def endpoints(state: MockState, version: VersionNumber) -> list[dict[str, str]]:
    """The Endpoint objects of ``version``: one per (module, interface role) served."""
    config = state.config
    with_roles = traits(version).interface_roles
    seen: dict[tuple[str, str | None], dict[str, str]] = {}
    for module in state.modules(version):
        roles = {op.interface for op in state.ops(version) if op.module == module}
        for role in sorted(roles, key=lambda r: "" if r is None else r.value):
            wire_role = InterfaceRole.SENDER if role is None else role
            endpoint = {"identifier": module.value, "url": config.module_url(version, module)}
            if with_roles:
                endpoint["role"] = wire_role.value
            key = (module.value, wire_role.value if with_roles else None)
            seen.setdefault(key, endpoint)
    return list(seen.values())


def version_details_data(state: MockState, version: VersionNumber) -> dict[str, object]:
    return {"version": version.value, "endpoints": endpoints(state, version)}


def partner_modules(details: object) -> set[str]:
    """The module identifiers a partner's VersionDetails ``data`` lists."""
    if not isinstance(details, dict):
        return set()
    found = details.get("endpoints")
    if not isinstance(found, list):
        return set()
    return {e["identifier"] for e in found if isinstance(e, dict) and "identifier" in e}


def partner_endpoints(details: object) -> list[dict[str, str]]:
    """The usable Endpoint objects of a partner's VersionDetails ``data``."""
    if not isinstance(details, dict) or not isinstance(details.get("endpoints"), list):
        return []
    out: list[dict[str, str]] = []
    for endpoint in details["endpoints"]:
        if not isinstance(endpoint, dict):
            continue
        identifier, url = endpoint.get("identifier"), endpoint.get("url")
        if isinstance(identifier, str) and isinstance(url, str):
            entry = {"identifier": identifier, "url": url}
            if isinstance(endpoint.get("role"), str):
                entry["role"] = endpoint["role"]
            out.append(entry)
    return out


CREDENTIALS = ModuleID.CREDENTIALS.value
