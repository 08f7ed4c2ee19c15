"""The mock as the registering party: discover a partner, POST/PUT/DELETE our credentials.

Also the discovery step the server side of a credentials POST/PUT runs against the client
(``credentials`` §Registration steps 2 and 4; REQ-CRED-002..006, REQ-CRED-012/013, REQ-CRED-019).
Failures map to the spec's codes: 3001 the partner's API cannot be used, 3002 no mutual
version, 3003 required endpoints missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.ocpi import ModuleID, Role, VersionNumber, format_datetime, negotiate
from harness.schemas import is_valid
from mock_partners.outbound import Encoding, OutboundResult
from mock_partners.partners import Registration, roles_from_credentials
from mock_partners.quirks import armed_quirk
from mock_partners.state import MockState
from mock_partners.versions import partner_endpoints, partner_modules


class RegistrationError(Exception):
    """A registration step failed; ``status_code`` is the OCPI code that says why."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True, slots=True)
class Discovery:
    version: VersionNumber
    endpoints: list[dict[str, str]]
    modules: set[str]
    encoding: Encoding


def counterpart(state: MockState) -> Role:
    return Role.EMSP if state.config.role is Role.CPO else Role.CPO


def our_credentials(state: MockState, version: VersionNumber, token: str) -> dict[str, Any]:
    """Our Credentials object in ``version`` carrying ``token`` (raw, never Base64; pitfall 1)."""
    config = state.config
    business = {"name": config.business_name}
    if version is VersionNumber.V2_1_1:
        return {
            "token": token,
            "url": config.versions_url,
            "business_details": business,
            "party_id": config.party_id,
            "country_code": config.country_code,
        }
    role = {
        "role": config.role.value,
        "business_details": business,
        "party_id": config.party_id,
        "country_code": config.country_code,
    }
    return {"token": token, "url": config.versions_url, "roles": [role]}


def _unusable(result: OutboundResult, what: str) -> RegistrationError:
    return RegistrationError(3001, f"cannot use the partner's API ({what}): {result.describe()}")


async def discover(
    state: MockState,
    versions_url: str,
    token: str,
    *,
    version: VersionNumber | None,
    registration: Registration | None = None,
) -> Discovery:
    """GET the partner's versions and the details of ``version`` (None: the highest mutual)."""
    outbound = state.outbound
    encodings: tuple[Encoding, ...] = ("version",) if version is not None else ("base64", "raw")
    speak = version or VersionNumber.V2_2_1
    result: OutboundResult | None = None
    encoding: Encoding = encodings[0]
    if registration is None and version is None and armed_quirk(state, "registrant_skips_versions"):
        # a faulty registrant: guesses the details URL instead of reading the versions list
        base = versions_url.rsplit("/", 1)[0]
        for guess in sorted(state.config.versions, key=lambda v: v.value, reverse=True):
            details = await outbound.send(
                "GET", f"{base}/{guess.value}", token=token, version=guess
            )
            if details.ok and is_valid(
                guess.value, "VersionDetails", details.data, profile="lenient"
            ):
                endpoints = partner_endpoints(details.data)
                return Discovery(guess, endpoints, partner_modules(details.data), "version")
        raise RegistrationError(3001, "no guessed version details URL answered")
    for encoding in encodings:
        result = await outbound.send(
            "GET", versions_url, token=token, version=speak, partner=registration, encoding=encoding
        )
        if result.status != 401:
            break
    assert result is not None
    if not result.ok or not isinstance(result.data, list):
        raise _unusable(result, "versions")
    listed = {
        str(v.get("version")): str(v.get("url"))
        for v in result.data
        if isinstance(v, dict) and isinstance(v.get("url"), str)
    }
    if version is None:
        chosen = negotiate(state.config.versions, list(listed))
        if chosen is None:
            raise RegistrationError(
                3002, f"no mutual OCPI version (partner offers {sorted(listed)})"
            )
        version, encoding = chosen, "version"
    elif version.value not in listed:
        raise RegistrationError(
            3002, f"the partner does not offer OCPI {version} (it offers {sorted(listed)})"
        )
    details = await outbound.send(
        "GET",
        listed[version.value],
        token=token,
        version=version,
        partner=registration,
        encoding=encoding,
    )
    if not details.ok or not is_valid(
        version.value, "VersionDetails", details.data, profile="lenient"
    ):
        raise _unusable(details, "version details")
    endpoints = partner_endpoints(details.data)
    return Discovery(version, endpoints, partner_modules(details.data), encoding)


def missing_modules(state: MockState, discovery: Discovery) -> list[str]:
    return sorted(set(state.config.required_partner_modules) - discovery.modules)


def _credentials_url(discovery: Discovery) -> str:
    for endpoint in discovery.endpoints:
        if endpoint["identifier"] == ModuleID.CREDENTIALS.value:
            return endpoint["url"]
    raise RegistrationError(3003, "the partner has no credentials endpoint")


def _their_token(state: MockState, version: VersionNumber, result: OutboundResult) -> str:
    data = result.data
    if not result.ok or not is_valid(version.value, "Credentials", data, profile="lenient"):
        code = result.ocpi_status if result.ocpi_status not in (None, 1000) else 3001
        raise RegistrationError(
            code or 3001, f"the partner refused our credentials: {result.describe()}"
        )
    return str(data["token"])


async def register(state: MockState, versions_url: str, token_a: str) -> Registration:
    """Register with the partner at ``versions_url`` using its token A."""
    partners = state.partners
    if partners.by_versions_url(versions_url) is not None:
        raise RegistrationError(2000, f"already registered with {versions_url}")
    discovery = await discover(state, versions_url, token_a, version=None)
    missing = missing_modules(state, discovery)
    if missing:  # REQ-CRED-019: do not POST when the partner lacks what we need
        raise RegistrationError(3003, f"the partner lacks required endpoints: {', '.join(missing)}")
    version = discovery.version
    token_b = partners.new_token()
    stale = partners.last_removed_token
    if stale is not None and armed_quirk(state, "registrant_stale_token_b"):
        token_b = stale  # a faulty registrant: not a fresh token B
    partners.add_pending(token_b)
    try:
        result = await state.outbound.send(
            "POST",
            _credentials_url(discovery),
            token=token_a,
            version=version,
            module=ModuleID.CREDENTIALS.value,
            body=our_credentials(state, version, token_b),
            body_object="Credentials",
        )
        token_c = _their_token(state, version, result)
        now = format_datetime(state.clock.now())
        registration = Registration(
            id=partners.new_id("reg"),
            version=version.value,
            versions_url=versions_url,
            token_in=token_b,
            token_out=token_a if armed_quirk(state, "registrant_keeps_token_a") else token_c,
            roles=roles_from_credentials(result.data, version, counterpart=counterpart(state)),
            endpoints=discovery.endpoints,
            initiated_by="us",
            credentials=dict(result.data),
            created=now,
            updated=now,
        )
        partners.save(registration)
    finally:
        partners.drop_pending(token_b)
    return registration


async def update(
    state: MockState, registration: Registration, version: VersionNumber | None = None
) -> Registration:
    """PUT new credentials (rotating both tokens; switching version when asked)."""
    partners = state.partners
    discovery = await discover(
        state,
        registration.versions_url,
        registration.token_out,
        version=version,
        registration=registration,
    )
    new_in = partners.new_token()
    partners.add_pending(new_in)
    try:
        result = await state.outbound.send(
            "PUT",
            _credentials_url(discovery),
            token=registration.token_out,
            version=discovery.version,
            module=ModuleID.CREDENTIALS.value,
            body=our_credentials(state, discovery.version, new_in),
            body_object="Credentials",
            partner=registration,
        )
        new_out = _their_token(state, discovery.version, result)
        registration.token_in, registration.token_out = new_in, new_out
        registration.version = discovery.version.value
        registration.endpoints = discovery.endpoints
        registration.credentials = dict(result.data)
        registration.roles = roles_from_credentials(
            result.data, discovery.version, counterpart=counterpart(state)
        )
        registration.updated = format_datetime(state.clock.now())
        partners.save(registration)
    finally:
        partners.drop_pending(new_in)
    return registration


async def unregister(state: MockState, registration: Registration) -> OutboundResult | None:
    """DELETE our credentials at the partner, then forget the registration either way."""
    url = registration.endpoint(ModuleID.CREDENTIALS.value)
    result = None
    if url is not None:
        result = await state.outbound.send(
            "DELETE",
            url,
            token=registration.token_out,
            version=VersionNumber(registration.version),
            module=ModuleID.CREDENTIALS.value,
            partner=registration,
        )
    state.partners.remove(registration)
    return result
