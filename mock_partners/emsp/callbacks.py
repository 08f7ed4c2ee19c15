"""The eMSP's Sender interfaces that take callbacks: command and charging-profile results.

Commands: the CPO POSTs the CommandResult (2.1.1: a CommandResponse) to the ``response_url``
the eMSP chose, ``{commands}/{command}/{request_id}`` here (REQ-CMD-020/021). Charging
profiles: results are POSTed to ``{chargingprofiles}/{active|set|clear}/{request_id}`` and an
unsolicited ActiveChargingProfile is PUT to ``{chargingprofiles}/{session_id}``; both answers
carry no ``data`` (REQ-CP-006/007). The results are in the CallLog for whoever waits on them.
"""

from __future__ import annotations

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, join_url
from mock_partners.config import MockConfig
from mock_partners.operations import Ctx, Op, Reply, ok

SENDER = InterfaceRole.SENDER
COMMANDS, PROFILES = ModuleID.COMMANDS, ModuleID.CHARGING_PROFILES
PROFILE_RESULTS = {
    "active": "ActiveChargingProfileResult",
    "set": "ChargingProfileResult",
    "clear": "ClearProfileResult",
}


def command_response_url(
    config: MockConfig, version: VersionNumber, command: str, request_id: str
) -> str:
    return join_url(config.module_url(version, COMMANDS), command, request_id)


def profile_response_url(
    config: MockConfig, version: VersionNumber, kind: str, request_id: str
) -> str:
    return join_url(config.module_url(version, PROFILES), kind, request_id)


async def accept(ctx: Ctx) -> Reply:
    return ok(include_data=False)


def callback_ops(version: VersionNumber) -> list[Op]:
    result = "CommandResponse" if version is VersionNumber.V2_1_1 else "CommandResult"
    ops = [
        Op(
            COMMANDS,
            SENDER,
            "POST",
            "{command}/{request_id}",
            accept,
            request=result,
            summary="the asynchronous result of a command (response_url)",
        )
    ]
    if version is VersionNumber.V2_1_1:
        return ops
    for kind, name in PROFILE_RESULTS.items():
        ops.append(
            Op(
                PROFILES,
                SENDER,
                "POST",
                f"{kind}/{{request_id}}",
                accept,
                request=name,
                summary=f"the asynchronous {name} (response_url)",
            )
        )
    ops.append(
        Op(
            PROFILES,
            SENDER,
            "PUT",
            "{session_id}",
            accept,
            request="ActiveChargingProfile",
            summary="an update of the active charging profile",
        )
    )
    return ops
