"""What may import what (ARCHITECTURE.md): the engine never pulls in the mocks or the report
writers, and the checks never pull in httpx, starlette or pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.loader import load_suites

ROOT = Path(__file__).resolve().parents[2]


def _imported(modules: str) -> set[str]:
    code = (
        f"import sys; import {modules}; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stdout.split())


def test_the_engine_does_not_import_the_mocks_or_the_reports() -> None:
    found = _imported("harness.runner, harness.context, harness.client, harness.endpoints")
    assert "mock_partners" not in found and "reports" not in found
    assert not {"pytest", "starlette"} & found


def test_checks_import_no_http_or_test_framework() -> None:
    found = _imported("harness.checks")
    assert not {"httpx", "starlette", "pytest", "mock_partners", "reports"} & found


def test_suites_list_shows_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "--list"]) == 0
    out = capsys.readouterr().out
    suites = load_suites([ROOT / "suites"])
    total = f"{len(suites)} suites, {sum(len(s.cases) for s in suites)} cases"
    assert "versions-cpo  OCPI 2.2.1  CPO SUT" in out and total in out
    assert "LOC-SND-005" in out and "REQ-TOK-009" in out
