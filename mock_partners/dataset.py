"""The data a mock starts with: one seeded world per version, and the catalogs that publish it.

The mock CPO publishes its Locations (lazy, see :class:`~mock_partners.catalog.SeededCatalog`),
Tariffs, Sessions and CDRs; the mock eMSP publishes its Tokens. The worlds come from
``seed_data.generate_world`` with the mock's seed, party and the clock's "now", so the same
seed gives the same sandbox. Small lists are copied into the store once (a ``--db`` sandbox
keeps what happened to them across restarts).
"""

from __future__ import annotations

from typing import Literal

from harness.ocpi import ModuleID, Role, VersionNumber
from mock_partners.catalog import SeededCatalog, StoreCatalog
from mock_partners.invoicereconciliation import seed_invoice_records
from mock_partners.partners import META_KIND
from mock_partners.seed.cdr_history import HistoryCatalog, build_cdr_history
from mock_partners.seed_data import World, generate_world
from mock_partners.state import MockState


def load_world(state: MockState, *, locations: int, tokens: int) -> None:
    """Generate the worlds and register a catalog for every module the mock sends from."""
    config = state.config
    role: Literal["cpo", "emsp"] = "cpo" if config.role is Role.CPO else "emsp"
    start = state.clock.now()
    for version in config.versions:
        world = generate_world(
            version=version.value,
            seed=state.seed,
            role=role,
            country_code=config.country_code,
            party_id=config.party_id,
            locations=locations if config.role is Role.CPO else 0,
            tokens=tokens,
            start=start,
        )
        state.worlds[version] = world
        if config.role is Role.CPO:
            _cpo_catalogs(state, version, world)
        else:
            _emsp_catalogs(state, version, world)
        if version is VersionNumber.V2_3_0:
            seed_invoice_records(state, version)


def _catalog(state: MockState, version: VersionNumber, module: ModuleID) -> StoreCatalog:
    config = state.config
    return StoreCatalog(
        state.store, state.kind(version, module), config.country_code, config.party_id
    )


def _seed_once(
    state: MockState, version: VersionNumber, catalog: StoreCatalog, docs: list[dict[str, object]]
) -> None:
    marker = f"seeded:{catalog.kind}"
    if state.store.get(META_KIND, "", "", marker) is None:
        catalog.seed(docs)
        state.store.put(META_KIND, "", "", marker, {"count": len(docs), "version": version.value})


def _cpo_catalogs(state: MockState, version: VersionNumber, world: World) -> None:
    config = state.config
    state.catalogs[(version, ModuleID.LOCATIONS.value)] = SeededCatalog(
        world.locations,
        state.store,
        state.kind(version, ModuleID.LOCATIONS),
        config.country_code,
        config.party_id,
    )
    tariffs = _catalog(state, version, ModuleID.TARIFFS)
    _seed_once(state, version, tariffs, list(world.tariffs))
    state.catalogs[(version, ModuleID.TARIFFS.value)] = tariffs
    state.catalogs[(version, ModuleID.SESSIONS.value)] = _catalog(state, version, ModuleID.SESSIONS)
    now = state.clock.now()

    def fill(cdrs: StoreCatalog) -> None:  # a history of finished sessions, one per billing rule
        if not world.locations:
            return
        history = build_cdr_history(
            version=version.value,
            seed=state.seed,
            country_code=config.country_code,
            party_id=config.party_id,
            locations=world.locations,
            tariffs=world.tariffs,
            tokens=world.tokens,
            now=now,
        )
        _seed_once(state, version, cdrs, list(history))

    state.catalogs[(version, ModuleID.CDRS.value)] = HistoryCatalog(
        state.store,
        state.kind(version, ModuleID.CDRS),
        config.country_code,
        config.party_id,
        fill,
    )


def _emsp_catalogs(state: MockState, version: VersionNumber, world: World) -> None:
    tokens = _catalog(state, version, ModuleID.TOKENS)
    _seed_once(state, version, tokens, list(world.tokens))
    state.catalogs[(version, ModuleID.TOKENS.value)] = tokens
