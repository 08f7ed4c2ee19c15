"""``ocpi-harness mock``: a real process on a real port, stopped with Ctrl-C."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from harness.cli import main
from tests.mock_partners.helpers import envelope_ok

ROOT = Path(__file__).resolve().parents[2]


def launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "mock", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_banner(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    found: dict[str, str] = {}
    for line in process.stdout:
        if ":" in line and not line.startswith("mock "):
            key, _, value = line.partition(":")
            found[key.strip()] = value.strip().split()[0]
        if line.startswith("admin token"):
            return found
    raise AssertionError(f"no banner; stderr: {process.stderr.read() if process.stderr else ''}")


def test_serves_prints_url_and_token_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = launch(
        "cpo", "--port", "0", "--seed", "5", "--token", "token-A-1", "--db", str(tmp_path / "m.db")
    )
    try:
        banner = read_banner(process)
        assert banner["token A"] == "token-A-1"
        versions_url = banner["versions URL"]
        assert versions_url.startswith("http://127.0.0.1:") and versions_url.endswith(
            "/ocpi/cpo/versions"
        )
        header = {"Authorization": "Token " + base64.b64encode(b"token-A-1").decode()}
        body = envelope_ok(httpx.get(versions_url, headers=header, timeout=10))
        assert [v["version"] for v in body["data"]] == ["2.1.1", "2.2.1", "2.3.0"]
        assert (
            httpx.get(versions_url, headers={"Authorization": "Token nope"}, timeout=10).status_code
            == 401
        )
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_token_derived_from_the_seed_and_single_version() -> None:
    runs = []
    for _ in range(2):
        process = launch("emsp", "--port", "0", "--seed", "9", "--ocpi-version", "2.1.1")
        try:
            runs.append(read_banner(process))
            version_url = runs[-1]["versions URL"].replace("versions", "2.1.1")
            raw = {"Authorization": f"Token {runs[-1]['token A']}"}
            details = envelope_ok(httpx.get(version_url, headers=raw, timeout=10), "2.1.1")
            assert details["data"]["version"] == "2.1.1"
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=20)
    assert runs[0]["token A"] == runs[1]["token A"]  # same seed, same token


@pytest.mark.parametrize(
    "args",
    [
        ["cpo", "--ocpi-version", "9.9"],
        ["emsp", "--token", "has space"],
        ["cpo", "--port", "70000"],
        ["cpo", "--locations", "-1"],
        ["cpo", "--party-id", "TOOLONG"],
    ],
)
def test_usage_errors_exit_2_with_one_line(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mock", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ocpi-harness mock: error:")
