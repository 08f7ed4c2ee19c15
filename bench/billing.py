"""Billing engine throughput: CDRs priced per second on one core.

Two workloads:

- short: 2-4 periods priced with simple tariffs, i.e. without restrictions, like the
  specification's simple examples (per kWh; start fee + kWh; per hour + parking; start fee + kWh
  in 100 Wh steps + parking in 15-minute steps);
- realistic mix: tariffs with 4-6 restricted elements (time windows, one past midnight;
  day_of_week; min/max power; min/max current; kWh tiers; max_duration; a date range) and CDRs
  of 6-10 periods in four time zones, split the way a conformant CPO splits them: a new period
  wherever a price component changes (made with ``restriction_split=prorate``).

Each workload is measured four ways, ``price()`` returning a full PriceReport each time (its text
breakdown is only rendered on demand, so it is not):

- model objects: tariff and CDR already adapted (``load_tariff`` / ``load_session``);
- input already parsed: the tariff loaded once (a CPO or eMSP prices many CDRs with one tariff),
  each CDR the Python object that ``json.loads(text, parse_float=Decimal)`` returns;
- from JSON text (CDR): each CDR parsed from its JSON text, the tariff loaded once;
- from JSON text (CDR and tariff): both parsed and adapted for every CDR; each new Tariff object
  gets its compiled form from the engine's content-keyed cache (``compiled.compile_tariff``), as a
  verifier re-reading the same tariff for every CDR of an export does.

Run: ``python bench/billing.py [--seconds S] [--rounds N] [--cpu]`` (about 90 s by default). It
measures the installed ``harness`` (the source tree when none is installed): run it with the
Python of a venv holding a compiled wheel (``OCPI_HARNESS_COMPILE=1 pip install .``, see
``hatch_build.py``) to measure the compiled engine; the first line says which engine ran. It
prints the figures and asserts nothing about speed; it does check that the four ways price every
CDR alike.
``--cpu`` divides by the process's CPU time instead of wall time: steadier on a shared machine
(other processes' load does not count), but blind to time spent waiting.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

if importlib.util.find_spec("harness") is None:  # else the installed one (maybe a compiled wheel)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.billing import (
    Policy,
    PriceReport,
    Tariff,
    compiled_modules,
    load_session,
    load_tariff,
    parse_json,
    price,
)
from harness.billing.report import dumps

ZONES = ("Europe/Amsterdam", "America/New_York", "Asia/Tokyo", "UTC")


def _pc(kind: str, price: str, step: int, vat: str | None = "21.0") -> dict[str, object]:
    out: dict[str, object] = {"type": kind, "price": Decimal(price), "step_size": step}
    if vat is not None:
        out["vat"] = Decimal(vat)
    return out


def _tariff(tid: str, elements: list[dict[str, object]]) -> dict[str, object]:
    return {
        "country_code": "NL",
        "party_id": "BNC",
        "id": tid,
        "currency": "EUR",
        "elements": elements,
        "last_updated": "2024-01-01T00:00:00Z",
    }


def simple_tariffs() -> list[dict[str, object]]:
    """Unrestricted tariffs like the specification's simple examples (tariff_1/8/9/10/13)."""
    return [
        _tariff("s1", [{"price_components": [_pc("ENERGY", "0.35", 1)]}]),
        _tariff("s2", [{"price_components": [_pc("FLAT", "0.50", 1), _pc("ENERGY", "0.29", 1)]}]),
        _tariff(
            "s3",
            [{"price_components": [_pc("TIME", "2.00", 60), _pc("PARKING_TIME", "4.00", 300)]}],
        ),
        _tariff(
            "s4",
            [
                {
                    "price_components": [
                        _pc("FLAT", "0.35", 1),
                        _pc("ENERGY", "0.39", 100),
                        _pc("PARKING_TIME", "2.00", 900),
                    ]
                }
            ],
        ),
    ]


def mix_tariffs() -> list[dict[str, object]]:
    weekdays = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
    return [
        _tariff(
            "m1",
            [
                {"price_components": [_pc("FLAT", "1.00", 1)]},
                {
                    "price_components": [_pc("ENERGY", "0.59", 1)],
                    "restrictions": {"min_power": Decimal("50.0")},
                },
                {
                    "price_components": [_pc("ENERGY", "0.30", 100)],
                    "restrictions": {"start_time": "22:00", "end_time": "06:00"},
                },
                {
                    "price_components": [_pc("ENERGY", "0.45", 100)],
                    "restrictions": {
                        "day_of_week": weekdays,
                        "start_time": "07:00",
                        "end_time": "20:00",
                    },
                },
                {
                    "price_components": [_pc("PARKING_TIME", "6.00", 300)],
                    "restrictions": {
                        "start_time": "09:00",
                        "end_time": "18:00",
                        "day_of_week": weekdays,
                    },
                },
                {"price_components": [_pc("ENERGY", "0.40", 100), _pc("TIME", "0.60", 60)]},
            ],
        ),
        _tariff(
            "m2",
            [
                {
                    "price_components": [_pc("ENERGY", "0.00", 1)],
                    "restrictions": {"max_duration": 1800},
                },
                {
                    "price_components": [_pc("ENERGY", "0.20", 1)],
                    "restrictions": {"max_power": Decimal("16.0")},
                },
                {
                    "price_components": [_pc("ENERGY", "0.35", 1)],
                    "restrictions": {"max_power": Decimal("32.0"), "min_kwh": Decimal("5")},
                },
                {
                    "price_components": [_pc("TIME", "1.20", 900)],
                    "restrictions": {"start_time": "00:00", "end_time": "17:00"},
                },
                {"price_components": [_pc("ENERGY", "0.50", 1), _pc("TIME", "2.40", 900)]},
            ],
        ),
        _tariff(
            "m3",
            [
                {
                    "price_components": [_pc("TIME", "3.00", 60)],
                    "restrictions": {"max_current": Decimal("32")},
                },
                {
                    "price_components": [_pc("TIME", "4.00", 60)],
                    "restrictions": {
                        "min_current": Decimal("32"),
                        "day_of_week": ["SATURDAY", "SUNDAY"],
                    },
                },
                {
                    "price_components": [_pc("PARKING_TIME", "5.00", 300)],
                    "restrictions": {"start_time": "08:00", "end_time": "20:00"},
                },
                {
                    "price_components": [_pc("ENERGY", "0.25", 1)],
                    "restrictions": {"start_date": "2024-01-01", "end_date": "2030-01-01"},
                },
                {"price_components": [_pc("TIME", "2.50", 60), _pc("FLAT", "0.99", 1)]},
            ],
        ),
    ]


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_cdr(rng: random.Random, periods: int, rich: bool) -> dict[str, object]:
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 525600))
    t = start
    out = []
    for i in range(periods):
        minutes = rng.randrange(5, 45)
        hours = Decimal(minutes) / 60
        parking = i == periods - 1 and rng.random() < 0.5
        dims: list[dict[str, object]] = []
        if parking:
            dims.append({"type": "PARKING_TIME", "volume": hours.quantize(Decimal("0.000001"))})
        else:
            power = Decimal(rng.randrange(30, 1500)) / 10
            energy = (power * hours).quantize(Decimal("0.001"))
            dims.append({"type": "ENERGY", "volume": energy})
            dims.append({"type": "TIME", "volume": hours.quantize(Decimal("0.000001"))})
            if rich:
                dims.append({"type": "MAX_POWER", "volume": power})
                dims.append({"type": "MIN_POWER", "volume": power - 1})
                dims.append({"type": "MAX_CURRENT", "volume": Decimal(rng.randrange(6, 64))})
                dims.append({"type": "MIN_CURRENT", "volume": Decimal(rng.randrange(6, 64))})
        out.append({"start_date_time": _ts(t), "dimensions": dims})
        t += timedelta(minutes=minutes)
    cdr: dict[str, object] = {
        "start_date_time": _ts(start),
        "end_date_time": _ts(t),
        "currency": "EUR",
        "charging_periods": out,
    }
    return cdr


_CLOCK = time.perf_counter  # or time.process_time (--cpu)


_ROUNDS = 5  # --rounds


def _rate(fn: Callable[[int], object], count: int, seconds: float) -> float:
    """Calls per second of fn(i) for i cycling over count inputs, best of the rounds (as timeit
    advises: the slower rounds measure other load on the machine, not the code)."""
    clock = _CLOCK
    best = 0.0
    for _ in range(_ROUNDS):
        gc.collect()
        n = 0
        began = clock()
        deadline = began + seconds
        while True:
            for i in range(count):
                fn(i)
            n += count
            now = clock()
            if now >= deadline:
                break
        best = max(best, n / (now - began))
    return best


def split_like_a_cpo(tariff: Tariff, cdr: dict[str, object], zone: str) -> dict[str, object]:
    """The CDR a conformant CPO sends: a new period wherever a price component changes.

    The random periods are priced with ``restriction_split=prorate`` and every resulting piece
    becomes a period of its own (volumes pro-rated, current/power statistics copied)."""
    report = price(tariff, cdr, time_zone=zone, policy=_SPLIT)
    raw_periods = cdr["charging_periods"]
    assert isinstance(raw_periods, list)
    periods = []
    for part in report.parts:
        original = raw_periods[part.period]
        dims = [
            d for d in original["dimensions"] if d["type"] not in ("ENERGY", "TIME", "PARKING_TIME")
        ]
        for kind, volume in (
            ("ENERGY", part.energy),
            ("TIME", part.time),
            ("PARKING_TIME", part.parking),
        ):
            if volume is not None:
                dims.append({"type": kind, "volume": volume.quantize(Decimal("0.000001"))})
        periods.append({"start_date_time": _ts(part.start), "dimensions": dims})
    return {**cdr, "charging_periods": periods}


_SPLIT = Policy.from_pairs(["restriction_split=prorate"])


Case = tuple[dict[str, object], dict[str, object], str]


def measure(cases: list[Case], loaded: dict[int, Tariff], seconds: float) -> list[float]:
    """CDRs per second for the four input forms (see the module docstring)."""
    models = [(loaded[id(t)], load_session(c), z) for t, c, z in cases]
    parsed = [(loaded[id(t)], c, z) for t, c, z in cases]
    texts = [(dumps(t, indent=None), dumps(c, indent=None), z) for t, c, z in cases]

    def run_model(i: int) -> PriceReport:
        t, s, z = models[i]
        return price(t, s, time_zone=z)

    def run_parsed(i: int) -> PriceReport:
        t, c, z = parsed[i]
        return price(t, c, time_zone=z)

    def run_cdr_json(i: int) -> PriceReport:
        return price(parsed[i][0], parse_json(texts[i][1]), time_zone=texts[i][2])  # type: ignore[arg-type]

    def run_all_json(i: int) -> PriceReport:
        t, c, z = texts[i]
        return price(parse_json(t), parse_json(c), time_zone=z)  # type: ignore[arg-type]

    runs = (run_model, run_parsed, run_cdr_json, run_all_json)
    for i in range(len(cases)):  # warm up, and check the four forms agree
        totals = {run(i).total_cost for run in runs}
        if len(totals) != 1:
            raise SystemExit(f"case {i}: the input forms disagree: {totals}")
    return [_rate(run, len(cases), seconds) for run in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per figure (best counts)")
    parser.add_argument("--cpu", action="store_true", help="rates per CPU second, not wall second")
    args = parser.parse_args()
    global _CLOCK, _ROUNDS
    _ROUNDS = max(1, args.rounds)
    if args.cpu:
        _CLOCK = time.process_time
    rng = random.Random(20240601)

    results = []
    for label, tariffs_raw, lo, hi, rich in (
        ("short CDRs (2-4 periods, simple tariffs)", simple_tariffs(), 2, 4, False),
        ("realistic mix (4-6 restricted elements, 6-10 periods)", mix_tariffs(), 6, 10, True),
    ):
        loaded = {id(t): load_tariff(t) for t in tariffs_raw}
        cases: list[Case] = []
        periods = 0
        for _ in range(400):
            tariff_raw = rng.choice(tariffs_raw)
            zone = rng.choice(ZONES)
            cdr = make_cdr(rng, rng.randint(lo, hi), rich)
            if rich:
                cdr = split_like_a_cpo(loaded[id(tariff_raw)], cdr, zone)
            periods += len(cdr["charging_periods"])  # type: ignore[arg-type]
            cases.append((tariff_raw, cdr, zone))
        results.append((label, periods / len(cases), measure(cases, loaded, args.seconds)))

    clock = "CPU" if args.cpu else "wall"
    compiled = compiled_modules()
    engine = f"{len(compiled)} modules compiled with mypyc" if compiled else "pure Python"
    print(
        f"billing bench, Python {sys.version.split()[0]}, one core, "
        f"best of {_ROUNDS} x {args.seconds}s ({clock} time); engine: {engine}"
    )
    names = (
        "model objects",
        "input already parsed",
        "from JSON text (CDR)",
        "from JSON text (CDR and tariff)",
    )
    for label, mean_periods, rates in results:
        print(f"{label}; {mean_periods:.1f} periods per CDR on average")
        for name, rate in zip(names, rates, strict=True):
            print(f"  {name:33}: {rate:10,.0f} CDRs/s")


if __name__ == "__main__":
    main()
