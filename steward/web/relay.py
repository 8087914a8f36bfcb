"""The contact-form relay over HTTP (issue 12 item 6; docs/relay.md): the organisation's own
website posts its contact form here, Steward forwards it by e-mail and keeps only a count.

- ``POST /relay/contact``: an ordinary HTML form post (``application/x-www-form-urlencoded`` or
  multipart). Answers with a thank-you page, or a 303 to ``STEWARD_RELAY_THANKS_URL``; with a
  page saying what to fix (422), that the message was NOT sent (503), or problem+json when the
  caller asks for JSON first.
- ``POST /api/relay/contact``: the same in JSON, for a site's own script; CORS for the allowed
  origins only.
- ``GET /relay/contact``: a contact form hosted by Steward, for a site without one; it carries
  the signed moment it was served, so a post faster than a person can type counts as spam.

No CSRF token (``steward.web.csrf``): the form is served by another origin, which cannot hold a
token bound to a Steward cookie, and a forged post could only send an enquiry, which the form
exists to do. What protects the relay instead (``steward.relay.screening``): the Origin/Referer
allow-list, a honeypot field, the hosted form's minimum fill time, and rate limits per source
and overall. Nothing here logs: the service logs outcomes in fixed words, and no submitted
value is ever passed to a logger.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from steward.errors import StewardError
from steward.relay.enquiry import LABELS, InvalidEnquiry
from steward.relay.screening import (
    HONEYPOT,
    STARTED,
    fill_key,
    fill_token,
    origin_of,
    request_origin,
)
from steward.services.contact_relay import (
    Accepted,
    NotSent,
    OriginRefused,
    StaleForm,
    Submission,
    relay_enquiry,
)
from steward.web.limits import RateLimit
from steward.web.problems import TooMany, problem, status_of, title_of, wants_json
from steward.web.templates import render
from steward.web.wiring import WebWiring, wiring_of

HOUR = 3600.0
NO_STORE = {"Cache-Control": "no-store"}
FormText = Annotated[str | None, Form()]


class EnquiryIn(BaseModel):
    """A contact-form enquiry. Other fields are ignored and not forwarded."""

    name: str | None = Field(None, description="The sender's name (required, one line).")
    email: str | None = Field(None, description="The sender's e-mail address (required).")
    phone: str | None = Field(None, description="A phone number (optional).")
    topic: str | None = Field(None, description="A subject (optional, one line).")
    message: str | None = Field(None, description="The message (required).")
    website: str | None = Field(None, description="Honeypot: leave it out or empty.")
    started: str | None = Field(None, description="Only from Steward's hosted form.")


class RelayAnswer(BaseModel):
    status: str = Field(description="Always 'sent': the enquiry went to the inbox.")
    message: str


class _Limits:
    """The relay's rate limits, built on the first post from the app's own policy and clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: tuple[RateLimit, RateLimit] | None = None

    def hit(self, wiring: WebWiring, source: str) -> None:
        with self._lock:
            if self._built is None:
                policy = wiring.relay
                self._built = (
                    RateLimit("contact-form posts", policy.per_source_per_hour, HOUR, wiring.clock),
                    RateLimit("contact-form posts", policy.per_hour, HOUR, wiring.clock),
                )
            per_source, overall = self._built
        per_source.hit(_source_key(wiring.secret, source))
        try:
            overall.hit("everyone")
        except TooMany as busy:
            raise TooMany(
                "the contact form is receiving more messages than usual just now",
                retry_after=busy.retry_after,
                where=busy.where,
            ) from busy


def router() -> APIRouter:
    routes = APIRouter(tags=["contact relay"])
    limits = _Limits()

    @routes.get("/relay/contact", response_class=HTMLResponse, include_in_schema=False)
    def hosted_form(request: Request) -> HTMLResponse:
        wiring = wiring_of(request)
        available = wiring.relay.inbox is not None and wiring.mailer is not None
        return render(
            request,
            "relay_form.html.j2",
            {
                "organisation": _organisation(wiring),
                "available": available,
                "honeypot": HONEYPOT,
                "started_field": STARTED,
                "started": fill_token(fill_key(wiring.secret), wiring.clock()),
            },
            status_code=200 if available else 503,
            headers=NO_STORE,
        )

    @routes.post(
        "/relay/contact",
        response_class=HTMLResponse,
        summary="Forward a contact form posted by the organisation's website",
    )
    def contact_form(
        request: Request,
        name: FormText = None,
        email: FormText = None,
        phone: FormText = None,
        topic: FormText = None,
        message: FormText = None,
        website: FormText = None,
        started: FormText = None,
    ) -> Response:
        fields = {"name": name, "email": email, "phone": phone, "topic": topic}
        fields |= {"message": message, HONEYPOT: website, STARTED: started}
        wiring = wiring_of(request)
        try:
            limits.hit(wiring, _source(request))
            accepted = _relay(request, wiring, fields)
        except (InvalidEnquiry, NotSent) as error:
            if wants_json(request):
                return _problem(request, error)
            return _page_for(request, wiring, error, message)
        except (OriginRefused, StaleForm, TooMany) as error:
            return _problem(request, error)
        if wants_json(request):
            return JSONResponse(_answer(wiring), headers=NO_STORE)
        if wiring.relay.thanks_url is not None:
            return RedirectResponse(wiring.relay.thanks_url, status_code=303, headers=NO_STORE)
        return render(
            request,
            "relay_sent.html.j2",
            {"organisation": _organisation(wiring), "site": accepted.site},
            headers=NO_STORE,
        )

    @routes.post(
        "/api/relay/contact",
        response_model=RelayAnswer,
        summary="Forward a contact-form enquiry sent by the organisation's website in JSON",
        responses={
            403: {"description": "Not from an allowed site"},
            422: {"description": "Fields to fix, each named in 'errors'"},
            429: {"description": "Too many posts; see Retry-After"},
            503: {"description": "NOT sent: the mail server did not take it; try again"},
        },
    )
    def contact_api(request: Request, enquiry: EnquiryIn) -> Response:
        wiring = wiring_of(request)
        cors = _cors(request, wiring)
        try:
            limits.hit(wiring, _source(request))
            _relay(request, wiring, enquiry.model_dump())
        except (InvalidEnquiry, NotSent, OriginRefused, StaleForm, TooMany) as error:
            return _problem(request, error, cors)
        return JSONResponse(_answer(wiring), headers={**NO_STORE, **cors})

    @routes.options("/api/relay/contact", include_in_schema=False)
    def contact_api_preflight(request: Request) -> Response:
        """CORS preflight: a site on the allow-list may post JSON from its own script."""
        cors = _cors(request, wiring_of(request))
        if cors:
            cors |= {
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600",
            }
        return Response(status_code=204, headers=cors or {"Vary": "Origin"})

    return routes


def _relay(request: Request, wiring: WebWiring, fields: dict[str, Any]) -> Accepted:
    return relay_enquiry(
        wiring.store,
        wiring.mailer,
        wiring.relay,
        Submission(
            fields=fields,
            origin_header=request.headers.get("origin"),
            referer_header=request.headers.get("referer"),
        ),
        key=fill_key(wiring.secret),
        own_origin=origin_of(wiring.public_url or str(request.base_url)),
    )


def _answer(wiring: WebWiring) -> dict[str, str]:
    organisation = _organisation(wiring) or "the organisation"
    return {
        "status": "sent",
        "message": f"Thank you: your message has been sent to {organisation}.",
    }


def _organisation(wiring: WebWiring) -> str | None:
    return wiring.manifest.organisation.name if wiring.manifest is not None else None


def _source(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _source_key(secret: bytes, source: str) -> str:
    """The rate limit's key for an address: keyed hash, so not even the process's memory holds
    the addresses of the people who wrote."""
    return hmac.new(secret, b"relay-source:" + source.encode(), hashlib.sha256).hexdigest()[:24]


def _cors(request: Request, wiring: WebWiring) -> dict[str, str]:
    """CORS headers for an allowed site's script; none for anyone else."""
    origin = request.headers.get("origin")
    if origin is None or request_origin(origin, None) not in wiring.relay.origins:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "Retry-After",
        "Vary": "Origin",
    }


_RELAY_STATUS: dict[type[StewardError], tuple[int, str]] = {
    OriginRefused: (403, "forbidden"),
    NotSent: (503, "not-sent"),
}


def _problem(request: Request, error: StewardError, cors: dict[str, str] | None = None) -> Response:
    status, slug = next(
        (found for kind, found in _RELAY_STATUS.items() if isinstance(error, kind)),
        status_of(error),
    )
    headers = {**NO_STORE, **(cors or {})}
    if isinstance(error, TooMany):
        headers["Retry-After"] = str(error.retry_after)
    extra = None
    if isinstance(error, InvalidEnquiry):
        extra = {"errors": [{"where": p.where, "message": p.message} for p in error.problems]}
    return problem(
        request,
        status,
        slug,
        "Your message was NOT sent" if isinstance(error, NotSent) else title_of(status),
        detail=error.message,
        where=error.where,
        hint=error.hint,
        extra=extra,
        headers=headers,
    )


def _page_for(
    request: Request, wiring: WebWiring, error: InvalidEnquiry | NotSent, message: str | None
) -> Response:
    """The page for a person: what to fix, or that nothing was sent, with their message shown
    back so nothing they wrote is lost (it is in this answer only, never stored)."""
    if isinstance(error, InvalidEnquiry):
        problems = [(LABELS.get(p.where, p.where), p.message) for p in error.problems]
        context = {"problems": problems, "hint": error.hint}
        name, status = "relay_invalid.html.j2", 422
    else:
        context = {"detail": error.message, "hint": error.hint, "write_to": error.write_to}
        name, status = "relay_not_sent.html.j2", 503
    context |= {"organisation": _organisation(wiring), "message": message or ""}
    return render(request, name, context, status_code=status, headers=NO_STORE)
