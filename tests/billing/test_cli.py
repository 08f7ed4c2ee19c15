"""``ocpi-harness price``: output shapes and the exit codes of the CLI contract (0 / 1 / 2)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from tests.billing.golden import FIXTURES

TARIFF_4 = FIXTURES / "spec_tariff_4_complex_saturday" / "tariff.json"
SATURDAY = FIXTURES / "spec_tariff_4_complex_saturday" / "cdr.json"
TARIFF_13 = FIXTURES / "spec_tariff_13_time_and_parking"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["price", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, default=str))
    return str(path)


def cdr_with(tmp_path: Path, **changes: Any) -> str:
    cdr = json.loads(SATURDAY.read_text())
    cdr.update(changes)
    return write(tmp_path, "cdr.json", cdr)


def test_json_output_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "--tariff",
        str(TARIFF_4),
        "--cdr",
        str(SATURDAY),
        "--time-zone",
        "Europe/Berlin",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out, parse_float=Decimal)
    assert data["total_cost"] == {"excl_vat": Decimal("12.38"), "incl_vat": Decimal("13.98")}
    assert data["total_time_cost"] == {"excl_vat": Decimal("2.38"), "incl_vat": Decimal("2.85")}
    assert data["total_energy_cost"] is None
    assert data["total_parking_cost"]["excl_vat"] == Decimal("7.50")  # 2 decimals kept in JSON
    for key in (
        "total_fixed_cost",
        "total_reservation_cost",
        "total_energy",
        "total_time",
        "total_parking_time",
        "policy",
        "breakdown",
    ):
        assert key in data
    assert data["policy"]["flat_mode"] == "first_per_phase"
    assert data["exact"]["total_cost"] == {
        "excl_vat": Decimal("12.375"),
        "incl_vat": Decimal("13.975"),
    }
    time_line = next(b for b in data["breakdown"] if b["dimension"] == "TIME")
    assert time_line["element"] == 3
    assert [n["element"] for n in time_line["not_matched"]] == [1, 2]
    assert "MAX_CURRENT 43" in time_line["not_matched"][0]["reason"]


def test_text_output_shows_the_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--tariff", str(TARIFF_4), "--cdr", str(SATURDAY), "--time-zone", "Europe/Berlin"
    )
    assert code == 0
    assert "element 2 not used: Saturday 2024-06-08 13:30:00 is not in [MON,TUE,WED,THU,FRI]" in out
    assert "12.38" in out
    assert "step_size:" in out


def test_time_zone_comes_from_the_cdr_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cdr = cdr_with(tmp_path, cdr_location={"id": "L1", "time_zone": "Europe/Berlin"})
    code, out, _ = run(capsys, "--tariff", str(TARIFF_4), "--cdr", cdr, "--json")
    assert code == 0
    data = json.loads(out, parse_float=Decimal)
    assert data["time_zone"] == "Europe/Berlin"
    assert data["total_cost"]["excl_vat"] == Decimal("12.38")


def test_time_zone_key_of_the_cdr_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cdr = cdr_with(tmp_path, time_zone="UTC")
    code, out, _ = run(capsys, "--tariff", str(TARIFF_4), "--cdr", cdr, "--json")
    assert code == 0
    # in UTC 11:30 Saturday is still a Saturday but parking at 13:24 UTC starts inside 10-17
    assert json.loads(out)["time_zone"] == "UTC"


def test_no_time_zone_needed_without_time_restrictions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "--tariff",
        str(TARIFF_13 / "tariff.json"),
        "--cdr",
        str(TARIFF_13 / "cdr.json"),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["time_zone"] is None


def test_verify_exits_0_when_the_cdr_matches(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--tariff",
        str(TARIFF_13 / "tariff.json"),
        "--cdr",
        str(TARIFF_13 / "cdr.json"),
        "--verify",
    )
    assert code == 0
    assert "OK: the CDR matches the reference" in out


def test_verify_exits_1_and_shows_the_lines_behind_the_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cdr = json.loads((TARIFF_13 / "cdr.json").read_text())
    cdr["total_parking_cost"] = {"excl_vat": 3.50, "incl_vat": 4.20}  # parking not rounded up
    cdr["total_cost"] = {"excl_vat": 11.00, "incl_vat": 12.45}
    path = write(tmp_path, "cdr.json", cdr)
    code, out, _ = run(
        capsys, "--tariff", str(TARIFF_13 / "tariff.json"), "--cdr", path, "--verify"
    )
    assert code == 1
    assert "/total_parking_cost/excl_vat: CDR says 3.5, the reference is 3.75" in out
    assert "PARKING_TIME" in out  # the breakdown line behind it
    assert "MISMATCH" in out


def test_verify_tolerance_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cdr = json.loads((TARIFF_13 / "cdr.json").read_text())
    cdr["total_cost"] = {"excl_vat": 11.27, "incl_vat": 12.75}
    path = write(tmp_path, "cdr.json", cdr)
    argv = ("--tariff", str(TARIFF_13 / "tariff.json"), "--cdr", path, "--verify")
    assert run(capsys, *argv)[0] == 1
    assert run(capsys, *argv, "--tolerance", "0.05")[0] == 0


def test_verify_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--tariff",
        str(TARIFF_13 / "tariff.json"),
        "--cdr",
        str(TARIFF_13 / "cdr.json"),
        "--verify",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    assert data["reference"]["total_cost"]["excl_vat"] == 11.25


def test_policy_switch_changes_the_price(capsys: pytest.CaptureFixture[str]) -> None:
    monday = FIXTURES / "spec_tariff_4_complex_monday"
    argv = (
        "--tariff",
        str(monday / "tariff.json"),
        "--cdr",
        str(monday / "cdr.json"),
        "--time-zone",
        "Europe/Berlin",
        "--json",
    )
    default = json.loads(run(capsys, *argv)[1])
    rounded = json.loads(run(capsys, *argv, "--policy", "rounding=per_bucket")[1])
    assert default["total_cost"]["incl_vat"] == 10.30
    assert rounded["total_cost"]["incl_vat"] == 10.31
    assert rounded["policy"]["rounding"] == "per_bucket"


def test_reservation_expired_flag(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "spec_tariff_17_reservation_expired"
    argv = ("--tariff", str(folder / "tariff.json"), "--cdr", str(folder / "cdr.json"), "--json")
    assert json.loads(run(capsys, *argv)[1])["total_cost"]["excl_vat"] == 2.00
    assert (
        json.loads(run(capsys, *argv, "--reservation-expired")[1])["total_cost"]["excl_vat"] == 6.00
    )


def test_tariff_taken_from_the_cdr(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "spec_cdr_example_embedded_tariff"
    code, out, _ = run(capsys, "--cdr", str(folder / "cdr.json"), "--json")
    assert code == 0
    assert json.loads(out)["total_cost"]["incl_vat"] == 4.40


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"cdr": "{not json"}, (), "cdr.json: not valid JSON"),
        (
            {
                "cdr": {
                    "start_date_time": "2024-01-01T00:00:00Z",
                    "end_date_time": "2024-01-01T01:00:00Z",
                }
            },
            (),
            "cdr.json: /charging_periods: required field is missing",
        ),
        (
            {
                "cdr": {
                    "start_date_time": "2024-01-01T00:00:00Z",
                    "end_date_time": "2024-01-01T01:00:00Z",
                    "charging_periods": [
                        {
                            "start_date_time": "2024-01-01T00:00:00Z",
                            "dimensions": [{"type": "ENERGY", "volume": "12"}],
                        }
                    ],
                }
            },
            (),
            "cdr.json: /charging_periods/0/dimensions/0/volume: expected a number, got string",
        ),
        (
            {
                "tariff": {
                    "id": "X",
                    "currency": "EUR",
                    "elements": [{"price_components": [{"type": "ENERGY", "price": 0.25}]}],
                }
            },
            (),
            "tariff.json: /elements/0/price_components/0/step_size: required field is missing",
        ),
        ({}, ("--ocpi-version", "2.0"), "--ocpi-version: unknown OCPI version '2.0'"),
        (
            {},
            ("--policy", "flat_mode=sometimes"),
            "--policy: policy flat_mode='sometimes' is not valid",
        ),
        ({}, ("--policy", "no_such_switch=1"), "--policy: unknown policy key 'no_such_switch'"),
        ({}, ("--time-zone", "Mars/Olympus_Mons"), "--time-zone: unknown IANA time zone"),
        ({}, ("--tolerance", "abc"), "--tolerance: 'abc' is not a non-negative number"),
        ({}, (), "cdr.json: /cdr_location/time_zone: time zone missing"),
    ],
)
def test_malformed_input_exits_2_naming_file_and_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Any],
    extra: tuple[str, ...],
    message: str,
) -> None:
    tariff = write(tmp_path, "tariff.json", files.get("tariff", json.loads(TARIFF_4.read_text())))
    cdr = write(tmp_path, "cdr.json", files.get("cdr", json.loads(SATURDAY.read_text())))
    code, out, err = run(capsys, "--tariff", tariff, "--cdr", cdr, *extra)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1  # one line
    assert message in err, err
    if "cdr.json:" in message or "tariff.json:" in message:
        assert str(tmp_path) in err  # the file is named with its path


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--tariff", str(TARIFF_4), "--cdr", str(tmp_path / "missing.json"))
    assert code == 2
    assert "missing.json: cannot read" in err


def test_unknown_currency_exits_2_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = FIXTURES / "policy_unknown_currency_two_decimals"
    argv = ("--tariff", str(folder / "tariff.json"), "--cdr", str(folder / "cdr.json"))
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "unknown currency 'XTS'" in err
    assert run(capsys, *argv, "--policy", "unknown_currency=two_decimals")[0] == 0
