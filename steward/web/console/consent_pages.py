"""Consent lookup (``consent.read``): staff type an e-mail address or a phone number and see the
consent in force for that person, per purpose and channel, with the event that set it.

The identifier travels only in a POST body (never a URL, so never an access log, a browser
history or a Referer), is found through the blind index by
``steward.services.consent_lookup``, and is echoed only into the form the person typed it in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from steward.errors import InvalidInput
from steward.services.consent_lookup import IDENTIFIER_MAX, look_up_consent
from steward.staff.accounts import SignedIn
from steward.staff.roles import Permission
from steward.web.console.access import Needs
from steward.web.console.pages import page, problem_of
from steward.web.wiring import wiring_of


def router() -> APIRouter:
    routes = APIRouter()

    def labels(request: Request) -> dict[str, str]:
        purposes = wiring_of(request).purposes
        if purposes is None:
            return {}
        return {purpose.id: purpose.name for purpose in purposes.purposes}

    @routes.get("/staff/consent", response_class=HTMLResponse, include_in_schema=False)
    def form(
        request: Request, who: Annotated[SignedIn, Depends(Needs(Permission.consent_read))]
    ) -> Response:
        return page(request, who, "consent.html.j2", {"identifier": "", "found": None})

    @routes.post("/staff/consent", response_class=HTMLResponse, include_in_schema=False)
    async def look_up(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.consent_read))],
        identifier: Annotated[str, Form(max_length=IDENTIFIER_MAX)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        try:
            found = await run_in_threadpool(
                look_up_consent, wiring.store, identifier, actor=who.actor, now=wiring.clock()
            )
        except InvalidInput as error:
            problem, status = problem_of(error)
            return page(
                request,
                who,
                "consent.html.j2",
                {"identifier": identifier, "found": None, "problem": problem},
                status_code=status,
            )
        return page(
            request,
            who,
            "consent.html.j2",
            {"identifier": identifier, "found": found, "labels": labels(request)},
        )

    del form, look_up
    return routes
