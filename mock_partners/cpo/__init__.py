"""The mock CPO's module interfaces, per version.

Senders (data it owns): locations, sessions, cdrs, tariffs. Receivers: tokens, commands,
chargingprofiles (2.2+), hubclientinfo (2.2+). Plus the symmetric credentials module.
"""

from __future__ import annotations

from harness.ocpi import VersionNumber
from mock_partners.cpo.chargingprofiles import charging_profile_ops
from mock_partners.cpo.commands import command_ops
from mock_partners.cpo.senders import sender_ops
from mock_partners.cpo.tokens import token_ops
from mock_partners.credentials import credentials_ops
from mock_partners.hubclientinfo import hub_client_info_ops
from mock_partners.invoicereconciliation import invoice_reconciliation_ops
from mock_partners.operations import Op


def cpo_operations(version: VersionNumber) -> list[Op]:
    return [
        *credentials_ops(version),
        *sender_ops(version),
        *token_ops(version),
        *command_ops(version),
        *charging_profile_ops(version),
        *hub_client_info_ops(version),
        *invoice_reconciliation_ops(version),
    ]
