"""Fault rules: what to match, how often to fire, and what to do (with JSON forms).

A rule is ``match`` + ``scope`` + ``action``. The JSON form, accepted by the mock's control API::

    {"id": "slow-locations", "description": "...",
     "match": {"direction": "inbound", "module": "locations", "method": "GET",
               "path": "*/locations*"},
     "scope": {"times": 2, "after": 1, "probability": 1.0},
     "action": {"kind": "delay", "seconds": 3}}

``action`` parameters sit next to ``kind`` (``{"kind": ..., "params": {...}}`` is accepted too).
Every mistake is a :class:`FaultRuleError` naming the JSON pointer and what is allowed.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from harness.billing.exercise import MISTAKES
from harness.errors import UsageError

__all__ = [
    "ACTION_KINDS",
    "REQUEST_ONLY",
    "RESPONSE_ONLY",
    "Direction",
    "FaultAction",
    "FaultMatch",
    "FaultRule",
    "FaultRuleError",
    "FaultScope",
    "ParamSpec",
]

Direction = Literal["inbound", "outbound"]
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound")


class FaultRuleError(UsageError, ValueError):
    """A fault rule (or its JSON) is not valid; ``pointer`` names the offending member."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}")
        self.pointer = pointer


# -- parameter specifications ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParamSpec:
    check: Callable[[object], bool]
    expects: str  # for the error message
    required: bool = False
    default: object = None


def _number(minimum: float = 0.0, maximum: float = math.inf) -> Callable[[object], bool]:
    def check(v: object) -> bool:
        return (
            isinstance(v, int | float)
            and not isinstance(v, bool)
            and math.isfinite(v)
            and minimum <= v <= maximum
        )

    return check


def _integer(minimum: int, maximum: int) -> Callable[[object], bool]:
    def check(v: object) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and minimum <= v <= maximum

    return check


def _one_of(*values: str) -> Callable[[object], bool]:
    return lambda v: v in values


def _string(v: object) -> bool:
    return isinstance(v, str) and v != ""


def _opt(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda v: v is None or check(v)


def _names(v: object) -> bool:
    return _string(v) or (isinstance(v, list) and bool(v) and all(_string(x) for x in v))


def _fields(allowed: tuple[str, ...]) -> Callable[[object], bool]:
    return lambda v: isinstance(v, list) and bool(v) and all(x in allowed for x in v)


def _any(_: object) -> bool:
    return True


def _bool(v: object) -> bool:
    return isinstance(v, bool)


PAGINATION_VARIANTS = (
    "no_link",
    "same_page",
    "total_is_page_size",
    "no_limit",
    "link_drops_filters",
)
ENVELOPE_FIELDS = ("status_code", "timestamp", "status_message", "data")
MISTAKE_NAMES = tuple(MISTAKES)  # misprice_cdr: the wrong billing readings

ACTION_KINDS: Mapping[str, Mapping[str, ParamSpec]] = MappingProxyType(
    {
        "delay": {"seconds": ParamSpec(_number(0, 3600), "a number of seconds 0..3600", True)},
        "drop_connection": {
            "when": ParamSpec(_one_of("after", "before"), '"after" or "before"', default="after")
        },
        "http_status": {
            "status": ParamSpec(_integer(100, 599), "an HTTP status 100..599", True),
            "body": ParamSpec(_opt(lambda v: isinstance(v, str)), "a string or null"),
            "content_type": ParamSpec(_opt(_string), "a media type or null"),
        },
        "ocpi_status": {
            "status_code": ParamSpec(_integer(1000, 9999), "an OCPI status code 1000..9999", True),
            "status_message": ParamSpec(_opt(lambda v: isinstance(v, str)), "a string or null"),
            "drop_data": ParamSpec(_bool, "true or false", default=False),
        },
        "malformed_json": {
            "variant": ParamSpec(
                _one_of("truncate", "trailing_comma", "single_quotes"),
                '"truncate", "trailing_comma" or "single_quotes"',
                default="truncate",
            )
        },
        "non_json": {
            "status": ParamSpec(_opt(_integer(100, 599)), "an HTTP status or null"),
            "body": ParamSpec(_opt(lambda v: isinstance(v, str)), "a string or null"),
            "content_type": ParamSpec(_string, "a media type", default="text/html; charset=utf-8"),
        },
        "missing_field": {
            "pointer": ParamSpec(_opt(lambda v: isinstance(v, str)), "a JSON pointer or null"),
            "item": ParamSpec(_integer(0, 10**6), "an index >= 0", default=0),
        },
        "wrong_type": {
            "pointer": ParamSpec(_opt(lambda v: isinstance(v, str)), "a JSON pointer or null"),
            "item": ParamSpec(_integer(0, 10**6), "an index >= 0", default=0),
        },
        "wrap_in_list": {},
        "drop_header": {"name": ParamSpec(_names, "a header name or a list of them", True)},
        "wrong_header": {
            "name": ParamSpec(_string, "a header name", True),
            "value": ParamSpec(lambda v: isinstance(v, str), "a string", True),
        },
        "wrong_token_encoding": {},
        "broken_pagination": {
            "variant": ParamSpec(
                _one_of(*PAGINATION_VARIANTS), "one of " + ", ".join(PAGINATION_VARIANTS), True
            )
        },
        "wrong_cdr_total": {
            "amount": ParamSpec(_number(-1e6, 1e6), "a number", default=0.01),
            "field": ParamSpec(
                _one_of("both", "excl_vat", "incl_vat"),
                '"both", "excl_vat" or "incl_vat"',
                default="both",
            ),
        },
        "misprice_cdr": {
            "mistake": ParamSpec(
                _one_of(*MISTAKE_NAMES), "one of " + ", ".join(MISTAKE_NAMES), True
            ),
            "time_zone": ParamSpec(_opt(_string), "an IANA time zone or null"),
        },
        "missing_envelope_fields": {
            "fields": ParamSpec(
                _fields(ENVELOPE_FIELDS),
                "a non-empty list of " + ", ".join(ENVELOPE_FIELDS),
                default=["status_code", "timestamp"],
            )
        },
        "wrong_correlation_id": {
            "header": ParamSpec(
                _one_of("X-Correlation-ID", "X-Request-ID"),
                '"X-Correlation-ID" or "X-Request-ID"',
                default="X-Correlation-ID",
            ),
            "value": ParamSpec(_opt(_string), "a string or null"),
        },
        # beyond the minimum: pitfalls 3, 4, 5, 6, 14, 15 of interop-pitfalls.md
        "set_field": {
            "pointer": ParamSpec(_string, "a JSON pointer (* matches every item)", True),
            "value": ParamSpec(_any, "any JSON value", True),
        },
        "bad_timestamps": {
            "variant": ParamSpec(
                _one_of("offset", "nanoseconds", "space_separator"),
                '"offset", "nanoseconds" or "space_separator"',
                default="offset",
            )
        },
        "lowercase_ids": {},
        "coordinates_precision": {
            "decimals": ParamSpec(_integer(0, 9), "an integer 0..9", default=4)
        },
        "date_filter_violation": {},
        "stale_parent_last_updated": {},
        # wrong protocol behaviour played by the mock's own code (mock_partners.quirks)
        "behaviour": {
            "quirk": ParamSpec(_string, "the name of a behaviour quirk of the mock", True)
        },
        "mangle_url": {
            "variant": ParamSpec(
                _one_of("double_slash", "add_trailing_slash", "drop_trailing_slash"),
                '"double_slash", "add_trailing_slash" or "drop_trailing_slash"',
                default="double_slash",
            )
        },
    }
)

RESPONSE_ONLY = frozenset(
    {
        "http_status",
        "ocpi_status",
        "broken_pagination",
        "missing_envelope_fields",
        "date_filter_violation",
    }
)
"""Kinds that change a response, so only inbound exchanges (the SUT calls the mock)."""
REQUEST_ONLY = frozenset({"wrong_token_encoding", "mangle_url"})
"""Kinds that change a request, so only outbound exchanges (the mock calls the SUT)."""


def _check_keys(obj: Mapping[str, Any], allowed: tuple[str, ...], pointer: str) -> None:
    for key in obj:
        if key not in allowed:
            raise FaultRuleError(
                f"{pointer}/{key}", f"unknown member; allowed: {', '.join(allowed)}"
            )


def _mapping(value: object, pointer: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FaultRuleError(pointer, f"expected an object, got {type(value).__name__}")
    return value


# -- match / scope / action -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaultMatch:
    """Which exchanges a rule applies to; ``None`` matches anything.

    ``path`` is a shell-style glob on the URL path (``*/locations*``), ``method`` and
    ``module`` compare case-insensitively.
    """

    module: str | None = None
    direction: Direction | None = None
    method: str | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        if self.direction is not None and self.direction not in DIRECTIONS:
            raise FaultRuleError("/match/direction", 'must be "inbound", "outbound" or null')
        for name in ("module", "method", "path"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or value == ""):
                raise FaultRuleError(f"/match/{name}", "must be a non-empty string or null")

    def matches(self, *, direction: str, module: str | None, method: str, path: str) -> bool:
        if self.direction is not None and direction != self.direction:
            return False
        if self.method is not None and method.upper() != self.method.upper():
            return False
        if self.module is not None and (module is None or module.lower() != self.module.lower()):
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        return {
            k: getattr(self, k)
            for k in ("direction", "module", "method", "path")
            if getattr(self, k) is not None
        }

    @classmethod
    def from_json(cls, raw: object, pointer: str = "/match") -> FaultMatch:
        obj = _mapping(raw, pointer)
        _check_keys(obj, ("direction", "module", "method", "path"), pointer)
        return cls(
            module=obj.get("module"),
            direction=obj.get("direction"),
            method=obj.get("method"),
            path=obj.get("path"),
        )


@dataclass(frozen=True, slots=True)
class FaultScope:
    """When a matching rule fires: on matching exchanges number ``after+1 .. after+times``
    (all later ones when ``times`` is None), each with ``probability`` drawn from the plan's
    seeded RNG."""

    times: int | None = None
    after: int = 0
    probability: float = 1.0

    def __post_init__(self) -> None:
        if self.times is not None and not _integer(1, 10**9)(self.times):
            raise FaultRuleError("/scope/times", "must be an integer >= 1 or null (no limit)")
        if not _integer(0, 10**9)(self.after):
            raise FaultRuleError("/scope/after", "must be an integer >= 0")
        if not _number(0.0, 1.0)(self.probability):
            raise FaultRuleError("/scope/probability", "must be a number in 0..1")

    def in_window(self, number: int) -> bool:
        """Is the ``number``-th matching exchange (1-based) inside the window?"""
        if number <= self.after:
            return False
        return self.times is None or number <= self.after + self.times

    def to_json(self) -> dict[str, Any]:
        return {"times": self.times, "after": self.after, "probability": self.probability}

    @classmethod
    def from_json(cls, raw: object, pointer: str = "/scope") -> FaultScope:
        obj = _mapping(raw, pointer)
        _check_keys(obj, ("times", "after", "probability"), pointer)
        return cls(
            times=obj.get("times"),
            after=obj.get("after", 0),
            probability=obj.get("probability", 1.0),
        )


@dataclass(frozen=True, slots=True)
class FaultAction:
    """What a fired rule does; ``params`` are checked against :data:`ACTION_KINDS`."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = ACTION_KINDS.get(self.kind)
        if spec is None:
            raise FaultRuleError(
                "/action/kind",
                f"unknown fault kind {self.kind!r}; known kinds: {', '.join(ACTION_KINDS)}",
            )
        if not isinstance(self.params, Mapping):
            raise FaultRuleError("/action/params", "must be an object")
        for name, value in self.params.items():
            p = spec.get(name)
            if p is None:
                allowed = ", ".join(spec) or "none"
                raise FaultRuleError(
                    f"/action/{name}",
                    f"fault kind {self.kind!r} takes no parameter {name!r}; parameters: {allowed}",
                )
            if not p.check(value):
                raise FaultRuleError(
                    f"/action/{name}", f"{self.kind}.{name} must be {p.expects}, got {value!r}"
                )
        for name, p in spec.items():
            if p.required and name not in self.params:
                raise FaultRuleError(
                    f"/action/{name}", f"fault kind {self.kind!r} requires parameter {name!r}"
                )
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def param(self, name: str) -> Any:
        """A parameter's value, or its default."""
        if name in self.params:
            return self.params[name]
        return ACTION_KINDS[self.kind][name].default

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.params}

    @classmethod
    def from_json(cls, raw: object, pointer: str = "/action") -> FaultAction:
        obj = dict(_mapping(raw, pointer))
        kind = obj.pop("kind", None)
        if not isinstance(kind, str):
            raise FaultRuleError(f"{pointer}/kind", "required: the name of a fault kind")
        if kind in ACTION_KINDS and "params" in obj and "params" not in ACTION_KINDS[kind]:
            nested = _mapping(obj.pop("params"), f"{pointer}/params")
            obj = {**nested, **obj}
        return cls(kind, obj)


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One deliberately broken behaviour of a mock partner."""

    id: str
    match: FaultMatch
    scope: FaultScope
    action: FaultAction
    description: str = ""

    def __post_init__(self) -> None:
        if not _string(self.id) or not str(self.id).strip():
            raise FaultRuleError("/id", "required: a non-empty string")
        kind = self.action.kind
        if kind in RESPONSE_ONLY and self.match.direction == "outbound":
            raise FaultRuleError(
                "/match/direction",
                f"{kind!r} changes a response: it applies to inbound exchanges only",
            )
        if kind in REQUEST_ONLY and self.match.direction == "inbound":
            raise FaultRuleError(
                "/match/direction",
                f"{kind!r} changes a request: it applies to outbound exchanges only",
            )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.description:
            out["description"] = self.description
        out["match"] = self.match.to_json()
        out["scope"] = self.scope.to_json()
        out["action"] = self.action.to_json()
        return out

    @classmethod
    def from_json(cls, raw: object) -> FaultRule:
        obj = _mapping(raw, "")
        _check_keys(obj, ("id", "description", "match", "scope", "action"), "")
        if "action" not in obj:
            raise FaultRuleError("/action", 'required: {"kind": ..., parameters...}')
        description = obj.get("description", "")
        if not isinstance(description, str):
            raise FaultRuleError("/description", "must be a string")
        return cls(
            id=obj.get("id"),  # type: ignore[arg-type]  # checked in __post_init__
            match=FaultMatch.from_json(obj.get("match", {})),
            scope=FaultScope.from_json(obj.get("scope", {})),
            action=FaultAction.from_json(obj["action"]),
            description=description,
        )
