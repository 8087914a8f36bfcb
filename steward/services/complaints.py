"""Complaints to the controller (DPA 2018 s.164A): receive, acknowledge, respond, close.

Each writing function is one unit of work: read the complaint, take one step of its lifecycle
(``steward.complaints.lifecycle``), recompute when the next step is due
(``steward.complaints.clock``, the 30 days from ``steward.law.deadlines``), write the row, its
timeline line and one audit link, commit. Reading functions use reading units and return small
frozen views; nothing here knows about the CLI or the web (docs/complaints.md).

The acknowledgement e-mail is sent between a reading unit and the writing unit that records it,
so no write lock is held while the mail server answers and nothing is recorded as sent that was
not: a mail server that refuses leaves the complaint unacknowledged (retry later), and in the
rare case that the send succeeds but recording fails, the error says so and how to record it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from steward.complaints import lifecycle
from steward.complaints.acknowledgement import acknowledgement_letter
from steward.complaints.clock import ComplaintClock, complaint_clock, coverage, queue_order
from steward.complaints.intake import (
    Complainant,
    complainant_of,
    complaint_text,
    received_day,
    request_reference,
)
from steward.complaints.lifecycle import (
    AckMethod,
    ClosureReason,
    Complaint,
    ComplaintChannel,
    Transition,
)
from steward.errors import InvalidInput, StewardError, StoreError, Unavailable
from steward.law.calendar import Nation
from steward.law.deadlines import LONDON
from steward.mail import Mailer, OutgoingMessage
from steward.store import complaints as repository
from steward.store import requests as request_repository
from steward.store.complaints import ComplaintTimelineEntry
from steward.store.database import Store, UnitOfWork

__all__ = [
    "Acknowledged",
    "ComplaintLine",
    "ComplaintView",
    "acknowledge_by_email",
    "close_complaint",
    "list_complaints",
    "receive_complaint",
    "receive_from_form",
    "record_acknowledgement",
    "record_outcome",
    "record_progress",
    "show_complaint",
    "today",
]

FORM_ACTOR = "public:complaint-form"

_Take = Callable[[Complaint, date], Transition]
"""A lifecycle step given the complaint and today's London date."""
_Details = Callable[[Complaint, ComplaintClock], dict[str, object]]
"""What the audit link adds about a step, given the complaint after it and its clock."""


_log = logging.getLogger("steward.complaints")


def today(store: Store) -> date:
    """The day in Europe/London: calendar rules run on London dates (RULES.md C-1)."""
    return store.clock().astimezone(LONDON).date()


@dataclass(frozen=True)
class ComplaintLine:
    """One row of the staff queue: the complaint and where it stands today."""

    complaint: Complaint
    clock: ComplaintClock


@dataclass(frozen=True)
class ComplaintView:
    """One complaint as staff see it: facts, clock, who and what (decrypted), timeline."""

    complaint: Complaint
    clock: ComplaintClock
    complainant: Complainant
    text: str
    timeline: tuple[ComplaintTimelineEntry, ...]


@dataclass(frozen=True)
class Acknowledged:
    """The complaint after its acknowledgement, and the e-mail's Message-ID if Steward sent it."""

    complaint: Complaint
    message_id: str | None


def _due(complaint: Complaint, nation: Nation, day: date) -> date | None:
    step = complaint_clock(complaint, nation, day).next
    return None if step is None else step.day


def _write(
    uow: UnitOfWork,
    nation: Nation,
    day: date,
    transition: Transition,
    details: dict[str, object] | None = None,
) -> Complaint:
    complaint, event = transition
    repository.save(uow, complaint, event, due=_due(complaint, nation, day), audit_details=details)
    return complaint


def _not_future(day: date | None, today_: date, where: str) -> date:
    chosen = day or today_
    if chosen > today_:
        raise InvalidInput(
            f"{chosen} is in the future (today is {today_})",
            where=where,
            hint="record a step once it has happened",
        )
    return chosen


def receive_complaint(
    store: Store,
    nation: Nation,
    *,
    channel: ComplaintChannel,
    received: date | None,
    text: str | None,
    actor: str,
    name: str | None = None,
    email: str | None = None,
    postal_address: str | None = None,
    phone: str | None = None,
    request: str | None = None,
) -> Complaint:
    """Record a complaint as received, by any channel, on the day it arrived (default today).
    ``request`` links a data-subject request the complaint is about (it must exist)."""
    who = complainant_of(name=name, email=email, postal_address=postal_address, phone=phone)
    what = complaint_text(text)
    linked = request_reference(request)
    with store.unit_of_work(actor) as uow:
        day = today(store)
        arrived = received_day(received or day, day)
        if linked is not None:
            request_repository.get(uow, linked)  # NotFound names the reference format
        complaint, event = lifecycle.receive(
            repository.new_reference(uow, arrived), channel, arrived, request_ref=linked
        )
        repository.add(
            uow,
            complaint,
            event,
            complainant=who,
            text=what,
            due=_due(complaint, nation, day),
            audit_details={"statutory": coverage(arrived).statutory},
        )
        uow.commit()
    return complaint


def receive_from_form(
    store: Store,
    nation: Nation,
    *,
    text: str | None,
    name: str | None = None,
    email: str | None = None,
    postal_address: str | None = None,
    phone: str | None = None,
    request: str | None = None,
    actor: str = FORM_ACTOR,
) -> Complaint:
    """The public complaint form (s.164A(2): complaints can be made electronically): channel
    ``web``, received today."""
    return receive_complaint(
        store,
        nation,
        channel=ComplaintChannel.web,
        received=None,
        text=text,
        actor=actor,
        name=name,
        email=email,
        postal_address=postal_address,
        phone=phone,
        request=request,
    )


def acknowledge_by_email(
    store: Store,
    nation: Nation,
    mailer: Mailer,
    reference: str,
    *,
    organisation: str,
    actor: str,
) -> Acknowledged:
    """E-mail the acknowledgement (s.164A(3)) to the complainant's address, then record when
    and how, with its Message-ID in the audit chain."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        day = today(store)
        complaint = repository.get(uow, reference)
        lifecycle.acknowledge(complaint, AckMethod.email, day, sent_by_steward=True)  # allowed?
        who = repository.complainant(uow, reference)
    if who.email is None:
        raise InvalidInput(
            f"complaint {reference} has no e-mail address to acknowledge it at",
            where=reference,
            hint="post a letter and record it: steward complaint acknowledge "
            f"{reference} --by letter --note 'what was sent'",
        )
    clock = complaint_clock(complaint, nation, day)
    letter = acknowledgement_letter(
        reference=reference,
        received=complaint.received,
        organisation=organisation,
        outcome_target=clock.outcome.day,
        name=who.name,
    )
    message_id = mailer.send(
        OutgoingMessage(to=who.email, subject=letter.subject, text=letter.text)
    )
    try:
        with store.unit_of_work(actor) as uow:
            current = repository.get(uow, reference, for_update=True)
            acknowledged = _write(
                uow,
                nation,
                day,
                lifecycle.acknowledge(current, AckMethod.email, day, sent_by_steward=True),
                {
                    "method": AckMethod.email.value,
                    "sent_by_steward": True,
                    "message_id": message_id,
                    "in_time": day <= clock.acknowledgement.day,
                },
            )
            uow.commit()
    except StewardError as error:
        raise StoreError(
            f"the acknowledgement e-mail was sent (Message-ID {message_id}) but could not be "
            f"recorded: {error.message}",
            where=reference,
            hint=f"record it by hand: steward complaint acknowledge {reference} --by email "
            f"--on {day} --note 'sent by Steward, Message-ID {message_id}'",
        ) from error
    return Acknowledged(acknowledged, message_id)


def record_acknowledgement(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    method: AckMethod,
    note: str | None,
    actor: str,
    on: date | None = None,
) -> Acknowledged:
    """An acknowledgement staff made: a letter posted, a receipt handed over in person, or an
    e-mail sent from another mailbox; ``note`` says what was sent."""

    def take(complaint: Complaint, day: date) -> Transition:
        when = _not_future(on, day, "on")
        return lifecycle.acknowledge(complaint, method, when, sent_by_steward=False, note=note)

    complaint = _step(
        store,
        nation,
        reference,
        actor,
        take,
        lambda done, clock: {
            "method": method.value,
            "sent_by_steward": False,
            "in_time": clock.acknowledged_in_time,
        },
    )
    return Acknowledged(complaint, None)


def record_progress(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    note: str | None,
    told: bool,
    actor: str,
    on: date | None = None,
) -> Complaint:
    """A step taken to respond: an enquiry, or (``told``) the complainant told of progress."""
    return _step(
        store,
        nation,
        reference,
        actor,
        lambda complaint, day: lifecycle.progress(
            complaint, note, _not_future(on, day, "on"), told=told
        ),
    )


def record_outcome(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    outcome: str | None,
    actor: str,
    told_on: date | None = None,
) -> Complaint:
    """The outcome and the day the complainant was told it (s.164A: without undue delay)."""
    return _step(
        store,
        nation,
        reference,
        actor,
        lambda complaint, day: lifecycle.record_outcome(
            complaint, outcome, _not_future(told_on, day, "told_on")
        ),
        lambda done, clock: {"within_target": clock.outcome_in_time},
    )


def close_complaint(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    reason: ClosureReason,
    actor: str,
    note: str | None = None,
    on: date | None = None,
) -> Complaint:
    """Close it: resolved (after the outcome), withdrawn, or not a data-protection complaint."""
    return _step(
        store,
        nation,
        reference,
        actor,
        lambda complaint, day: lifecycle.close(complaint, reason, _not_future(on, day, "on"), note),
        lambda done, clock: {"closure": reason.value},
    )


def _step(
    store: Store,
    nation: Nation,
    reference: str,
    actor: str,
    take: _Take,
    details: _Details | None = None,
) -> Complaint:
    with store.unit_of_work(actor) as uow:
        day = today(store)
        complaint = repository.get(uow, reference, for_update=True)
        done, event = take(complaint, day)
        extra = None if details is None else details(done, complaint_clock(done, nation, day))
        _write(uow, nation, day, (done, event), extra)
        uow.commit()
    return done


def list_complaints(
    store: Store,
    nation: Nation,
    *,
    actor: str,
    include_closed: bool = False,
    email: str | None = None,
    overdue: bool = False,
    at_risk: bool = False,
    on: date | None = None,
) -> list[ComplaintLine]:
    """Open complaints (all, with ``include_closed``) by the day their next step is due, the
    soonest first and those with nothing owed last; ``overdue``/``at_risk`` keep only those
    (either, if both); ``email`` only that person's complaints (by the blind index)."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        day = on or today(store)
        found = repository.listed(uow, include_closed=include_closed, email=email)
    lines = [
        ComplaintLine(complaint, complaint_clock(complaint, nation, day)) for complaint in found
    ]
    if overdue or at_risk:
        lines = [
            line
            for line in lines
            if (overdue and line.clock.overdue) or (at_risk and line.clock.at_risk)
        ]
    return sorted(lines, key=lambda line: queue_order(line.complaint, line.clock))


def show_complaint(store: Store, nation: Nation, reference: str, *, actor: str) -> ComplaintView:
    """One complaint with its clock, who complained, what they said and its timeline."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        day = today(store)
        complaint = repository.get(uow, reference)
        who = repository.complainant(uow, reference)
        what = repository.text(uow, reference)
        events = repository.timeline(uow, reference)
    return ComplaintView(
        complaint=complaint,
        clock=complaint_clock(complaint, nation, day),
        complainant=who,
        text=what.text,
        timeline=tuple(events),
    )


@dataclass(frozen=True)
class OnlineComplaint:
    """What the person who complained online is told: the reference, whether the
    acknowledgement e-mail went, and the day it is due by (s.164A(3))."""

    reference: str
    acknowledged: bool
    acknowledgement_due: date


def complain_online(
    store: Store,
    nation: Nation,
    mailer: Mailer | None,
    *,
    organisation: str,
    text: str | None,
    name: str | None = None,
    email: str | None = None,
    postal_address: str | None = None,
    phone: str | None = None,
    request: str | None = None,
) -> OnlineComplaint:
    """Receive a complaint from the public form and acknowledge it by e-mail at once when the
    person gave an address and a mail server is configured. The complaint is recorded first: a
    mail server that is down leaves it recorded and unacknowledged, on the staff's list with
    its due date, never lost."""
    complaint = receive_from_form(
        store,
        nation,
        text=text,
        name=name,
        email=email,
        postal_address=postal_address,
        phone=phone,
        request=request,
    )
    acknowledged = False
    if mailer is not None and email:
        try:
            acknowledge_by_email(
                store,
                nation,
                mailer,
                complaint.reference,
                organisation=organisation,
                actor=FORM_ACTOR,
            )
            acknowledged = True
        except Unavailable:  # the mail server: staff acknowledge it from their list
            acknowledged = False
        except StoreError as error:  # sent, not recorded: the message says how to record it
            _log.warning("complaint %s: %s (%s)", complaint.reference, error.message, error.hint)
            acknowledged = True
    clock = complaint_clock(complaint, nation, today(store))
    return OnlineComplaint(complaint.reference, acknowledged, clock.acknowledgement.day)
