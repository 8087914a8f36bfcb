"""Complaints to the organisation from the public (DPA 2018 s.164A(2): a complaint form usable
electronically): a page with the form, and the same as JSON under ``/api/complaints``.

Parse, call ``steward.services.complaints.complain_online``, render. The form takes a CSRF
token; both are rate limited per source address. What the person wrote never reaches a log or
an error message.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationError

from steward.errors import ConfigError, InvalidInput
from steward.law.calendar import Nation
from steward.notice.document import long_date
from steward.services.complaints import OnlineComplaint, complain_online
from steward.web.csrf import require_csrf
from steward.web.limits import RateLimit
from steward.web.templates import render
from steward.web.wiring import WebWiring, wiring_of

PER_HOUR = 5
_FIELDS = ("name", "email", "postal_address", "phone", "request", "text")


class ComplaintIn(BaseModel):
    """A complaint about how the organisation uses personal data."""

    text: str = Field(min_length=1, max_length=10_000, description="What went wrong")
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, description="For the reply")
    postal_address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    request: str | None = Field(
        default=None, max_length=20, description="The reference of a request it is about"
    )


class ComplaintOut(BaseModel):
    reference: str
    acknowledged: bool = Field(description="The acknowledgement e-mail was sent")
    acknowledgement_due: date = Field(description="s.164A(3): acknowledged by this day")


def _nation(wiring: WebWiring) -> tuple[Nation, str]:
    if wiring.nation is None or wiring.manifest is None:
        raise ConfigError(
            "complaints cannot be taken here: the deployment's manifest is not configured",
            where="STEWARD_MANIFEST",
            hint="set STEWARD_MANIFEST where Steward is served",
        )
    return wiring.nation, wiring.manifest.organisation.name


def router() -> APIRouter:
    routes = APIRouter()
    limits: dict[int, RateLimit] = {}

    def limit(request: Request) -> None:
        wiring = wiring_of(request)
        found = limits.get(id(wiring))
        if found is None:
            found = limits[id(wiring)] = RateLimit("complaints", PER_HOUR, 3600, wiring.clock)
        found.hit(request.client.host if request.client else "unknown")

    def receive(request: Request, given: ComplaintIn) -> OnlineComplaint:
        wiring = wiring_of(request)
        nation, organisation = _nation(wiring)
        return complain_online(
            wiring.store,
            nation,
            wiring.mailer,
            organisation=organisation,
            **{name: getattr(given, name) for name in _FIELDS},
        )

    @routes.get("/complaints/new", response_class=HTMLResponse, include_in_schema=False)
    def form(request: Request) -> HTMLResponse:
        return render(request, "complaint_form.html.j2", {"values": {}, "problem": None})

    @routes.post(
        "/complaints",
        response_class=HTMLResponse,
        include_in_schema=False,
        dependencies=[Depends(require_csrf), Depends(limit)],
    )
    def send(
        request: Request,
        text: Annotated[str, Form()] = "",
        name: Annotated[str, Form()] = "",
        email: Annotated[str, Form()] = "",
        postal_address: Annotated[str, Form()] = "",
        phone: Annotated[str, Form()] = "",
        related_request: Annotated[str, Form(alias="request")] = "",
    ) -> HTMLResponse:
        values = {
            "text": text,
            "name": name,
            "email": email,
            "postal_address": postal_address,
            "phone": phone,
            "request": related_request,
        }
        try:
            given = ComplaintIn(**{k: (v.strip() or None) for k, v in values.items()})
            done = receive(request, given)
        except InvalidInput as error:
            problem = {"detail": error.message, "where": error.where, "hint": error.hint}
            return render(
                request,
                "complaint_form.html.j2",
                {"values": values, "problem": problem},
                status_code=422,
            )
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ())) or "text"
            detail = "please describe your complaint" if where == "text" else str(first.get("msg"))
            problem = {"detail": detail, "where": where, "hint": None}
            return render(
                request,
                "complaint_form.html.j2",
                {"values": values, "problem": problem},
                status_code=422,
            )
        return render(
            request,
            "complaint_sent.html.j2",
            {"done": done, "due": long_date(done.acknowledgement_due)},
            status_code=201,
        )

    @routes.post(
        "/api/complaints",
        response_model=ComplaintOut,
        status_code=201,
        tags=["complaints"],
        dependencies=[Depends(limit)],
    )
    def send_json(request: Request, given: ComplaintIn) -> ComplaintOut:
        """Make a complaint (DPA 2018 s.164A). An e-mail address or a postal address is
        needed for the reply; the acknowledgement is e-mailed at once when possible."""
        done = receive(request, given)
        return ComplaintOut(
            reference=done.reference,
            acknowledged=done.acknowledged,
            acknowledgement_due=done.acknowledgement_due,
        )

    return routes
