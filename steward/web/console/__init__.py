"""The staff console under ``/staff`` (issue 12 item 4; docs/staff.md, "Staff console").

Sign-in with a password and a second factor, then pages by role: the request queue and each
request's case file, complaints, consent lookup, the audit chain and staff accounts. Every route
but the sign-in form takes one gate, ``Depends(Needs(permission))`` (``access.py``), so which
role may call which route is declared in one place per route and a test calls every route as
every role.
"""

from __future__ import annotations

from fastapi import APIRouter

from steward.web.console import (
    audit_pages,
    complaint_pages,
    consent_pages,
    request_pages,
    signin,
    staff_pages,
)


def router() -> APIRouter:
    routes = APIRouter()
    for area in (signin, request_pages, complaint_pages, consent_pages, audit_pages, staff_pages):
        routes.include_router(area.router())
    return routes
