from __future__ import annotations

import pytest

from harness.errors import UnknownVersionError
from harness.ocpi import (
    SUPPORTED_VERSIONS,
    Level,
    ModuleID,
    VersionNumber,
    data_owners,
    module_ids,
    negotiate,
    parse_module_id,
    parse_version,
    require_version,
    routing_headers_apply,
    traits,
)


@pytest.mark.parametrize("label", ["2.1.1", "2.2.1", "2.3.0"])
def test_exact_labels_map_to_themselves(label: str) -> None:
    parsed = parse_version(label)
    assert parsed.version == VersionNumber(label)
    assert parsed.problem is None and parsed.known and not parsed.deprecated


def test_deprecated_2_1_is_refused_when_strict_and_read_as_2_1_1_when_lenient() -> None:
    strict = parse_version("2.1")
    assert strict.version is None
    assert strict.problem is not None
    assert (strict.problem.code, strict.problem.level) == ("deprecated_version_label", Level.MUST)
    lenient = parse_version("2.1", lenient=True)
    assert lenient.version is VersionNumber.V2_1_1
    assert lenient.problem is not None and lenient.problem.level is Level.SHOULD
    assert lenient.deprecated


def test_deprecated_2_2_is_never_read_as_2_2_1() -> None:
    parsed = parse_version("2.2", lenient=True)
    assert parsed.version is None
    assert parsed.deprecated and parsed.problem is not None


def test_known_but_unimplemented_and_unknown_labels() -> None:
    old = parse_version("2.0")
    assert (old.version, old.known, old.problem) == (None, True, None)
    future = parse_version("2.4.0")
    assert future.version is None and not future.known
    assert future.problem is not None and future.problem.level is Level.INFO


@pytest.mark.parametrize("garbage", [None, 2.2, 211, ["2.2.1"], {"version": "2.2.1"}, True])
def test_non_string_labels_never_raise(garbage: object) -> None:
    parsed = parse_version(garbage)
    assert parsed.version is None
    assert parsed.problem is not None and parsed.problem.code == "version_not_string"


@pytest.mark.parametrize("label", ["2.2.1 ", "v2.2.1", "2.2.1.0", "", "2,2,1", "2.2.01"])
def test_near_misses_are_not_versions(label: str) -> None:
    assert parse_version(label).version is None


def test_negotiate_picks_the_highest_mutual_version() -> None:
    assert negotiate(SUPPORTED_VERSIONS, ["2.0", "2.1.1", "2.2.1"]) is VersionNumber.V2_2_1
    assert negotiate(SUPPORTED_VERSIONS, ["2.3.0", "2.1.1"]) is VersionNumber.V2_3_0
    assert negotiate(["2.1.1", "2.2.1"], ["2.3.0", "2.2.1", "2.1.1"]) is VersionNumber.V2_2_1
    assert negotiate(["2.2.1"], ["2.1.1", "2.3.0"]) is None


def test_negotiate_reads_partner_labels_strictly_unless_lenient() -> None:
    assert negotiate(SUPPORTED_VERSIONS, ["2.0", "2.1"]) is None
    assert negotiate(SUPPORTED_VERSIONS, ["2.0", "2.1"], lenient=True) is VersionNumber.V2_1_1
    assert negotiate(SUPPORTED_VERSIONS, [None, 3, "junk"]) is None


def test_require_version_raises_a_usage_error_for_our_own_mistakes() -> None:
    assert require_version("2.2.1") is VersionNumber.V2_2_1
    with pytest.raises(UnknownVersionError, match=r"2\.2"):
        require_version("2.2")


def test_traits_differ_where_the_versions_differ() -> None:
    old, new, newest = traits("2.1.1"), traits("2.2.1"), traits("2.3.0")
    assert not old.base64_token and new.base64_token and newest.base64_token
    assert not old.routing_headers and new.routing_headers
    assert not old.tracing_headers and new.tracing_headers
    assert not new.open_enums and newest.open_enums
    assert not new.tolerate_unknown_fields and newest.tolerate_unknown_fields


def test_parse_module_id_is_exact_and_version_aware() -> None:
    assert parse_module_id("tokens", "2.1.1") is ModuleID.TOKENS
    assert parse_module_id("hubclientinfo", "2.1.1") is None
    assert parse_module_id("hubclientinfo", "2.2.1") is ModuleID.HUB_CLIENT_INFO
    assert parse_module_id("invoicereconciliation", "2.3.0") is ModuleID.INVOICE_RECONCILIATION
    assert parse_module_id("Tokens", "2.2.1") is None
    assert parse_module_id("nltnm-tokens", "2.3.0") is None
    assert parse_module_id(None, "2.2.1") is None


def test_routing_headers_apply_to_functional_modules_from_2_2() -> None:
    for module in module_ids("2.2.1"):
        expected = module not in {ModuleID.CREDENTIALS, ModuleID.HUB_CLIENT_INFO}
        assert routing_headers_apply("2.2.1", module) is expected
    assert not routing_headers_apply("2.2.1", "versions")
    assert not routing_headers_apply("2.2.1", "nltnm-tokens")
    assert not any(routing_headers_apply("2.1.1", m) for m in module_ids("2.1.1"))
    assert routing_headers_apply("2.3.0", "invoicereconciliation")


def test_data_owners_of_unknown_modules_are_empty() -> None:
    assert data_owners("2.2.1", "nltnm-tokens") == frozenset()
