"""Who may see a request's status page: the browser (or API client) that entered its code.

A successful code check issues a *status pass*: ``<expiry>.<signature>``, where the signature is
HMAC-SHA256 under the web secret over the request's reference and the expiry. Browsers keep it
in an HttpOnly, SameSite=Strict cookie whose path is the request's own page, so a browser can
hold passes for several requests and sends each only where it belongs; API clients send it as
``Authorization: Bearer``. Nothing is stored: the pass proves itself, it cannot be guessed or
moved to another reference, and it ends at its expiry (or when the web secret, derived from the
key ring, changes). A missing, wrong or expired pass and an unknown reference get the same page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from fastapi import Request

COOKIE = "steward_request_pass"
LIFETIME = timedelta(days=180)
"""Longer than any request's clock (one month, plus two if extended, plus a restart), so the
person can follow a request to its end from the browser they used."""
_MAX_TOKEN = 80


def _signature(secret: bytes, reference: str, expiry: int) -> str:
    digest = hmac.new(
        secret, f"request-status:{reference}:{expiry}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(secret: bytes, reference: str, now: datetime) -> tuple[str, datetime]:
    """A pass for ``reference`` and when it ends."""
    ends = now.astimezone(UTC).replace(microsecond=0) + LIFETIME
    expiry = int(ends.timestamp())
    return f"{expiry}.{_signature(secret, reference, expiry)}", ends


def admits(secret: bytes, reference: str, token: str | None, now: datetime) -> bool:
    """Whether ``token`` is a live pass for ``reference`` (constant-time comparison)."""
    if not token or len(token) > _MAX_TOKEN:
        return False
    expiry_text, dot, given = token.partition(".")
    if not dot or not expiry_text.isdigit():
        return False
    expiry = int(expiry_text)
    if expiry <= now.timestamp():
        return False
    return hmac.compare_digest(_signature(secret, reference, expiry), given)


def cookie_path(reference: str) -> str:
    return f"/requests/{reference}"


def set_cookie_header(
    token: str, reference: str, ends: datetime, now: datetime, secure: bool
) -> str:
    """The ``Set-Cookie`` value that hands the pass to the browser."""
    age = max(0, int((ends - now).total_seconds()))
    flags = "; Secure" if secure else ""
    return (
        f"{COOKIE}={token}; Path={cookie_path(reference)}; Max-Age={age}; "
        f"HttpOnly; SameSite=Strict{flags}"
    )


def from_cookie(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def from_bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None
