"""JSON documents of a step: built from a template or a fixture, overridden, serialised.

:func:`build_payload` turns a :class:`~harness.model.Payload` into fresh JSON: the rendered
``value`` (or the fixture file), then each override set at its dotted path (missing objects
are created, ``*`` sets every item), then each removal. :func:`json_text` writes JSON with
Decimals exactly as they are (``0.10`` stays ``0.10``; money never passes through float).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from harness.model import FrozenJson, Payload

__all__ = ["FixtureLoader", "build_payload", "json_text", "remove_path", "set_path"]


class FixtureLoader(Protocol):
    def load(self, ref: str) -> object: ...


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    text = format(value, "f")
    return text


def json_text(value: object, *, indent: int | None = None) -> str:
    """JSON text of ``value``; Decimals written exactly, mappings and tuples accepted."""
    if indent is not None:
        return json.dumps(_plain(value), indent=indent, ensure_ascii=False, default=str)
    return _compact(value)


def _compact(value: object) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int | float | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}:{_compact(v)}" for k, v in value.items()
        )
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_compact(v) for v in value) + "]"
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _children(node: object, segment: str) -> list[tuple[object, str | int]]:
    if segment == "*":
        if isinstance(node, list):
            return [(node, i) for i in range(len(node))]
        if isinstance(node, dict):
            return [(node, k) for k in list(node)]
        return []
    if isinstance(node, list) and segment.isdigit():
        return [(node, int(segment))]
    if isinstance(node, dict):
        return [(node, segment)]
    return []


def set_path(document: object, segments: Sequence[str], value: object) -> object:
    """Set ``value`` at ``segments`` in ``document`` (in place; returns the document).

    Missing objects on the way are created; an index past the end of a list appends.
    A path through a scalar raises ValueError.
    """
    if not segments:
        return value
    parents: list[object] = [document]
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        following: list[object] = []
        for node in parents:
            targets = _children(node, segment)
            if not targets:
                raise ValueError(f"cannot set {'.'.join(segments)}: {segment!r} is not a field")
            for container, key in targets:
                if isinstance(container, list) and isinstance(key, int):
                    if key >= len(container):
                        container.append({} if not last else value)
                        key = len(container) - 1
                    if last:
                        container[key] = value
                    following.append(container[key])
                elif isinstance(container, dict):
                    if last:
                        container[key] = value
                    elif key not in container or not isinstance(container[key], dict | list):
                        container[key] = {}
                    following.append(container[key])
        parents = following
    return document


def remove_path(document: object, segments: Sequence[str]) -> None:
    """Delete the field(s) at ``segments`` (nothing happens where they are absent)."""
    parents: list[object] = [document]
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        following: list[object] = []
        for node in parents:
            for container, key in _children(node, segment):
                present = (isinstance(container, dict) and key in container) or (
                    isinstance(container, list) and isinstance(key, int) and key < len(container)
                )
                if not present:
                    continue
                if last:
                    del container[key]  # type: ignore[attr-defined]
                else:
                    following.append(container[key])  # type: ignore[index]
        parents = following


def build_payload(
    payload: Payload,
    render: Callable[[FrozenJson], object],
    fixtures: FixtureLoader,
) -> object:
    """Fresh JSON for ``payload`` (raw text payloads are the caller's business)."""
    document = fixtures.load(payload.fixture.path) if payload.fixture else render(payload.value)
    for override in payload.overrides:
        document = set_path(document, override.path.segments, render(override.value))
    for path in payload.remove:
        remove_path(document, path.segments)
    return document
