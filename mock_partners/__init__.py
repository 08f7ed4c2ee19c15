"""Mock OCPI partners (a mock CPO and a mock eMSP) served as Starlette apps.

Built in the mock-partner issue; the package exists so the distribution layout is final.
"""

from __future__ import annotations

__all__: list[str] = []
