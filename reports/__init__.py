"""Report writers (JUnit XML, JSON, HTML) over the harness's own result objects.

Each writer renders a :class:`~harness.results.RunResult` to text; ``write_report`` puts that
text at the path it is given and nowhere else (it creates missing parent folders, as pytest's
``--junitxml`` does). Every writer redacts credentials (Authorization values and Credentials
``token`` fields) before writing.

    >>> sorted(default_writers())
    ['html', 'json', 'junit']
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TextIO

from harness.errors import UsageError
from harness.results import RunResult
from reports.html import HtmlWriter
from reports.json_report import JsonWriter
from reports.junit import JunitWriter

__all__ = [
    "HtmlWriter",
    "JsonWriter",
    "JunitWriter",
    "ReportWriter",
    "default_writers",
    "render_report",
    "write_report",
]


class ReportWriter(Protocol):
    """Renders a run; ``name`` is the kind used on the command line (``--junit`` -> junit)."""

    name: str

    def render(self, run: RunResult) -> str: ...

    def write(self, run: RunResult, out: TextIO) -> None: ...


def default_writers() -> dict[str, ReportWriter]:
    """A fresh registry of the built-in writers, by kind; callers may add their own."""
    writers: list[ReportWriter] = [JunitWriter(), JsonWriter(), HtmlWriter()]
    return {w.name: w for w in writers}


def _writer(kind: str, writers: dict[str, ReportWriter] | None) -> ReportWriter:
    registry = writers if writers is not None else default_writers()
    if kind not in registry:
        raise UsageError(f"unknown report kind {kind!r}; use one of: {', '.join(sorted(registry))}")
    return registry[kind]


def render_report(
    kind: str, run: RunResult, *, writers: dict[str, ReportWriter] | None = None
) -> str:
    """The report of ``kind`` as text."""
    return _writer(kind, writers).render(run)


def write_report(
    kind: str, run: RunResult, path: str | Path, *, writers: dict[str, ReportWriter] | None = None
) -> Path:
    """Write the report of ``kind`` to ``path`` (UTF-8, ``\\n`` line ends); returns the path."""
    writer = _writer(kind, writers)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="\n") as out:
            writer.write(run, out)
    except OSError as exc:
        raise UsageError(f"cannot write the {kind} report to {str(target)!r}: {exc}") from None
    return target
