"""Which build of the billing engine the tests run: pure Python, or the mypyc-compiled wheel."""

from __future__ import annotations

import os

import pytest

import harness.billing
import harness.billing.exercise  # loaded, to see which build it is
from harness.billing import compiled_modules


def test_the_tests_run_the_engine_build_they_expect() -> None:
    """``tox -e compiled`` installs a wheel built with OCPI_HARNESS_COMPILE=auto and sets
    OCPI_HARNESS_EXPECT_COMPILED=auto (``1``: the compiled build is required): its billing tests
    must exercise the extension modules, not the source tree. Everywhere else the engine must be
    the Python source (a stale extension left in a checkout would shadow the code under test)."""
    compiled = compiled_modules()
    expected = os.environ.get("OCPI_HARNESS_EXPECT_COMPILED", "")
    if expected == "auto" and not compiled:
        pytest.skip("no C toolchain here, so the wheel was built pure: the tests ran pure Python")
    if expected in {"1", "auto"}:
        assert "harness.billing.ledger" in compiled
        assert "harness.billing.adapters.common" in compiled
        assert "harness.billing.policy" in compiled
        assert "harness.billing.exercise" not in compiled  # left interpreted (hatch_build.py)
    else:
        assert compiled == [], f"extension modules in {harness.billing.__file__}: {compiled}"
