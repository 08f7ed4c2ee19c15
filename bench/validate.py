"""How fast does the schema validator check realistic Locations? Prints the figures.

    python bench/validate.py [--seconds S]

Measures, on one core, Locations per second for: our validate() on valid input (the fast
path), our validate() on invalid input (full jsonschema error detail), the raw jsonschema_rs
validator on the same schema (the ceiling) and plain jsonschema (the floor).
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from collections.abc import Callable
from typing import Any

import jsonschema
import jsonschema_rs

from harness.schemas import schema_for, validate
from harness.schemas._registry import CACHE

CONNECTORS = [
    ("IEC_62196_T2", "SOCKET", "AC_3_PHASE", 400, 32, 22000),
    ("IEC_62196_T2_COMBO", "CABLE", "DC", 920, 400, 300000),
    ("CHADEMO", "CABLE", "DC", 500, 125, 62500),
]


def make_location(rng: random.Random, n: int) -> dict[str, Any]:
    evses = []
    for e in range(rng.randint(3, 6)):
        connectors = []
        for c in range(rng.randint(1, 3)):
            std, fmt, power, volt, amp, watt = rng.choice(CONNECTORS)
            connectors.append(
                {
                    "id": str(c + 1),
                    "standard": std,
                    "format": fmt,
                    "power_type": power,
                    "max_voltage": volt,
                    "max_amperage": amp,
                    "max_electric_power": watt,
                    "tariff_ids": [f"TARIFF-{rng.randint(1, 9)}"],
                    "last_updated": "2026-03-01T08:15:00Z",
                }
            )
        evses.append(
            {
                "uid": f"LOC{n}-EVSE{e}",
                "evse_id": f"DE*ABC*E{n:05d}{e}",
                "status": rng.choice(["AVAILABLE", "CHARGING", "OUTOFORDER"]),
                "capabilities": ["RFID_READER", "REMOTE_START_STOP_CAPABLE"],
                "connectors": connectors,
                "floor_level": "-1",
                "physical_reference": f"{e + 1}",
                "parking_restrictions": ["EV_ONLY"],
                "last_updated": "2026-03-01T08:15:00Z",
            }
        )
    return {
        "country_code": "DE",
        "party_id": "ABC",
        "id": f"LOC{n}",
        "publish": True,
        "name": f"Ladepark {n}",
        "address": f"Hauptstrasse {n % 200 + 1}",
        "city": "Freiburg",
        "postal_code": "79098",
        "country": "DEU",
        "coordinates": {"latitude": "47.99591", "longitude": "7.85222"},
        "parking_type": "PARKING_LOT",
        "evses": evses,
        "operator": {"name": "Example Charging GmbH", "website": "https://charging.example"},
        "facilities": ["CAFE", "WIFI"],
        "time_zone": "Europe/Berlin",
        "opening_times": {"twentyfourseven": True},
        "energy_mix": {"is_green_energy": True},
        "last_updated": "2026-03-01T08:15:00Z",
    }


def rate(fn: Callable[[Any], object], items: list[Any], seconds: float) -> float:
    done = 0
    start = time.perf_counter()
    while True:
        for item in items:
            fn(item)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    rng = random.Random(20261121)
    valid = [make_location(rng, n) for n in range(500)]
    invalid = []
    for loc in valid[:100]:
        bad = copy.deepcopy(loc)
        bad["evses"][0]["connectors"][0]["standard"] = "TYPE_2"
        bad["last_updated"] = "2026-03-01 08:15"
        invalid.append(bad)
    assert validate("2.2.1", "Location", valid[0]) == []
    assert len(validate("2.2.1", "Location", invalid[0])) == 2

    versions = CACHE.version("2.2.1")
    root = schema_for("2.2.1", "Location")
    rs = jsonschema_rs.validator_for(
        root,
        registry=versions._rs_registries["strict"],
        pattern_options=jsonschema_rs.RegexOptions(),
    )
    py = jsonschema.Draft202012Validator(root, registry=versions._py_registries["strict"])
    evse_count = sum(len(loc["evses"]) for loc in valid) / len(valid)
    conn_count = sum(len(e["connectors"]) for loc in valid for e in loc["evses"]) / len(valid)
    print(f"Location objects: {evse_count:.1f} EVSEs and {conn_count:.1f} connectors on average")
    figures = [
        (
            "validate(), valid input",
            rate(lambda x: validate("2.2.1", "Location", x), valid, args.seconds),
        ),
        (
            "validate(), invalid input",
            rate(lambda x: validate("2.2.1", "Location", x), invalid, args.seconds),
        ),
        ("jsonschema_rs is_valid (ceiling)", rate(rs.is_valid, valid, args.seconds)),
        ("jsonschema is_valid (pure Python)", rate(py.is_valid, valid, args.seconds)),
    ]
    for label, per_second in figures:
        print(f"{label:<36} {per_second:>12,.0f} Locations/s")


if __name__ == "__main__":
    main()
