"""JSON in and out of the mocks: fractions are read as Decimal and written back as numbers."""

from __future__ import annotations

import json
from decimal import Decimal

from harness.ocpi import parse_json


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        # A Decimal read from the wire goes back out as a JSON number; integral ones as ints.
        if value == value.to_integral_value() and abs(value) < 10**15:
            return int(value)
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: object) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def dumps_text(value: object) -> str:
    return dumps(value).decode("utf-8")


def loads(data: bytes | str) -> object:
    """Parse JSON (Decimal fractions, no NaN). Raises ValueError on anything else."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8: {exc}") from None
    else:
        text = data
    return parse_json(text)
