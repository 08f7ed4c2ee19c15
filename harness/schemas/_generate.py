"""Write the JSON Schema files of every version from the tables.

Run ``python -m harness.schemas._generate`` after editing a table; ``--check`` exits 1 when a
committed file differs from what the tables produce (the test suite runs the same check).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.schemas._dsl import JSON, compile_version
from harness.schemas.tables import ALL_TABLES

SCHEMA_DIR = Path(__file__).resolve().parent


def render(doc: JSON) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def generated_files() -> dict[Path, str]:
    files: dict[Path, str] = {}
    for version, tables in ALL_TABLES.items():
        for module, doc in compile_version(tables).items():
            files[SCHEMA_DIR / version / f"{module}.json"] = render(doc)
    return files


def stale_files() -> list[Path]:
    """Files whose committed content differs from the generator's output (or that are extra)."""
    expected = generated_files()
    stale = [p for p, text in expected.items() if not p.exists() or p.read_text("utf-8") != text]
    for version in ALL_TABLES:
        for path in (SCHEMA_DIR / version).glob("*.json"):
            if path not in expected:
                stale.append(path)
    return sorted(stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            sys.stderr.write(f"stale: {path}\n")
        return 1 if stale else 0
    for path, text in generated_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
