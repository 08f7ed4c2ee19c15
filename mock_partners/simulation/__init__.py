"""Internals of :mod:`mock_partners.simulator`: vehicle physics, tariff boundaries, the charging
state machine and the Session/CDR wire shapes. Import the public API from the facade."""

from __future__ import annotations

__all__: list[str] = []
