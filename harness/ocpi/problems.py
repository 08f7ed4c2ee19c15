"""What the protocol parsers and checks report: a :class:`Problem` with a :class:`Level`.

A partner that breaks a rule never makes these functions raise; they return problems. The check
layer (``harness/checks``) turns problems into findings attached to an exchange.

Levels follow the requirement catalogue (docs/ocpi-requirements.md §4): ``MUST`` for
MUST/SHALL/MUST NOT rules (a conformance failure), ``SHOULD`` for SHOULD/advised rules and for the
field variants a lenient profile tolerates (a warning), ``INFO`` for facts worth showing that
break no rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum, unique


@unique
class Level(StrEnum):
    """How much a problem matters."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    INFO = "INFO"


def tolerated(strict: bool) -> Level:
    """The level of a deviation that the lenient profile accepts: MUST when strict, else SHOULD."""
    return Level.MUST if strict else Level.SHOULD


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken (or bent) protocol rule.

    ``code`` is a stable snake_case name (reports and profiles refer to it), ``req`` the id of
    the requirement in docs/ocpi-requirements.md, ``pointer`` a JSON pointer into the body ("" is
    the whole document) and ``header`` the HTTP header concerned, if any.
    """

    code: str
    message: str
    req: str
    level: Level
    pointer: str = ""
    header: str | None = None
