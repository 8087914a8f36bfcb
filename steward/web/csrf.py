"""Cross-site request forgery protection for every form (issue 12 item 1).

Double submit, signed: the browser holds a random token in an HttpOnly, SameSite=Strict cookie
(``steward_csrf``); each form carries ``csrf_token`` = HMAC(web secret, cookie token). A form
POST whose field does not match its cookie is refused with 403 before the route runs. Another
site can neither read the cookie nor compute the field, and SameSite=Strict keeps the cookie
off its requests.

Routes other sites must reach (the RFC 8058 one-click unsubscribe, the banner's receipts, the
contact relay) do not take ``Depends(require_csrf)``: each says why in its own module.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request
from markupsafe import Markup

from steward.web.problems import Forbidden
from steward.web.wiring import wiring_of

COOKIE = "steward_csrf"
FIELD = "csrf_token"
_NEW = "csrf_new_cookie"


def _sign(secret: bytes, token: str) -> str:
    return hmac.new(secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def cookie_token(request: Request) -> str:
    """The browser's token, or a new one (set on the response by ``SecurityHeaders``)."""
    token = request.cookies.get(COOKIE)
    if token and 20 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum():
        return token
    fresh: str | None = getattr(request.state, _NEW, None)
    if fresh is None:
        fresh = secrets.token_urlsafe(24)
        setattr(request.state, _NEW, fresh)
    return fresh


def form_token(request: Request) -> str:
    """The value a form's hidden ``csrf_token`` field must carry."""
    return _sign(wiring_of(request).secret, cookie_token(request))


def hidden_field(request: Request) -> Markup:
    """``<input type="hidden" name="csrf_token" value="...">`` for a template."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, form_token(request))


async def require_csrf(request: Request) -> None:
    """A dependency for routes that take a form: refuse a missing or wrong token (403)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    cookie = request.cookies.get(COOKIE)
    form = await request.form()
    given = form.get(FIELD)
    if not cookie or not isinstance(given, str):
        raise Forbidden(
            "this form has expired or did not come from this site",
            where=FIELD,
            hint="go back, reload the page and send the form again",
        )
    expected = _sign(wiring_of(request).secret, cookie)
    if not hmac.compare_digest(expected, given):
        raise Forbidden(
            "this form has expired or did not come from this site",
            where=FIELD,
            hint="go back, reload the page and send the form again",
        )


def new_cookie(state: dict[str, object]) -> str | None:
    """The token to set as the cookie on this response, if the request made one."""
    value = state.get(_NEW)
    return value if isinstance(value, str) else None
