"""Internals of :mod:`mock_partners.faults`: rule model, plan, transformations, ASGI/httpx glue.

Import the public API from :mod:`mock_partners.faults`.
"""

from __future__ import annotations

__all__: list[str] = []
