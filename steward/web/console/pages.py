"""Rendering console pages: the signed-in member of staff, what their role may do (for the
navigation and for which forms to show; the routes' gates decide), and no caching anywhere
(pages show personal data and must not outlive the session in a shared browser's cache)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from steward.errors import ConfigError, StewardError
from steward.law.calendar import Nation
from steward.law.deadlines import LONDON
from steward.staff.accounts import SignedIn
from steward.staff.roles import Permission, allowed
from steward.web.problems import status_of
from steward.web.templates import render
from steward.web.wiring import WebWiring

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

NAVIGATION: tuple[tuple[str, str, Permission | None], ...] = (
    ("/staff", "Overview", None),
    ("/staff/requests", "Requests", Permission.requests_read),
    ("/staff/complaints", "Complaints", Permission.complaints_read),
    ("/staff/complaints/new", "Log a complaint", Permission.complaints_create),
    ("/staff/consent", "Consent lookup", Permission.consent_read),
    ("/staff/audit", "Audit chain", Permission.audit_read),
    ("/staff/accounts", "Staff accounts", Permission.staff_read),
)
"""The console's pages in the menu, each shown only to a role that may open it."""


def can(who: SignedIn, permission: Permission) -> bool:
    return allowed(who.role, permission).allowed


def navigation(who: SignedIn) -> list[tuple[str, str]]:
    return [(href, label) for href, label, need in NAVIGATION if need is None or can(who, need)]


def page(
    request: Request,
    who: SignedIn | None,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "who": who,
        "nav": navigation(who) if who is not None else [],
        "can": (lambda permission: can(who, Permission(permission))) if who else (lambda _: False),
        "london": lambda moment: moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M"),
        "problem": None,
    }
    values.update(context or {})
    return render(request, f"console/{name}", values, status_code=status_code, headers=NO_STORE)


def problem_of(error: StewardError) -> tuple[dict[str, str | None], int]:
    """A refusal shown at the top of the page it happened on, and its HTTP status."""
    status, _slug = status_of(error)
    return {"detail": error.message, "where": error.where, "hint": error.hint}, status


def see_other(url: str) -> RedirectResponse:
    """After a form: 303 to the page that shows the result (a reload does not send it again)."""
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


def nation_of(wiring: WebWiring) -> Nation:
    """The organisation's nation (bank holidays for due dates), from the manifest."""
    if wiring.nation is None:
        raise ConfigError(
            "due dates cannot be worked out here: the deployment's manifest is not configured",
            where="STEWARD_MANIFEST",
            hint="set STEWARD_MANIFEST where Steward is served",
        )
    return wiring.nation


def organisation_of(wiring: WebWiring) -> str:
    if wiring.manifest is None:
        raise ConfigError(
            "the organisation's name is not known: the deployment's manifest is not configured",
            where="STEWARD_MANIFEST",
            hint="set STEWARD_MANIFEST where Steward is served",
        )
    return wiring.manifest.organisation.name
