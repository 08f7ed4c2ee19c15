"""Charging preferences on the mock CPO: ACCEPTED for a ProfileType whose TariffType the
session's Connector has a Tariff of, PROFILE_TYPE_NOT_SUPPORTED otherwise (REQ-SES-002/024);
the control API's sessions/start picks an EVSE by capability and a Connector by TariffType."""

from __future__ import annotations

from typing import Any

import httpx

from harness.ocpi import VersionNumber
from tests.mock_partners.conftest import Pair
from tests.mock_partners.helpers import Control, auth, envelope_ok, module_url

V = VersionNumber.V2_2_1


def _start(pair: Pair, **args: Any) -> dict[str, Any]:
    session: dict[str, Any] = Control(pair.cpo).ok("POST", "/sessions/start", args)["session"]
    return session


def _types_at(pair: Pair, session: dict[str, Any]) -> set[str]:
    location = pair.cpo.state.catalog(V, "locations").get(session["location_id"])
    assert location is not None
    evse = next(e for e in location["evses"] if e["uid"] == session["evse_uid"])
    assert "CHARGING_PREFERENCES_CAPABLE" in evse["capabilities"]
    connector = next(c for c in evse["connectors"] if c["id"] == session["connector_id"])
    tariffs = pair.cpo.state.catalog(V, "tariffs")
    found = (tariffs.get(i) for i in connector["tariff_ids"])
    return {str(t.get("type") or "REGULAR") for t in found if t is not None}


def _prefer(http: httpx.Client, pair: Pair, session_id: str, profile: str) -> Any:
    url = f"{module_url(pair.cpo, '2.2.1', 'sessions')}/{session_id}/charging_preferences"
    body = {"profile_type": profile, "energy_need": 10}
    return envelope_ok(http.put(url, json=body, headers=auth(pair.cpo_token)))["data"]


def test_profiles_are_supported_where_the_connector_has_their_tariff(
    http: httpx.Client, pair: Pair
) -> None:
    session = _start(pair, capability="CHARGING_PREFERENCES_CAPABLE", tariff_type="PROFILE_CHEAP")
    assert "PROFILE_CHEAP" in _types_at(pair, session)
    assert _prefer(http, pair, session["id"], "CHEAP") == "ACCEPTED"
    assert _prefer(http, pair, session["id"], "FAST") == "PROFILE_TYPE_NOT_SUPPORTED"


def test_an_unknown_capability_is_a_control_error(pair: Pair) -> None:
    answer = Control(pair.cpo).call("POST", "/sessions/start", {"capability": "NO_SUCH"})
    assert answer.status_code >= 400
