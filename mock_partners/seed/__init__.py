"""Internals of :mod:`mock_partners.seed_data`: country facts, Location, Tariff and Token builders.

Import the public API from :mod:`mock_partners.seed_data`; these modules may change shape.
"""

from __future__ import annotations

__all__: list[str] = []
