"""The ``periods_appended`` matcher (REQ-SES-014): PATCHes add new charging periods only."""

from __future__ import annotations

from harness.matchers import default_matchers


def _p(start: str) -> dict[str, object]:
    return {"start_date_time": start, "dimensions": [{"type": "ENERGY", "volume": 1}]}


A, B, C = "2026-03-01T12:00:00Z", "2026-03-01T12:20:00Z", "2026-03-01T12:40:00Z"
PUT = {"id": "S1", "charging_periods": [_p(A)]}
FINAL = {"id": "S1", "charging_periods": [_p(A), _p(B), _p(C)]}


def run(actual: object, patches: object, put: object = PUT) -> str | None:
    return default_matchers().match("periods_appended", actual, {"put": put, "patches": patches})


def test_appending_patches_pass_and_a_list_is_searched_by_the_put_id() -> None:
    patches = [{"kwh": 3}, {"charging_periods": [_p(B)]}, {"charging_periods": [_p(C)]}]
    assert run(FINAL, patches) is None
    assert run([{"id": "OTHER"}, FINAL], patches) is None
    assert run(FINAL, [{"charging_periods": []}]) is None  # empty: unchanged (REQ-SES-013)


def test_a_patch_sending_the_whole_list_again_is_reported() -> None:
    problem = run(FINAL, [{"charging_periods": [_p(A), _p(B)]}])
    assert problem is not None and "PATCH 1" in problem and A in problem
    again = run(FINAL, [{"charging_periods": [_p(B)]}, {"charging_periods": [_p(B), _p(C)]}])
    assert again is not None and "PATCH 2" in again


def test_a_patched_period_the_session_no_longer_has_is_reported() -> None:
    problem = run(FINAL, [{"charging_periods": [_p("2026-03-01T00:00:00Z")]}])
    assert problem is not None and "no longer has" in problem


def test_shapes() -> None:
    assert run([{"id": "OTHER"}], []) is not None  # the Session is not in the list
    assert default_matchers().match("periods_appended", FINAL, {"put": PUT}) is not None
    matcher = default_matchers().get("periods_appended")
    assert matcher is not None and matcher.check_arg is not None
    assert matcher.check_arg({"put": "${put}", "patches": "${patches}"}) is None
    assert matcher.check_arg(["x"]) is not None


def test_a_put_among_the_updates_may_replace_the_periods() -> None:
    updates = [{"charging_periods": [_p(A), _p(B)]}, {"charging_periods": [_p(C)]}]
    arg = {"put": PUT, "patches": updates, "methods": ["PUT", "PATCH"]}
    assert default_matchers().match("periods_appended", FINAL, arg) is None
    as_patches = {**arg, "methods": ["PATCH", "PATCH"]}
    assert default_matchers().match("periods_appended", FINAL, as_patches) is not None
