"""Load the generated schema files of a version and build validators for any object in it.

Two validators per (version, object, partial, profile):

* a fast one (``jsonschema_rs``) that only answers "valid or not": the common case, valid input,
  costs one call into Rust;
* a detailed one (``jsonschema``) run only when the fast one says "invalid", producing the
  readable violations with JSON pointers.

The lenient profile is the strict schema set with a few definitions replaced (see
:func:`harness.schemas.tables.common.lenient_overrides`).
"""

from __future__ import annotations

import copy
import difflib
import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from harness.errors import UnknownObjectError, UnknownVersionError
from harness.schemas._dsl import ASCII_STRING_211, BASE_URI, JSON, PRINTABLE_TEXT, file_uri
from harness.schemas.tables.common import lenient_overrides

SUPPORTED_VERSIONS: tuple[str, ...] = ("2.1.1", "2.2.1", "2.3.0")
PROFILES: tuple[str, ...] = ("strict", "lenient")

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_PARTIAL_DROP = ("required", "if", "then", "else", "anyOf", "oneOf", "dependentRequired")


def _load_documents(version: str) -> dict[str, JSON]:
    folder = resources.files("harness.schemas").joinpath(version)
    docs: dict[str, JSON] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            docs[entry.name[: -len(".json")]] = json.loads(entry.read_text(encoding="utf-8"))
    return docs


def _apply_override(definition: JSON, override: dict[str, Any]) -> JSON:
    out = copy.deepcopy(definition)
    for key, value in override.items():
        if key == "+enum":
            out["enum"] = [*out["enum"], *value]
        elif "." in key:
            *parents, leaf = key.split(".")
            node = out
            for part in parents:
                node = node[part]
            node[leaf] = value
        else:
            out[key] = value
    if "maxLength" not in override and any(k in override for k in ("type", "pattern")):
        # a replaced primitive keeps only what the override says (plus its title/description)
        kept: JSON = {k: out[k] for k in ("title", "description") if k in out}
        out = {**kept, **override}
    return out


@dataclass
class VersionSchemas:
    """All schema documents of one OCPI version, strict and lenient."""

    version: str
    strict_docs: dict[str, JSON]
    lenient_docs: dict[str, JSON] = field(init=False)
    index: dict[str, str] = field(init=False)  # definition name -> module file

    def __post_init__(self) -> None:
        self.index = {
            name: module for module, doc in self.strict_docs.items() for name in doc["$defs"]
        }
        self.lenient_docs = copy.deepcopy(self.strict_docs)
        for module, defs in lenient_overrides(self.version).items():
            if module not in self.lenient_docs:
                continue
            for name, override in defs.items():
                target = self.lenient_docs[module]["$defs"]
                target[name] = _apply_override(target[name], override)
        if self.version == "2.1.1":  # REQ-211-010: UTF-8 text is a lenient variant
            _relax_patterns(self.lenient_docs, ASCII_STRING_211, PRINTABLE_TEXT)

    def docs(self, profile: str) -> dict[str, JSON]:
        return self.strict_docs if profile == "strict" else self.lenient_docs

    @cached_property
    def _py_registries(self) -> dict[str, Registry[Any]]:
        out: dict[str, Registry[Any]] = {}
        for profile in PROFILES:
            resources_ = [
                (
                    file_uri(self.version, m),
                    Resource.from_contents(d, default_specification=DRAFT202012),
                )
                for m, d in self.docs(profile).items()
            ]
            out[profile] = Registry().with_resources(resources_)
        return out

    @cached_property
    def _rs_registries(self) -> dict[str, Any]:
        return {
            profile: jsonschema_rs.Registry(
                [(file_uri(self.version, m), d) for m, d in self.docs(profile).items()]
            )
            for profile in PROFILES
        }

    def root_schema(self, name: str, *, partial: bool, profile: str) -> JSON:
        """A root document validating ``name`` (``X[]`` for an array of X)."""
        is_array = name.endswith("[]")
        base = name[:-2] if is_array else name
        if base not in self.index:
            close = difflib.get_close_matches(base, self.object_names(), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            raise UnknownObjectError(
                f"OCPI {self.version} has no object named {base!r}; {hint}"
                f"('--object list' prints the {len(self.index)} names)"
            )
        module = self.index[base]
        target: JSON = {"$ref": f"{module}.json#/$defs/{base}"}
        if partial:
            target = copy.deepcopy(self.docs(profile)[module]["$defs"][base])
            if target.get("type") != "object":
                raise UnknownObjectError(f"{base} is not an object: --partial does not apply")
            for key in _PARTIAL_DROP:
                target.pop(key, None)
            if self.version != "2.1.1" and "last_updated" in target.get("properties", {}):
                # 2.2+: every PATCH body carries last_updated (transport_and_format, PATCH)
                target["required"] = ["last_updated"]
        root: JSON = {"type": "array", "items": target} if is_array else target
        suffix = ("-partial" if partial else "") + ("-list" if is_array else "")
        return {
            "$schema": _DRAFT,
            "$id": f"{BASE_URI}/{self.version}/root-{base}{suffix}.json",
            **root,
        }

    def object_names(self) -> list[str]:
        return sorted(self.index)

    def fast_validator(self, name: str, *, partial: bool, profile: str) -> Any:
        schema = self.root_schema(name, partial=partial, profile=profile)
        return jsonschema_rs.validator_for(
            schema,
            registry=self._rs_registries[profile],
            # the linear-time regex engine: our patterns need no lookaround, and it is faster
            pattern_options=jsonschema_rs.RegexOptions(),
        )

    def detailed_validator(
        self, name: str, *, partial: bool, profile: str
    ) -> jsonschema.Draft202012Validator:
        schema = self.root_schema(name, partial=partial, profile=profile)
        # Inline every $ref first: jsonschema resolves references slowly, and OCPI has no
        # recursive types. Anything left unresolved still resolves through the registry.
        flat = jsonschema_rs.dereference(schema, registry=self._rs_registries[profile])
        return jsonschema.Draft202012Validator(flat, registry=self._py_registries[profile])


class SchemaCache:
    """Compiled validators, built on first use and kept for the life of the process."""

    def __init__(self) -> None:
        self._versions: dict[str, VersionSchemas] = {}
        self._fast: dict[tuple[str, str, bool, str], Any] = {}
        self._detailed: dict[tuple[str, str, bool, str], jsonschema.Draft202012Validator] = {}
        self._lock = threading.Lock()

    def version(self, version: str) -> VersionSchemas:
        found = self._versions.get(version)
        if found is not None:
            return found
        if version not in SUPPORTED_VERSIONS:
            raise UnknownVersionError(
                f"unknown OCPI version {version!r}; supported: {', '.join(SUPPORTED_VERSIONS)}"
            )
        with self._lock:
            if version not in self._versions:
                self._versions[version] = VersionSchemas(version, _load_documents(version))
            return self._versions[version]

    def fast(self, version: str, name: str, partial: bool, profile: str) -> Any:
        key = (version, name, partial, profile)
        found = self._fast.get(key)
        if found is None:
            found = self.version(version).fast_validator(name, partial=partial, profile=profile)
            self._fast[key] = found
        return found

    def detailed(
        self, version: str, name: str, partial: bool, profile: str
    ) -> jsonschema.Draft202012Validator:
        key = (version, name, partial, profile)
        found = self._detailed.get(key)
        if found is None:
            found = self.version(version).detailed_validator(name, partial=partial, profile=profile)
            self._detailed[key] = found
        return found


CACHE = SchemaCache()


def _relax_patterns(node: Any, strict: str, lenient: str) -> None:
    """Replace every ``pattern`` equal to ``strict`` by ``lenient``, in place."""
    if isinstance(node, dict):
        if node.get("pattern") == strict:
            node["pattern"] = lenient
        for value in node.values():
            _relax_patterns(value, strict, lenient)
    elif isinstance(node, list):
        for value in node:
            _relax_patterns(value, strict, lenient)
