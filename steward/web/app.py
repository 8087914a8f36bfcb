"""The app factory: one FastAPI app for the privacy centre, the staff console, the API and the
banner, built from a ``WebWiring`` (``steward.bootstrap.web_app`` builds it from the settings).

Each area is a router module listed in ``ROUTERS`` with a function ``router() -> APIRouter``;
a route reads the wiring with ``steward.web.wiring.wiring_of(request)``.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from steward import __version__
from steward.web import problems
from steward.web.security import SecurityHeaders
from steward.web.wiring import WebWiring

ROUTERS: tuple[str, ...] = ("steward.web.public",)
"""Modules whose ``router()`` the app includes, in this order."""


def create_app(wiring: WebWiring) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            wiring.close()

    app = FastAPI(
        title="Steward",
        version=__version__,
        summary="Privacy centre, staff console and API of a Steward deployment.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.wiring = wiring
    problems.install(app)
    app.add_middleware(SecurityHeaders, wiring=wiring)
    static = resources.files("steward.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for name in ROUTERS:
        module = importlib.import_module(name)
        built: APIRouter = module.router()
        app.include_router(built)
    return app
