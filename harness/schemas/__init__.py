"""OCPI JSON Schemas (2020-12) for 2.1.1, 2.2.1 and 2.3.0, and the validation API.

>>> from harness.schemas import validate
>>> validate("2.2.1", "DisplayText", {"language": "en", "text": "Hi"})
[]

Every violation names the JSON pointer of the field, the rule that failed (the JSON Schema
keyword, e.g. ``required``, ``enum``, ``maxLength``, ``pattern``, ``type``) and a readable message.
Its level is ``error`` or ``warning``: unknown fields in 2.1.1/2.2.1 (which do not require
tolerance) and, under ``profile="lenient"``, values accepted only by the lenient variants
(``ocpi-requirements.md`` §7.4: DateTime offsets, lower-case codes, RESERVED, CdrLocation
lengths) are warnings. An instance is valid when no violation is an error.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.errors import UsageError
from harness.schemas._explain import Violation, explain
from harness.schemas._registry import CACHE, PROFILES, SUPPORTED_VERSIONS

__all__ = [
    "PROFILES",
    "SUPPORTED_VERSIONS",
    "Violation",
    "is_valid",
    "object_names",
    "schema_for",
    "validate",
]


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r}; use one of: {', '.join(PROFILES)}")


def validate(
    version: str,
    object_name: str,
    instance: object,
    *,
    partial: bool = False,
    profile: str = "strict",
) -> list[Violation]:
    """Check ``instance`` against the schema of ``object_name`` in OCPI ``version``.

    ``object_name`` is the spec's name (``Location``, ``CDR``, ``ConnectorType`` ...); a ``[]``
    suffix checks a JSON array of such objects. ``partial=True`` checks a PATCH body: no field
    is required at the top level except ``last_updated`` (2.2+). Raises
    :class:`~harness.errors.UnknownVersionError` / :class:`~harness.errors.UnknownObjectError`
    for names that do not exist.
    """
    _check_profile(profile)
    if CACHE.fast(version, object_name, partial, "strict").is_valid(instance):
        return []
    strict = explain(CACHE.detailed(version, object_name, partial, "strict"), instance, version)
    if profile == "strict":
        return strict
    lenient_ok = CACHE.fast(version, object_name, partial, "lenient").is_valid(instance)
    lenient: set[tuple[str, str]] = set()
    if not lenient_ok:
        detailed = CACHE.detailed(version, object_name, partial, "lenient")
        lenient = {(v.path, v.rule) for v in explain(detailed, instance, version)}
    return [
        v if (v.path, v.rule) in lenient or v.level == "warning" else v.as_warning("lenient")
        for v in strict
    ]


def is_valid(
    version: str,
    object_name: str,
    instance: object,
    *,
    partial: bool = False,
    profile: str = "strict",
) -> bool:
    """True when ``validate`` would report no error-level violation."""
    return not any(
        v.level == "error"
        for v in validate(version, object_name, instance, partial=partial, profile=profile)
    )


def object_names(version: str) -> list[str]:
    """Every object, class, enum and named type with a schema in ``version``."""
    return CACHE.version(version).object_names()


def schema_for(
    version: str, object_name: str, *, partial: bool = False, profile: str = "strict"
) -> dict[str, object]:
    """The root JSON Schema used for ``object_name`` (it references the version's files)."""
    _check_profile(profile)
    return CACHE.version(version).root_schema(object_name, partial=partial, profile=profile)


def errors_only(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.level == "error"]
