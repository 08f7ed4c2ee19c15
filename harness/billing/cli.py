"""``ocpi-harness price``: price a CDR's charging periods with a tariff, optionally verify the CDR.

Exit codes (ARCHITECTURE.md): 0 priced (or, with ``--verify``, the CDR matches), 1 ``--verify``
found a MUST-level difference, 2 a malformed or missing input (raised as ``BillingInputError``,
printed by ``harness.cli`` as one line naming the file and the field).

Time zone (AMB-13): ``--time-zone``, else ``cdr_location.time_zone`` (``location.time_zone`` in
2.1.1), else the CDR's ``time_zone`` key (a harness extension); with none of them the tariff must
not need local time (then UTC is used) or the command stops with exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from harness.billing.adapters import VERSIONS, BillingFieldError
from harness.billing.api import load_session, load_tariffs, parse_json, resolve_zone
from harness.billing.model import SessionInput, Tariff
from harness.billing.policy import Policy
from harness.billing.pricer import price_session
from harness.billing.verify import verify_cdr
from harness.errors import BillingInputError

__all__ = ["add_arguments", "run"]

T = TypeVar("T")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tariff",
        metavar="FILE",
        help="Tariff JSON (an object or an array); default: the CDR's own 'tariffs'",
    )
    parser.add_argument(
        "--cdr",
        metavar="FILE",
        required=True,
        help="CDR or Session JSON (partial is fine: start, end, currency, charging_periods)",
    )
    parser.add_argument("--time-zone", metavar="IANA", help="the Location's time zone")
    parser.add_argument(
        "--ocpi-version",
        metavar="V",
        default="2.2.1",
        help=f"OCPI version of both files ({', '.join(VERSIONS)}; default 2.2.1)",
    )
    parser.add_argument(
        "--reservation-expired",
        action="store_true",
        help="the reservation expired unused (RESERVATION_EXPIRES elements apply)",
    )
    parser.add_argument(
        "--policy",
        metavar="KEY=VALUE",
        nargs="+",
        action="extend",
        default=[],
        help="interpretation switches, e.g. flat_mode=every_distinct; "
        f"keys: {', '.join(Policy.choices())}",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON form")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="compare with the CDR's own totals; exit 1 on a mismatch",
    )
    parser.add_argument(
        "--tolerance",
        metavar="AMOUNT",
        default="0.01",
        help="allowed difference per amount with --verify (default 0.01)",
    )


def run(args: argparse.Namespace) -> int:
    version: str = args.ocpi_version
    if version not in VERSIONS:
        raise BillingInputError(
            f"--ocpi-version: unknown OCPI version {version!r}; choose one of {', '.join(VERSIONS)}"
        )
    try:
        policy = Policy.from_pairs(args.policy)
    except BillingInputError as exc:
        raise BillingInputError(f"--policy: {exc}") from None
    tolerance = _tolerance(args.tolerance)
    cdr_path: str = args.cdr
    cdr_raw = _read(cdr_path)
    session: SessionInput = _in(cdr_path, lambda: load_session(_mapping(cdr_raw), version))
    tariffs: tuple[Tariff, ...] = ()
    if args.tariff is not None:
        tariff_path: str = args.tariff
        tariff_raw = _unwrap(_read(tariff_path))
        tariffs = _in(tariff_path, lambda: load_tariffs(_tariff_input(tariff_raw), version))
        if not tariffs:
            raise BillingInputError(f"{tariff_path}: /: the tariff file holds no tariff")
    elif not session.tariffs:
        raise BillingInputError(f"{cdr_path}: /tariffs: no --tariff given and the CDR has none")
    zone = _zone(args.time_zone, session, tariffs or session.tariffs, cdr_path)

    if args.verify:
        result = _in(
            cdr_path,
            lambda: verify_cdr(
                tariffs or None,
                _mapping(cdr_raw),
                time_zone=zone,
                version=version,
                policy=policy,
                reservation_expired=args.reservation_expired,
                tolerance=tolerance,
            ),
        )
        print(result.to_json_text() if args.json else result.render_text())
        return 0 if result.ok else 1
    report = price_session(
        tariffs or session.tariffs,
        session,
        tz=resolve_zone(zone),
        policy=policy,
        reservation_expired=args.reservation_expired,
    )
    print(report.to_json_text() if args.json else report.render_text())
    return 0


def _read(path: str) -> object:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise BillingInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_json(text, path)


def _mapping(raw: object) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise BillingFieldError("", "expected a JSON object")
    return raw


def _tariff_input(raw: object) -> Mapping[str, object] | list[Mapping[str, object]]:
    if isinstance(raw, Mapping):
        return raw
    if isinstance(raw, list):
        return raw
    raise BillingFieldError("", "expected a Tariff object or an array of Tariffs")


def _unwrap(raw: object) -> object:
    """Accept an OCPI response envelope around the tariff(s)."""
    if isinstance(raw, Mapping) and "data" in raw and "status_code" in raw:
        return raw["data"]
    return raw


def _in(document: str, thunk: Callable[[], T]) -> T:
    """Run ``thunk``; a field error is attributed to ``document`` (the file it came from)."""
    try:
        return thunk()
    except BillingFieldError as exc:
        raise exc.in_document(document) from None


def _tolerance(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise BillingInputError(f"--tolerance: {text!r} is not a non-negative number")
    return value


def _zone(
    explicit: str | None, session: SessionInput, tariffs: tuple[Tariff, ...], cdr_path: str
) -> str | None:
    if explicit is not None:
        try:
            resolve_zone(explicit)
        except BillingInputError:
            raise BillingInputError(f"--time-zone: unknown IANA time zone {explicit!r}") from None
        return explicit
    if session.time_zone is not None:
        try:
            resolve_zone(session.time_zone)
        except BillingInputError:
            raise BillingInputError(
                f"{cdr_path}: /cdr_location/time_zone: unknown IANA time zone {session.time_zone!r}"
            ) from None
        return session.time_zone
    needing = [t.id for t in tariffs if t.uses_local_time]
    if needing:
        raise BillingInputError(
            f"{cdr_path}: /cdr_location/time_zone: time zone missing; tariff "
            f"{needing[0]!r} has time, date or day_of_week restrictions evaluated in the "
            "Location's local time: pass --time-zone IANA (AMB-13)"
        )
    return None
