"""The one place the error tree becomes HTTP: problem+json (RFC 9457) for the API, a page for
people (DESIGN.md §5 item 6).

A StewardError's message, where and hint are written by Steward and never quote personal data,
so they are shown as they are. Anything else is a defect: the person sees a plain 500 with a
reference, and the log gets the error's type and where it was raised, never its text (a
driver's text may quote a row).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from steward.errors import (
    ConfigError,
    Conflict,
    ConnectorError,
    IntegrityError,
    InvalidInput,
    NotFound,
    StewardError,
    StoreError,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger("steward.web")

_STATUS: tuple[tuple[type[StewardError], int, str], ...] = (
    (InvalidInput, 422, "invalid-input"),
    (NotFound, 404, "not-found"),
    (Conflict, 409, "conflict"),
    (Unavailable, 503, "unavailable"),
    (ConnectorError, 502, "system-error"),
    (IntegrityError, 409, "integrity"),
    (ConfigError, 503, "not-configured"),
    (StoreError, 503, "store-error"),
)


class Forbidden(StewardError):
    """Signed in, but the role does not allow this (403)."""


class Unauthorised(StewardError):
    """Not signed in, or the session has expired (401)."""


class TooLarge(StewardError):
    """The request's body is over the limit (413)."""


class TooMany(StewardError):
    """Too many requests from this source or for this account just now (429)."""

    def __init__(self, message: str, *, retry_after: int, where: str | None = None) -> None:
        super().__init__(message, where=where, hint=f"try again in {retry_after} seconds")
        self.retry_after = retry_after


_WEB_STATUS: tuple[tuple[type[StewardError], int, str], ...] = (
    (Forbidden, 403, "forbidden"),
    (Unauthorised, 401, "unauthorised"),
    (TooLarge, 413, "too-large"),
    (TooMany, 429, "too-many-requests"),
)


def status_of(error: StewardError) -> tuple[int, str]:
    """The HTTP status and the problem type's last word for ``error``."""
    for kind, status, slug in (*_WEB_STATUS, *_STATUS):
        if isinstance(error, kind):
            return status, slug
    return 400, "bad-request"


def wants_json(request: Request) -> bool:
    """The API (``/api/``) answers in JSON; so does any caller that asks for JSON first."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept.split(",")[0]


def problem(
    request: Request,
    status: int,
    slug: str,
    title: str,
    *,
    detail: str | None = None,
    where: str | None = None,
    hint: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An RFC 9457 problem document, or the same facts as a page for a browser."""
    body: dict[str, Any] = {
        "type": f"https://steward.invalid/problems/{slug}",
        "title": title,
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    if where:
        body["where"] = where
    if hint:
        body["hint"] = hint
    if extra:
        body.update(extra)
    if wants_json(request):
        return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    from steward.web.templates import render

    return render(request, "error.html.j2", {"problem": body}, status_code=status, headers=headers)


_TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Please check what you entered",
    429: "Too many requests",
    500: "Something went wrong on our side",
    502: "A connected system failed",
    503: "Not available just now",
}


def title_of(status: int) -> str:
    return _TITLES.get(status, "Error")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(StewardError)
    async def steward_error(request: Request, error: StewardError) -> Response:
        status, slug = status_of(error)
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooMany) else None
        return problem(
            request,
            status,
            slug,
            title_of(status),
            detail=error.message,
            where=error.where,
            hint=error.hint,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        errors = [
            {
                "where": ".".join(str(part) for part in item.get("loc", ())),
                "message": str(item.get("msg", "invalid")),
            }
            for item in error.errors()
        ]
        first = errors[0] if errors else {"where": None, "message": "invalid request"}
        return problem(
            request,
            422,
            "invalid-input",
            title_of(422),
            detail=first["message"],
            where=first["where"],
            extra={"errors": errors},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        status = error.status_code
        detail = error.detail if isinstance(error.detail, str) else None
        return problem(
            request,
            status,
            "http-" + str(status),
            title_of(status),
            detail=detail,
            headers=dict(error.headers) if error.headers else None,
        )

    @app.exception_handler(Exception)
    async def defect(request: Request, error: Exception) -> Response:
        reference = uuid.uuid4().hex[:12]
        frames = "\n".join(
            f"  {frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)
        )
        _log.error(
            "unexpected %s answering %s %s (reference %s); where:\n%s",
            type(error).__name__,
            request.method,
            request.url.path,
            reference,
            frames,
        )
        return problem(
            request,
            500,
            "internal",
            title_of(500),
            detail=f"reference {reference}",
            hint="nothing you sent was lost; please try again, or tell us the reference",
        )
