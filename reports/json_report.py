"""The JSON report: versioned, in a stable key order, credentials redacted.

Its shape is documented by ``reports/report.schema.json`` (JSON Schema 2020-12): top-level
``$schema``, ``format_version``, ``run`` (id, times, seed, profile, policies, version, role,
SUT), ``summary``, ``requirements`` (the verdict per REQ id), ``coverage`` (which requirements
the suites that ran cover; since 1.1) and ``cases`` (each with its steps, findings and
exchanges). ``format_version`` changes its major number when a field is removed or changes
meaning, its minor number when fields are added.
"""

from __future__ import annotations

import json
from typing import TextIO

from harness.results import RunResult

__all__ = ["FORMAT_VERSION", "SCHEMA_ID", "JsonWriter", "report_document"]

FORMAT_VERSION = "1.1"
SCHEMA_ID = "https://ocpi-harness.example/schemas/report.schema.json"


def report_document(run: RunResult) -> dict[str, object]:
    """The report as JSON data (exchanges redacted)."""
    return {
        "$schema": SCHEMA_ID,
        "format_version": FORMAT_VERSION,
        **run.redacted().to_json(),
    }


class JsonWriter:
    """``--json FILE``."""

    name = "json"

    def render(self, run: RunResult) -> str:
        return json.dumps(report_document(run), indent=2, ensure_ascii=False) + "\n"

    def write(self, run: RunResult, out: TextIO) -> None:
        out.write(self.render(run))
