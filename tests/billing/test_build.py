"""Which build of the billing engine the tests run: pure Python, or the mypyc-compiled wheel."""

from __future__ import annotations

import os

import harness.billing
from harness.billing import compiled_modules


def test_the_tests_run_the_engine_build_they_expect() -> None:
    """``tox -e compiled`` sets OCPI_HARNESS_EXPECT_COMPILED=1 and installs a wheel built with
    OCPI_HARNESS_COMPILE=1: its billing tests must exercise the extension modules, not the
    source tree. Everywhere else the engine must be the Python source (a stale extension left
    in a checkout would otherwise shadow the code under test)."""
    compiled = compiled_modules()
    if os.environ.get("OCPI_HARNESS_EXPECT_COMPILED") == "1":
        assert "harness.billing.ledger" in compiled
        assert "harness.billing.adapters.common" in compiled
        assert "harness.billing.policy" not in compiled  # left interpreted (hatch_build.py)
    else:
        assert compiled == [], f"extension modules in {harness.billing.__file__}: {compiled}"
