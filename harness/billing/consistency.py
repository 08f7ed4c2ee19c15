"""Consistency checks of a CDR against itself (``ocpi-requirements.md`` §3.9).

Volumes agree with the periods and the session (REQ-CDR-024/025), ENERGY is in kWh (AMB-14),
periods lie inside the session (REQ-CDR-013) and their time volumes fill them (REQ-CDR-024), no
Session-only dimension appears (REQ-CDR-019), and tariff references resolve (REQ-CDR-022).
Written as a mixin of the verifier, which supplies ``raw``, ``report``, ``version``, ``tol`` and
``add``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from harness.billing.adapters.common import (
    SESSION_ONLY_DIMENSIONS,
    as_mapping,
    read_datetime,
    read_number,
)
from harness.billing.lines import Level, Part
from harness.billing.money import ZERO, div, fmt, quantize_money
from harness.billing.report import PriceReport

__all__ = ["ConsistencyChecks"]

_HOUR_US = Decimal(3_600_000_000)
_US = timedelta(microseconds=1)
_MAX_PLAUSIBLE_KW = Decimal(4000)  # above any charger (MCS tops out near 3.75 MW)


class ConsistencyChecks:
    raw: Mapping[str, object]
    report: PriceReport
    version: str
    tol: Decimal

    def add(
        self,
        check: str,
        level: Level,
        ref: str,
        pointer: str,
        message: str,
        expected: str | None = None,
        actual: str | None = None,
    ) -> None:
        raise NotImplementedError

    def volumes(self) -> None:
        report = self.report
        checks = (
            (
                "total_energy",
                report.total_energy,
                "cdr_total_energy_matches_periods",
                "REQ-CDR-025",
                "the sum of the ENERGY volumes",
            ),
            (
                "total_time",
                report.total_time,
                "cdr_total_time_matches_session",
                "REQ-CDR-024",
                "end_date_time - start_date_time (AMB-17)",
            ),
            (
                "total_parking_time",
                report.total_parking_time,
                "cdr_total_parking_time_matches_periods",
                "REQ-CDR-024",
                "the sum of the PARKING_TIME volumes",
            ),
        )
        values: dict[str, Decimal] = {}
        for key, want, check, ref, what in checks:
            raw = self.raw.get(key)
            if raw is None:
                continue
            got = read_number(raw, f"/{key}")
            values[key] = got
            if abs(got - want) > self.tol:
                self.add(
                    check,
                    "MUST",
                    ref,
                    f"/{key}",
                    f"{key} is {fmt(got)} but {what} is {fmt(quantize_money(want, 6))}",
                    fmt(quantize_money(want, 6)),
                    fmt(got),
                )
        energy = values.get("total_energy")
        summed = report.total_energy
        if energy and summed and abs(summed - energy * 1000) <= abs(energy * 10):
            self.add(
                "cdr_energy_unit_kwh",
                "MUST",
                "AMB-14",
                "/charging_periods",
                f"the ENERGY volumes add up to {fmt(summed)}, about 1000 x total_energy "
                f"{fmt(energy)}: volumes look like Wh, not kWh (ERR-03)",
            )
        parking, total = values.get("total_parking_time"), values.get("total_time")
        if parking is not None and total is not None and parking > total + self.tol:
            self.add(
                "cdr_parking_time_within_total_time",
                "MUST",
                "REQ-CDR-024",
                "/total_parking_time",
                f"total_parking_time {fmt(parking)} exceeds total_time {fmt(total)}",
            )

    def periods(self) -> None:
        cdr_start = self._instant(("start_date_time", "start_datetime"))
        cdr_end = self._instant(("end_date_time", "stop_date_time", "end_datetime"))
        by_period: dict[int, list[Part]] = {}
        for part in self.report.parts:
            by_period.setdefault(part.period, []).append(part)
        for index, parts in by_period.items():
            first = parts[0]
            pointer = f"/charging_periods/{index}"
            if (
                cdr_start is not None
                and cdr_end is not None
                and not (cdr_start <= first.start < cdr_end)
            ):
                self.add(
                    "cdr_periods_inside_session",
                    "MUST",
                    "REQ-CDR-013",
                    f"{pointer}/start_date_time",
                    f"period {index} starts at {first.start:%Y-%m-%dT%H:%M:%SZ}, outside "
                    "[start_date_time, end_date_time)",
                )
            length = div(Decimal((parts[-1].end - first.start) // _US), _HOUR_US)
            vols = [v for p in parts for v in (p.time, p.parking, p.reservation) if v is not None]
            summed = sum(vols, ZERO)
            if vols and abs(summed - length) > self.tol:
                self.add(
                    "cdr_period_time_matches_length",
                    "SHOULD",
                    "REQ-CDR-024",
                    f"{pointer}/dimensions",
                    f"TIME+PARKING_TIME+RESERVATION_TIME volumes are {fmt(summed)} h but "
                    f"the period lasts {fmt(quantize_money(length, 6))} h",
                    fmt(quantize_money(length, 6)),
                    fmt(summed),
                )
            energy = sum((p.energy for p in parts if p.energy is not None), ZERO)
            if length > 0 and div(energy, length) > _MAX_PLAUSIBLE_KW:
                self.add(
                    "cdr_energy_unit_kwh",
                    "SHOULD",
                    "AMB-14",
                    f"{pointer}/dimensions",
                    f"ENERGY {fmt(energy)} kWh in {fmt(quantize_money(length, 4))} h means "
                    f"{fmt(quantize_money(div(energy, length), 0))} kW: Wh instead of kWh?",
                )

    def _instant(self, keys: tuple[str, ...]) -> datetime | None:
        for key in keys:
            if self.raw.get(key) is not None:
                return read_datetime(self.raw[key], f"/{key}")
        return None

    def dimensions(self) -> None:
        periods = self.raw.get("charging_periods")
        assert isinstance(periods, list)
        for i, period in enumerate(periods):
            dims = as_mapping(period, f"/charging_periods/{i}").get("dimensions")
            if not isinstance(dims, list):
                continue
            for j, dim in enumerate(dims):
                kind = as_mapping(dim, f"/charging_periods/{i}/dimensions/{j}").get("type")
                if kind in SESSION_ONLY_DIMENSIONS:
                    self.add(
                        "cdr_no_session_only_dimensions",
                        "MUST",
                        "REQ-CDR-019",
                        f"/charging_periods/{i}/dimensions/{j}/type",
                        f"{kind} is a Session-only dimension and must not appear in a CDR",
                        None,
                        str(kind),
                    )

    def tariff_refs(self) -> None:
        if self.version == "2.1.1":
            return
        listed = self.raw.get("tariffs")
        ids: set[str] = set()
        if isinstance(listed, list):
            for t in listed:
                if isinstance(t, Mapping) and isinstance(t.get("id"), str):
                    ids.add(str(t["id"]))
        else:
            ids = {t.id for t in self.report.tariffs}
        periods = self.raw.get("charging_periods")
        assert isinstance(periods, list)
        for i, period in enumerate(periods):
            tariff_id = as_mapping(period, f"/charging_periods/{i}").get("tariff_id")
            if tariff_id is not None and tariff_id not in ids:
                where = "the CDR's tariffs" if isinstance(listed, list) else "the tariffs given"
                self.add(
                    "cdr_tariff_refs_resolve",
                    "MUST",
                    "REQ-CDR-022",
                    f"/charging_periods/{i}/tariff_id",
                    f"tariff_id {tariff_id!r} is not among {where}",
                    None,
                    str(tariff_id),
                )
