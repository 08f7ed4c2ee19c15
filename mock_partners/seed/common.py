"""Small helpers shared by the seed builders: derived seeds, ids, eMA-IDs, money and text."""

from __future__ import annotations

import hashlib
import random
import unicodedata
from datetime import datetime
from typing import Any

from harness.ocpi.timestamps import format_datetime

__all__ = [
    "ALNUM",
    "ascii_text",
    "derive_seed",
    "emaid",
    "emaid_check_digit",
    "money",
    "rng_for",
    "ts",
]

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def derive_seed(seed: int, *parts: object) -> int:
    """A 64-bit seed for one stream of ``seed`` (stable across runs and Python versions).

    Each object gets its own stream, so building Location 7 never depends on having built
    Locations 0..6 first, and adding a stream does not shift the others.
    """
    text = ":".join([str(seed), *(str(p) for p in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def rng_for(seed: int, *parts: object) -> random.Random:
    return random.Random(derive_seed(seed, *parts))


def ts(value: datetime) -> str:
    """An OCPI DateTime (UTC, ``Z``)."""
    return format_datetime(value)


def money(value: float, places: int = 2) -> float:
    """A price rounded to ``places`` decimals, as a float whose ``str`` is that decimal."""
    return float(f"{value:.{places}f}")


# -- eMA-ID (ISO 15118 / eMI3 contract id) ---------------------------------------------------


def _mat_mul(
    a: tuple[int, int, int, int], b: tuple[int, int, int, int], m: int
) -> tuple[int, int, int, int]:
    return (
        (a[0] * b[0] + a[1] * b[2]) % m,
        (a[0] * b[1] + a[1] * b[3]) % m,
        (a[2] * b[0] + a[3] * b[2]) % m,
        (a[2] * b[1] + a[3] * b[3]) % m,
    )


def _powers(p: tuple[int, int, int, int], m: int, n: int) -> list[tuple[int, int, int, int]]:
    out = []
    acc = (1, 0, 0, 1)
    for _ in range(n):
        acc = _mat_mul(acc, p, m)
        out.append(acc)
    return out


_P1 = _powers((0, 1, 1, 1), 2, 15)  # P1^1 .. P1^15 over Z2
_P2 = _powers((0, 1, 1, 2), 3, 15)  # P2^1 .. P2^15 over Z3


def _parts(ch: str) -> tuple[tuple[int, int], tuple[int, int]]:
    q, r = divmod(ALNUM.index(ch), 9)
    return (q // 2, q % 2), (r // 3, r % 3)


def _apply(v: tuple[int, int], p: tuple[int, int, int, int], m: int) -> tuple[int, int]:
    return ((v[0] * p[0] + v[1] * p[2]) % m, (v[0] * p[1] + v[1] * p[3]) % m)


def emaid_check_digit(body: str) -> str:
    """The check character of a 14-character eMA-ID body (``NLEXAC12345678``).

    The eMI3 "Check Digit Calculation for Contract-IDs" scheme: each character is split into a
    pair over Z2 and a pair over Z3, weighted by powers of two fixed matrices, and the check
    character makes both sums zero.
    """
    text = body.upper()
    if len(text) != 14 or any(ch not in ALNUM for ch in text):
        raise ValueError(f"an eMA-ID body is 14 letters or digits, got {body!r}")
    q_sum = (0, 0)
    r_sum = (0, 0)
    for i, ch in enumerate(text):
        q, r = _parts(ch)
        qq, rr = _apply(q, _P1[i], 2), _apply(r, _P2[i], 3)
        q_sum = ((q_sum[0] + qq[0]) % 2, (q_sum[1] + qq[1]) % 2)
        r_sum = ((r_sum[0] + rr[0]) % 3, (r_sum[1] + rr[1]) % 3)
    for ch in ALNUM:
        q, r = _parts(ch)
        qq, rr = _apply(q, _P1[14], 2), _apply(r, _P2[14], 3)
        z2 = (q_sum[0] + qq[0]) % 2 == 0 and (q_sum[1] + qq[1]) % 2 == 0
        if z2 and (r_sum[0] + rr[0]) % 3 == 0 and (r_sum[1] + rr[1]) % 3 == 0:
            return ch
    raise AssertionError("unreachable: every body has a check character")  # pragma: no cover


def emaid(country_code: str, provider: str, rng: random.Random, *, dashes: bool = True) -> str:
    """A random eMA-ID of ``provider`` with its check digit, e.g. ``NL-EXA-C12345678-4``."""
    instance = "C" + "".join(rng.choice(ALNUM) for _ in range(8))
    body = f"{country_code.upper()}{provider.upper()}{instance}"
    check = emaid_check_digit(body)
    if dashes:
        return f"{country_code.upper()}-{provider.upper()}-{instance}-{check}"
    return body + check


_ASCII_SPELLING = str.maketrans(
    {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ł": "L",
     "ł": "l", "€": "EUR", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'}
)  # fmt: skip


def ascii_text(value: Any) -> Any:
    """``value`` with every string spelled in printable ASCII (accents dropped), recursively.

    2.1.1 allows only printable ASCII in strings (types.md §1.5, REQ-211-010), so the 2.1.1
    worlds spell Faker's local names this way: "Müller" -> "Muller".
    """
    if isinstance(value, str):
        if value.isascii():
            return value
        folded = unicodedata.normalize("NFKD", value.translate(_ASCII_SPELLING))
        return "".join(c for c in folded if " " <= c <= "~")
    if isinstance(value, dict):
        return {k: ascii_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ascii_text(v) for v in value]
    return value
