"""Report writers (JUnit XML, JSON, HTML) over the harness's own result objects.

Built with the suite engine; the package exists so the distribution layout is final.
"""

from __future__ import annotations

__all__: list[str] = []
