"""The audit chain's status (``audit.read``): verified, or the first break and why; the consent
ledger checked against it; the head as a witness line to copy somewhere Steward cannot write;
and, given earlier witness lines, whether the chain still holds each (docs/security.md).

Witness lines are hashes and sequence numbers, not personal data, so they travel in the query
string of a GET form and a check can be bookmarked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from steward.errors import InvalidInput
from steward.services.audit_status import chain_status, parse_witnesses
from steward.staff.accounts import SignedIn
from steward.staff.roles import Permission
from steward.web.console.access import Needs
from steward.web.console.pages import page, problem_of
from steward.web.wiring import wiring_of

WITNESS_TEXT_MAX = 20 * 120
"""Room for twenty witness lines."""


def router() -> APIRouter:
    routes = APIRouter()

    @routes.get("/staff/audit", response_class=HTMLResponse, include_in_schema=False)
    def status(
        request: Request,
        who: Annotated[SignedIn, Depends(Needs(Permission.audit_read))],
        witness: Annotated[str, Query(max_length=WITNESS_TEXT_MAX)] = "",
    ) -> Response:
        wiring = wiring_of(request)
        problem = None
        code = 200
        try:
            witnesses = parse_witnesses(witness)
        except InvalidInput as error:
            problem, code = problem_of(error)
            witnesses = []
        found = chain_status(wiring.store, actor=who.actor, now=wiring.clock(), witnesses=witnesses)
        return page(
            request,
            who,
            "audit.html.j2",
            {"status": found, "witness": witness, "problem": problem},
            status_code=code,
        )

    del status
    return routes
