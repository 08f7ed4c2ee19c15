"""The HTTP ``Link`` header (RFC 8288), as OCPI pagination uses it for the next page.

Sources: ``transport_and_format`` §Paginated Response and §Pagination Examples of each version
(``Link: <url>; rel="next"``), RFC 8288 §3 for the syntax. Requirement REQ-TF-031; pitfall 2.
Parsing never raises: syntax errors become problems and the remaining links are still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harness.ocpi.problems import Level, Problem

LINK_HEADER = "Link"

_TOKEN_END = re.compile(r"[\s;,=]")
_VALUE_END = re.compile(r"[\s;,]")


@dataclass(frozen=True, slots=True)
class Link:
    """One link of a Link header."""

    target: str
    rel: tuple[str, ...]
    """Relation types, lower case (``rel="next prev"`` gives two)."""
    params: Mapping[str, str]
    """Every parameter, names in lower case; for a repeated name the first one counts."""


@dataclass(frozen=True, slots=True)
class LinkParse:
    links: tuple[Link, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def next_url(self) -> str | None:
        """The target of the first link with relation ``next``."""
        for link in self.links:
            if "next" in link.rel:
                return link.target
        return None


def _link_problem(code: str, message: str) -> Problem:
    return Problem(code, message, "REQ-TF-031", Level.MUST, header=LINK_HEADER)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _read_quoted(text: str, pos: int) -> tuple[str, int] | None:
    """Read a quoted-string starting at ``text[pos] == '"'``; None if it is not closed."""
    out: list[str] = []
    pos += 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
        elif ch == '"':
            return "".join(out), pos + 1
        else:
            out.append(ch)
            pos += 1
    return None


def _read_params(text: str, pos: int) -> tuple[dict[str, str], int, bool]:
    """Read ``*( ";" link-param )``; returns params, position, and whether the syntax held."""
    params: dict[str, str] = {}
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text) or text[pos] == ",":
            return params, pos, True
        if text[pos] != ";":
            return params, pos, False
        pos = _skip_ws(text, pos + 1)
        end = _TOKEN_END.search(text, pos)
        stop = end.start() if end else len(text)
        name = text[pos:stop].lower()
        pos = _skip_ws(text, stop)
        value = ""
        if pos < len(text) and text[pos] == "=":
            pos = _skip_ws(text, pos + 1)
            if pos < len(text) and text[pos] == '"':
                quoted = _read_quoted(text, pos)
                if quoted is None:
                    return params, len(text), False
                value, pos = quoted
            else:
                end = _VALUE_END.search(text, pos)
                stop = end.start() if end else len(text)
                value, pos = text[pos:stop], stop
        if not name:
            return params, pos, False
        params.setdefault(name, value)


def _skip_to_next_link(text: str, pos: int) -> int:
    in_quotes = False
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == "," and not in_quotes:
            return pos
        pos += 1
    return pos


def parse_link_header(values: str | Iterable[str] | None) -> LinkParse:
    """Parse one or more Link header values (several links per value, several values).

    Relation names are compared case-insensitively; ``rel`` may be quoted or not and hold
    several space-separated types. A link whose target is not in ``<...>`` is read up to the
    first ";" and reported (``link_not_bracketed``); other syntax errors skip that link and are
    reported (``link_malformed``).
    """
    if values is None:
        return LinkParse(())
    texts = [values] if isinstance(values, str) else list(values)
    links: list[Link] = []
    problems: list[Problem] = []
    for text in texts:
        pos = 0
        while True:
            while pos < len(text) and text[pos] in " \t,":
                pos += 1
            if pos >= len(text):
                break
            if text[pos] == "<":
                close = text.find(">", pos)
                if close < 0:
                    problems.append(_link_problem("link_malformed", f"unclosed '<' in {text!r}"))
                    break
                target = text[pos + 1 : close].strip()
                pos = close + 1
            else:
                stop = text.find(";", pos)
                stop = len(text) if stop < 0 else stop
                target = text[pos:stop].strip()
                problems.append(
                    _link_problem(
                        "link_not_bracketed",
                        f"the link target {target!r} must be enclosed in '<' and '>'",
                    )
                )
                pos = stop
            params, pos, well_formed = _read_params(text, pos)
            if not well_formed:
                problems.append(_link_problem("link_malformed", f"cannot parse Link {text!r}"))
                pos = _skip_to_next_link(text, pos)
                continue
            rel = tuple(params.get("rel", "").lower().split())
            links.append(Link(target, rel, MappingProxyType(params)))
    return LinkParse(tuple(links), tuple(problems))


def build_link(next_url: str) -> str:
    """The Link header value pointing at the next page."""
    return f'<{next_url}>; rel="next"'
