"""ocpi-harness: an OCPI conformance test harness and interop sandbox.

The public API grows with the project; what is importable from here is what we promise to keep.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
