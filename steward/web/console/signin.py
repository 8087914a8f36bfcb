"""Signing in to the staff console and out of it, and the console's overview page.

Sign-in takes the username, the password and a second factor (the authenticator app's code or
one recovery code) in one form, and calls ``steward.services.staff.login``: its throttling, its
per-account lock and its one refusal for every failure are the service's (docs/staff.md). The
web adds a per-source rate limit on the form itself (``SIGN_IN_PER_MINUTE``) so a flood is
turned away before any password is hashed. Nothing typed is logged or echoed back except the
username, which the person sees in their own form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from steward.errors import SignInRefused
from steward.services import staff
from steward.staff.accounts import SignedIn
from steward.web.console.access import (
    COOKIE,
    LOGIN,
    PATH,
    Needs,
    cleared_cookie,
    local_target,
    session_cookie,
    signed_in,
)
from steward.web.console.pages import page, see_other
from steward.web.csrf import require_csrf
from steward.web.limits import RateLimit
from steward.web.wiring import wiring_of

SIGN_IN_PER_MINUTE = 10
"""Sign-in forms one source may send a minute; the service's own limits count failures."""
_FIELD_MAX = 300


def router() -> APIRouter:
    routes = APIRouter()
    limits: dict[int, RateLimit] = {}

    def limit(request: Request) -> None:
        wiring = wiring_of(request)
        found = limits.get(id(wiring))
        if found is None:
            found = limits[id(wiring)] = RateLimit(
                "sign-in attempts", SIGN_IN_PER_MINUTE, 60, wiring.clock
            )
        found.hit(request.client.host if request.client else "unknown")

    @routes.get(LOGIN, response_class=HTMLResponse, include_in_schema=False)
    async def login_form(
        request: Request,
        next_: Annotated[str | None, Query(alias="next", max_length=500)] = None,
        signed_out: Annotated[bool, Query()] = False,
    ) -> Response:
        if await signed_in(request) is not None:
            return see_other(local_target(next_))
        return page(
            request,
            None,
            "login.html.j2",
            {"username": "", "next": local_target(next_), "signed_out": signed_out},
        )

    @routes.post(
        LOGIN,
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_csrf), Depends(limit)],
    )
    async def login(
        request: Request,
        username: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
        password: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
        code: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
        next_: Annotated[str, Form(alias="next", max_length=500)] = PATH,
    ) -> Response:
        wiring = wiring_of(request)
        source = request.client.host if request.client else "unknown"
        try:
            opened = await run_in_threadpool(
                staff.login, wiring.store, username, password, code, source, wiring.clock()
            )
        except SignInRefused as error:
            problem = {"detail": error.message, "where": None, "hint": error.hint}
            return page(
                request,
                None,
                "login.html.j2",
                {
                    "username": username,
                    "next": local_target(next_),
                    "signed_out": False,
                    "problem": problem,
                },
                status_code=401,
            )
        target = local_target(next_)
        if opened.used_recovery_code:
            target = f"{PATH}?codes_left={opened.recovery_codes_left}"
        response = see_other(target)
        response.headers.append("set-cookie", session_cookie(wiring, opened.token))
        return response

    @routes.post("/staff/logout", include_in_schema=False)
    async def logout(request: Request, who: Annotated[SignedIn, Depends(Needs(None))]) -> Response:
        wiring = wiring_of(request)
        token = request.cookies.get(COOKIE, "")
        await run_in_threadpool(staff.logout, wiring.store, token, wiring.clock())
        response = see_other(f"{LOGIN}?signed_out=true")
        response.headers.append("set-cookie", cleared_cookie(wiring))
        return response

    @routes.get(PATH, response_class=HTMLResponse, include_in_schema=False)
    def overview(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(None))],
        codes_left: Annotated[int | None, Query(ge=0, le=100)] = None,
    ) -> Response:
        return page(request, who, "overview.html.j2", {"codes_left": codes_left})

    del login_form, login, logout, overview
    return routes


__all__ = ["router"]
