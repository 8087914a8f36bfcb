"""A request's legal clock, always from ``steward.law.deadlines`` and the request's own facts.

Nothing is re-computed here: the start (receipt, identity, authority, fee: a restart, R1.1),
clarification pauses (access only, R1.4), the extension and its notice (R1.5-R1.6) and the
bank-holiday roll (R1.3) are all ``response_due``'s. This module only turns a ``Request`` into
its arguments, and counts an unanswered clarification as paused up to today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.law.calendar import Nation
from steward.law.deadlines import Clarification, Deadline, extension_notice_due, response_due
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Request

AT_RISK_DAYS = 7
"""An open request due within this many days is flagged at risk (an internal warning, not law)."""


def _clarifications(request: Request, today: date) -> list[Clarification]:
    """Answered pauses as they were; an open one runs to today (the clock is still stopped)."""
    return [(pause.asked, pause.answered or max(pause.asked, today)) for pause in request.pauses]


def deadline(request: Request, nation: Nation, today: date) -> Deadline:
    """The day the request must be answered by, with each step of how (RULES.md R1.9)."""
    return response_due(
        request.received,
        nation,
        id_received=request.id_received,
        authority_received=request.authority_received,
        fee_paid=request.fee_paid,
        clarifications=_clarifications(request, today),
        extension_notice_sent=request.extension.told_on if request.extension else None,
        access_request=request.kind is RequestKind.access,
    )


def extension_notice_by(request: Request, today: date) -> date:
    """The last day the person can be told of an extension (RULES.md R1.6, no roll)."""
    return extension_notice_due(
        request.received,
        id_received=request.id_received,
        authority_received=request.authority_received,
        fee_paid=request.fee_paid,
        clarifications=_clarifications(request, today),
    )


@dataclass(frozen=True)
class ClockState:
    """Where a request stands against its due date on a given day."""

    due: date
    overdue: bool
    at_risk: bool
    days_left: int


def clock_state(request: Request, nation: Nation, today: date) -> ClockState:
    """Overdue once today is past the due day (a due date means the end of that day, C-2);
    at risk when open and due within ``AT_RISK_DAYS``. A finished request is neither."""
    due = deadline(request, nation, today).due
    days_left = (due - today).days
    open_ = not request.status.finished
    return ClockState(
        due=due,
        overdue=open_ and today > due,
        at_risk=open_ and 0 <= days_left <= AT_RISK_DAYS,
        days_left=days_left,
    )
