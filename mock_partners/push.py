"""Pushing an object to the registered partner's Receiver interface, as each module requires.

Client-owned objects go to ``{url}/{country_code}/{party_id}/{id}`` with PUT (new or whole
object) or PATCH (changed fields + ``last_updated``; ``transport_and_format`` §Client Owned
Object Push), Tokens add ``?type=`` from 2.2 (REQ-TOK-001), CDRs are POSTed to the bare URL
(REQ-CDR-003), ClientInfo goes to ``{url}/{country_code}/{party_id}``.
"""

from __future__ import annotations

from typing import Any

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, join_url
from mock_partners.outbound import OutboundResult
from mock_partners.partners import Registration
from mock_partners.state import MockState

OBJECT_NAMES: dict[str, str] = {
    "locations": "Location",
    "sessions": "Session",
    "cdrs": "CDR",
    "tariffs": "Tariff",
    "tokens": "Token",
    "hubclientinfo": "ClientInfo",
}


class PushError(Exception):
    """The push cannot be sent (no partner endpoint, unknown module)."""


def default_method(module: str) -> str:
    return "POST" if module == ModuleID.CDRS else "PUT"


def push_url(
    state: MockState,
    registration: Registration,
    version: VersionNumber,
    module: str,
    body: dict[str, Any],
    *,
    object_id: str | None = None,
    location_id: str | None = None,
    evse_uid: str | None = None,
) -> tuple[str, dict[str, str], str]:
    """The partner URL, query and object name for pushing ``body`` of ``module``.

    An EVSE is pushed below ``location_id``, a Connector below ``location_id``/``evse_uid``.
    ``object_id`` names the object when the body does not (a PATCH without its id).
    """
    base = registration.endpoint(module, InterfaceRole.RECEIVER)
    if base is None:
        raise PushError(f"the partner has no {module} Receiver endpoint in OCPI {version}")
    name = OBJECT_NAMES[module]
    if module == ModuleID.CDRS:
        return base, {}, name
    owned_by_us = version is VersionNumber.V2_1_1 or "country_code" not in body
    cc = state.config.country_code if owned_by_us else str(body["country_code"])
    pid = state.config.party_id if owned_by_us else str(body["party_id"])
    if module == ModuleID.HUB_CLIENT_INFO:
        return join_url(base, cc, pid), {}, name
    id_field = "uid" if module == ModuleID.TOKENS else "id"
    segments = [cc, pid]
    if module == ModuleID.LOCATIONS and location_id is not None:
        segments.append(location_id)
        if evse_uid is not None:
            segments.append(evse_uid)
            name = "Connector"
        else:
            id_field, name = "uid", "EVSE"
    the_id = object_id if object_id is not None else body.get(id_field)
    if not isinstance(the_id, str) or not the_id:
        raise PushError(f"the {name} has no {id_field}: give its id")
    query = {}
    if module == ModuleID.TOKENS and version is not VersionNumber.V2_1_1:
        query["type"] = str(body.get("type", "RFID"))
    return join_url(base, *segments, the_id), query, name


async def push(
    state: MockState,
    registration: Registration,
    module: str,
    body: dict[str, Any],
    *,
    method: str | None = None,
    version: VersionNumber | None = None,
    object_id: str | None = None,
    location_id: str | None = None,
    evse_uid: str | None = None,
) -> OutboundResult:
    """Send ``body`` to the partner's ``module`` Receiver (see :func:`push_url`)."""
    if module not in OBJECT_NAMES:
        raise PushError(f"cannot push objects of module {module!r}")
    the_version = version or VersionNumber(registration.version)
    if the_version.value != registration.version:
        raise PushError(
            f"registered with OCPI {registration.version}, not {the_version}: "
            "switch versions with a credentials PUT first"
        )
    the_method = (method or default_method(module)).upper()
    url, query, object_name = push_url(
        state,
        registration,
        the_version,
        module,
        body,
        object_id=object_id,
        location_id=location_id,
        evse_uid=evse_uid,
    )
    return await state.outbound.send(
        the_method,
        url,
        token=registration.token_out,
        version=the_version,
        module=module,
        body=body,
        body_object=object_name,
        partial=the_method == "PATCH",
        partner=registration,
        params=query or None,
    )
