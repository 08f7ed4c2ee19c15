"""Seeded Tokens: every TokenType and WhitelistType of the version, some invalid.

Shapes: 2.1.1 ``Token`` (``auth_id``, types RFID/OTHER, no owner); 2.2.1 adds the eMSP's
``country_code``/``party_id``, ``contract_id``, ``group_id``, ``default_profile_type``,
``energy_contract`` and the types APP_USER/AD_HOC_USER; 2.3.0 adds EMAID. APP_USER and
AD_HOC_USER tokens are pushed with whitelist NEVER (REQ-TOK-018).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from faker import Faker

from mock_partners.seed.common import ALNUM, emaid, rng_for, ts

__all__ = ["TOKEN_TYPES", "WHITELISTS", "build_tokens"]

TOKEN_TYPES: dict[str, tuple[str, ...]] = {
    "2.1.1": ("RFID", "OTHER"),
    "2.2.1": ("RFID", "OTHER", "APP_USER", "AD_HOC_USER"),
    "2.3.0": ("RFID", "OTHER", "APP_USER", "AD_HOC_USER", "EMAID"),
}
WHITELISTS = ("ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER")
_PROFILES = ("CHEAP", "FAST", "GREEN", "REGULAR")
_HEX = "0123456789ABCDEF"


def _uid(kind: str, rng: random.Random, contract: str) -> str:
    if kind == "RFID":
        return "".join(rng.choice(_HEX) for _ in range(rng.choice((8, 14))))
    if kind == "APP_USER":
        return "APP-" + "".join(rng.choice(ALNUM) for _ in range(12))
    if kind == "AD_HOC_USER":
        return "ADHOC-" + "".join(rng.choice(ALNUM) for _ in range(10))
    if kind == "EMAID":
        return contract.replace("-", "")
    return "OTH" + "".join(rng.choice("0123456789") for _ in range(9))


def build_tokens(
    *,
    version: str,
    seed: int,
    count: int,
    country_code: str,
    party_id: str,
    language: str,
    fake: Faker,
    start: datetime,
) -> list[dict[str, Any]]:
    """``count`` tokens owned by eMSP (``country_code``, ``party_id``).

    The first tokens cycle through every (type, whitelist) combination the version allows, so
    a small ``count`` still covers each type and each whitelist type.
    """
    types = TOKEN_TYPES[version]
    combos = [(t, w) for t in types for w in WHITELISTS]
    issuer = fake.company()[:64]
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for i in range(count):
        rng = rng_for(seed, "token", i)
        if i < len(combos):
            kind, whitelist = combos[i]
        else:
            kind, whitelist = rng.choice(types), rng.choice(WHITELISTS)
        if kind in ("APP_USER", "AD_HOC_USER"):
            whitelist = "NEVER"  # REQ-TOK-018
        contract = emaid(country_code, party_id, rng)
        uid = _uid(kind, rng, contract)
        while (uid, kind) in seen:  # (uid, type) is the key (REQ-TOK-003)
            uid = _uid(kind, rng, emaid(country_code, party_id, rng))
        seen.add((uid, kind))
        valid = not (i % 7 == 3 or rng.random() < 0.08)
        updated = start - timedelta(seconds=rng.randrange(1, 120 * 86400))
        token: dict[str, Any] = {}
        if version != "2.1.1":
            token["country_code"] = country_code
            token["party_id"] = party_id
        token["uid"] = uid
        token["type"] = kind
        token["auth_id" if version == "2.1.1" else "contract_id"] = contract
        if kind in ("RFID", "OTHER") and rng.random() < 0.8:
            token["visual_number"] = f"{country_code}-{party_id}-" + "".join(
                rng.choice("0123456789") for _ in range(10)
            )
        token["issuer"] = issuer
        if version != "2.1.1" and rng.random() < 0.3:
            token["group_id"] = f"GRP-{rng.randrange(1, 40):03d}"
        token["valid"] = valid
        token["whitelist"] = whitelist
        if rng.random() < 0.7:
            token["language"] = language if rng.random() < 0.8 else "en"
        if version != "2.1.1":
            if rng.random() < 0.4:
                token["default_profile_type"] = rng.choice(_PROFILES)
            if rng.random() < 0.2:
                token["energy_contract"] = {
                    "supplier_name": fake.company()[:64],
                    "contract_id": "".join(rng.choice(ALNUM) for _ in range(12)),
                }
        token["last_updated"] = ts(updated)
        out.append(token)
    out.sort(key=lambda t: (t["last_updated"], t["uid"]))
    return out
