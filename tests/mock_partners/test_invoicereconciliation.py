"""2.3.0 invoicereconciliation on both mocks: the Sender list of issued records and the
Receiver's POST / GET / PUT / DELETE (REQ-230-020..022)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from harness.schemas import validate
from mock_partners.invoicereconciliation import build_records
from tests.mock_partners.conftest import Starter, make_pair
from tests.mock_partners.helpers import auth, envelope_ok, module_url

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_records_are_valid_monthly_and_disjoint() -> None:
    records = build_records(
        seed=1, country_code="NL", party_id="CPO", cdr_ids=[f"C{n}" for n in range(20)], now=NOW
    )
    assert len(records) == 6
    for record in records:
        assert validate("2.3.0", "InvoiceReconciliationRecord", record) == []
    invoiced = [cdr for r in records for cdr in r["cdrs"]]
    assert sorted(invoiced) == sorted(f"C{n}" for n in range(20))  # each CDR invoiced once
    stamps = [r["last_updated"] for r in records]
    assert stamps == sorted(stamps) and all(s < "2026-03-01" for s in stamps)
    short = build_records(seed=1, country_code="NL", party_id="CPO", cdr_ids=[], now=NOW)
    assert all(r["cdrs"] for r in short)  # never an empty list (cardinality +)


def test_both_roles_send_and_receive_records(http: httpx.Client, start_mock: Starter) -> None:
    pair = make_pair(start_mock, "2.3.0")
    cpo_url = module_url(pair.cpo, "2.3.0", "invoicereconciliation")
    emsp_url = module_url(pair.emsp, "2.3.0", "invoicereconciliation")
    to_cpo, to_emsp = auth(pair.cpo_token, "2.3.0"), auth(pair.emsp_token, "2.3.0")

    # the Sender list, paginated, of the records the mock CPO issued (direct billing)
    listed = http.get(cpo_url, params={"limit": 4}, headers=to_cpo)
    assert listed.headers["X-Total-Count"] == "6" and "next" in listed.headers["Link"]
    issued: list[dict[str, Any]] = envelope_ok(listed, "2.3.0")["data"]
    assert len(issued) == 4 and {r["party_id"] for r in issued} == {"CPO"}

    # the eMSP (reverse billing) pushes a record to the CPO's Receiver
    record = dict(issued[0], country_code="NL", party_id="MSP", id="IRR-TEST-1")
    created = http.post(cpo_url, json=record, headers=to_cpo)
    assert created.status_code == 201 and envelope_ok(created, "2.3.0")["status_code"] == 1000
    where = created.headers["Location"]
    assert where.endswith("/NL/MSP/IRR-TEST-1")
    assert envelope_ok(http.get(where, headers=to_cpo), "2.3.0")["data"] == record
    again = envelope_ok(http.post(cpo_url, json=record, headers=to_cpo), "2.3.0")
    assert again["status_code"] == 2001  # a record changes by PUT only

    fixed = dict(record, cdrs=["CDR-A"], last_updated="2026-03-01T12:00:00Z")
    assert http.put(where, json=fixed, headers=to_cpo).status_code == 200
    assert envelope_ok(http.get(where, headers=to_cpo), "2.3.0")["data"]["cdrs"] == ["CDR-A"]
    assert http.delete(where, headers=to_cpo).status_code == 200
    assert http.get(where, headers=to_cpo).status_code == 404

    # a record owned by someone else is refused; the eMSP mock has the same interfaces
    stranger = dict(record, party_id="ZZZ", id="IRR-TEST-2")
    assert (
        envelope_ok(http.post(cpo_url, json=stranger, headers=to_cpo), "2.3.0")["status_code"]
        == 2001
    )
    own = envelope_ok(http.get(emsp_url, headers=to_emsp), "2.3.0")["data"]
    assert len(own) == 6 and {r["party_id"] for r in own} == {"MSP"}
