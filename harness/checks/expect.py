"""A step's ``expect`` block evaluated against the SUT's message: ``expect.*`` findings.

``http_status`` and ``ocpi_status`` compare the response's codes, ``headers`` and ``body``
compare values (after rendering ``${...}``) or run matchers on the fields the dotted paths reach
(``*`` fans out over list items). Each mismatch is a finding named after the key
(``expect.http_status``, ``expect.ocpi_status``, ``expect.headers``, ``expect.body``) at the
expectation's level, citing ``expect.req`` or the case's first requirement. ``expect.data`` is
not handled here: it configures the ``data_cardinality`` and ``response_schema`` checks.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.checks.base import Message
from harness.matchers import MatcherRegistry, describe, json_equal
from harness.model import Expectation, FrozenJson, MatcherRef
from harness.ocpi.headers import header_value
from harness.results import Finding
from harness.templating import MISSING, select

__all__ = ["Renderer", "compare_value", "expectation_findings"]

Renderer = Callable[[FrozenJson], object]
"""Renders a template value with the step's variables (raises TemplateError)."""


def _codes(codes: tuple[int, ...]) -> str:
    return " or ".join(str(c) for c in codes)


def compare_value(
    expected: FrozenJson | MatcherRef, actual: object, render: Renderer, matchers: MatcherRegistry
) -> tuple[str, str] | None:
    """``(expected, why)`` when ``actual`` does not equal ``expected`` (rendered) or satisfy
    its matcher, else None."""
    if isinstance(expected, MatcherRef):
        arg = render(expected.arg) if expected.arg is not None else None
        why = matchers.match(expected.name, actual, arg)
        if why is None:
            return None
        shown = expected.name if arg is None else f"{expected.name}: {describe(arg)}"
        return f"matches {shown}", why
    value = render(expected)
    if actual is not MISSING and json_equal(actual, value):
        return None
    return describe(value), f"expected {describe(value)}, got {describe(actual)}"


def expectation_findings(
    expect: Expectation,
    message: Message,
    *,
    render: Renderer,
    matchers: MatcherRegistry,
    default_req: str | None,
) -> list[Finding]:
    """Every way ``message`` misses ``expect`` (empty when it meets it)."""
    req = expect.req or default_req
    level = expect.level
    index = message.index
    findings: list[Finding] = []

    def add(check: str, text: str, pointer: str | None, expected: str, actual: str) -> None:
        findings.append(Finding(check, level, text, req, pointer, expected, actual, exchange=index))

    status = message.exchange.status
    if message.is_response and expect.http_status and status not in expect.http_status:
        add(
            "expect.http_status",
            f"HTTP status {status}, expected {_codes(expect.http_status)}",
            None,
            _codes(expect.http_status),
            str(status),
        )
    if message.is_response and expect.ocpi_status:
        code = message.status_code
        if code not in expect.ocpi_status:
            got = "no status_code" if code is None else str(code)
            add(
                "expect.ocpi_status",
                f"OCPI status_code {got}, expected {_codes(expect.ocpi_status)}",
                "/status_code",
                _codes(expect.ocpi_status),
                got,
            )
    for assertion in expect.headers:
        name = assertion.path.text
        value = header_value(message.headers, name)
        mismatch = compare_value(
            assertion.expected, MISSING if value is None else value, render, matchers
        )
        if mismatch is not None:
            add(
                "expect.headers",
                f"header {name}: {mismatch[1]}",
                f"header:{name}",
                mismatch[0],
                describe(MISSING if value is None else value),
            )
    body = message.json
    for assertion in expect.body:
        for pointer, actual in select(body, assertion.path.segments):
            mismatch = compare_value(assertion.expected, actual, render, matchers)
            if mismatch is not None:
                add(
                    "expect.body",
                    f"{assertion.path.text}: {mismatch[1]}",
                    pointer,
                    mismatch[0],
                    describe(actual),
                )
    return findings
