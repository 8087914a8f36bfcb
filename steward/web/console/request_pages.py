"""The request queue and one request's case file, with the actions a role may take on it.

- ``GET /staff/requests``: every request by due date, overdue and at-risk marked (at risk: open
  and due within ``AT_RISK_DAYS`` days, as for complaints); filters by status and by mark.
- ``GET /staff/requests/{reference}``: facts, the clock and how the due date was reached, the
  plan with each step's state and evidence, stuck steps, the approval, the timeline and the
  audit trail.
- ``POST .../approve`` (``requests.approve``: privacy lead) approves the plan;
  ``POST .../assign`` and ``POST .../steps/{n}/manual`` (``requests.act``) give the request to
  someone and record a step done by hand. Every other role reads only.

Parse, call one service, render; a refusal is shown on the request's page with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from steward.errors import StewardError
from steward.requests.clock import AT_RISK_DAYS
from steward.requests.lifecycle import RequestStatus
from steward.services import request_planning, requests
from steward.services.request_casefile import case_file
from steward.services.request_engine import record_manual
from steward.staff.accounts import SignedIn
from steward.staff.roles import Permission
from steward.web.console.access import Needs
from steward.web.console.pages import nation_of, page, problem_of, see_other
from steward.web.wiring import wiring_of

Reference = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
_NOTE_MAX = 2000


def router() -> APIRouter:
    routes = APIRouter()

    @routes.get("/staff/requests", response_class=HTMLResponse, include_in_schema=False)
    def queue(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.requests_read))],
        status: Annotated[RequestStatus | None, Query()] = None,
        overdue: Annotated[bool, Query()] = False,
        at_risk: Annotated[bool, Query()] = False,
    ) -> Response:
        wiring = wiring_of(request)
        lines = requests.list_requests(
            wiring.store,
            nation_of(wiring),
            actor=who.actor,
            status=status,
            overdue=overdue,
            at_risk=at_risk,
        )
        return page(
            request,
            who,
            "requests.html.j2",
            {
                "lines": lines,
                "statuses": list(RequestStatus),
                "status": status,
                "overdue": overdue,
                "at_risk": at_risk,
                "at_risk_days": AT_RISK_DAYS,
            },
        )

    def show(
        request: Request,
        who: SignedIn,
        reference: str,
        *,
        problem: dict[str, str | None] | None = None,
        status_code: int = 200,
    ) -> Response:
        wiring = wiring_of(request)
        found = case_file(
            wiring.store, nation_of(wiring), reference, actor=who.actor, now=wiring.clock()
        )
        return page(
            request,
            who,
            "request.html.j2",
            {"case": found, "problem": problem, "at_risk_days": AT_RISK_DAYS},
            status_code=status_code,
        )

    @routes.get("/staff/requests/{reference}", response_class=HTMLResponse, include_in_schema=False)
    def detail(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.requests_read))],
        reference: Reference,
    ) -> Response:
        return show(request, who, reference)

    def act(
        request: Request, who: SignedIn, reference: str, step: Callable[[], object]
    ) -> Response:
        """Run ``step`` (a call of one service); back to the case file, or the refusal on it."""
        try:
            step()
        except StewardError as error:
            problem, status = problem_of(error)
            return show(request, who, reference, problem=problem, status_code=status)
        return see_other(f"/staff/requests/{reference}")

    @routes.post("/staff/requests/{reference}/approve", include_in_schema=False)
    async def approve(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.requests_approve))],
        reference: Reference,
    ) -> Response:
        store = wiring_of(request).store
        return await run_in_threadpool(
            act,
            request,
            who,
            reference,
            lambda: request_planning.approve(store, reference, who.actor),
        )

    @routes.post("/staff/requests/{reference}/assign", include_in_schema=False)
    async def assign(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.requests_act))],
        reference: Reference,
        to: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        return await run_in_threadpool(
            act,
            request,
            who,
            reference,
            lambda: requests.assign(
                wiring.store, nation_of(wiring), reference, staff=to, actor=who.actor
            ),
        )

    @routes.post("/staff/requests/{reference}/steps/{number}/manual", include_in_schema=False)
    async def manual(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.requests_act))],
        reference: Reference,
        number: Annotated[int, Path(ge=1, le=100_000)],
        note: Annotated[str, Form(max_length=_NOTE_MAX)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        return await run_in_threadpool(
            act,
            request,
            who,
            reference,
            lambda: record_manual(wiring.store, reference, number, who.actor, note, wiring.clock()),
        )

    del queue, detail, approve, assign, manual
    return routes
