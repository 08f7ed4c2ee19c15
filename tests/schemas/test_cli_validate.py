"""``ocpi-harness validate``: exit codes, human and JSON output, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main

GOOD = {"language": "en", "text": "Entrance on the left"}
BAD = {"language": "en", "text": "Entrance\non the left"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, content in {
        "good": json.dumps(GOOD),
        "bad": json.dumps(BAD),
        "junk": "{nope",
    }.items():
        path = tmp_path / f"{name}.json"
        path.write_text(content, encoding="utf-8")
        out[name] = path
    return out


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_valid_file_exits_0(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    code, out, _ = run(
        capsys, "--ocpi-version", "2.2.1", "--object", "DisplayText", str(files["good"])
    )
    assert code == 0
    assert out.strip().endswith(": valid")


def test_invalid_file_exits_1_and_names_pointer_and_rule(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    code, out, _ = run(
        capsys,
        "--ocpi-version",
        "2.2.1",
        "--object",
        "DisplayText",
        str(files["good"]),
        str(files["bad"]),
    )
    assert code == 1
    assert "INVALID (1 error)" in out
    assert "/text" in out and "[pattern]" in out


def test_json_output_shape(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    code, out, _ = run(
        capsys,
        "--ocpi-version",
        "2.2.1",
        "--object",
        "DisplayText",
        "--json",
        str(files["good"]),
        str(files["bad"]),
    )
    assert code == 1
    results = json.loads(out)
    assert [r["valid"] for r in results] == [True, False]
    assert results[0] == {"file": str(files["good"]), "valid": True, "errors": []}
    [error] = results[1]["errors"]
    assert set(error) == {"path", "rule", "message"}
    assert (error["path"], error["rule"]) == ("/text", "pattern")


def test_not_json_is_a_one_line_error_exit_2(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    code, out, err = run(
        capsys, "--ocpi-version", "2.2.1", "--object", "DisplayText", str(files["junk"])
    )
    assert code == 2
    assert err.count("\n") == 1 and "not JSON" in err and "line 1" in err
    assert "Traceback" not in err + out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ocpi-version", "3.0", "--object", "Token", "x.json"], "unknown OCPI version '3.0'"),
        (["--ocpi-version", "2.2.1", "--object", "Tokn", "x.json"], "no object named 'Tokn'"),
        (["--ocpi-version", "2.2.1", "--object", "Token", "missing.json"], "cannot read"),
        (["--ocpi-version", "2.2.1", "--object", "Token"], "no FILE given"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    assert "required" in capsys.readouterr().err


def test_partial_and_lenient_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    patch = tmp_path / "patch.json"
    patch.write_text(json.dumps({"valid": False, "last_updated": "2026-01-01T00:00:00+00:00"}))
    code, _, _ = run(
        capsys, "--ocpi-version", "2.2.1", "--object", "Token", "--partial", str(patch)
    )
    assert code == 1
    code, out, _ = run(
        capsys,
        "--ocpi-version",
        "2.2.1",
        "--object",
        "Token",
        "--partial",
        "--profile",
        "lenient",
        str(patch),
    )
    assert code == 0
    assert "1 warning" in out


def test_object_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--ocpi-version", "2.3.0", "--object", "list")
    assert code == 0
    names = out.split()
    assert {"Location", "PriceLimit", "TaxAmount", "InvoiceReconciliationRecord"} <= set(names)
