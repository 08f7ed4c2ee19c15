"""Derive broken variants of a valid document from its schema.

Used by the schema tests (every mutation of a valid fixture must be rejected at the mutated
field) and by the mock partners' fault rules (send a Location with a required field missing,
an enum value that does not exist, a string one character too long, a broken DateTime).

Each :class:`Mutation` carries the changed document, the JSON pointer of the changed field and
the rule a validator must report there (``None`` when the change must be accepted, as with a
``null`` in an optional field).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from harness.schemas._explain import pointer
from harness.schemas._registry import CACHE, VersionSchemas

BAD_DATETIMES = ("2024-13-01 25:00", "2024-06-01T10:00:00+02:00", "yesterday")
BAD_ENUM = "NOT_A_DEFINED_VALUE"


@dataclass(frozen=True, slots=True)
class Mutation:
    kind: str  # remove_required | bad_enum | too_long | bad_datetime | wrong_type | null_optional
    path: str
    document: Any
    expect_rule: str | None  # None: the mutated document must still be valid


def _resolve(schemas: VersionSchemas, node: Mapping[str, Any]) -> Mapping[str, Any]:
    while True:
        if "$ref" in node:
            module, _, fragment = str(node["$ref"]).partition("#")
            name = fragment.rsplit("/", 1)[-1]
            node = schemas.strict_docs[module.removesuffix(".json")]["$defs"][name]
            continue
        any_of = node.get("anyOf")
        if isinstance(any_of, list) and len(any_of) == 2 and any_of[0] == {"type": "null"}:
            node = any_of[1]
            continue
        return node


def _set(doc: Any, parts: list[str | int], value: Any, *, remove: bool = False) -> Any:
    out = copy.deepcopy(doc)
    target = out
    for part in parts[:-1]:
        target = target[part]
    if remove:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value
    return out


def _types(node: Mapping[str, Any]) -> set[str]:
    t = node.get("type")
    if isinstance(t, str):
        return {t}
    return set(t) if isinstance(t, list) else set()


def mutations(version: str, object_name: str, document: Any) -> Iterator[Mutation]:
    """Every single-field mutation of ``document`` that the schema of ``object_name`` defines."""
    schemas = CACHE.version(version)
    root = {"$ref": f"{schemas.index[object_name]}.json#/$defs/{object_name}"}
    yield from _walk(schemas, root, document, document, [])


def _walk(
    schemas: VersionSchemas,
    raw: Mapping[str, Any],
    value: Any,
    doc: Any,
    parts: list[str | int],
) -> Iterator[Mutation]:
    node = _resolve(schemas, raw)
    here = pointer(parts)
    title = node.get("title")
    if parts and title == "DateTime":
        for bad in BAD_DATETIMES:
            yield Mutation("bad_datetime", here, _set(doc, parts, bad), "pattern")
        return
    if parts and "enum" in node:
        yield Mutation("bad_enum", here, _set(doc, parts, BAD_ENUM), "enum")
        return
    kinds = _types(node)
    if parts and "string" in kinds and isinstance(value, str):
        limit = node.get("maxLength")
        if isinstance(limit, int):
            filler = (value or "A")[0]
            yield Mutation("too_long", here, _set(doc, parts, filler * (limit + 1)), "maxLength")
        yield Mutation("wrong_type", here, _set(doc, parts, 12345), "type")
        return
    if parts and kinds & {"number", "integer"} and not isinstance(value, bool):
        yield Mutation("wrong_type", here, _set(doc, parts, "12.5"), "type")
        return
    if parts and kinds == {"boolean"}:
        yield Mutation("wrong_type", here, _set(doc, parts, "true"), "type")
        return
    if isinstance(value, Mapping) and "properties" in node:
        props: Mapping[str, Any] = node["properties"]
        required = set(node.get("required", ()))
        for name, sub in value.items():
            if name not in props:
                continue
            child = [*parts, name]
            if name in required:
                yield Mutation(
                    "remove_required",
                    pointer(child),
                    _set(doc, child, None, remove=True),
                    "required",
                )
            elif sub is not None:
                yield Mutation("null_optional", pointer(child), _set(doc, child, None), None)
            if sub is not None:
                yield from _walk(schemas, props[name], sub, doc, child)
        return
    if isinstance(value, list) and value and "items" in node:
        # the first element stands for all of them
        yield from _walk(schemas, node["items"], value[0], doc, [*parts, 0])
