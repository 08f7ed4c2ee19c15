"""``ocpi-harness mock cpo|emsp``: serve a mock partner on a socket until Ctrl-C.

Prints the versions URL and the token A a partner presents to register (``--token``, else one
derived from ``--seed``), and the admin token of the control API under ``/_mock/``.
``--db FILE`` keeps registrations and data in SQLite, so the sandbox survives a restart.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

import uvicorn

from harness.clock import SystemClock
from harness.errors import UsageError
from harness.ocpi.authorization import is_ascii_token
from mock_partners.app import create_mock_cpo, create_mock_emsp
from mock_partners.config import ALL_VERSIONS, check_party
from mock_partners.server import bind_socket, url_of
from mock_partners.sqlite_store import SqliteStore
from mock_partners.state import MockState
from mock_partners.store import InMemoryStore, Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role", choices=["cpo", "emsp"], help="which partner to play")
    parser.add_argument(
        "--ocpi-version",
        action="append",
        metavar="V",
        help="serve only this version (repeatable); default: 2.1.1, 2.2.1 and 2.3.0",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port (0: any free port)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument("--token", help="CREDENTIALS_TOKEN_A partners register with")
    parser.add_argument("--admin-token", help="token of the control API (/_mock/)")
    parser.add_argument("--db", metavar="FILE", help="keep state in this SQLite file")
    parser.add_argument("--locations", type=int, default=25, help="locations the mock CPO owns")
    parser.add_argument("--public-url", help="base URL partners reach this mock at")
    parser.add_argument("--max-page-size", type=int, default=100, help="largest page served")
    parser.add_argument("--country-code", help="our country code (default NL)")
    parser.add_argument("--party-id", help="our party id (default CPO / MSP)")
    parser.add_argument(
        "--strict-auth",
        action="store_true",
        help="accept only the version's token encoding (raw in 2.1.1, Base64 from 2.2)",
    )


def _check(args: argparse.Namespace) -> tuple[str, ...]:
    versions = tuple(args.ocpi_version or [v.value for v in ALL_VERSIONS])
    unknown = sorted(set(versions) - {v.value for v in ALL_VERSIONS})
    if unknown:
        supported = ", ".join(v.value for v in ALL_VERSIONS)
        raise UsageError(f"unknown OCPI version {unknown[0]!r} (supported: {supported})")
    for name in ("token", "admin_token"):
        value = getattr(args, name)
        if value is not None and not (is_ascii_token(value) and len(value) <= 64):
            raise UsageError(f"--{name.replace('_', '-')} must be 1-64 printable ASCII characters")
    check_party(args.country_code, args.party_id)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number")
    if args.locations < 0 or args.max_page_size < 1:
        raise UsageError("--locations must be >= 0 and --max-page-size >= 1")
    return versions


def banner(state: MockState, seed: int) -> str:
    config = state.config
    versions = ", ".join(v.value for v in config.versions)
    registered = len(state.partners.registrations)
    lines = [
        f"mock {config.role.value} serving OCPI {versions} (seed {seed})",
        f"versions URL: {config.versions_url}",
        f"token A:      {state.partners.token_a}"
        + ("" if state.partners.token_a_armed else "  (used: a partner is registered)"),
        f"admin token:  {config.admin_token}  (control API: {config.root}/_mock/state)",
    ]
    if registered:
        lines.append(f"registered partners: {registered}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    versions = _check(args)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    store: Store = SqliteStore(args.db) if args.db else InMemoryStore()
    common: dict[str, Any] = {
        "base_url": args.public_url or url_of(sock),
        "clock": SystemClock(),
        "seed": args.seed,
        "versions": versions,
        "country_code": args.country_code,
        "party_id": args.party_id,
        "token_a": args.token,
        "admin_token": args.admin_token,
        "store": store,
        "max_page_size": args.max_page_size,
        "strict_auth": args.strict_auth,
    }
    try:
        if args.role == "cpo":
            app = create_mock_cpo(locations=args.locations, **common)
        else:
            app = create_mock_emsp(**common)
        sys.stdout.write(banner(app.state.mock, args.seed) + "\n")
        sys.stdout.flush()
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal: that is the way out
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()
    sys.stderr.write("stopped\n")
    return 0
