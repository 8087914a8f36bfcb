"""The published notices, their history and the contact page (issue 12 item 2).

``GET /privacy`` and ``GET /cookies`` show the notices compiled from the deployment's manifest
(``steward.notice``), in the site's layout; ``GET /privacy/history`` says what changed and when;
``GET /contact`` gives the controller's and the DPO's contact details and the right to complain
to the ICO. Without a manifest each page says what is not stated and invents nothing.

The notices are compiled, linted and their versions recorded once, when the app starts (this
router's lifespan; ``steward.services.notice_versions.served_notices``), then served from memory.
A manifest lint finds errors in is shown marked as a draft, and no version is recorded.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from steward.consent.marketing_facts import LONDON
from steward.notice.contact import contact_sections
from steward.notice.render import render_html_body, render_section_html
from steward.services.notice_versions import (
    NoticeKind,
    ServedNotice,
    history,
    served_notices,
)
from steward.web.templates import render
from steward.web.wiring import WebWiring, wiring_of

ACTOR = "web:privacy-centre"


@dataclass(frozen=True)
class _Page:
    notice: ServedNotice
    body: Markup


@dataclass(frozen=True)
class _Served:
    pages: dict[NoticeKind, _Page]
    lint_errors: int


_lock = threading.Lock()


def _compute(wiring: WebWiring) -> _Served | None:
    if wiring.manifest is None:
        return None
    now = wiring.clock()
    with wiring.store.unit_of_work(actor=ACTOR) as uow:
        served = served_notices(uow, wiring.manifest, on=now.astimezone(LONDON).date(), now=now)
        uow.commit()
    pages = {
        notice.kind: _Page(notice, Markup(render_html_body(notice.document)))
        for notice in (served.privacy, served.cookie)
    }
    return _Served(pages, served.lint_errors)


def served(app: FastAPI) -> _Served | None:
    """The notices this app serves, compiled (and their versions recorded) on first use."""
    state = app.state
    if not hasattr(state, "centre_notices"):
        with _lock:
            if not hasattr(state, "centre_notices"):
                state.centre_notices = _compute(state.wiring)
    value: _Served | None = state.centre_notices
    return value


@asynccontextmanager
async def _record_on_start(app: FastAPI) -> AsyncIterator[None]:
    """Record the served notices' versions as the app starts serving them (idempotent)."""
    await anyio.to_thread.run_sync(served, app)
    yield


def router() -> APIRouter:
    routes = APIRouter(lifespan=_record_on_start)

    def _notice(request: Request, kind: NoticeKind) -> HTMLResponse:
        current = served(request.app)
        organisation = _organisation(request)
        if current is None:
            return render(
                request,
                "notice.html.j2",
                {"kind": kind, "page": None, "organisation": organisation},
            )
        page = current.pages[kind]
        return render(
            request,
            "notice.html.j2",
            {
                "kind": kind,
                "page": page,
                "organisation": organisation,
                "lint_errors": current.lint_errors,
            },
        )

    @routes.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
    def privacy(request: Request) -> HTMLResponse:
        return _notice(request, NoticeKind.PRIVACY)

    @routes.get("/cookies", response_class=HTMLResponse, include_in_schema=False)
    def cookies(request: Request) -> HTMLResponse:
        return _notice(request, NoticeKind.COOKIE)

    @routes.get("/privacy/history", response_class=HTMLResponse, include_in_schema=False)
    def notice_history(request: Request) -> HTMLResponse:
        wiring = wiring_of(request)
        served(request.app)
        with wiring.store.unit_of_work(actor=ACTOR, reads_only=True) as uow:
            versions = history(uow)
        return render(
            request,
            "notice_history.html.j2",
            {
                "versions": versions,
                "kinds": list(NoticeKind),
                "organisation": _organisation(request),
                "declared": wiring.manifest is not None,
            },
        )

    @routes.get("/contact", response_class=HTMLResponse, include_in_schema=False)
    def contact(request: Request) -> HTMLResponse:
        sections = contact_sections(wiring_of(request).manifest)
        body = Markup("".join(render_section_html(s) for s in sections))
        return render(
            request, "contact.html.j2", {"body": body, "organisation": _organisation(request)}
        )

    # The compiled notices link to each other by their file names (``steward build``).
    @routes.get("/privacy-notice.html", include_in_schema=False)
    def privacy_file() -> RedirectResponse:
        return RedirectResponse("/privacy", status_code=308)

    @routes.get("/cookie-notice.html", include_in_schema=False)
    def cookie_file() -> RedirectResponse:
        return RedirectResponse("/cookies", status_code=308)

    return routes


def _organisation(request: Request) -> str | None:
    manifest = wiring_of(request).manifest
    return None if manifest is None else manifest.organisation.name
