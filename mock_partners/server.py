"""Serving an ASGI app on a real socket with uvicorn, in a background thread or in the foreground.

    with MockServer.start(create_mock_cpo, clock=clock, seed=1) as cpo:
        httpx.get(cpo.versions_url, headers={"Authorization": f"Token {cpo.token_a}"})

The socket is bound first (port 0 picks a free port), so the app can be built knowing its
own URL; the mocks advertise absolute URLs in their version details. :class:`ServerThread`
runs any app (a bare Starlette hello-world in the bench too) and reads the port back from
``server.servers[0].sockets[0]``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import uvicorn
from starlette.types import ASGIApp

from mock_partners.state import MockState

STARTUP_TIMEOUT = 15.0


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this: without it small responses wait ~40 ms for delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class ServerThread:
    """uvicorn serving ``app`` on a background thread until :meth:`stop`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sock: socket.socket | None = None,
        log_level: str = "warning",
    ) -> None:
        self.app = app
        self._sock = sock or bind_socket(host, port)
        config = uvicorn.Config(app, log_level=log_level, lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="ocpi-mock-server", daemon=True)
        self._failure: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self._sock]))
        except BaseException as exc:  # reported by start()
            self._failure = exc

    def start(self) -> Self:
        self._thread.start()
        deadline = threading.Event()
        waited = 0.0
        while not self.server.started and self._thread.is_alive() and waited < STARTUP_TIMEOUT:
            deadline.wait(0.01)
            waited += 0.01
        if not self.server.started:
            self.stop()
            raise RuntimeError(f"the server did not start: {self._failure!r}")
        return self

    @property
    def port(self) -> int:
        sockets = self.server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        host = self._sock.getsockname()[0]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def request_stop(self) -> None:
        """Ask the server to stop without waiting (stop several at once, then :meth:`stop`)."""
        self.server.should_exit = True

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=STARTUP_TIMEOUT)
        self._sock.close()

    def __enter__(self) -> Self:
        return self if self.server.started else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class MockServer(ServerThread):
    """A mock partner on a socket; knows its URLs and tokens."""

    @classmethod
    def start_app(
        cls,
        factory: Callable[..., ASGIApp],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        public_url: str | None = None,
        **kwargs: Any,
    ) -> MockServer:
        """Bind, build ``factory(base_url=..., **kwargs)`` for that URL, serve, return."""
        sock = bind_socket(host, port)
        app = factory(base_url=public_url or url_of(sock), **kwargs)
        server = cls(app, sock=sock)
        server.start()
        return server

    @property
    def state(self) -> MockState:
        state = getattr(getattr(self.app, "state", None), "mock", None)
        assert isinstance(state, MockState), "not a mock partner app"
        return state

    @property
    def versions_url(self) -> str:
        return self.state.config.versions_url

    @property
    def token_a(self) -> str:
        return self.state.partners.token_a

    @property
    def admin_token(self) -> str:
        return self.state.config.admin_token
