"""Realistic seeded OCPI data for the mock partners: Locations, Tariffs and Tokens.

    >>> from datetime import UTC, datetime
    >>> world = generate_world(version="2.2.1", seed=7, role="cpo",
    ...                        start=datetime(2026, 3, 1, tzinfo=UTC))
    >>> len(world.locations), world.locations[0]["id"]
    (25, 'LOC000000')

Everything is a plain wire dict in the shape of the chosen OCPI version, valid against
:func:`harness.schemas.validate`. Randomness comes from the seed only (``style-models.md``
§5.5): every object has its own ``random.Random`` stream derived from (seed, kind, index), and
the world has ONE single-locale Faker instance (``Faker(locale).seed_instance(n)``, never the
class-level ``Faker.seed``), reseeded per object under a lock. The same seed therefore gives
byte-identical objects in any access order; another seed gives other data.

``locations`` is a lazy :class:`LocationSequence`: 100,000 Locations cost nothing until read,
are ordered by ``last_updated`` and answer date filters with :meth:`~LocationSequence.
index_range` without building any object.

Ownership: with ``role="cpo"`` the world's ``country_code``/``party_id`` own the Locations and
Tariffs and the Tokens belong to a counterpart eMSP; with ``role="emsp"`` the Tokens are ours
and the Locations/Tariffs belong to a counterpart CPO (2.1.1 objects carry no owner fields).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from faker import Faker

from harness.errors import UnknownVersionError, UsageError
from harness.ocpi.timestamps import parse_datetime
from mock_partners.seed.common import ascii_text, derive_seed, emaid, emaid_check_digit
from mock_partners.seed.countries import COUNTRIES, Country, country
from mock_partners.seed.locations import LocationSequence
from mock_partners.seed.tariffs import TEMPLATES, build_tariffs
from mock_partners.seed.tokens import TOKEN_TYPES, WHITELISTS, build_tokens

__all__ = [
    "COUNTRIES",
    "SEED_VERSIONS",
    "TEMPLATES",
    "TOKEN_TYPES",
    "WHITELISTS",
    "Country",
    "LocationSequence",
    "World",
    "active_tariff",
    "country",
    "derive_seed",
    "emaid",
    "emaid_check_digit",
    "generate_world",
]

SEED_VERSIONS: tuple[str, ...] = ("2.1.1", "2.2.1", "2.3.0")
DEFAULT_HISTORY = timedelta(days=90)

_PARTY = re.compile(r"[A-Z0-9]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class World:
    """The data one mock partner serves. ``locations`` may be a lazy sequence."""

    version: str
    country_code: str
    party_id: str
    locations: Sequence[dict[str, Any]]
    tariffs: list[dict[str, Any]]
    tokens: list[dict[str, Any]]
    role: str = "cpo"
    seed: int = 0
    start: datetime | None = None
    cpo: tuple[str, str] = ("", "")  # (country_code, party_id) owning Locations and Tariffs
    emsp: tuple[str, str] = ("", "")  # (country_code, party_id) owning the Tokens
    currency: str = "EUR"
    _tariff_index: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def tariff(self, tariff_id: str) -> dict[str, Any] | None:
        """The Tariff with ``tariff_id`` (the shared dict: copy before changing it)."""
        if not self._tariff_index:
            self._tariff_index.update({t["id"]: t for t in self.tariffs})
        return self._tariff_index.get(tariff_id)

    def location(self, location_id: str) -> dict[str, Any] | None:
        """The Location with ``location_id`` (built fresh when ``locations`` is lazy)."""
        if isinstance(self.locations, LocationSequence):
            index = self.locations.index_of(location_id)
            return None if index is None else self.locations[index]
        wanted = location_id.upper()
        return next((loc for loc in self.locations if loc["id"].upper() == wanted), None)

    def token(self, uid: str, token_type: str = "RFID") -> dict[str, Any] | None:
        """The Token with (``uid``, ``token_type``) (REQ-TOK-003: the pair is the key)."""
        wanted = uid.upper()
        return next(
            (t for t in self.tokens if t["uid"].upper() == wanted and t["type"] == token_type),
            None,
        )


def _counterpart(party_id: str, default: str) -> str:
    return default if party_id != default else default[:2] + "2"


def generate_world(
    *,
    version: str,
    seed: int,
    role: Literal["cpo", "emsp"],
    country_code: str = "NL",
    party_id: str = "EXA",
    locations: int = 25,
    tokens: int = 50,
    start: datetime,
    history: timedelta = DEFAULT_HISTORY,
    counterpart_country_code: str | None = None,
    counterpart_party_id: str | None = None,
) -> World:
    """Generate the seeded data of one mock partner.

    ``start`` is the simulated "now" (timezone-aware); every ``last_updated`` lies in the
    ``history`` before it. ``country_code`` picks the Faker locale, coordinates, time zones,
    currency and VAT (see :data:`COUNTRIES`).
    """
    if version not in SEED_VERSIONS:
        raise UnknownVersionError(
            f"unknown OCPI version {version!r}; supported: {', '.join(SEED_VERSIONS)}"
        )
    if role not in ("cpo", "emsp"):
        raise UsageError(f"role must be 'cpo' or 'emsp', got {role!r}")
    if start.tzinfo is None or start.utcoffset() is None:
        raise UsageError("start must be a timezone-aware datetime")
    if locations < 0 or tokens < 0:
        raise UsageError("the numbers of locations and tokens cannot be negative")
    cc, pid = country_code.upper(), party_id.upper()
    if not _COUNTRY.fullmatch(cc) or not _PARTY.fullmatch(pid):
        raise UsageError(
            f"country_code must be 2 letters and party_id 3 letters or digits, got {cc!r}/{pid!r}"
        )
    facts = country(cc)
    other_cc = (counterpart_country_code or cc).upper()
    if role == "cpo":
        cpo = (cc, pid)
        emsp = (other_cc, (counterpart_party_id or _counterpart(pid, "MSP")).upper())
    else:
        emsp = (cc, pid)
        cpo = (other_cc, (counterpart_party_id or _counterpart(pid, "CPO")).upper())
    if cpo[0] != cc:
        facts = country(cpo[0])
    fake = Faker(facts.locale)
    fake.seed_instance(derive_seed(seed, "operator"))
    operator = _operator(fake, cpo[1], seed)
    tariff_set = build_tariffs(
        version=version,
        seed=seed,
        country=facts,
        country_code=cpo[0],
        party_id=cpo[1],
        start=start,
    )
    fake.seed_instance(derive_seed(seed, "tokens"))
    token_list = build_tokens(
        version=version,
        seed=seed,
        count=tokens,
        country_code=emsp[0],
        party_id=emsp[1],
        language=country(emsp[0]).language,
        fake=fake,
        start=start,
    )
    if version == "2.1.1":  # printable ASCII only (REQ-211-010)
        token_list = ascii_text(token_list)
        tariff_set = replace(tariff_set, tariffs=ascii_text(tariff_set.tariffs))
    location_seq = LocationSequence(
        version=version,
        seed=seed,
        count=locations,
        country=facts,
        country_code=cpo[0],
        party_id=cpo[1],
        start=start,
        history=history,
        tariffs=tariff_set,
        operator=operator,
        fake=fake,
    )
    return World(
        version=version,
        country_code=cc,
        party_id=pid,
        locations=location_seq,
        tariffs=tariff_set.tariffs,
        tokens=token_list,
        role=role,
        seed=seed,
        start=start,
        cpo=cpo,
        emsp=emsp,
        currency=facts.currency,
    )


def _operator(fake: Faker, party_id: str, seed: int) -> dict[str, Any]:
    name = str(fake.company())[:100]
    details: dict[str, Any] = {"name": name, "website": f"https://www.{party_id.lower()}.example"}
    if derive_seed(seed, "logo") % 2 == 0:
        details["logo"] = {
            "url": f"https://www.{party_id.lower()}.example/logo.png",
            "category": "OPERATOR",
            "type": "png",
            "width": 512,
            "height": 512,
        }
    return details


def active_tariff(
    tariffs_by_id: dict[str, dict[str, Any]] | World,
    connector: dict[str, Any],
    at: datetime,
    tariff_type: str | None = "REGULAR",
) -> dict[str, Any] | None:
    """The Tariff a Connector references that is valid at ``at`` for ``tariff_type``.

    A Connector may reference several tariffs, at most one active per TariffType at any time
    (REQ-LOC-022); tariffs without a ``type`` apply to every session; 2.1.1 connectors have one
    ``tariff_id``.
    """
    lookup = tariffs_by_id.tariff if isinstance(tariffs_by_id, World) else tariffs_by_id.get
    ids = connector.get("tariff_ids")
    if ids is None:
        ids = [connector["tariff_id"]] if connector.get("tariff_id") else []
    fallback = None
    for tariff_id in ids:
        tariff = lookup(tariff_id)
        if tariff is None or not _valid_at(tariff, at):
            continue
        kind = tariff.get("type")
        if kind == tariff_type:
            return tariff
        if kind is None and fallback is None:
            fallback = tariff
    return fallback


def _valid_at(tariff: dict[str, Any], at: datetime) -> bool:
    begin = parse_datetime(tariff.get("start_date_time")).value
    end = parse_datetime(tariff.get("end_date_time")).value
    return (begin is None or begin <= at) and (end is None or at < end)
