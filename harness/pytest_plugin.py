"""pytest plugin entry point (``pytest11``), reserved for the suite engine.

Collecting YAML suites as pytest items arrives with the suite engine. Until then loading the
plugin is harmless: it registers no hooks.
"""

from __future__ import annotations
