"""What every response carries and every request is held to (issue 12 item 1).

- Headers: a Content-Security-Policy with a fresh nonce per response (``request.state.csp_nonce``;
  no inline script or style without it, no framing: ``frame-ancestors 'none'``), X-Content-Type-
  Options, Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy, and HSTS when served
  behind https. Routes that must differ (the banner script, embedded by other sites) set their
  own headers; the middleware only adds what is missing.
- The CSRF cookie (``steward.web.csrf``), when the page just rendered made one.
- A body limit: a request whose declared or actual body is over ``max_body_bytes`` is refused
  with 413 before any route reads it.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steward.web.csrf import COOKIE as CSRF_COOKIE
from steward.web.csrf import new_cookie
from steward.web.wiring import WebWiring


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        )
    )


class SecurityHeaders:
    """ASGI middleware: nonce, security headers, body limit."""

    def __init__(self, app: ASGIApp, wiring: WebWiring) -> None:
        self.app = app
        self.wiring = wiring

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        limit = self.wiring.max_body_bytes
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, receive, send, limit)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                defaults = {
                    "content-security-policy": content_security_policy(nonce),
                    "x-content-type-options": "nosniff",
                    "referrer-policy": "same-origin",
                    "permissions-policy": "camera=(), microphone=(), geolocation=(), "
                    "interest-cohort=()",
                    "cross-origin-opener-policy": "same-origin",
                    "x-frame-options": "DENY",
                }
                if self.wiring.https:
                    defaults["strict-transport-security"] = "max-age=31536000; includeSubDomains"
                for name, value in defaults.items():
                    if name not in headers:
                        headers[name] = value
                token = new_cookie(scope["state"])
                if token is not None:
                    secure = "; Secure" if self.wiring.https else ""
                    headers.append(
                        "set-cookie",
                        f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}",
                    )
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            await _too_large(scope, receive, send, limit)


class _BodyTooLarge(Exception):
    pass


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    from starlette.responses import JSONResponse

    from steward.web.problems import PROBLEM_JSON

    response = JSONResponse(
        {
            "type": "https://steward.invalid/problems/too-large",
            "title": "Too large",
            "status": 413,
            "detail": f"the request's body is over {limit} bytes",
            "instance": scope.get("path", ""),
        },
        status_code=413,
        media_type=PROBLEM_JSON,
    )
    await response(scope, receive, send)
