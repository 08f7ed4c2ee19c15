"""Where the SUT's modules are: an :class:`EndpointDirectory` read from its versions list and
version details (``version_information_endpoint``; REQ-VER-001..008; AMB-33 for URL joining).

    directory = discover(client, versions_url, Auth(token), "2.2.1")
    directory.url("tokens", InterfaceRole.RECEIVER)   # the SUT's tokens Receiver URL

:func:`discover` is the only function here that does I/O (through the injected client); what
it reads is parsed by pure functions. A SUT that cannot be discovered is a
:class:`DiscoveryError` (an environment problem: the run cannot start), never a crash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from harness.client import Auth, OcpiClient, OcpiRequest, Sent
from harness.errors import HarnessError
from harness.ocpi.envelope import parse_envelope
from harness.ocpi.interfaces import join_url
from harness.ocpi.roles import InterfaceRole
from harness.ocpi.versions import VersionNumber, parse_version, require_version
from harness.results import Exchange

__all__ = [
    "DiscoveryError",
    "Endpoint",
    "EndpointDirectory",
    "discover",
    "parse_details",
    "parse_versions",
]


class DiscoveryError(HarnessError):
    """The SUT's versions or version details could not be read; ``exchanges`` show why."""

    def __init__(self, message: str, exchanges: Iterable[Exchange] = ()) -> None:
        super().__init__(message)
        self.exchanges = tuple(exchanges)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One entry of version details: module id, interface role (None in 2.1.1), URL."""

    module: str
    role: InterfaceRole | None
    url: str


@dataclass(frozen=True, slots=True)
class EndpointDirectory:
    """The SUT's endpoints in one version."""

    version: VersionNumber
    versions_url: str
    details_url: str
    endpoints: tuple[Endpoint, ...]
    exchanges: tuple[Exchange, ...] = field(default=(), compare=False)

    def url(self, module: str, role: InterfaceRole | str | None = None) -> str | None:
        """The URL of ``module`` (with interface ``role`` from 2.2 on), or None.

        The role of ``credentials`` endpoints is ignored (REQ-VER-008); so is every role in
        2.1.1, which has none. Without ``role`` the first endpoint of the module is taken.
        """
        if module == "versions":
            return self.versions_url
        for endpoint in self.endpoints:
            if endpoint.module != module:
                continue
            if (
                role is None
                or endpoint.role is None
                or module == "credentials"
                or endpoint.role == role
            ):
                return endpoint.url
        return None

    def modules(self) -> frozenset[str]:
        return frozenset(e.module for e in self.endpoints)

    def capabilities(self) -> frozenset[str]:
        """``module`` and ``module.sender|receiver`` for every advertised endpoint (2.1.1
        endpoints count for both interfaces: 2.1.1 names none)."""
        out: set[str] = {"versions"}
        for endpoint in self.endpoints:
            out.add(endpoint.module)
            roles = [endpoint.role] if endpoint.role else list(InterfaceRole)
            out.update(f"{endpoint.module}.{r.value.lower()}" for r in roles)
        return frozenset(out)

    def describe(self) -> list[dict[str, str | None]]:
        return [
            {"identifier": e.module, "role": e.role.value if e.role else None, "url": e.url}
            for e in self.endpoints
        ]

    def join(self, module: str, role: InterfaceRole | str | None, *segments: str) -> str | None:
        base = self.url(module, role)
        return join_url(base, *segments) if base is not None else None


def parse_versions(data: object) -> dict[str, str]:
    """``{version label: details URL}`` from the data of a versions response."""
    out: dict[str, str] = {}
    if not isinstance(data, list):
        return out
    for entry in data:
        if isinstance(entry, Mapping):
            label, url = entry.get("version"), entry.get("url")
            if isinstance(label, str) and isinstance(url, str):
                out.setdefault(label, url)
    return out


def parse_details(data: object) -> tuple[Endpoint, ...]:
    """The endpoints of a version details response's data (entries that make no sense are
    left out; the versions suite checks them against the schema)."""
    endpoints: list[Endpoint] = []
    raw = data.get("endpoints") if isinstance(data, Mapping) else None
    if not isinstance(raw, list):
        return ()
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        module, url, role = entry.get("identifier"), entry.get("url"), entry.get("role")
        if not isinstance(module, str) or not isinstance(url, str):
            continue
        try:
            interface = InterfaceRole(role) if isinstance(role, str) else None
        except ValueError:
            interface = None
        endpoints.append(Endpoint(module, interface, url))
    return tuple(endpoints)


def _data(sent: Sent, what: str, exchanges: list[Exchange]) -> object:
    exchanges.extend(sent.exchanges)
    if sent.failure is not None:
        raise DiscoveryError(f"{what}: {sent.failure.message}", exchanges)
    exchange = sent.exchange
    envelope = parse_envelope(exchange.response_body).envelope
    if exchange.status != 200 or envelope is None or envelope.status_code != 1000:
        code = envelope.status_code if envelope is not None else None
        body = (exchange.response_body or "")[:200]
        raise DiscoveryError(
            f"{what}: HTTP {exchange.status}, OCPI status {code}: {body!r}", exchanges
        )
    return envelope.data


def discover(
    client: OcpiClient,
    versions_url: str,
    auth: Auth,
    version: VersionNumber | str | None = None,
) -> EndpointDirectory:
    """GET the versions list and the details of ``version`` (None: the highest one listed
    that the harness implements). Raises :class:`DiscoveryError`."""
    exchanges: list[Exchange] = []
    listing = _data(
        client.send(OcpiRequest("GET", versions_url, module="versions", auth=auth)),
        f"GET versions {versions_url}",
        exchanges,
    )
    offered = parse_versions(listing)
    if version is None:
        known = [
            (parsed, label)
            for label in offered
            if (parsed := parse_version(label).version) is not None
        ]
        if not known:
            raise DiscoveryError(
                f"the SUT offers no OCPI version the harness implements: {sorted(offered)}",
                exchanges,
            )
        chosen = max(known, key=lambda pair: list(VersionNumber).index(pair[0]))[0]
    else:
        chosen = require_version(version)
    if chosen.value not in offered:
        raise DiscoveryError(
            f"the SUT does not offer OCPI {chosen} (it offers {', '.join(sorted(offered))})",
            exchanges,
        )
    details_url = offered[chosen.value]
    details = _data(
        client.derive(version=chosen).send(
            OcpiRequest("GET", details_url, module="versions", auth=auth)
        ),
        f"GET version details {details_url}",
        exchanges,
    )
    return EndpointDirectory(
        version=chosen,
        versions_url=versions_url,
        details_url=details_url,
        endpoints=parse_details(details),
        exchanges=tuple(exchanges),
    )
