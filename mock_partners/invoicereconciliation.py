"""The invoicereconciliation module both mocks offer in 2.3.0 (``mod_invoice_reconciliation``).

Either party may invoice (direct billing: the CPO; reverse billing: the eMSP), so both mocks
have both interfaces (REQ-230-020):

- Sender: GET the records this mock issued, paginated and filtered on ``last_updated``. The
  records are seeded once: the mock CPO invoices the CDRs of its history month by month, the
  mock eMSP (reverse billing) the CDR ids it would have received.
- Receiver: POST a new record (201; an id that exists is refused with 2001, since a record
  changes only by PUT), GET / PUT / DELETE ``{country_code}/{party_id}/{id}`` (AMB-44: the
  URL template lacks the owner segments its parameter table names). A record the partner
  corrects is PUT; DELETE means the record itself was wrong (REQ-230-022).

Records are validated against InvoiceReconciliationRecord (REQ-230-021) by the endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from harness.ocpi import InterfaceRole, ModuleID, VersionNumber, format_datetime, join_url
from mock_partners.catalog import StoreCatalog
from mock_partners.operations import Ctx, Op, Reply, fail, stored
from mock_partners.owned import Owned, delete_owned, get_owned, put_owned
from mock_partners.pagination import list_reply
from mock_partners.seed.common import rng_for
from mock_partners.store import Doc

if TYPE_CHECKING:
    from mock_partners.state import MockState

__all__ = ["ISSUED", "build_records", "invoice_reconciliation_ops", "seed_invoice_records"]

IRC = ModuleID.INVOICE_RECONCILIATION
RECORD = Owned(IRC, "InvoiceReconciliationRecord", "id", "id")
PATH = "{country_code}/{party_id}/{id}"
ISSUED = f"{IRC.value}/issued"
"""Catalog key (and store kind suffix) of the records a mock issued itself."""


def build_records(
    *,
    seed: int,
    country_code: str,
    party_id: str,
    cdr_ids: Sequence[str],
    now: datetime,
    count: int = 6,
) -> list[Doc]:
    """``count`` monthly records, oldest first, each invoicing a disjoint slice of
    ``cdr_ids`` (synthetic ids when there are too few)."""
    rng = rng_for(seed, "invoicereconciliation", country_code, party_id)
    ids = list(cdr_ids)
    while len(ids) < count * 2:
        ids.append(f"CDR{rng.randrange(10**8):08d}")
    per = len(ids) // count
    records: list[Doc] = []
    for n in range(count):
        issued = now - timedelta(days=30 * (count - n), hours=rng.randrange(24))
        chunk = ids[n * per : (n + 1) * per] if n < count - 1 else ids[n * per :]
        records.append(
            {
                "country_code": country_code,
                "party_id": party_id,
                "id": f"IRR-{issued:%Y%m}-{n + 1:03d}",
                "invoice_id": f"INV/{party_id}/{issued:%Y}/{rng.randrange(10**5):05d}",
                "cdrs": chunk,
                "last_updated": format_datetime(issued),
            }
        )
    return records


def seed_invoice_records(state: MockState, version: VersionNumber) -> None:
    """Register (and seed once) the catalog of records this mock issued."""
    config = state.config
    kind = state.kind(version, ISSUED)
    catalog = StoreCatalog(state.store, kind, config.country_code, config.party_id)
    state.catalogs[(version, ISSUED)] = catalog
    if catalog.count():
        return
    cdrs = state.catalogs.get((version, ModuleID.CDRS.value))
    cdr_ids = [str(d["id"]) for d in cdrs.page().items] if cdrs is not None else []
    catalog.seed(
        build_records(
            seed=state.seed,
            country_code=config.country_code,
            party_id=config.party_id,
            cdr_ids=cdr_ids,
            now=state.clock.now(),
        )
    )


async def list_issued(ctx: Ctx) -> Reply:
    return list_reply(ctx, ctx.state.catalog(ctx.version, ISSUED))


async def post_record(ctx: Ctx) -> Reply:
    body: Doc = ctx.body
    cc, pid, record_id = (str(body.get(k, "")) for k in ("country_code", "party_id", "id"))
    if not ctx.registration.owns(cc, pid):
        return fail(2001, f"{cc}/{pid} in the body is not one of your roles")
    if ctx.state.store.get(ctx.kind(), cc, pid, record_id) is not None:
        return fail(2001, f"record {record_id!r} exists: a record changes only by PUT")
    ctx.state.store.put(ctx.kind(), cc, pid, record_id, body)
    reply = stored(True)
    reply.headers["Location"] = join_url(
        ctx.state.config.module_url(ctx.version, IRC), cc, pid, record_id
    )
    return reply


async def get_record(ctx: Ctx) -> Reply:
    return await get_owned(ctx, RECORD)


async def put_record(ctx: Ctx) -> Reply:
    return await put_owned(ctx, RECORD)


async def delete_record(ctx: Ctx) -> Reply:
    return await delete_owned(ctx, RECORD)


def invoice_reconciliation_ops(version: VersionNumber) -> list[Op]:
    if version is not VersionNumber.V2_3_0:
        return []
    sender, receiver = InterfaceRole.SENDER, InterfaceRole.RECEIVER
    name = RECORD.object_name
    return [
        Op(IRC, sender, "GET", "", list_issued, response=f"{name}[]", paginated=True),
        Op(IRC, receiver, "GET", PATH, get_record, response=name),
        Op(IRC, receiver, "POST", "", post_record, request=name, created_status=True),
        Op(IRC, receiver, "PUT", PATH, put_record, request=name, created_status=True),
        Op(IRC, receiver, "DELETE", PATH, delete_record),
    ]
