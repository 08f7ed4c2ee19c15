from __future__ import annotations

import pytest

from harness.ocpi import (
    InterfaceRole,
    ModuleID,
    OcpiStatus,
    Operation,
    StatusClass,
    UrlBase,
    classify_status,
    interface,
    interfaces,
    join_url,
)


@pytest.mark.parametrize(
    ("code", "version", "status_class", "standard", "custom", "known"),
    [
        (1000, "2.1.1", StatusClass.SUCCESS, OcpiStatus.SUCCESS, False, True),
        (2004, "2.1.1", StatusClass.CLIENT_ERROR, None, False, False),
        (2004, "2.2.1", StatusClass.CLIENT_ERROR, OcpiStatus.UNKNOWN_TOKEN, False, True),
        (4001, "2.1.1", None, None, False, False),
        (4001, "2.3.0", StatusClass.HUB_ERROR, OcpiStatus.UNKNOWN_RECEIVER, False, True),
        (1900, "2.1.1", StatusClass.SUCCESS, None, False, False),
        (1900, "2.2.1", StatusClass.SUCCESS, None, True, True),
        (3999, "2.3.0", StatusClass.SERVER_ERROR, None, True, True),
        (4950, "2.2.1", StatusClass.HUB_ERROR, None, True, True),
        (1001, "2.2.1", StatusClass.SUCCESS, None, False, False),
        (2899, "2.2.1", StatusClass.CLIENT_ERROR, None, False, False),
        (200, "2.2.1", None, None, False, False),
        (5000, "2.2.1", None, None, False, False),
        (-1000, "2.2.1", None, None, False, False),
        (10000, "2.2.1", None, None, False, False),
    ],
)
def test_classify_status(
    code: int,
    version: str,
    status_class: StatusClass | None,
    standard: OcpiStatus | None,
    custom: bool,
    known: bool,
) -> None:
    info = classify_status(code, version)
    assert info.status_class is status_class
    assert info.standard is standard
    assert info.custom is custom
    assert info.known is known
    assert info.is_success is (status_class is StatusClass.SUCCESS)


@pytest.mark.parametrize(
    ("base", "segments", "expected"),
    [
        (
            "https://h/ocpi/2.2.1/tokens",
            ("NL", "TNM", "012"),
            "https://h/ocpi/2.2.1/tokens/NL/TNM/012",
        ),
        ("https://h/ocpi/2.2.1/tokens/", ("NL",), "https://h/ocpi/2.2.1/tokens/NL"),
        ("https://h/ocpi/2.2.1/tokens//", ("NL",), "https://h/ocpi/2.2.1/tokens/NL"),
        ("https://h/commands", ("START_SESSION",), "https://h/commands/START_SESSION"),
        ("https://h/t", ("a b", "x/y", "é"), "https://h/t/a%20b/x%2Fy/%C3%A9"),
        ("https://h/t?k=v", ("1",), "https://h/t/1?k=v"),
        ("https://h", ("versions",), "https://h/versions"),
        ("https://h/t/", (), "https://h/t/"),
    ],
)
def test_join_url_uses_exactly_one_slash(
    base: str, segments: tuple[str, ...], expected: str
) -> None:
    assert join_url(base, *segments) == expected


def test_join_url_refuses_empty_segments() -> None:
    with pytest.raises(ValueError, match="empty"):
        join_url("https://h/t", "NL", "")


def test_operation_url_fills_placeholders_and_keeps_literals() -> None:
    authorize = Operation("POST", "{token_uid}/authorize", query=("type",))
    assert authorize.parameters == ("token_uid",)
    assert authorize.url("https://h/tokens/", token_uid="0123") == "https://h/tokens/0123/authorize"
    with pytest.raises(KeyError):
        authorize.url("https://h/tokens")
    assert Operation("GET").url("https://h/cdrs/") == "https://h/cdrs/"


def test_interface_lookup() -> None:
    receiver = interface("2.2.1", ModuleID.LOCATIONS, InterfaceRole.RECEIVER)
    assert receiver is not None
    assert receiver.operations_for("PATCH")[-1].parameters == (
        "country_code",
        "party_id",
        "location_id",
        "evse_uid",
        "connector_id",
    )
    credentials = interface("2.1.1", "credentials", None)
    assert credentials is not None
    assert interface("2.1.1", "credentials", "RECEIVER") is credentials
    assert interface("2.1.1", "hubclientinfo", "SENDER") is None
    assert interface("2.2.1", "nltnm-tokens", "SENDER") is None


def test_every_list_get_is_paginated_and_nothing_else_is() -> None:
    for version in ("2.1.1", "2.2.1", "2.3.0"):
        for item in interfaces(version):
            for op in item.operations:
                is_list = (
                    item.module is not ModuleID.CREDENTIALS
                    and op.method == "GET"
                    and op.path == ""
                    and op.base is UrlBase.ENDPOINT
                )
                assert op.paginated is is_list, (version, item.module, op)
                if op.paginated:
                    assert op.query == ("date_from", "date_to", "offset", "limit")


def test_version_specific_interface_details() -> None:
    tokens_211 = interface("2.1.1", "tokens", "RECEIVER")
    tokens_221 = interface("2.2.1", "tokens", "RECEIVER")
    assert tokens_211 is not None and tokens_221 is not None
    assert all(op.query == () for op in tokens_211.operations)
    assert all(op.query == ("type",) for op in tokens_221.operations)
    commands_sender = interface("2.2.1", "commands", "SENDER")
    assert commands_sender is not None
    assert [op.base for op in commands_sender.operations] == [UrlBase.RESPONSE_URL]
    cdrs_receiver = interface("2.3.0", "cdrs", "RECEIVER")
    assert cdrs_receiver is not None
    assert cdrs_receiver.operations_for("GET")[0].base is UrlBase.LOCATION_HEADER
