"""``ocpi-harness validate``: check JSON documents against an OCPI object schema.

Exit 0 when every document is valid, 1 when any has an error-level violation, 2 for usage and
input errors (unknown version or object, a file that cannot be read or is not JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.schemas import PROFILES, SUPPORTED_VERSIONS, object_names, validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ocpi-version", required=True, metavar="V", help=f"one of {', '.join(SUPPORTED_VERSIONS)}"
    )
    parser.add_argument(
        "--object",
        required=True,
        metavar="NAME",
        help="OCPI object name, e.g. Location, CDR, Tariff, Token, VersionDetails; "
        "NAME[] for a JSON array of them; 'list' prints every name",
    )
    parser.add_argument(
        "--partial", action="store_true", help="the documents are PATCH bodies (partial objects)"
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="strict",
        help="lenient turns common field variants (DateTime offsets, ...) into warnings",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of results")
    parser.add_argument("files", nargs="*", metavar="FILE", help="JSON files ('-' for stdin)")


def _read(name: str) -> Any:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def run(args: argparse.Namespace) -> int:
    if args.object == "list":
        print("\n".join(object_names(args.ocpi_version)))
        return 0
    if not args.files:
        raise InputError("no FILE given")
    # Fail fast on an unknown version or object name, before reading any file.
    validate(args.ocpi_version, args.object, None, partial=args.partial)

    results: list[dict[str, Any]] = []
    unreadable = 0
    for name in args.files:
        try:
            document = _read(name)
        except InputError as exc:
            unreadable += 1
            results.append(
                {"file": name, "valid": False, "errors": [_entry("", "json", str(exc), "error")]}
            )
            if not args.json:
                print(f"ocpi-harness validate: error: {exc}", file=sys.stderr)
            continue
        violations = validate(
            args.ocpi_version, args.object, document, partial=args.partial, profile=args.profile
        )
        errors = [v for v in violations if v.level == "error"]
        results.append(
            {
                "file": name,
                "valid": not errors,
                "errors": [_entry(v.path, v.rule, v.message, v.level) for v in violations],
            }
        )
        if not args.json:
            _print_human(name, violations, valid=not errors)

    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    if unreadable:
        return 2
    return 0 if all(r["valid"] for r in results) else 1


def _entry(path: str, rule: str, message: str, level: str) -> dict[str, str]:
    entry = {"path": path, "rule": rule, "message": message}
    if level != "error":
        entry["level"] = level
    return entry


def _print_human(name: str, violations: list[Any], *, valid: bool) -> None:
    errors = sum(1 for v in violations if v.level == "error")
    warnings = len(violations) - errors
    verdict = "valid" if valid else f"INVALID ({errors} error{'s' if errors != 1 else ''})"
    if warnings:
        verdict += f", {warnings} warning{'s' if warnings != 1 else ''}"
    print(f"{name}: {verdict}")
    for v in violations:
        print(f"  {v.level:<7} {v.path or '/'}  [{v.rule}] {v.message}")
