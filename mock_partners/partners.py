"""Registrations with partners and the tokens that identify whoever calls the mock.

Token semantics (``credentials`` §Registration; REQ-CRED-002..014, REQ-TF-003/004):

* **token A** (``CREDENTIALS_TOKEN_A``) is handed out of band; it opens only the versions and
  credentials modules, and only until a partner registers with it. After that it is refused
  (401, AMB-39 strict reading). Unregistering re-arms it so the sandbox can be joined again.
* **pending** tokens are the ones the mock sent in its own credentials POST/PUT while that call
  is under way: the partner uses them to read our versions before it answers.
* a **registration** holds the token the partner presents to us (``token_in``: the token C we
  issued, or the token B we sent) and the one we present to it (``token_out``).

Registrations and the token A state are kept in the store, so ``--db`` survives restarts.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, cast

from harness.ocpi import InterfaceRole, Role, VersionNumber
from mock_partners.config import TOKEN_ALPHABET
from mock_partners.store import Store

REGISTRATION_KIND = "registration"
META_KIND = "meta"
CallerKind = Literal["token_a", "pending", "partner"]


@dataclass(frozen=True, slots=True)
class PartyRole:
    """One (role, country_code, party_id) the partner acts as (CredentialsRole)."""

    role: str
    country_code: str
    party_id: str

    def same_party(self, country_code: str, party_id: str) -> bool:
        return (
            self.country_code.upper() == country_code.upper()
            and self.party_id.upper() == party_id.upper()
        )


@dataclass(slots=True)
class Registration:
    """One registered partner, in either direction."""

    id: str
    version: str
    versions_url: str
    token_in: str
    token_out: str
    roles: list[PartyRole]
    endpoints: list[dict[str, str]]
    initiated_by: Literal["partner", "us"]
    credentials: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    updated: str = ""

    def endpoint(self, module: str, role: InterfaceRole | str | None = None) -> str | None:
        """The partner's URL for ``module`` (with that interface role, when it gives roles)."""
        for endpoint in self.endpoints:
            if endpoint.get("identifier") != module:
                continue
            given = endpoint.get("role")
            if role is None or given is None or given == role:
                return endpoint.get("url")
        return None

    def owns(self, country_code: str, party_id: str) -> bool:
        return any(r.same_party(country_code, party_id) for r in self.roles)

    @property
    def primary(self) -> PartyRole:
        return self.roles[0]

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Registration:
        values = dict(doc)
        values["roles"] = [PartyRole(**r) for r in values.get("roles", [])]
        return cls(**values)

    def public(self) -> dict[str, Any]:
        """What the control API shows (tokens included: this is a sandbox)."""
        doc = self.to_doc()
        doc.pop("credentials", None)
        return doc


def roles_from_credentials(
    credentials: Mapping[str, Any], version: VersionNumber | str, *, counterpart: Role
) -> list[PartyRole]:
    """The partner's roles from a Credentials object of ``version``.

    2.1.1 has one party per connection and no role field: the partner plays ``counterpart``.
    """
    if version == VersionNumber.V2_1_1:
        return [
            PartyRole(
                counterpart.value,
                str(credentials.get("country_code", "")),
                str(credentials.get("party_id", "")),
            )
        ]
    roles = credentials.get("roles") or []
    return [
        PartyRole(
            str(r.get("role", "")), str(r.get("country_code", "")), str(r.get("party_id", ""))
        )
        for r in cast(list[Mapping[str, Any]], roles)
    ]


@dataclass(frozen=True, slots=True)
class Caller:
    kind: CallerKind
    token: str
    registration: Registration | None = None


class PartnerBook:
    """Registrations, token A and pending tokens of one mock."""

    def __init__(self, store: Store, token_a: str, rng: random.Random) -> None:
        self._store = store
        self._rng = rng
        self._pending: set[str] = set()
        self._ghosts: dict[str, Registration] = {}
        """Tokens a faulty mock still accepts after unregistering (quirk delete_keeps_token)."""
        self.last_removed_token: str | None = None
        """The token the last removed registration presented to us (quirks only)."""
        self._registrations: dict[str, Registration] = {
            doc["id"]: Registration.from_doc(doc) for doc in store.iterate(REGISTRATION_KIND)
        }
        saved = store.get(META_KIND, "", "", "token-a")
        armed = bool(saved["armed"]) if saved and saved.get("token") == token_a else True
        self._token_a = token_a
        self._token_a_armed = armed
        self._save_token_a()

    # -- token A -----------------------------------------------------------------------------

    @property
    def token_a(self) -> str:
        return self._token_a

    @property
    def token_a_armed(self) -> bool:
        return self._token_a_armed

    def consume_token_a(self) -> None:
        self._token_a_armed = False
        self._save_token_a()

    def arm_token_a(self, token: str | None = None) -> None:
        if token is not None:
            self._token_a = token
        self._token_a_armed = True
        self._save_token_a()

    def _save_token_a(self) -> None:
        doc = {"token": self._token_a, "armed": self._token_a_armed}
        self._store.put(META_KIND, "", "", "token-a", doc)

    # -- tokens ------------------------------------------------------------------------------

    def identify(self, candidates: Iterable[str]) -> Caller | None:
        """Who presents one of ``candidates`` (the readings of an Authorization header)."""
        for token in candidates:
            for registration in self._registrations.values():
                if registration.token_in == token:
                    return Caller("partner", token, registration)
            if token in self._pending:
                return Caller("pending", token)
            if self._token_a_armed and token == self._token_a:
                return Caller("token_a", token)
            if token in self._ghosts:
                return Caller("partner", token, self._ghosts[token])
        return None

    def keep_as_ghost(self, registration: Registration) -> None:
        """Go on accepting ``registration``'s token after it was removed (a faulty mock)."""
        self._ghosts[registration.token_in] = registration

    def new_token(self) -> str:
        """A fresh 32-character token, unlike any token in use."""
        in_use = {self._token_a, *self._pending}
        for registration in self._registrations.values():
            in_use.update((registration.token_in, registration.token_out))
        while True:
            token = "".join(self._rng.choice(TOKEN_ALPHABET) for _ in range(32))
            if token not in in_use:
                return token

    def new_id(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}-{self._rng.randrange(16**8):08x}"
            if candidate not in self._registrations:
                return candidate

    def add_pending(self, token: str) -> None:
        self._pending.add(token)

    def drop_pending(self, token: str) -> None:
        self._pending.discard(token)

    # -- registrations -------------------------------------------------------------------------

    @property
    def registrations(self) -> list[Registration]:
        return list(self._registrations.values())

    def get(self, registration_id: str) -> Registration | None:
        return self._registrations.get(registration_id)

    def save(self, registration: Registration) -> None:
        self._registrations[registration.id] = registration
        self._store.put(REGISTRATION_KIND, "", "", registration.id, registration.to_doc())

    def remove(self, registration: Registration) -> None:
        if registration.id in self._registrations:
            self.last_removed_token = registration.token_in
        self._ghosts = {t: g for t, g in self._ghosts.items() if g.id != registration.id}
        self._registrations.pop(registration.id, None)
        self._store.delete(REGISTRATION_KIND, "", "", registration.id)

    def find_party(self, roles: Iterable[PartyRole]) -> Registration | None:
        """A registration that already covers one of ``roles`` (same role and party)."""
        wanted = {(r.role, r.country_code.upper(), r.party_id.upper()) for r in roles}
        for registration in self._registrations.values():
            have = {
                (r.role, r.country_code.upper(), r.party_id.upper()) for r in registration.roles
            }
            if wanted & have:
                return registration
        return None

    def by_versions_url(self, versions_url: str) -> Registration | None:
        for registration in self._registrations.values():
            if registration.versions_url.rstrip("/") == versions_url.rstrip("/"):
                return registration
        return None

    def only(self) -> Registration | None:
        """The registration, when there is exactly one (the usual sandbox case)."""
        regs = self.registrations
        return regs[0] if len(regs) == 1 else None
