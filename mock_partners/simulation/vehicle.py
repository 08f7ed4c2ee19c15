"""Vehicles and the charging power they draw from a connector.

AC charging is flat until the battery is full (limited by the on-board charger and the phases
both sides have). DC charging is flat up to ``taper_from`` state of charge, then falls linearly
to ``taper_floor`` of the peak at 100 %. Power is in whole watts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["VEHICLES", "VehicleProfile", "charging_power", "connector_limits", "pick_profile"]

_PHASES = {"AC_1_PHASE": 1, "AC_2_PHASE": 2, "AC_2_PHASE_SPLIT": 2, "AC_3_PHASE": 3, "DC": 1}


@dataclass(frozen=True, slots=True)
class VehicleProfile:
    """An electric vehicle as far as charging is concerned."""

    name: str
    battery_kwh: float
    soc_start: float  # state of charge when plugged in, 0..1
    max_ac_kw: float  # on-board charger
    max_dc_kw: float
    ac_phases: int = 3
    battery_voltage: float = 400.0  # nominal, for the DC current
    soc_target: float = 1.0  # charging stops here ("full")
    taper_from: float = 0.8  # DC power starts falling above this state of charge
    taper_floor: float = 0.15  # fraction of peak DC power left at 100 %

    def __post_init__(self) -> None:
        if not 0 <= self.soc_start <= 1 or not 0 < self.soc_target <= 1:
            raise ValueError("states of charge are fractions 0..1")
        if self.battery_kwh <= 0 or self.max_ac_kw <= 0 or self.max_dc_kw <= 0:
            raise ValueError("battery and power limits must be positive")
        if self.ac_phases not in (1, 2, 3):
            raise ValueError("ac_phases is 1, 2 or 3")

    def soc(self, energy_wh: float) -> float:
        """State of charge after ``energy_wh`` were added."""
        return min(1.0, self.soc_start + energy_wh / (self.battery_kwh * 1000))

    @property
    def energy_to_full_wh(self) -> float:
        return max(0.0, (self.soc_target - self.soc_start) * self.battery_kwh * 1000)


VEHICLES: dict[str, VehicleProfile] = {
    v.name: v
    for v in (
        VehicleProfile("city-ev", 40.0, 0.3, 7.4, 50.0, ac_phases=1, battery_voltage=350.0),
        VehicleProfile("compact-ev", 58.0, 0.25, 11.0, 120.0),
        VehicleProfile("family-suv", 77.0, 0.2, 11.0, 175.0),
        VehicleProfile("premium-ev", 93.0, 0.15, 22.0, 270.0, battery_voltage=800.0),
        VehicleProfile("delivery-van", 75.0, 0.2, 11.0, 100.0),
    )
}


def pick_profile(rng: random.Random) -> VehicleProfile:
    """A vehicle from :data:`VEHICLES` with a random starting state of charge (10-50 %)."""
    base = VEHICLES[rng.choice(sorted(VEHICLES))]
    return replace(base, soc_start=round(rng.uniform(0.1, 0.5), 3))


def connector_limits(connector: dict[str, Any]) -> tuple[str, float, float, int]:
    """(power_type, max power W, voltage V, phases) of a Connector of any version."""
    power_type = str(connector.get("power_type", "AC_3_PHASE"))
    phases = _PHASES.get(power_type, 1)
    voltage = float(connector.get("max_voltage", connector.get("voltage", 230)))
    amperage = float(connector.get("max_amperage", connector.get("amperage", 16)))
    watts = connector.get("max_electric_power")
    limit = float(watts) if watts else voltage * amperage * phases
    return power_type, limit, voltage, phases


def charging_power(profile: VehicleProfile, connector: dict[str, Any], energy_wh: float) -> int:
    """Watts drawn at the state of charge reached after ``energy_wh`` (0 when full)."""
    if energy_wh >= profile.energy_to_full_wh:
        return 0
    power_type, limit, _, phases = connector_limits(connector)
    if power_type == "DC":
        peak = min(limit, profile.max_dc_kw * 1000)
        soc = profile.soc(energy_wh)
        if soc > profile.taper_from:
            span = (soc - profile.taper_from) / (1 - profile.taper_from)
            peak *= 1 - (1 - profile.taper_floor) * min(1.0, span)
        return max(1, int(peak))
    usable = limit * min(phases, profile.ac_phases) / phases
    return max(1, int(min(usable, profile.max_ac_kw * 1000)))


def current_of(power_w: float, connector: dict[str, Any], profile: VehicleProfile) -> float:
    """Amperes, summed over the phases (AC) or at the battery voltage (DC)."""
    power_type, _, voltage, _ = connector_limits(connector)
    if power_type == "DC":
        return power_w / profile.battery_voltage
    return power_w / (voltage if voltage < 300 else voltage / 3**0.5)
