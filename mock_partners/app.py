"""The app builder shared by both mocks, and the two factories.

An app is a value: everything it needs is passed in (clock, seed, store, HTTP transport) and
everything it holds lives in ``app.state.mock`` (:class:`~mock_partners.state.MockState`).
Middleware, outermost first: the CallLog recorder, then the fault injector (when armed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from harness.clock import Clock
from harness.ocpi import Role, VersionNumber
from mock_partners.calls import CallLog
from mock_partners.config import ALL_VERSIONS, MockConfig, build_config
from mock_partners.control import control_routes
from mock_partners.cpo import cpo_operations
from mock_partners.dataset import load_world
from mock_partners.emsp import emsp_operations
from mock_partners.endpoint import OCPI_METHODS, ocpi_endpoint
from mock_partners.envelopes import render
from mock_partners.faults_wiring import fault_middleware, install_faults
from mock_partners.openapi import openapi_endpoint
from mock_partners.operations import OpsFactory, fail
from mock_partners.outbound import Outbound
from mock_partners.partners import PartnerBook
from mock_partners.recording import RecordingMiddleware
from mock_partners.session_driver import install_simulator
from mock_partners.state import MockState, Rngs
from mock_partners.store import InMemoryStore, Store

DEFAULT_LOCATIONS = 25
DEFAULT_TOKENS = 50


def build_app(
    config: MockConfig,
    *,
    clock: Clock,
    seed: int,
    ops_factory: OpsFactory,
    store: Store | None = None,
    locations: int = DEFAULT_LOCATIONS,
    tokens: int = DEFAULT_TOKENS,
    transport: httpx.AsyncBaseTransport | None = None,
    calls: CallLog | None = None,
) -> Starlette:
    """A Starlette app serving ``config`` with the operations of ``ops_factory``."""
    the_store = store if store is not None else InMemoryStore()
    rngs = Rngs(seed, config.slug)
    state = MockState(
        config=config,
        clock=clock,
        seed=seed,
        store=the_store,
        calls=calls or CallLog(clock),
        partners=PartnerBook(the_store, config.token_a, rngs("tokens")),
        rngs=rngs,
        ops_factory=ops_factory,
    )
    state.outbound = Outbound(state, transport=transport)
    load_world(state, locations=locations, tokens=tokens)
    install_simulator(state)
    install_faults(state)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.outbound.aclose()

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = exc.detail if isinstance(exc, HTTPException) else "error"
        reply = fail(2000, str(message), http_status=status)
        if isinstance(exc, HTTPException) and exc.headers:
            reply.headers.update(exc.headers)
        return render(
            state,
            reply,
            version=config.newest_version,
            method=request.method,
            path=request.url.path,
            data_object=None,
            headers={},
        )

    routes = [
        Route("/ocpi/{path:path}", ocpi_endpoint, methods=OCPI_METHODS),
        Route("/_mock/openapi.json", openapi_endpoint, methods=["GET"]),
        Mount("/_mock", routes=control_routes()),
    ]
    middleware = [Middleware(RecordingMiddleware, calls=state.calls), *fault_middleware(state)]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.mock = state
    return app


def _create(
    role: Role,
    ops_factory: OpsFactory,
    *,
    base_url: str,
    clock: Clock,
    seed: int,
    versions: tuple[VersionNumber | str, ...],
    country_code: str | None,
    party_id: str | None,
    token_a: str | None,
    admin_token: str | None,
    store: Store | None,
    locations: int,
    tokens: int,
    transport: httpx.AsyncBaseTransport | None,
    options: dict[str, object],
) -> Starlette:
    config = build_config(
        role,
        base_url=base_url,
        seed=seed,
        versions=versions,
        country_code=country_code,
        party_id=party_id,
        token_a=token_a,
        admin_token=admin_token,
        **options,
    )
    return build_app(
        config,
        clock=clock,
        seed=seed,
        ops_factory=ops_factory,
        store=store,
        locations=locations,
        tokens=tokens,
        transport=transport,
    )


def create_mock_cpo(
    *,
    base_url: str,
    clock: Clock,
    seed: int,
    versions: tuple[VersionNumber | str, ...] = ALL_VERSIONS,
    country_code: str | None = None,
    party_id: str | None = None,
    token_a: str | None = None,
    admin_token: str | None = None,
    store: Store | None = None,
    max_page_size: int = 100,
    strict_auth: bool = False,
    locations: int = DEFAULT_LOCATIONS,
    tokens: int = DEFAULT_TOKENS,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: object,
) -> Starlette:
    """The mock CPO on ``base_url`` (the URL partners reach it at), with ``locations`` seeded
    Locations. ``options`` are further :class:`MockConfig` fields (``strict_routing``,
    ``required_partner_modules``, ``command_timeout``, ...)."""
    return _create(
        Role.CPO,
        cpo_operations,
        base_url=base_url,
        clock=clock,
        seed=seed,
        versions=versions,
        country_code=country_code,
        party_id=party_id,
        token_a=token_a,
        admin_token=admin_token,
        store=store,
        locations=locations,
        tokens=tokens,
        transport=transport,
        options={"max_page_size": max_page_size, "strict_auth": strict_auth, **options},
    )


def create_mock_emsp(
    *,
    base_url: str,
    clock: Clock,
    seed: int,
    versions: tuple[VersionNumber | str, ...] = ALL_VERSIONS,
    country_code: str | None = None,
    party_id: str | None = None,
    token_a: str | None = None,
    admin_token: str | None = None,
    store: Store | None = None,
    max_page_size: int = 100,
    strict_auth: bool = False,
    tokens: int = DEFAULT_TOKENS,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: object,
) -> Starlette:
    """The mock eMSP (same options as :func:`create_mock_cpo`, no Locations of its own)."""
    return _create(
        Role.EMSP,
        emsp_operations,
        base_url=base_url,
        clock=clock,
        seed=seed,
        versions=versions,
        country_code=country_code,
        party_id=party_id,
        token_a=token_a,
        admin_token=admin_token,
        store=store,
        locations=0,
        tokens=tokens,
        transport=transport,
        options={"max_page_size": max_page_size, "strict_auth": strict_auth, **options},
    )


def mock_state(app: Starlette) -> MockState:
    """The :class:`MockState` of an app made by this module."""
    state = app.state.mock
    assert isinstance(state, MockState)
    return state
