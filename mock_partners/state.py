"""Everything one mock app owns (``app.state.mock``): nothing is global, two apps share nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.clock import Clock
from harness.ocpi import ModuleID, VersionNumber
from mock_partners.calls import CallLog
from mock_partners.catalog import Catalog
from mock_partners.config import MockConfig
from mock_partners.faults import FaultPlan
from mock_partners.operations import Op, OpsFactory
from mock_partners.partners import PartnerBook
from mock_partners.seed_data import World
from mock_partners.store import Store

if TYPE_CHECKING:
    from mock_partners.outbound import Outbound
    from mock_partners.session_driver import SessionDriver


@dataclass(frozen=True, slots=True)
class SchemaBug:
    """A message the mock itself sent that breaks the OCPI schemas: a bug in the mock."""

    direction: str
    method: str
    path: str
    object_name: str
    violations: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.direction} {self.method} {self.path} ({self.object_name}): " + "; ".join(
            self.violations
        )


class Rngs:
    """One seeded generator per purpose, so drawing ids never shifts the tokens (and so on)."""

    def __init__(self, seed: int | str, role: str) -> None:
        self.seed = seed
        self._role = role
        self._made: dict[str, random.Random] = {}

    def __call__(self, purpose: str) -> random.Random:
        found = self._made.get(purpose)
        if found is None:
            found = random.Random(f"ocpi-harness:{self.seed}:{self._role}:{purpose}")
            self._made[purpose] = found
        return found

    def ident(self, purpose: str, prefix: str = "", digits: int = 10) -> str:
        rng = self(purpose)
        return f"{prefix}{rng.randrange(16**digits):0{digits}X}"


@dataclass(eq=False)
class MockState:
    """The state of one mock partner app."""

    config: MockConfig
    clock: Clock
    seed: int
    store: Store
    calls: CallLog
    partners: PartnerBook
    rngs: Rngs
    ops_factory: OpsFactory
    outbound: Outbound = field(init=False)
    schema_bugs: list[SchemaBug] = field(default_factory=list)
    """Responses and requests the mock sent that violate the schemas (tests assert none)."""
    errors: list[str] = field(default_factory=list)
    """Unexpected exceptions inside the mock (each one also answered with an envelope)."""
    simulator: SessionDriver | None = None
    """The session simulators of a mock CPO (None on the eMSP)."""
    faults: FaultPlan | None = None
    """The armed fault rules (set when the app is built)."""
    worlds: dict[VersionNumber, World] = field(default_factory=dict)
    """The seeded ``seed_data.World`` of each version."""
    catalogs: dict[tuple[VersionNumber, str], Catalog] = field(default_factory=dict)
    """What the mock publishes on its Sender interfaces, per (version, module)."""
    _ops: dict[VersionNumber, list[Op]] = field(default_factory=dict)

    def catalog(self, version: VersionNumber, module: ModuleID | str) -> Catalog:
        return self.catalogs[(version, str(module))]

    def ops(self, version: VersionNumber) -> list[Op]:
        found = self._ops.get(version)
        if found is None:
            found = self.ops_factory(version)
            self._ops[version] = found
        return found

    def module_ops(self, version: VersionNumber, module: str) -> list[Op]:
        return [op for op in self.ops(version) if op.module == module]

    def modules(self, version: VersionNumber) -> list[ModuleID]:
        """The modules this mock serves in ``version``, credentials first."""
        seen = dict.fromkeys(op.module for op in self.ops(version))
        return sorted(seen, key=lambda m: (m != ModuleID.CREDENTIALS, m.value))

    def kind(self, version: VersionNumber | str, module: ModuleID | str) -> str:
        return f"{version}/{module}"
