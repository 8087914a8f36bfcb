"""What staff and the engine read about requests: the list by due date, one request's
timeline with how its due date was reached, and the decrypted subject for the engine.

Reading units of work only. Due dates are recomputed from the request's facts on the day asked
(an unanswered clarification keeps the clock stopped until today: RULES.md R1.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.law.calendar import Nation
from steward.law.deadlines import LONDON, Deadline
from steward.requests.clock import ClockState, clock_state, deadline
from steward.requests.hold_rules import OpenRequest
from steward.requests.lifecycle import Request, RequestStatus
from steward.requests.subject import RequestSubject
from steward.store import requests as repository
from steward.store.database import Store
from steward.store.requests import TimelineEntry


def today(store: Store) -> date:
    """The day in Europe/London: calendar rules run on London dates (RULES.md C-1)."""
    return store.clock().astimezone(LONDON).date()


@dataclass(frozen=True)
class RequestLine:
    """One row of the list: the request and where it stands against its due date."""

    request: Request
    clock: ClockState


def list_requests(
    store: Store,
    nation: Nation,
    *,
    actor: str,
    status: RequestStatus | None = None,
    overdue: bool = False,
    at_risk: bool = False,
    on: date | None = None,
) -> list[RequestLine]:
    """Requests ordered by due date; ``overdue``/``at_risk`` keep only those (either, if both)."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        day = on or today(store)
        found = repository.all_requests(uow, status)
    lines = [RequestLine(request, clock_state(request, nation, day)) for request in found]
    if overdue or at_risk:
        lines = [
            line
            for line in lines
            if (overdue and line.clock.overdue) or (at_risk and line.clock.at_risk)
        ]
    return sorted(lines, key=lambda line: (line.clock.due, line.request.reference))


@dataclass(frozen=True)
class RequestView:
    """One request as ``steward request show`` prints it."""

    request: Request
    deadline: Deadline
    clock: ClockState
    timeline: tuple[TimelineEntry, ...]
    identity_kinds: tuple[str, ...]  # which kinds of identifier it carries, not their values


def show_request(store: Store, nation: Nation, reference: str, *, actor: str) -> RequestView:
    with store.unit_of_work(actor, reads_only=True) as uow:
        day = today(store)
        request = repository.get(uow, reference)
        events = repository.timeline(uow, reference)
        kinds = tuple(sorted(kind.value for kind in repository.subject(uow, reference).identities))
    return RequestView(
        request=request,
        deadline=deadline(request, nation, day),
        clock=clock_state(request, nation, day),
        timeline=tuple(events),
        identity_kinds=kinds,
    )


def open_requests_for(
    store: Store, person_ref: str | None, *, actor: str = "engine"
) -> list[OpenRequest]:
    """The person's open requests, whose records must be kept while they are answered (an
    access request is answered from the data an erasure would delete: RULES.md, holds)."""
    if person_ref is None:
        return []
    with store.unit_of_work(actor, reads_only=True) as uow:
        return repository.open_requests_of(uow, person_ref)


def subject_of(store: Store, reference: str, *, actor: str = "engine") -> RequestSubject:
    """Who the request is about (decrypted identifiers), its kind, changes, receipt and due
    date: what the engine searches and acts with."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        return repository.subject(uow, reference)
