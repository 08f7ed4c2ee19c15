"""The ``profile_tariffs`` matcher (REQ-SES-024): an ACCEPTED ProfileType needs a Tariff of the
corresponding TariffType among the Connector's tariff_ids."""

from __future__ import annotations

from harness.matchers import default_matchers

TARIFFS = [
    {"id": "REG", "type": "REGULAR"},
    {"id": "CHEAP", "type": "PROFILE_CHEAP"},
    {"id": "PLAIN"},
]


def run(connector: object, answers: object, tariffs: object = TARIFFS) -> str | None:
    return default_matchers().match(
        "profile_tariffs", connector, {"tariffs": tariffs, "answers": answers}
    )


def test_accepted_profiles_need_their_tariff_type_at_the_connector() -> None:
    connector = {"id": "1", "tariff_ids": ["REG", "CHEAP"]}
    assert run(connector, {"CHEAP": "ACCEPTED", "FAST": "PROFILE_TYPE_NOT_SUPPORTED"}) is None
    problem = run(connector, {"FAST": "ACCEPTED"})
    assert problem is not None and "PROFILE_FAST" in problem and "FAST" in problem
    # the CHEAP Tariff exists, but not at this Connector
    assert run({"id": "2", "tariff_ids": ["REG"]}, {"CHEAP": "ACCEPTED"}) is not None


def test_regular_accepts_an_untyped_tariff_and_not_supported_needs_nothing() -> None:
    assert run({"tariff_ids": ["PLAIN"]}, {"REGULAR": "ACCEPTED"}) is None
    assert run({"tariff_ids": []}, {"GREEN": "NOT_POSSIBLE", "CHEAP": "DEPARTURE_REQUIRED"}) is None
    assert run({"tariff_ids": ["UNKNOWN"]}, {"CHEAP": "ACCEPTED"}) is not None


def test_bad_shapes_are_reported_not_raised() -> None:
    assert run(["not", "a", "connector"], {"CHEAP": "ACCEPTED"}) is not None
    assert run({"tariff_ids": ["REG"]}, ["CHEAP"]) is not None
    registry = default_matchers()
    matcher = registry.get("profile_tariffs")
    assert matcher is not None and matcher.check_arg is not None
    assert matcher.check_arg({"tariffs": "${t}", "answers": {}}) is None
    assert matcher.check_arg({"answers": {}}) is not None
