"""``ocpi-harness run``: the embedded default, reports, exit codes, usage errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from harness.cli import main
from harness.loader import load_suites

ROOT = Path(__file__).resolve().parents[2]
REPORT_SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())
TYPO = ROOT / "tests" / "engine" / "data" / "broken" / "typo-key.yaml"
DEMO_CASES = sum(len(suite.cases) for suite in load_suites([ROOT / "suites"]))
"""Every bundled case: the embedded default runs them all."""


def check_reports(folder: Path) -> dict:  # type: ignore[type-arg]
    report = json.loads((folder / "r.json").read_text())
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    tree = ET.parse(folder / "r.xml")
    cases = tree.getroot().iter("testcase")
    assert len(list(cases)) == report["summary"]["total"]
    return report  # type: ignore[no-any-return]


def test_embedded_default_passes_and_writes_valid_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--junit", "r.xml", "--json", "r.json", "--html", "r.html", "--seed", "5"])
    out = capsys.readouterr().out
    assert code == 0, out
    report = check_reports(tmp_path)
    assert report["summary"]["total"] == DEMO_CASES and report["summary"]["verdict"] == "passed"
    assert report["run"]["seed"] == 5 and report["run"]["sut_role"] == "CPO,EMSP"
    coverage = report["coverage"]  # the same matrix as `suites --coverage`, for what ran
    assert coverage["cases"] == DEMO_CASES and coverage["cases_without_proof"] == []
    cpo = coverage["versions"]["2.2.1"]["CPO"]
    assert cpo["covered"] > 0 and "REQ-TF-003" in cpo["modules"]["transport"]["covered"]
    assert "PASSED  LOC-SND-001" in out and "Verdict: OK" in out and "seed 5" in out
    assert "\033[" not in out  # no colour when stdout is not a terminal
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


def test_installed_console_script_runs_the_embedded_default(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "ocpi-harness"
    done = subprocess.run(
        [str(script), "run", "--json", "r.json", "--junit", "r.xml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert check_reports(tmp_path)["summary"]["passed"] == DEMO_CASES
    assert "Traceback" not in done.stderr


def test_a_faulty_mock_fails_the_run_and_the_findings_name_the_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(
        ["run", "--mock-fault", "common-wrap-in-list", "--json", "r.json", "--junit", "r.xml"]
    )
    assert code == 1
    report = check_reports(tmp_path)
    failed = {c["id"]: c for c in report["cases"] if c["outcome"] == "failed"}
    assert "LOC-SND-003" in failed
    checks = {(f["check"], f["req"]) for f in failed["LOC-SND-003"]["findings"]}
    assert ("data_cardinality", "REQ-TF-009") in checks
    junit = (tmp_path / "r.xml").read_text()
    assert "<failure" in junit and "data_cardinality" in junit


def test_a_suite_with_a_typo_is_rejected_with_file_and_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--suite", str(TYPO)]) == 2
    err = capsys.readouterr().err
    assert f"{TYPO}:13:9:" in err and "expct" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sut-role", "cpo"], "needs --versions-url and --token"),
        (["--versions-url", "http://127.0.0.1:9/v"], "need --sut-role"),
        (["--listen", "nowhere"], "HOST:PORT"),
        (["--mock-fault", "no-such-fault"], "not in the fault catalogue"),
        (["--profile", "missing.toml"], "no file"),
        (["--ocpi-version", "3.0"], "not implemented"),
        (["--suite", "no/such/dir"], "no suite file"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *argv]) == 2
    assert message in capsys.readouterr().err


def test_an_unreachable_sut_or_a_busy_port_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    argv = ["run", "--sut-role", "cpo", "--token", "A", "--timeout", "1"]
    assert main([*argv, "--versions-url", f"http://127.0.0.1:{port}/ocpi/versions"]) == 2
    assert "unreachable at discovery" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        taken = busy.getsockname()[1]
        assert main(["run", "--listen", f"127.0.0.1:{taken}"]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_profiles_from_files_are_used_and_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[checks]\nlevels = { no_such_check = "MUST" }\n')
    assert main(["run", "--profile", str(bad)]) == 2
    assert "unknown check 'no_such_check'" in capsys.readouterr().err
    narrow = tmp_path / "narrow.toml"
    narrow.write_text('base = "lenient"\ncapabilities = ["versions", "credentials"]\n')
    suite = ROOT / "suites" / "2.2.1" / "cpo"
    assert main(["run", "--profile", str(narrow), "--suite", str(suite)]) == 0
    out = capsys.readouterr().out
    assert "SKIPPED LOC-SND-001" in out and "profile does not declare: locations.sender" in out
    assert "PASSED  VER-CPO-001" in out and "profile narrow" in out


def test_a_subcommand_imports_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from harness.cli import main\n"
        "try:\n"
        "    main(['price', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('harness.run_cli', 'mock_partners.cli', 'uvicorn') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "--verify" in done.stdout  # the price subcommand's own options are there
    assert done.stdout.rstrip().endswith("[]"), done.stdout[-200:]
    listed = subprocess.run(
        [sys.executable, "-m", "harness.cli", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert listed.returncode == 0 and all(name in listed.stdout for name in ("run", "mock"))
