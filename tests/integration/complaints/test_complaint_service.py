"""Complaints through the service on real SQLite and PostgreSQL: each step is stored, timed by
the s.164A clock, written to the timeline and to the audit chain (one link per step, in the same
transaction), and a refused step leaves nothing behind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Table, func, select

from steward.complaints.clock import Step
from steward.complaints.lifecycle import (
    AckMethod,
    ClosureReason,
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
)
from steward.errors import Conflict, InvalidInput, NotFound, StoreError, Unavailable
from steward.law.calendar import Nation
from steward.mail import MemoryMailer, OutgoingMessage, SmtpMailer
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import complaints as service
from steward.services import requests as request_service
from steward.store.audit import verify_chain
from steward.store.database import Store
from steward.store.tables import audit_events, complaint_events, complaints
from tests.integration.holds.smtp_server import free_port, smtp_server

ENGLAND = Nation.england
TODAY = date(2026, 11, 26)  # the clock fixture's day
ACTOR = "staff:priya"
ORGANISATION = "Outserve Ltd"


def new(
    store: Store,
    *,
    received: date | None = TODAY,
    email: str | None = "ada@example.org",
    address: str | None = None,
    channel: ComplaintChannel = ComplaintChannel.phone,
    request: str | None = None,
) -> Complaint:
    return service.receive_complaint(
        store,
        ENGLAND,
        channel=channel,
        received=received,
        text="you sent my file to my ex-employer",
        actor=ACTOR,
        name="Ada Lovelace",
        email=email,
        postal_address=address,
        request=request,
    )


def links(store: Store, reference: str) -> list[str]:
    with store.unit_of_work("test", reads_only=True) as uow:
        found = uow.connection.execute(
            select(audit_events.c.action)
            .where(audit_events.c.subject == f"complaint:{reference}")
            .order_by(audit_events.c.sequence)
        ).scalars()
        assert verify_chain(uow).intact
        return list(found)


def count(store: Store, table: Table) -> int:
    with store.unit_of_work("test", reads_only=True) as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_complaint_entered_by_staff_gets_a_reference_and_its_acknowledgement_date(
    store: Store,
) -> None:
    complaint = new(store)
    assert re.fullmatch(r"C-2026-[A-Z2-9]{6}", complaint.reference)
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert view.complaint == complaint
    assert view.clock.next is not None
    assert (view.clock.next.step, view.clock.next.day) == (Step.acknowledge, date(2026, 12, 29))
    assert view.clock.coverage.statutory
    assert [entry.action for entry in view.timeline] == ["received"]
    assert view.timeline[0].note == "complaint by phone"
    assert view.timeline[0].actor == ACTOR
    assert links(store, complaint.reference) == ["complaint.received"]


def test_staff_see_who_complained_and_what_they_said_decrypted(store: Store) -> None:
    complaint = new(store, address="1 High St\nLeeds")
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert view.complainant.name == "Ada Lovelace"
    assert view.complainant.email == "ada@example.org"
    assert view.complainant.postal_address == "1 High St\nLeeds"
    assert view.text == "you sent my file to my ex-employer"


def test_the_public_form_records_a_web_complaint_received_today(store: Store) -> None:
    complaint = service.receive_from_form(
        store, ENGLAND, text="my marketing opt-out was ignored", email="ada@example.org"
    )
    assert (complaint.channel, complaint.received) == (ComplaintChannel.web, TODAY)
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert view.timeline[0].actor == service.FORM_ACTOR


def test_a_complaint_received_before_commencement_is_kept_outside_the_statutory_clock(
    store: Store,
) -> None:
    complaint = new(store, received=date(2026, 6, 1))
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert not view.clock.coverage.statutory
    assert not view.clock.acknowledgement.statutory
    assert view.clock.internal_target is None


@pytest.mark.parametrize(
    ("changes", "error", "where"),
    [
        ({"email": None}, "needs an e-mail or a postal address", "contact"),
        ({"received": date(2026, 11, 27)}, "in the future", "received"),
        ({"request": "R-2026-ZZZZZZ"}, "no request R-2026-ZZZZZZ", "request"),
    ],
)
def test_an_invalid_complaint_is_refused_and_nothing_is_stored(
    store: Store, changes: dict[str, object], error: str, where: str
) -> None:
    with pytest.raises((InvalidInput, NotFound)) as refused:
        new(store, **changes)  # type: ignore[arg-type]
    assert error in refused.value.message
    assert refused.value.where == where
    assert count(store, complaints) == 0
    assert count(store, audit_events) == 0


def test_a_complaint_about_a_request_links_to_it(store: Store) -> None:
    request = request_service.new_request(
        store,
        ENGLAND,
        kind=RequestKind.access,
        channel=Channel.email,
        received=TODAY,
        identities=[(IdentityKind.email, "ada@example.org")],
        actor=ACTOR,
    )
    complaint = new(store, request=request.reference.lower())
    assert complaint.request_ref == request.reference
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert view.timeline[0].note == f"complaint by phone about request {request.reference}"


def test_the_acknowledgement_is_emailed_to_the_complainant_and_recorded(store: Store) -> None:
    complaint = new(store)
    mailer = MemoryMailer()
    done = service.acknowledge_by_email(
        store, ENGLAND, mailer, complaint.reference, organisation=ORGANISATION, actor=ACTOR
    )
    assert [message.to for message in mailer.sent] == ["ada@example.org"]
    assert complaint.reference in mailer.sent[0].subject
    assert "Dear Ada Lovelace" in mailer.sent[0].text
    assert "ex-employer" not in mailer.sent[0].text  # the complaint is not repeated
    assert done.message_id is not None
    assert done.complaint.status is ComplaintStatus.acknowledged
    assert (done.complaint.acknowledged_on, done.complaint.acknowledged_by) == (
        TODAY,
        AckMethod.email,
    )
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert view.clock.acknowledged_in_time
    assert view.timeline[-1].told_on == TODAY
    assert links(store, complaint.reference) == ["complaint.received", "complaint.acknowledged"]


def test_a_second_acknowledgement_is_refused_before_any_mail_is_sent(store: Store) -> None:
    complaint = new(store)
    mailer = MemoryMailer()
    service.acknowledge_by_email(
        store, ENGLAND, mailer, complaint.reference, organisation=ORGANISATION, actor=ACTOR
    )
    with pytest.raises(Conflict, match="is acknowledged"):
        service.acknowledge_by_email(
            store, ENGLAND, mailer, complaint.reference, organisation=ORGANISATION, actor=ACTOR
        )
    assert len(mailer.sent) == 1


def test_a_postal_only_complainant_is_not_emailed_and_is_told_how_to_record_a_letter(
    store: Store,
) -> None:
    complaint = new(store, email=None, address="1 High St\nLeeds")
    mailer = MemoryMailer()
    with pytest.raises(InvalidInput) as refused:
        service.acknowledge_by_email(
            store, ENGLAND, mailer, complaint.reference, organisation=ORGANISATION, actor=ACTOR
        )
    assert "--by letter" in str(refused.value)
    assert mailer.sent == []
    done = service.record_acknowledgement(
        store,
        ENGLAND,
        complaint.reference,
        method=AckMethod.letter,
        note="standard acknowledgement letter posted first class",
        actor=ACTOR,
        on=date(2026, 11, 26),
    )
    assert done.message_id is None
    assert done.complaint.acknowledged_by is AckMethod.letter
    assert links(store, complaint.reference)[-1] == "complaint.acknowledged"


def test_the_acknowledgement_arrives_at_a_real_smtp_server(store: Store) -> None:
    complaint = new(store)
    with smtp_server() as (inbox, port):
        mailer = SmtpMailer("127.0.0.1", port, "privacy@outserve.example", starttls=False)
        done = service.acknowledge_by_email(
            store, ENGLAND, mailer, complaint.reference, organisation=ORGANISATION, actor=ACTOR
        )
    assert inbox.recipients == [["ada@example.org"]]
    assert inbox.messages[0]["Message-ID"] == done.message_id
    assert inbox.messages[0]["Subject"] == f"We received your complaint ({complaint.reference})"


def test_a_mail_server_that_is_down_leaves_the_complaint_unacknowledged(store: Store) -> None:
    complaint = new(store)
    mailer = SmtpMailer("127.0.0.1", free_port(), "privacy@outserve.example", starttls=False)
    with pytest.raises(Unavailable, match="could not send mail"):
        service.acknowledge_by_email(
            store, ENGLAND, mailer, complaint.reference, organisation=ORGANISATION, actor=ACTOR
        )
    view = service.show_complaint(store, ENGLAND, complaint.reference, actor=ACTOR)
    assert view.complaint.status is ComplaintStatus.received
    assert links(store, complaint.reference) == ["complaint.received"]


@dataclass
class AcknowledgingElsewhere:
    """Sends, and meanwhile a colleague records an acknowledgement by letter."""

    store: Store
    reference: str

    def send(self, message: OutgoingMessage) -> str:
        service.record_acknowledgement(
            self.store,
            ENGLAND,
            self.reference,
            method=AckMethod.letter,
            note="letter posted",
            actor="staff:sam",
        )
        return "<sent@outserve.example>"


def test_a_sent_acknowledgement_that_cannot_be_recorded_says_the_mail_went(store: Store) -> None:
    complaint = new(store)
    with pytest.raises(StoreError) as refused:
        service.acknowledge_by_email(
            store,
            ENGLAND,
            AcknowledgingElsewhere(store, complaint.reference),
            complaint.reference,
            organisation=ORGANISATION,
            actor=ACTOR,
        )
    assert "e-mail was sent (Message-ID <sent@outserve.example>)" in refused.value.message
    assert "is acknowledged" in refused.value.message
    assert links(store, complaint.reference) == ["complaint.received", "complaint.acknowledged"]


def test_every_step_to_closing_writes_one_timeline_line_and_one_audit_link(store: Store) -> None:
    complaint = new(store)
    reference = complaint.reference
    service.acknowledge_by_email(
        store, ENGLAND, MemoryMailer(), reference, organisation=ORGANISATION, actor=ACTOR
    )
    service.record_progress(
        store, ENGLAND, reference, note="asked the HR team", told=False, actor=ACTOR
    )
    service.record_progress(
        store, ENGLAND, reference, note="told her we are waiting on HR", told=True, actor=ACTOR
    )
    decided = service.record_outcome(
        store, ENGLAND, reference, outcome="upheld; the file was recalled", actor=ACTOR
    )
    assert decided.status is ComplaintStatus.outcome_recorded
    closed = service.close_complaint(
        store, ENGLAND, reference, reason=ClosureReason.resolved, actor=ACTOR
    )
    assert closed.status is ComplaintStatus.closed
    actions = links(store, reference)
    assert actions == [
        "complaint.received",
        "complaint.acknowledged",
        "complaint.progress",
        "complaint.progress_told",
        "complaint.outcome_recorded",
        "complaint.closed",
    ]
    assert count(store, complaint_events) == len(actions)
    view = service.show_complaint(store, ENGLAND, reference, actor=ACTOR)
    assert view.complaint.outcome == "upheld; the file was recalled"
    assert view.complaint.progress_updates == 2
    assert view.clock.next is None


def test_a_refused_step_writes_nothing(store: Store) -> None:
    complaint = new(store)
    with pytest.raises(Conflict):
        service.record_outcome(store, ENGLAND, complaint.reference, outcome="x", actor=ACTOR)
    with pytest.raises(InvalidInput, match="in the future"):
        service.record_progress(
            store,
            ENGLAND,
            complaint.reference,
            note="x",
            told=False,
            actor=ACTOR,
            on=TODAY + timedelta(days=1),
        )
    assert links(store, complaint.reference) == ["complaint.received"]
    assert count(store, complaint_events) == 1


def test_an_unknown_reference_is_not_found_with_the_format_to_use(store: Store) -> None:
    with pytest.raises(NotFound) as missing:
        service.show_complaint(store, ENGLAND, "C-2026-AAAAAA", actor=ACTOR)
    assert "C-2026-ABC234" in str(missing.value)


def test_the_queue_is_ordered_by_due_date_with_at_risk_and_overdue_marked(store: Store) -> None:
    fresh = new(store, received=date(2026, 11, 20))  # ack due 2026-12-21
    old = new(store, received=date(2026, 10, 20))  # ack due 2026-11-19: overdue
    close_to = new(store, received=date(2026, 10, 30))  # ack due 2026-12-01: at risk
    answered = new(store, received=date(2026, 10, 1))
    service.record_acknowledgement(
        store,
        ENGLAND,
        answered.reference,
        method=AckMethod.email,
        note="sent from the privacy mailbox",
        actor=ACTOR,
        on=date(2026, 10, 2),
    )  # outcome target 2027-01-01
    withdrawn = new(store, received=date(2026, 11, 1))
    service.close_complaint(
        store,
        ENGLAND,
        withdrawn.reference,
        reason=ClosureReason.withdrawn,
        note="withdrawn by phone",
        actor=ACTOR,
    )
    lines = service.list_complaints(store, ENGLAND, actor=ACTOR)
    assert [line.complaint.reference for line in lines] == [
        old.reference,
        close_to.reference,
        fresh.reference,
        answered.reference,
    ]
    marks = [(line.clock.overdue, line.clock.at_risk) for line in lines]
    assert marks == [(True, False), (False, True), (False, False), (False, False)]
    assert [line.complaint.reference for line in lines if line.clock.next is not None][-1] == (
        answered.reference
    )
    overdue = service.list_complaints(store, ENGLAND, actor=ACTOR, overdue=True)
    assert [line.complaint.reference for line in overdue] == [old.reference]
    everything = service.list_complaints(store, ENGLAND, actor=ACTOR, include_closed=True)
    assert withdrawn.reference in {line.complaint.reference for line in everything}
    later = service.list_complaints(store, ENGLAND, actor=ACTOR, on=date(2026, 12, 22))
    assert all(line.clock.overdue for line in later[:3])


def test_a_persons_complaints_are_found_by_their_email_address(store: Store) -> None:
    mine = new(store, email="Ada@Example.org")
    new(store, email="someone@example.net")
    found = service.list_complaints(store, ENGLAND, actor=ACTOR, email="ada@example.ORG")
    assert [line.complaint.reference for line in found] == [mine.reference]
