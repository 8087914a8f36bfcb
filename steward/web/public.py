"""The public privacy centre's front page and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from steward.web.templates import render
from steward.web.wiring import wiring_of


def router() -> APIRouter:
    routes = APIRouter()

    @routes.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        manifest = wiring_of(request).manifest
        organisation = manifest.organisation.name if manifest is not None else None
        return render(request, "home.html.j2", {"organisation": organisation})

    @routes.get("/healthz", tags=["operations"])
    def health() -> dict[str, str]:
        """Liveness: the process answers (it does not touch the database)."""
        return {"status": "ok"}

    return routes
