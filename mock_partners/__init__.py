"""Mock OCPI partners (a mock CPO and a mock eMSP) served as Starlette apps.

    from mock_partners import MockServer, create_mock_cpo
    with MockServer.start_app(create_mock_cpo, clock=FrozenClock(start), seed=1) as cpo:
        ...  # cpo.versions_url, cpo.token_a, cpo.state.calls.wait_for(...)

The apps speak OCPI 2.1.1, 2.2.1 and 2.3.0 side by side; state lives in ``app.state.mock``.
"""

from __future__ import annotations

from mock_partners.app import build_app, create_mock_cpo, create_mock_emsp, mock_state
from mock_partners.calls import CallLog, Exchange, ExchangeFilter, NearMiss, NearMisses
from mock_partners.config import MockConfig, build_config, derive_token
from mock_partners.openapi import openapi_document
from mock_partners.server import MockServer, ServerThread, bind_socket
from mock_partners.sqlite_store import SqliteStore
from mock_partners.state import MockState, SchemaBug
from mock_partners.store import InMemoryStore, Store

__all__ = [
    "CallLog",
    "Exchange",
    "ExchangeFilter",
    "InMemoryStore",
    "MockConfig",
    "MockServer",
    "MockState",
    "NearMiss",
    "NearMisses",
    "SchemaBug",
    "ServerThread",
    "SqliteStore",
    "Store",
    "bind_socket",
    "build_app",
    "build_config",
    "create_mock_cpo",
    "create_mock_emsp",
    "derive_token",
    "mock_state",
    "openapi_document",
]
