"""Complaints in the staff console (DPA 2018 s.164A; docs/complaints.md).

- ``GET /staff/complaints`` (``complaints.read``): open complaints by the day their next step is
  due, overdue and at-risk marked; closed ones on request.
- ``GET /staff/complaints/new`` and ``POST /staff/complaints`` (``complaints.create``): a
  complaint received by e-mail, phone, letter, in person or on social media, on the day it
  arrived.
- ``GET /staff/complaints/{reference}`` (``complaints.read``): its clock and how each date was
  reached, who complained and what they said (folded away until opened), timeline, audit trail.
- ``POST .../acknowledge``, ``.../progress``, ``.../outcome``, ``.../close``
  (``complaints.act``: privacy lead): the lifecycle's steps, each one service call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from steward.complaints.clock import AT_RISK_DAYS
from steward.complaints.lifecycle import (
    ALLOWED_FROM,
    AckMethod,
    ClosureReason,
    ComplaintChannel,
)
from steward.errors import InvalidInput, StewardError
from steward.services import complaints
from steward.services.audit_status import trail_of
from steward.staff.accounts import SignedIn
from steward.staff.roles import Permission
from steward.web.console.access import Needs
from steward.web.console.pages import (
    nation_of,
    organisation_of,
    page,
    problem_of,
    see_other,
)
from steward.web.wiring import wiring_of

Reference = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
STAFF_CHANNELS = tuple(c for c in ComplaintChannel if c is not ComplaintChannel.web)
"""Channels staff enter complaints from; the public form records ``web`` itself."""
SEND_EMAIL = "send-email"
"""The acknowledgement method that has Steward send the e-mail now."""
_TEXT = 10_000
_SHORT = 500


def day_of(text: str, where: str) -> date | None:
    """A day typed as YYYY-MM-DD (a date field), or None when left empty (today)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(
            f"{cleaned!r} is not a date", where=where, hint="give the day as YYYY-MM-DD"
        ) from None


def staff_channel(text: str) -> ComplaintChannel:
    """How a complaint staff enter arrived (never ``web``: the public form records those)."""
    for channel in STAFF_CHANNELS:
        if channel.value == text:
            return channel
    raise InvalidInput(
        "say how the complaint arrived",
        where="channel",
        hint="choose e-mail, phone, letter, in person or social media",
    )


def _blank(text: str) -> str | None:
    return text.strip() or None


def router() -> APIRouter:
    routes = APIRouter()

    @routes.get("/staff/complaints", response_class=HTMLResponse, include_in_schema=False)
    def queue(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_read))],
        include_closed: Annotated[bool, Query()] = False,
        overdue: Annotated[bool, Query()] = False,
        at_risk: Annotated[bool, Query()] = False,
    ) -> Response:
        wiring = wiring_of(request)
        lines = complaints.list_complaints(
            wiring.store,
            nation_of(wiring),
            actor=who.actor,
            include_closed=include_closed,
            overdue=overdue,
            at_risk=at_risk,
        )
        return page(
            request,
            who,
            "complaints.html.j2",
            {
                "lines": lines,
                "include_closed": include_closed,
                "overdue": overdue,
                "at_risk": at_risk,
                "at_risk_days": AT_RISK_DAYS,
            },
        )

    def entry_form(
        request: Request,
        who: SignedIn,
        values: dict[str, str],
        problem: dict[str, str | None] | None = None,
        status_code: int = 200,
    ) -> Response:
        return page(
            request,
            who,
            "complaint_new.html.j2",
            {"values": values, "channels": STAFF_CHANNELS, "problem": problem},
            status_code=status_code,
        )

    @routes.get("/staff/complaints/new", response_class=HTMLResponse, include_in_schema=False)
    def new(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_create))],
    ) -> Response:
        return entry_form(request, who, {})

    @routes.post("/staff/complaints", response_class=HTMLResponse, include_in_schema=False)
    def receive(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_create))],
        channel: Annotated[str, Form(max_length=40)] = "",
        received: Annotated[str, Form(max_length=40)] = "",
        text: Annotated[str, Form(max_length=_TEXT)] = "",
        name: Annotated[str, Form(max_length=_SHORT)] = "",
        email: Annotated[str, Form(max_length=_SHORT)] = "",
        postal_address: Annotated[str, Form(max_length=_SHORT)] = "",
        phone: Annotated[str, Form(max_length=_SHORT)] = "",
        related_request: Annotated[str, Form(alias="request", max_length=40)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        values = {
            "channel": channel,
            "received": received,
            "text": text,
            "name": name,
            "email": email,
            "postal_address": postal_address,
            "phone": phone,
            "request": related_request,
        }
        try:
            recorded = complaints.receive_complaint(
                wiring.store,
                nation_of(wiring),
                channel=staff_channel(channel),
                received=day_of(received, "received"),
                text=text,
                actor=who.actor,
                name=_blank(name),
                email=_blank(email),
                postal_address=_blank(postal_address),
                phone=_blank(phone),
                request=_blank(related_request),
            )
        except StewardError as error:
            problem, status = problem_of(error)
            return entry_form(request, who, values, problem, status)
        view = complaints.show_complaint(
            wiring.store, nation_of(wiring), recorded.reference, actor=who.actor
        )
        return page(request, who, "complaint_recorded.html.j2", {"view": view}, status_code=201)

    def show(
        request: Request,
        who: SignedIn,
        reference: str,
        problem: dict[str, str | None] | None = None,
        status_code: int = 200,
    ) -> Response:
        wiring = wiring_of(request)
        view = complaints.show_complaint(
            wiring.store, nation_of(wiring), reference, actor=who.actor
        )
        trail = trail_of(wiring.store, f"complaint:{view.complaint.reference}", actor=who.actor)
        status = view.complaint.status
        steps = {step for step, statuses in ALLOWED_FROM.items() if status in statuses}
        return page(
            request,
            who,
            "complaint.html.j2",
            {
                "view": view,
                "trail": trail,
                "steps": steps,
                "ack_methods": [SEND_EMAIL, *(m.value for m in AckMethod)],
                "closures": list(ClosureReason),
                "mail_configured": wiring.mailer is not None,
                "problem": problem,
                "today": complaints.today(wiring.store),
            },
            status_code=status_code,
        )

    @routes.get(
        "/staff/complaints/{reference}", response_class=HTMLResponse, include_in_schema=False
    )
    def detail(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_read))],
        reference: Reference,
    ) -> Response:
        return show(request, who, reference)

    def act(
        request: Request, who: SignedIn, reference: str, step: Callable[[], object]
    ) -> Response:
        try:
            step()
        except StewardError as error:
            problem, status = problem_of(error)
            return show(request, who, reference, problem, status)
        return see_other(f"/staff/complaints/{reference}")

    @routes.post("/staff/complaints/{reference}/acknowledge", include_in_schema=False)
    async def acknowledge(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_act))],
        reference: Reference,
        method: Annotated[str, Form(max_length=20)] = "",
        note: Annotated[str, Form(max_length=_TEXT)] = "",
        on: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        wiring = wiring_of(request)

        def step() -> object:
            nation = nation_of(wiring)
            if method == SEND_EMAIL:
                if wiring.mailer is None:
                    raise InvalidInput(
                        "no mail server is configured, so Steward cannot send the e-mail",
                        where="method",
                        hint="send it from your own mailbox and record it as 'email', or "
                        "configure STEWARD_SMTP_HOST",
                    )
                return complaints.acknowledge_by_email(
                    wiring.store,
                    nation,
                    wiring.mailer,
                    reference,
                    organisation=organisation_of(wiring),
                    actor=who.actor,
                )
            try:
                chosen = AckMethod(method)
            except ValueError:
                raise InvalidInput(
                    "say how receipt was acknowledged",
                    where="method",
                    hint="send the e-mail from Steward, or record an e-mail, letter or receipt "
                    "given in person",
                ) from None
            return complaints.record_acknowledgement(
                wiring.store,
                nation,
                reference,
                method=chosen,
                note=_blank(note),
                actor=who.actor,
                on=day_of(on, "on"),
            )

        return await run_in_threadpool(act, request, who, reference, step)

    @routes.post("/staff/complaints/{reference}/progress", include_in_schema=False)
    async def progress(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_act))],
        reference: Reference,
        note: Annotated[str, Form(max_length=_TEXT)] = "",
        told: Annotated[bool, Form()] = False,
        on: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        return await run_in_threadpool(
            act,
            request,
            who,
            reference,
            lambda: complaints.record_progress(
                wiring.store,
                nation_of(wiring),
                reference,
                note=_blank(note),
                told=told,
                actor=who.actor,
                on=day_of(on, "on"),
            ),
        )

    @routes.post("/staff/complaints/{reference}/outcome", include_in_schema=False)
    async def outcome(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_act))],
        reference: Reference,
        outcome: Annotated[str, Form(max_length=_TEXT)] = "",
        told_on: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        return await run_in_threadpool(
            act,
            request,
            who,
            reference,
            lambda: complaints.record_outcome(
                wiring.store,
                nation_of(wiring),
                reference,
                outcome=_blank(outcome),
                actor=who.actor,
                told_on=day_of(told_on, "told_on"),
            ),
        )

    @routes.post("/staff/complaints/{reference}/close", include_in_schema=False)
    async def close(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.complaints_act))],
        reference: Reference,
        reason: Annotated[str, Form(max_length=40)] = "",
        note: Annotated[str, Form(max_length=_TEXT)] = "",
        on: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        wiring = wiring_of(request)

        def step() -> object:
            try:
                chosen = ClosureReason(reason)
            except ValueError:
                raise InvalidInput(
                    "say why the complaint is closed",
                    where="reason",
                    hint="resolved, withdrawn or not a data-protection complaint",
                ) from None
            return complaints.close_complaint(
                wiring.store,
                nation_of(wiring),
                reference,
                reason=chosen,
                actor=who.actor,
                note=_blank(note),
                on=day_of(on, "on"),
            )

        return await run_in_threadpool(act, request, who, reference, step)

    del queue, new, receive, detail, acknowledge, progress, outcome, close
    return routes
