"""The unsubscribe link in every marketing message (RFC 8058; PECR reg 22(3)(c), 23).

- ``POST /unsubscribe/{token}`` with the body ``List-Unsubscribe=One-Click``: the one-click
  unsubscribe a mail client sends for the person. Recorded at once, idempotent (a second POST
  records nothing more), through ``steward.services.unsubscribe.unsubscribe``.
- ``GET /unsubscribe/{token}``: the landing page for a person who opens the link. It does not
  unsubscribe by itself, because mail scanners and link previews follow GET links; it shows one
  button (a form with its CSRF token, ``POST /unsubscribe/{token}/confirm``) that does, then
  says what was done.
- ``/u/{token}``: the same two routes at the address ``steward marketing headers`` prints
  (``STEWARD_UNSUBSCRIBE_BASE_URL`` + ``/u/``), so every link already sent keeps working.

Why the one-click POST takes no CSRF token and no login: RFC 8058 has the person's mail client
(or their mail provider, on their behalf) send it, from outside this site, with no cookie and no
page seen first; a CSRF check would refuse exactly the request the RFC defines. It is safe
without one: the signed token is the credential (nobody can make one for someone else or alter
one), and the only thing the POST can do is stop marketing to the token's holder for the
token's purpose and channel, which is never harmful to them and is recorded once however often
it arrives. The landing page's own button does carry a CSRF token, like every form.

A token that does not verify is a 404 page (or problem+json), and nothing is recorded. Pages
about one person's link are never cached, and are not indexed, and the server's access log
shows ``[token]`` in place of the token (``steward.web.token_logs``, installed as the app starts).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse

from steward.errors import InvalidInput
from steward.services.marketing_links import landing, unsubscribe_by_link
from steward.web import token_logs
from steward.web.csrf import require_csrf
from steward.web.templates import render
from steward.web.wiring import wiring_of

ACTOR = "web:unsubscribe"
ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"
PRIVATE = {"cache-control": "no-store", "x-robots-tag": "noindex"}

OneClickField = Annotated[str | None, Form(alias=ONE_CLICK_FIELD)]


@asynccontextmanager
async def _redact_tokens(_app: FastAPI) -> AsyncIterator[None]:
    token_logs.install()
    yield


def router() -> APIRouter:
    routes = APIRouter(lifespan=_redact_tokens)

    def _landing(request: Request, token: str) -> HTMLResponse:
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor=ACTOR, reads_only=True) as uow:
            found = landing(uow, token, wiring.manifest)
        return render(
            request,
            "unsubscribe.html.j2",
            {"landing": found, "token": token, "organisation": _organisation(request)},
            headers=PRIVATE,
        )

    def _unsubscribe(request: Request, token: str) -> HTMLResponse:
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor=ACTOR) as uow:
            done = unsubscribe_by_link(uow, token, wiring.manifest, wiring.clock())
            uow.commit()
        return render(
            request,
            "unsubscribed.html.j2",
            {"done": done, "token": token, "organisation": _organisation(request)},
            headers=PRIVATE,
        )

    def _one_click(request: Request, token: str, value: str | None) -> HTMLResponse:
        if value != ONE_CLICK_VALUE:
            raise InvalidInput(
                "a one-click unsubscribe must send List-Unsubscribe=One-Click",
                where=ONE_CLICK_FIELD,
                hint="mail clients send it for you (RFC 8058); in a browser, open the link "
                "and press the Unsubscribe button",
            )
        return _unsubscribe(request, token)

    @routes.get("/unsubscribe/{token}", response_class=HTMLResponse, include_in_schema=False)
    def landing_page(request: Request, token: str) -> HTMLResponse:
        return _landing(request, token)

    @routes.get("/u/{token}", response_class=HTMLResponse, include_in_schema=False)
    def landing_page_short(request: Request, token: str) -> HTMLResponse:
        return _landing(request, token)

    @routes.post("/unsubscribe/{token}", response_class=HTMLResponse, tags=["unsubscribe"])
    def one_click(request: Request, token: str, value: OneClickField = None) -> HTMLResponse:
        """RFC 8058 one-click unsubscribe: recorded at once; repeating it records nothing more."""
        return _one_click(request, token, value)

    @routes.post("/u/{token}", response_class=HTMLResponse, tags=["unsubscribe"])
    def one_click_short(request: Request, token: str, value: OneClickField = None) -> HTMLResponse:
        """The same one-click unsubscribe at the address ``steward marketing headers`` prints."""
        return _one_click(request, token, value)

    @routes.post(
        "/unsubscribe/{token}/confirm",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
    def confirm(request: Request, token: str) -> HTMLResponse:
        return _unsubscribe(request, token)

    return routes


def _organisation(request: Request) -> str | None:
    manifest = wiring_of(request).manifest
    return None if manifest is None else manifest.organisation.name
