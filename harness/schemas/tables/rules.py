"""Cross-field rules that the object tables state in their descriptions, as JSON Schema.

Each constant is added to one object's schema (``extra=`` in the tables). Sources are the
description columns of the named object tables; REQ ids refer to ``ocpi-requirements.md`` §4.
"""

from __future__ import annotations

from typing import Any

# Hours (2.2+): regular_hours is required, with at least one entry, when twentyfourseven is false.
HOURS: dict[str, Any] = {
    "if": {"properties": {"twentyfourseven": {"const": False}}, "required": ["twentyfourseven"]},
    "then": {"required": ["regular_hours"], "properties": {"regular_hours": {"minItems": 1}}},
}

# Hours (2.1.1): a choice, exactly one of regular_hours and twentyfourseven.
HOURS_211: dict[str, Any] = {
    "oneOf": [{"required": ["regular_hours"]}, {"required": ["twentyfourseven"]}],
}

# PublishTokenType: at least one of uid, visual_number, group_id; type goes with uid and
# issuer with visual_number.
PUBLISH_TOKEN: dict[str, Any] = {
    "anyOf": [
        {"required": ["uid"]},
        {"required": ["visual_number"]},
        {"required": ["group_id"]},
    ],
    "dependentRequired": {"uid": ["type"], "visual_number": ["issuer"]},
}

# Location: publish_allowed_to may only be used when publish is false.
LOCATION_PUBLISH: dict[str, Any] = {
    "if": {"properties": {"publish": {"const": True}}, "required": ["publish"]},
    "then": {"properties": {"publish_allowed_to": {"maxItems": 0}}},
}

# StartSession (2.2.1): connector_id only together with evse_uid.
START_SESSION: dict[str, Any] = {"dependentRequired": {"connector_id": ["evse_uid"]}}

# CDR (2.2+): a credit CDR names the CDR it credits.
CDR_CREDIT: dict[str, Any] = {
    "if": {"properties": {"credit": {"const": True}}, "required": ["credit"]},
    "then": {"required": ["credit_reference_id"]},
}
