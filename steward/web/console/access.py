"""Who is signed in to the staff console, and the one gate every console route passes.

Each route takes ``Depends(Needs(permission))`` (or ``Needs(None)``: a live session only) and
nothing else decides access, so a test can list every ``/staff`` route with what it needs. The
gate, in order:

1. a live session: the ``steward_staff`` cookie names one (``steward.services.staff.session``:
   idle and absolute expiry, disabled accounts). Without one, a page answers 303 to the sign-in
   page (and back afterwards) and a JSON caller 401 problem+json;
2. a form's CSRF token (``steward.web.csrf``: the signed double-submit token every form of the
   site carries; one scheme for the whole console, the sign-in form included, which has no
   session yet); the session cookie is also SameSite=Strict and scoped to ``/staff``;
3. the permission, decided by the role table (``steward.staff.roles``): refused with 403 and the
   decision's reason ("the marketing role does not hold requests.read ...").

The cookie: HttpOnly, SameSite=Strict, Path=/staff, Secure when served behind https, no expiry
of its own (the server ends the session; docs/staff.md, "Sessions").
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from steward.services import staff
from steward.staff.accounts import SignedIn
from steward.staff.roles import Permission
from steward.web.csrf import require_csrf
from steward.web.problems import Forbidden, Unauthorised, wants_json
from steward.web.wiring import WebWiring, wiring_of

COOKIE = "steward_staff"
PATH = "/staff"
LOGIN = "/staff/login"
_SAFE = ("GET", "HEAD", "OPTIONS")


def session_cookie(wiring: WebWiring, token: str) -> str:
    secure = "; Secure" if wiring.https else ""
    return f"{COOKIE}={token}; Path={PATH}; HttpOnly; SameSite=Strict{secure}"


def cleared_cookie(wiring: WebWiring) -> str:
    secure = "; Secure" if wiring.https else ""
    return f"{COOKIE}=; Max-Age=0; Path={PATH}; HttpOnly; SameSite=Strict{secure}"


def local_target(path: str | None) -> str:
    """Where to go after signing in: a console path on this site, never another site."""
    if (
        path
        and path.startswith(PATH)
        and not path.startswith("//")
        and "\\" not in path
        and path.split("?")[0] != LOGIN
        and len(path) <= 500
        and path.isprintable()
    ):
        return path
    return PATH


def current(request: Request) -> SignedIn | None:
    """The member of staff this request's gate let through (None before the gate ran)."""
    who = getattr(request.state, "staff", None)
    return who if isinstance(who, SignedIn) else None


async def signed_in(request: Request) -> SignedIn | None:
    """The member of staff behind the request's session cookie, or None."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    wiring = wiring_of(request)
    return await run_in_threadpool(staff.session, wiring.store, token, wiring.clock())


def _sign_in_needed(request: Request) -> Exception:
    if wants_json(request):
        return Unauthorised(
            "you are not signed in, or your session has ended",
            where="session",
            hint=f"sign in again at {LOGIN}",
        )
    target = request.url.path if request.method in _SAFE else PATH
    if request.method in _SAFE and request.url.query:
        target += "?" + request.url.query
    location = f"{LOGIN}?next={quote(local_target(target), safe='/')}"
    return StarletteHTTPException(
        303,
        detail="please sign in",
        headers={
            "Location": location,
            "Cache-Control": "no-store",
            "Set-Cookie": cleared_cookie(wiring_of(request)),
        },
    )


class Needs:
    """The gate of one route: a live session, the CSRF token of a form, and ``permission``
    (None: any signed-in member of staff). Returns the member of staff."""

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission

    def __repr__(self) -> str:
        return f"Needs({self.permission.value if self.permission else 'a session'})"

    async def __call__(self, request: Request) -> SignedIn:
        who = await signed_in(request)
        if who is None:
            raise _sign_in_needed(request)
        request.state.staff = who
        if request.method not in _SAFE:
            await require_csrf(request)
        if self.permission is not None:
            decision = staff.check(who, self.permission)
            if not decision.allowed:
                raise Forbidden(
                    decision.reason,
                    where=self.permission.value,
                    hint="ask a privacy lead if your work needs this",
                )
        return who
