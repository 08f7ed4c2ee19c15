"""Behaviour quirks: deliberately wrong protocol behaviour that no message mutation can plant
(a credentials server that answers without fetching the client's endpoints, a registrant that
reuses a token). They are fault rules of kind ``behaviour`` (``{"kind": "behaviour", "quirk":
NAME}``), so the self-test arms them like any other fault.

Server-side quirks fire through the fault middleware: the rule's ``match`` and ``scope``
decide the request, which then carries the quirk in its ASGI scope (:func:`request_quirk`).
Quirks of the mock as a client (the registrant) have no inbound request: :func:`armed_quirk`
looks at the armed rules without counting a match.

Credentials server (``credentials`` §POST/§PUT/§DELETE):

* ``skip_discovery``: POST/PUT answered without reading the client's versions and details
  (breaks REQ-CRED-004 / REQ-CRED-012);
* ``reuse_client_token``: the token the client sent comes back as the new token
  (REQ-CRED-005 / REQ-CRED-013);
* ``keep_token``: PUT answered with the client's old token (REQ-CRED-013);
* ``keep_token_b``: after PUT the mock keeps calling the client with its old token
  (REQ-CRED-006);
* ``ignore_version``: PUT keeps the current version and reads that version's details instead
  of switching to the version of the endpoint called (REQ-CRED-025 / REQ-CRED-012);
* ``delete_keeps_token``: after DELETE the old token is still accepted (REQ-CRED-014).

Registrant (``credentials`` §Registration):

* ``registrant_skips_versions``: guesses the details URL instead of reading the versions list
  (REQ-CRED-002);
* ``registrant_stale_token_b``: sends the token of its previous registration as token B
  (REQ-CRED-003);
* ``registrant_keeps_token_a``: keeps calling the partner with token A after registering
  (REQ-CRED-007).

Module behaviour (the hook actions of ``control_hooks.py``, the chargingprofiles Receiver):

* ``rta_for_always``: the mock CPO asks the eMSP in real time for ALWAYS tokens too
  (REQ-TOK-015);
* ``ignore_rta_answer``: the mock CPO starts the session whatever AllowedType the eMSP
  answered (BLOCKED, EXPIRED, NO_CREDIT, NOT_ALLOWED; REQ-TOK-015);
* ``delete_removed_evse``: a removed EVSE disappears and is DELETEd at the partner
  (REQ-LOC-015);
* ``delete_invalid_token``: an invalidated Token is DELETEd at the partner (REQ-TOK-006);
* ``unsolicited_active_profile``: an ActiveChargingProfile is PUT for a session nobody set a
  profile for (REQ-CP-009).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_partners.fault_rules.glue import QUIRK_SCOPE_KEY
from mock_partners.state import MockState

__all__ = ["QUIRKS", "armed_quirk", "request_quirk"]

QUIRKS = frozenset(
    {
        "skip_discovery",
        "reuse_client_token",
        "keep_token",
        "keep_token_b",
        "ignore_version",
        "delete_keeps_token",
        "registrant_skips_versions",
        "registrant_stale_token_b",
        "registrant_keeps_token_a",
        # control_hooks.py and cpo/chargingprofiles.py (module behaviour)
        "rta_for_always",
        "ignore_rta_answer",
        "delete_removed_evse",
        "delete_invalid_token",
        "unsolicited_active_profile",
    }
)


def request_quirk(scope: Mapping[str, Any], name: str) -> bool:
    """Did a ``behaviour`` rule with quirk ``name`` fire for this request?"""
    return scope.get(QUIRK_SCOPE_KEY) == name


def armed_quirk(state: MockState, name: str) -> bool:
    """Is a ``behaviour`` rule with quirk ``name`` armed (the mock as a client)?"""
    plan = state.faults
    if plan is None:
        return False
    return any(
        rule.action.kind == "behaviour" and rule.action.param("quirk") == name
        for rule in plan.rules
    )
