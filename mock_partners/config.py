"""What a mock partner is: its role, party, versions, URLs, tokens and limits (one frozen value).

The URL layout follows the spec's advice of putting the role and the version into the path
(``transport_and_format`` §URL structure; docs/ocpi-requirements.md §1.1)::

    {base_url}/ocpi/{cpo|emsp}/versions                 versions endpoint
    {base_url}/ocpi/{cpo|emsp}/{version}                version details
    {base_url}/ocpi/{cpo|emsp}/{version}/{module}[/...] module endpoints
    {base_url}/_mock/...                                control API (admin token)
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field

from harness.errors import UsageError
from harness.ocpi import ModuleID, Role, VersionNumber, require_version

ALL_VERSIONS: tuple[VersionNumber, ...] = (
    VersionNumber.V2_1_1,
    VersionNumber.V2_2_1,
    VersionNumber.V2_3_0,
)
TOKEN_ALPHABET = string.ascii_letters + string.digits
MOCK_ROLES = (Role.CPO, Role.EMSP)


def derive_token(seed: int | str, label: str, length: int = 32) -> str:
    """A credentials token drawn from a generator seeded by ``(seed, label)``: reproducible."""
    rng = random.Random(f"ocpi-harness:{seed}:{label}")
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(length))


def check_party(country_code: str | None, party_id: str | None) -> None:
    """Raise UsageError unless the codes are 2 letters and 3 letters/digits (what seed data
    and the CiString(2)/(3) fields take)."""
    if country_code is not None and not re.fullmatch(r"[A-Za-z]{2}", country_code):
        raise UsageError(f"country code {country_code!r} must be 2 letters (ISO 3166-1 alpha-2)")
    if party_id is not None and not re.fullmatch(r"[A-Za-z0-9]{3}", party_id):
        raise UsageError(f"party id {party_id!r} must be 3 letters or digits")


@dataclass(frozen=True, slots=True)
class MockConfig:
    """Everything fixed about one mock partner for the life of its app."""

    role: Role
    base_url: str
    token_a: str
    admin_token: str
    versions: tuple[VersionNumber, ...] = ALL_VERSIONS
    country_code: str = "NL"
    party_id: str = "MCK"
    business_name: str = "ocpi-harness mock"
    max_page_size: int = 100
    strict_auth: bool = False
    """Accept only the version's token encoding (raw in 2.1.1, Base64 from 2.2; AMB-28)."""
    strict_routing: bool = False
    """Refuse functional-module requests without routing headers (hub profile, pitfall 7)."""
    profile: str = "strict"
    """Schema profile for inbound bodies (harness.schemas PROFILES)."""
    required_partner_modules: frozenset[str] = field(
        default_factory=lambda: frozenset({ModuleID.CREDENTIALS.value})
    )
    """Modules a registering partner must offer, else the credentials POST gets 3003."""
    max_body_bytes: int = 4 * 1024 * 1024
    validate_responses: bool = True
    command_timeout: int = 30
    """The ``timeout`` of every CommandResponse / ChargingProfileResponse (seconds)."""

    def __post_init__(self) -> None:
        if self.role not in MOCK_ROLES:
            raise UsageError(f"a mock partner is a CPO or an EMSP, not {self.role}")
        if not self.versions:
            raise UsageError("a mock partner serves at least one OCPI version")
        for version in self.versions:
            require_version(version)
        check_party(self.country_code, self.party_id)
        if self.max_page_size < 1:
            raise UsageError("max_page_size must be at least 1")
        if not self.base_url.startswith(("http://", "https://")):
            raise UsageError(f"base_url must be an http(s) URL, got {self.base_url!r}")

    @property
    def slug(self) -> str:
        """``cpo`` or ``emsp``: the role's path segment."""
        return self.role.value.lower()

    @property
    def root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def versions_url(self) -> str:
        return f"{self.root}/ocpi/{self.slug}/versions"

    def version_url(self, version: VersionNumber | str) -> str:
        return f"{self.root}/ocpi/{self.slug}/{version}"

    def module_url(self, version: VersionNumber | str, module: ModuleID | str) -> str:
        return f"{self.version_url(version)}/{module}"

    @property
    def newest_version(self) -> VersionNumber:
        return max(self.versions, key=ALL_VERSIONS.index)


def build_config(
    role: Role | str,
    *,
    base_url: str,
    seed: int,
    versions: tuple[VersionNumber | str, ...] = ALL_VERSIONS,
    country_code: str | None = None,
    party_id: str | None = None,
    token_a: str | None = None,
    admin_token: str | None = None,
    **options: object,
) -> MockConfig:
    """A :class:`MockConfig` with tokens derived from ``seed`` where not given."""
    the_role = Role(role)
    slug = the_role.value.lower()
    defaults = {Role.CPO: ("NL", "CPO"), Role.EMSP: ("NL", "MSP")}[the_role]
    ordered = tuple(v for v in ALL_VERSIONS if v in {require_version(x) for x in versions})
    return MockConfig(
        role=the_role,
        base_url=base_url,
        versions=ordered,
        country_code=(country_code or defaults[0]).upper(),
        party_id=(party_id or defaults[1]).upper(),
        token_a=token_a or derive_token(seed, f"{slug}:token-a"),
        admin_token=admin_token or derive_token(seed, f"{slug}:admin"),
        business_name=f"ocpi-harness mock {the_role.value}",
        **options,  # type: ignore[arg-type]
    )
