"""Reading the amounts a CDR claims, in each version's shape, as (excl, incl) pairs.

2.1.1: ``total_cost`` is a number excl. VAT and there are no sub-totals. 2.2.1: Price
``{excl_vat, incl_vat?}``. 2.3.0: Price ``{before_taxes, taxes[]}``, the after-tax amount being
``before_taxes`` plus the sum of ``taxes[].amount`` (REQ-230-009).
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.billing.adapters.common import BillingFieldError, as_mapping, read_number, required
from harness.billing.lines import Amount
from harness.billing.money import json_type

__all__ = ["read_amount"]


def read_amount(
    raw: Mapping[str, object], name: str, version: str
) -> tuple[Amount | None, tuple[str, str]]:
    """The CDR's ``name`` amount (None when absent) and the pointers of its excl/incl parts."""
    value = raw.get(name)
    ptr = f"/{name}"
    if version == "2.1.1":
        pointers = (ptr, ptr)
        if value is None or name != "total_cost":
            return None, pointers
        return Amount(read_number(value, ptr), None), pointers
    if version == "2.3.0":
        pointers = (f"{ptr}/before_taxes", f"{ptr}/taxes")
        if value is None:
            return None, pointers
        obj = as_mapping(value, ptr)
        before = read_number(required(obj, "before_taxes", ptr), pointers[0])
        taxes = obj.get("taxes")
        after = before
        if taxes is not None:
            if not isinstance(taxes, list):
                raise BillingFieldError(pointers[1], f"expected an array, got {json_type(taxes)}")
            for i, tax in enumerate(taxes):
                t_ptr = f"{pointers[1]}/{i}"
                after += read_number(
                    required(as_mapping(tax, t_ptr), "amount", t_ptr), f"{t_ptr}/amount"
                )
        return Amount(before, after), pointers
    pointers = (f"{ptr}/excl_vat", f"{ptr}/incl_vat")
    if value is None:
        return None, pointers
    obj = as_mapping(value, ptr)
    excl = read_number(required(obj, "excl_vat", ptr), pointers[0])
    incl_raw = obj.get("incl_vat")
    incl = None if incl_raw is None else read_number(incl_raw, pointers[1])
    return Amount(excl, incl), pointers
