"""The mock eMSP fills in connector_id of a StartSession when the EVSE requires it (REQ-CMD-014)."""

from __future__ import annotations

from harness.ocpi import ModuleID, VersionNumber
from mock_partners.control_actions import required_connector
from tests.mock_partners.conftest import Pair


def test_connector_is_named_only_when_the_evse_requires_it(pair: Pair) -> None:
    state = pair.emsp.state
    version = VersionNumber("2.2.1")
    evses = [
        {"uid": "E1", "capabilities": ["START_SESSION_CONNECTOR_REQUIRED"],
         "connectors": [{"id": "7"}, {"id": "8"}]},
        {"uid": "E2", "capabilities": ["RFID_READER"], "connectors": [{"id": "1"}]},
    ]  # fmt: skip
    location = {"id": "LX", "country_code": "NL", "party_id": "CPO", "evses": evses}
    state.store.put(f"{version}/{ModuleID.LOCATIONS}", "NL", "CPO", "LX", location)
    assert required_connector(state, version, {"location_id": "LX", "evse_uid": "E1"}) == "7"
    assert required_connector(state, version, {"location_id": "LX", "evse_uid": "E2"}) is None
    assert required_connector(state, version, {"location_id": "LY", "evse_uid": "E1"}) is None
    assert required_connector(state, version, {"location_id": "LX"}) is None
