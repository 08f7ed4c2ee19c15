"""The public entry points of the billing engine: load inputs, resolve the time zone, price.

``price(tariff, cdr, *, time_zone, ...)`` accepts wire JSON (mappings with Decimal numbers, as
``json.loads(text, parse_float=Decimal)`` returns them; ints and floats from Python callers are
converted through ``str``) or the model objects of :mod:`harness.billing.model`. Adapt a tariff
once with :func:`load_tariff` when pricing many CDRs with it: its compiled form is cached on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from harness.billing.adapters import SHAPES, adapt_session, adapt_tariff, adapter_for
from harness.billing.adapters.base import build_session
from harness.billing.model import SessionInput, Tariff
from harness.billing.policy import Policy
from harness.billing.pricer import price_session
from harness.billing.report import PriceReport
from harness.errors import BillingInputError

__all__ = [
    "TariffInput",
    "load_session",
    "load_tariff",
    "load_tariffs",
    "parse_json",
    "price",
    "resolve_tariffs",
    "resolve_zone",
]

TariffInput = Tariff | Mapping[str, object] | Sequence[Tariff | Mapping[str, object]] | None

_DEFAULT_POLICY = Policy()
_DECODER = json.JSONDecoder(
    parse_float=Decimal
)  # one decoder: json.loads(**kw) builds one per call
_ZONES: dict[str, ZoneInfo] = {}


def parse_json(text: str | bytes, document: str = "input") -> object:
    """JSON text with every non-integer number as Decimal (never float)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return _DECODER.decode(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BillingInputError(f"{document}: not valid JSON: {exc}") from None


def load_tariff(raw: Tariff | Mapping[str, object], version: str = "2.2.1") -> Tariff:
    """A Tariff model from wire JSON of ``version`` (a Tariff is returned unchanged)."""
    if isinstance(raw, Tariff):
        return raw
    return adapt_tariff(raw, version)


def load_tariffs(raw: TariffInput, version: str = "2.2.1") -> tuple[Tariff, ...]:
    """One tariff, a list of tariffs, or None (then no tariffs)."""
    if raw is None:
        return ()
    if isinstance(raw, Tariff | Mapping):
        return (load_tariff(raw, version),)
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, Tariff):
            out.append(item)
        else:
            out.append(adapt_tariff(item, version, f"/{i}"))
    return tuple(out)


def load_session(raw: SessionInput | Mapping[str, object], version: str = "2.2.1") -> SessionInput:
    """Pricer input from a CDR or Session (partial allowed) of ``version``."""
    if isinstance(raw, SessionInput):
        return raw
    return adapt_session(raw, version)


def resolve_zone(name: str | ZoneInfo | None) -> ZoneInfo | None:
    """An IANA zone by name (cached); an unknown name is a BillingInputError."""
    if name is None or isinstance(name, ZoneInfo):
        return name
    zone = _ZONES.get(name)
    if zone is None:
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise BillingInputError(f"unknown IANA time zone {name!r} (time_zone)") from None
        _ZONES[name] = zone
    return zone


def resolve_tariffs(tariff: TariffInput, session: SessionInput, version: str) -> tuple[Tariff, ...]:
    """The tariffs given, else the ones embedded in the CDR; none at all is an error."""
    tariffs = load_tariffs(tariff, version)
    if not tariffs:
        tariffs = session.tariffs
    if not tariffs:
        raise BillingInputError(
            "tariff missing: give a tariff (--tariff) or a CDR whose 'tariffs' list is not empty"
        )
    return tariffs


def price(
    tariff: TariffInput,
    cdr: SessionInput | Mapping[str, object],
    *,
    time_zone: str | ZoneInfo | None,
    version: str = "2.2.1",
    policy: Policy | None = None,
    reservation_expired: bool = False,
) -> PriceReport:
    """Price a CDR's (or Session's) charging periods with ``tariff``.

    ``tariff`` is a Tariff, its wire JSON, a list of them, or None to use the CDR's ``tariffs``.
    ``time_zone`` is the Location's IANA zone; None falls back to the CDR's
    ``cdr_location.time_zone`` / ``time_zone`` and, failing that, is only an error when a
    restriction needs local time (AMB-13).
    """
    shape = SHAPES.get(version)
    if shape is None:
        adapter_for(version)  # raises the unknown-version error
        raise AssertionError(version)  # pragma: no cover
    session = cdr if type(cdr) is SessionInput else build_session(cdr, shape)
    if type(tariff) is Tariff:
        tariffs: tuple[Tariff, ...] = (tariff,)
    else:
        tariffs = resolve_tariffs(tariff, session, version)
    if time_zone is None:
        time_zone = session.time_zone
    zone = _ZONES.get(time_zone) if type(time_zone) is str else None
    if zone is None:
        zone = resolve_zone(time_zone)
    return price_session(
        tariffs,
        session,
        tz=zone,
        policy=policy if policy is not None else _DEFAULT_POLICY,
        reservation_expired=reservation_expired,
    )
