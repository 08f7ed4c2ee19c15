"""Write harness/data/requirements.json from docs/ocpi-requirements.md §4 (ids, module, role,
level and check kind only; no prose), so that ``ocpi-harness suites --coverage`` works from an
installed wheel.

    python tools/extract_requirements.py [../shared/docs/ocpi-requirements.md]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.coverage import PACKAGED, SHARED_DOC, parse_catalogue  # noqa: E402


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else SHARED_DOC
    reqs = parse_catalogue(source.read_text(encoding="utf-8"))
    doc = {"source": "docs/ocpi-requirements.md §4", "requirements": [r.to_json() for r in reqs]}
    PACKAGED.parent.mkdir(parents=True, exist_ok=True)
    PACKAGED.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"{len(reqs)} requirements -> {PACKAGED.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
