"""Marketing preferences per purpose and channel, reached from the link in a message
(issue 12 item 2): ``GET /preferences/{token}`` shows each marketing purpose × channel the
manifest declares with the person's current state in the ledger; ``POST /preferences/{token}``
(a form with its CSRF token) stops or agrees to one row, or stops everything.

The signed token in the link identifies the person; no login is asked for, as none is for the
unsubscribe it extends. What may be changed and how each change is recorded are the services'
(``steward.services.preferences``, ``steward.consent.preferences``); every change is a consent
event with the source ``privacy_centre``. Pages about one person are never cached or indexed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from steward.consent.preferences import channel_name
from steward.errors import InvalidInput
from steward.services.preferences import (
    PreferenceChange,
    PreferencePage,
    change_preference,
    preference_page,
    stop_all,
)
from steward.web.csrf import require_csrf
from steward.web.templates import render
from steward.web.wiring import wiring_of

ACTOR = "web:preferences"
PRIVATE = {"cache-control": "no-store", "x-robots-tag": "noindex"}

Choice = Literal["stop", "give", "stop-all"]


def router() -> APIRouter:
    routes = APIRouter()

    def _render(
        request: Request, token: str, page: PreferencePage, changes: tuple[PreferenceChange, ...]
    ) -> HTMLResponse:
        manifest = wiring_of(request).manifest
        return render(
            request,
            "preferences.html.j2",
            {
                "page": page,
                "token": token,
                "changes": changes,
                "declared": manifest is not None,
                "organisation": None if manifest is None else manifest.organisation.name,
                "channel_name": channel_name,
            },
            headers=PRIVATE,
        )

    @routes.get("/preferences/{token}", response_class=HTMLResponse, include_in_schema=False)
    def show(request: Request, token: str) -> HTMLResponse:
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor=ACTOR, reads_only=True) as uow:
            page = preference_page(uow, token, wiring.manifest, wiring.clock())
        return _render(request, token, page, ())

    @routes.post(
        "/preferences/{token}",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
    def change(
        request: Request,
        token: str,
        choice: Annotated[Choice, Form()],
        purpose: Annotated[str | None, Form(max_length=100)] = None,
        channel: Annotated[str | None, Form(max_length=32)] = None,
        wording_version: Annotated[str | None, Form(max_length=50)] = None,
    ) -> HTMLResponse:
        wiring = wiring_of(request)
        with wiring.store.unit_of_work(actor=ACTOR) as uow:
            if choice == "stop-all":
                update = stop_all(uow, token, wiring.manifest, wiring.clock())
            else:
                if not purpose or not channel:
                    raise InvalidInput(
                        "say which purpose and channel to change",
                        where="purpose" if not purpose else "channel",
                        hint="use the buttons on the preferences page",
                    )
                update = change_preference(
                    uow,
                    token,
                    wiring.manifest,
                    purpose=purpose,
                    channel=channel,
                    opt_in=choice == "give",
                    now=wiring.clock(),
                    shown_version=wording_version if choice == "give" else None,
                )
            uow.commit()
        return _render(request, token, update.page, update.changes)

    return routes
