"""The mock eMSP's module interfaces, per version.

Receivers: locations, sessions, cdrs, tariffs, hubclientinfo (2.2+). Senders: tokens (with
real-time authorization), commands (the CommandResult callback at ``response_url``),
chargingprofiles (2.2+: result callbacks and ActiveChargingProfile updates). Plus credentials.
"""

from __future__ import annotations

from harness.ocpi import VersionNumber
from mock_partners.credentials import credentials_ops
from mock_partners.emsp.callbacks import callback_ops
from mock_partners.emsp.locations import location_ops
from mock_partners.emsp.receivers import receiver_ops
from mock_partners.emsp.tokens import token_ops
from mock_partners.hubclientinfo import hub_client_info_ops
from mock_partners.invoicereconciliation import invoice_reconciliation_ops
from mock_partners.operations import Op


def emsp_operations(version: VersionNumber) -> list[Op]:
    return [
        *credentials_ops(version),
        *location_ops(version),
        *receiver_ops(version),
        *token_ops(version),
        *callback_ops(version),
        *hub_client_info_ops(version),
        *invoice_reconciliation_ops(version),
    ]
