"""How cheap is the seeded world? Prints time and peak memory for 100,000 Locations.

    python bench/seed_data.py [--locations N] [--page P] [--version V]

Measures: building the world with N lazy Locations (nothing is materialised), materialising
one page of P Locations from the middle, and Locations per second when reading pages. Peak
memory comes from tracemalloc, measured in a separate pass so it does not slow the timings.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mock_partners.seed_data import generate_world

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _peak(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=1_000)
    parser.add_argument("--version", default="2.2.1")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    def build() -> Any:
        return generate_world(
            version=args.version, seed=args.seed, role="cpo", locations=args.locations,
            start=START,
        )  # fmt: skip

    world, t_build = _timed(build)
    middle = args.locations // 2
    page, t_page = _timed(lambda: world.locations[middle : middle + args.page])
    pages = max(1, 5_000 // max(args.page, 1))
    _, t_many = _timed(
        lambda: [world.locations[i * args.page : (i + 1) * args.page] for i in range(pages)]
    )
    read = min(pages * args.page, args.locations)
    peak_build = _peak(build)
    peak_page = _peak(lambda: world.locations[middle : middle + args.page])
    print(f"OCPI {args.version}, seed {args.seed}, {args.locations:,} locations")
    print(f"build world:          {t_build * 1000:8.1f} ms   peak {peak_build:6.1f} MB")
    print(
        f"materialise {len(page):,} page: {t_page * 1000:8.1f} ms   peak {peak_page:6.1f} MB"
        f"   ({sum(len(loc['evses']) for loc in page):,} EVSEs)"
    )
    print(f"read {read:,} locations: {t_many:8.2f} s    {read / t_many:8.0f} locations/s")


if __name__ == "__main__":
    main()
