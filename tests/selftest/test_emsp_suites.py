"""Self-test of the suites whose SUT is an eMSP (suites/*/emsp/): every case passes against the
correct mock eMSP, and every proof's planted fault produces its finding."""

from __future__ import annotations

from harness.ocpi import Role
from tests.selftest.proofs import proof_tests

test_case_passes, test_proof_is_reported, test_proof_faults_exist = proof_tests(Role.EMSP)
