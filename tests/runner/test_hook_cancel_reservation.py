"""The ``cancel_reservation`` hook action: its path takes the reservation_id out of the args."""

from __future__ import annotations

import pytest

from harness.hooks import HOOK_ACTIONS, hook_path


def test_cancel_reservation_path_and_body() -> None:
    assert "cancel_reservation" in HOOK_ACTIONS
    path, body = hook_path("cancel_reservation", {"reservation_id": "R 1/2", "reason": "fault"})
    assert path == "/reservations/R%201%2F2/cancel"
    assert body == {"reason": "fault"}


def test_cancel_reservation_needs_the_reservation_id() -> None:
    with pytest.raises(ValueError, match="reservation_id"):
        hook_path("cancel_reservation", {})
