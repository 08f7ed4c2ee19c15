"""Live mode over real sockets: a mock as the SUT, registration in both directions, and SUTs
that hang, answer HTML, link a page to itself or close the connection (bounded, no traceback)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.cli import main
from harness.clock import FrozenClock, SystemClock
from harness.endpoints import Endpoint
from harness.errors import UsageError
from harness.loader import load_suites
from harness.ocpi import InterfaceRole, Role, VersionNumber
from harness.results import Outcome
from harness.runner import run_case, run_suites
from harness.sandbox import HarnessOptions, open_live
from mock_partners import MockServer, ServerThread, create_mock_cpo, create_mock_emsp
from tests.runner.fakes import context, suite

SUITES = Path(__file__).resolve().parents[2] / "suites"
V221 = VersionNumber.V2_2_1


@pytest.fixture
def mock_cpo() -> Iterator[MockServer]:
    # a SUT with a simulated clock that starts at the real time (tick moves it through the hook)
    start = SystemClock().now().replace(microsecond=0)
    server = MockServer.start_app(create_mock_cpo, clock=FrozenClock(start), seed=21)
    yield server
    server.stop()


def test_live_run_against_a_cpo_on_a_socket(
    mock_cpo: MockServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "run",
        "--sut-role",
        "cpo",
        "--versions-url",
        mock_cpo.versions_url,
        "--token",
        mock_cpo.token_a,
        "--json",
        str(tmp_path / "r.json"),
        "--hook-url",
        mock_cpo.state.config.root + "/_mock",
        "--hook-token",
        mock_cpo.admin_token,
        "--suite",
        str(SUITES / "2.2.1" / "cpo"),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "CPO SUT at" in out and "OCPI 2.2.1" in out
    # the control API is not a full hook: push_location is not one of its routes
    assert "SKIPPED LOC-SND-005" in out and "does not support push_location" in out
    assert mock_cpo.token_a not in (tmp_path / "r.json").read_text()


def test_the_sut_registers_with_the_harness_when_asked_to() -> None:
    notes: list[str] = []
    ready = threading.Event()

    def note(text: str) -> None:
        notes.append(text)
        ready.set()

    boxes = []
    errors: list[BaseException] = []

    def connect() -> None:
        try:
            boxes.append(
                open_live(
                    Role.EMSP,
                    None,
                    None,
                    HarnessOptions(seed=4, offer=(V221,)),
                    clock=SystemClock(),
                    timer=SystemClock(),
                    wait_for_registration=True,
                    registration_timeout=20,
                    notify=note,
                )
            )
        except BaseException as exc:  # reported below
            errors.append(exc)

    waiter = threading.Thread(target=connect)
    waiter.start()
    sut = MockServer.start_app(create_mock_emsp, clock=SystemClock(), seed=8)
    try:
        assert ready.wait(20)
        words = notes[0].split()
        versions_url, token = words[words.index("URL") + 1].rstrip(","), words[-1]
        registered = httpx.post(
            sut.state.config.root + "/_mock/register",
            json={"versions_url": versions_url, "token": token},
            headers={"Authorization": f"Token {sut.admin_token}"},
            timeout=10,
        )
        assert registered.status_code == 200, registered.text
        waiter.join(30)
        assert not errors and boxes
        with boxes[0] as box:
            assert box.ctx.connection.sut.party_id == "MSP"
            suites = load_suites([SUITES / "2.2.1" / "emsp"])
            ran = run_suites(suites, box.ctx)
            results = {r.case_id: r.outcome for r in ran}
            errors = {r.case_id: r.error for r in ran if r.outcome is Outcome.ERROR}
        assert results["TOK-SND-001"] is Outcome.PASSED
        assert results["TOK-SND-004"] is Outcome.SKIPPED  # no hook, nobody at a terminal
        assert results["CMD-SND-001"] is Outcome.SKIPPED
        # the SUT registered with us, so there is no token A of the SUT's to present
        assert set(errors) <= {"TF-EMSP-002"}, errors
        others = {k: v for k, v in results.items() if k not in errors}
        assert set(others.values()) <= {Outcome.PASSED, Outcome.SKIPPED}, others
    finally:
        sut.stop()


# -- misbehaving SUTs --------------------------------------------------------------------------

RELEASE = threading.Event()


async def hang(request: Request) -> Response:
    while not RELEASE.is_set():
        await asyncio.sleep(0.02)
    return JSONResponse({})


async def html(request: Request) -> Response:
    return Response("<html><body>502 Bad Gateway</body></html>", 502, media_type="text/html")


async def self_link(request: Request) -> Response:
    url = str(request.url)
    body = {"data": [{"id": "A"}], "status_code": 1000, "timestamp": "2026-03-01T12:00:00Z"}
    headers = {"Link": f'<{url}>; rel="next"', "X-Total-Count": "10", "X-Limit": "1"}
    return JSONResponse(body, headers=headers)


@pytest.fixture(scope="module")
def odd_sut() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/ocpi/versions", hang),
            Route("/ocpi/2.2.1/locations/hang", hang),
            Route("/ocpi/2.2.1/locations/html", html),
            Route("/ocpi/2.2.1/locations", self_link),
        ]
    )
    RELEASE.clear()
    server = ServerThread(app).start()
    yield server.url
    RELEASE.set()
    server.stop()


@pytest.fixture(scope="module")
def closer() -> Iterator[str]:
    """A TCP server that reads the request and closes the connection without answering."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    listener.close()


def test_a_sut_that_hangs_at_discovery_ends_with_exit_2(
    odd_sut: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "run",
        "--sut-role",
        "cpo",
        "--versions-url",
        f"{odd_sut}/ocpi/versions",
        "--token",
        "A",
        "--timeout",
        "0.3",
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unreachable at discovery" in err and "Traceback" not in err


def test_an_html_answer_at_registration_is_an_environment_error(odd_sut: str) -> None:
    with pytest.raises(UsageError, match="registration with the SUT"):
        open_live(
            Role.CPO,
            f"{odd_sut}/ocpi/2.2.1/locations/html",
            "A",
            HarnessOptions(timeout=1.0),
            clock=SystemClock(),
            timer=SystemClock(),
        )


CASES = """
  - id: ODD-T-001
    title: hangs
    reqs: [REQ-TF-016]
    steps: [{request: {method: GET, url: "${base}/ocpi/2.2.1/locations/hang"}}]
  - id: ODD-T-002
    title: html
    reqs: [REQ-TF-008]
    steps:
      - request: {method: GET, url: "${base}/ocpi/2.2.1/locations/html"}
        expect: {http_status: 200, ocpi_status: 1000}
  - id: ODD-T-003
    title: self link
    reqs: [REQ-TF-031]
    steps: [{crawl: {endpoint: locations, max_pages: 50}}]
  - id: ODD-T-004
    title: closed
    reqs: [REQ-TF-016]
    steps: [{request: {method: GET, url: "${closer}/ocpi/versions"}}]
"""


def test_misbehaving_suts_end_as_findings_never_hangs(odd_sut: str, closer: str) -> None:
    header = f"""
suite: {{id: odd, title: odd, ocpi_version: "2.2.1", sut_role: CPO, module: locations}}
vars: {{base: "{odd_sut}", closer: "{closer}"}}
"""
    the_suite = suite(CASES, header)
    locations = Endpoint("locations", InterfaceRole.SENDER, f"{odd_sut}/ocpi/2.2.1/locations")
    timer = SystemClock()
    with httpx.Client(transport=httpx.HTTPTransport(retries=0)) as http:
        ctx = context(timeout=0.3, endpoints=(locations,), http=http, timer=timer)
        start = timer.monotonic()
        results = {c.id: run_case(c, the_suite, ctx) for c in the_suite.cases}
        assert timer.monotonic() - start < 10
    hung, garbage, looped, closed = results.values()
    assert hung.outcome is Outcome.FAILED and hung.failures[0].check == "transport"
    assert "no answer in time" in hung.failures[0].message
    assert garbage.outcome is Outcome.FAILED
    assert {"expect.http_status", "expect.ocpi_status"} <= {f.check for f in garbage.failures}
    assert looped.outcome is Outcome.FAILED and len(looped.exchanges) == 1
    assert "pagination_complete" in {f.check for f in looped.failures}
    assert closed.outcome is Outcome.FAILED and closed.failures[0].check == "transport"
    assert "connection" in closed.failures[0].message
