"""Requests through the service on real SQLite and PostgreSQL: each step is stored, timed by
the legal clock, written to the timeline and the audit chain; codes are kept only as digests."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from steward.errors import Conflict, InvalidInput, NotFound
from steward.law.calendar import Nation
from steward.mail import MemoryMailer
from steward.manifest.datasets import IdentityKind
from steward.requests.hold_rules import open_request_holds
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, Request, RequestStatus, VerificationMethod
from steward.services import requests as service
from steward.store import requests as repository
from steward.store.audit import verify_chain
from steward.store.database import Store
from steward.store.people import ensure_person
from steward.store.tables import audit_events, request_events, verification_codes
from tests.integration.conftest import ManualClock

ENGLAND = Nation.england
TODAY = date(2026, 11, 26)  # the clock fixture's day
ACTOR = "staff:priya"


def new(
    store: Store,
    *,
    kind: RequestKind = RequestKind.access,
    received: date = TODAY,
    email: str | None = "ada@example.org",
    phone: str | None = None,
    mailer: MemoryMailer | None = None,
    changes: tuple[str, ...] = (),
) -> Request:
    identities = [(IdentityKind.email, email)] if email else []
    identities += [(IdentityKind.phone, phone)] if phone else []
    return service.new_request(
        store,
        ENGLAND,
        kind=kind,
        channel=Channel.email,
        received=received,
        identities=identities,
        actor=ACTOR,
        details="everything you hold about me",
        changes=changes,
        mailer=mailer,
    )


def sent_code(mailer: MemoryMailer) -> str:
    found = re.search(r"Your code is (\d{6})", mailer.sent[-1].text)
    assert found is not None
    return found.group(1)


def test_a_new_request_gets_an_unguessable_reference_and_its_due_date(store: Store) -> None:
    request = new(store)
    assert re.fullmatch(r"R-2026-[A-Z2-9]{6}", request.reference)
    view = service.show_request(store, ENGLAND, request.reference, actor=ACTOR)
    assert view.request == request
    assert view.deadline.due == date(2026, 12, 29)  # RULES.md R1.3 worked example
    assert [entry.action for entry in view.timeline] == ["received"]
    assert view.timeline[0].actor == ACTOR
    assert view.identity_kinds == ("email",)


def test_the_engine_reads_the_subject_decrypted(store: Store) -> None:
    request = new(
        store, kind=RequestKind.rectification, phone="07700 900461", changes=("email=n@x.org",)
    )
    subject = service.subject_of(store, request.reference)
    assert subject.identities == {
        IdentityKind.email: ("ada@example.org",),
        IdentityKind.phone: ("+447700900461",),
    }
    assert subject.changes == {"email": "n@x.org"}
    assert (subject.kind, subject.received, subject.due) == (
        RequestKind.rectification,
        TODAY,
        date(2026, 12, 29),
    )
    assert subject.details == "everything you hold about me"


def test_a_request_is_linked_to_a_person_the_ledger_knows(store: Store) -> None:
    with store.unit_of_work("test") as uow:
        person = ensure_person(uow, email="ada@example.org")
        uow.commit()
    assert service.subject_of(store, new(store).reference).person_ref == person
    assert (
        service.subject_of(store, new(store, email="bo@example.org").reference).person_ref is None
    )


def test_an_unknown_reference_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no request R-2026-ZZZZZZ"):
        service.show_request(store, ENGLAND, "R-2026-ZZZZZZ", actor=ACTOR)


def test_a_code_is_mailed_after_commit_and_verifying_it_restarts_the_clock(
    store: Store, clock: ManualClock
) -> None:
    mailer = MemoryMailer()
    request = new(store, received=date(2026, 11, 20), mailer=mailer)
    assert request.status is RequestStatus.awaiting_identity
    assert [message.to for message in mailer.sent] == ["ada@example.org"]
    clock.now += timedelta(minutes=10)
    verified = service.verify_code(store, ENGLAND, request.reference, sent_code(mailer), ACTOR)
    assert verified.status is RequestStatus.verified
    assert verified.id_received == TODAY
    view = service.show_request(store, ENGLAND, request.reference, actor=ACTOR)
    assert view.deadline.start == TODAY
    assert [entry.action for entry in view.timeline] == [
        "received",
        "identity_requested",
        "verified",
    ]


def test_the_code_is_stored_only_as_a_keyed_digest(store: Store) -> None:
    mailer = MemoryMailer()
    request = new(store, mailer=mailer)
    code = sent_code(mailer)
    with store.unit_of_work("test", reads_only=True) as uow:
        rows = uow.connection.execute(select(verification_codes)).all()
    assert len(rows) == 1
    assert len(rows[0].code_hash) == 32
    assert code.encode() not in rows[0].code_hash
    assert all(code not in str(value) for value in rows[0])
    assert rows[0].request_ref == request.reference


def test_a_wrong_code_is_refused_and_the_try_is_counted(store: Store) -> None:
    mailer = MemoryMailer()
    request = new(store, mailer=mailer)
    wrong = "000000" if sent_code(mailer) != "000000" else "111111"
    with pytest.raises(InvalidInput, match="not the one sent; 4 tries left"):
        service.verify_code(store, ENGLAND, request.reference, wrong, ACTOR)
    with store.unit_of_work("test", reads_only=True) as uow:
        latest = repository.latest_code(uow, request.reference)
    assert latest is not None and latest[1].attempts == 1


def test_a_code_expires_after_fifteen_minutes(store: Store, clock: ManualClock) -> None:
    mailer = MemoryMailer()
    request = new(store, mailer=mailer)
    clock.now += timedelta(minutes=15)
    with pytest.raises(InvalidInput, match="expired"):
        service.verify_code(store, ENGLAND, request.reference, sent_code(mailer), ACTOR)


def test_five_wrong_tries_void_the_code(store: Store) -> None:
    mailer = MemoryMailer()
    request = new(store, mailer=mailer)
    right = sent_code(mailer)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput):
            service.verify_code(store, ENGLAND, request.reference, wrong, ACTOR)
    with pytest.raises(InvalidInput, match="void"):
        service.verify_code(store, ENGLAND, request.reference, right, ACTOR)


def test_a_new_code_replaces_the_last_one(store: Store) -> None:
    mailer = MemoryMailer()
    request = new(store, mailer=mailer)
    first = sent_code(mailer)
    service.send_code(store, ENGLAND, request.reference, mailer, ACTOR)
    second = sent_code(mailer)
    if first != second:
        with pytest.raises(InvalidInput, match="not the one sent"):
            service.verify_code(store, ENGLAND, request.reference, first, ACTOR)
    assert service.verify_code(store, ENGLAND, request.reference, second, ACTOR).status is (
        RequestStatus.verified
    )


def test_intake_answers_the_same_whether_or_not_the_person_is_known(store: Store) -> None:
    with store.unit_of_work("test") as uow:
        ensure_person(uow, email="known@example.org")
        uow.commit()
    mailer = MemoryMailer()
    known = new(store, email="known@example.org")
    unknown = new(store, email="stranger@example.org")
    answers = [
        service.send_code(store, ENGLAND, request.reference, mailer, ACTOR)
        for request in (known, unknown)
    ]
    assert [answer.message.replace(answer.reference, "R") for answer in answers] == [
        answers[0].message.replace(answers[0].reference, "R")
    ] * 2
    texts = [re.sub(r"\d{6}|R-2026-\w{6}", "_", message.text) for message in mailer.sent]
    assert texts[0] == texts[1]
    assert [message.to for message in mailer.sent] == ["known@example.org", "stranger@example.org"]
    for request in (known, unknown):
        with pytest.raises(InvalidInput, match=r"not the one sent|void") as raised:
            service.verify_code(store, ENGLAND, request.reference, "999999", ACTOR)
        assert raised.value.hint is not None


def test_a_phone_only_request_cannot_be_sent_a_code(store: Store) -> None:
    request = new(store, email=None, phone="07700 900461")
    with pytest.raises(InvalidInput, match="codes by phone are not supported"):
        service.send_code(store, ENGLAND, request.reference, MemoryMailer(), ACTOR)


def test_staff_record_a_proportionate_check_with_who_and_how(store: Store) -> None:
    request = new(store)
    verified = service.record_verification(
        store,
        ENGLAND,
        request.reference,
        method=VerificationMethod.known_contact,
        note="sent from the address on the CRM record",
        actor=ACTOR,
    )
    assert verified.status is RequestStatus.verified and verified.id_received is None
    last = service.show_request(store, ENGLAND, request.reference, actor=ACTOR).timeline[-1]
    assert (last.action, last.actor) == ("verified", ACTOR)
    assert (
        last.note == "identity verified by known-contact: sent from the address on the CRM record"
    )


def test_pause_and_resume_move_the_due_date_by_the_paused_days(
    store: Store, clock: ManualClock
) -> None:
    request = new(store)
    service.pause(store, ENGLAND, request.reference, note="which mailbox?", actor=ACTOR, asked=None)
    clock.now += timedelta(days=6)
    resumed = service.resume(store, ENGLAND, request.reference, actor=ACTOR, answered=None)
    assert resumed.status is RequestStatus.received
    view = service.show_request(store, ENGLAND, request.reference, actor=ACTOR)
    assert view.deadline.paused_days == 7
    assert view.deadline.due == date(2027, 1, 4)  # 12-26 + 7 = 01-02 Sat -> Mon 01-04


def test_an_extension_in_time_gives_three_months(store: Store) -> None:
    request = new(store, received=date(2026, 11, 20))
    extended = service.extend(
        store, ENGLAND, request.reference, reason="nine systems", told_on=TODAY, actor=ACTOR
    )
    assert extended.extension is not None and extended.extension.reason == "nine systems"
    due = service.show_request(store, ENGLAND, request.reference, actor=ACTOR).deadline.due
    assert due == date(2027, 2, 22)  # 2027-02-20 is a Saturday


def test_a_refused_step_writes_nothing(store: Store) -> None:
    request = new(store, received=date(2026, 9, 1))
    with pytest.raises(InvalidInput, match="after the last day to tell them"):
        service.extend(store, ENGLAND, request.reference, reason="late", told_on=TODAY, actor=ACTOR)
    view = service.show_request(store, ENGLAND, request.reference, actor=ACTOR)
    assert view.request.extension is None
    assert len(view.timeline) == 1


def test_refuse_close_and_assign_are_kept_with_their_reasons(store: Store) -> None:
    first, second = new(store), new(store)
    service.assign(store, ENGLAND, first.reference, staff="Priya Shah", actor=ACTOR)
    refused = service.refuse(
        store, ENGLAND, first.reference, reason="identical to R-2026-AAAAAA", actor=ACTOR
    )
    closed = service.close(store, ENGLAND, second.reference, outcome="withdrawn", actor=ACTOR)
    stored = service.show_request(store, ENGLAND, first.reference, actor=ACTOR).request
    assert stored == refused
    assert (stored.assigned_to, stored.refusal_reason) == (
        "Priya Shah",
        "identical to R-2026-AAAAAA",
    )
    assert closed.outcome == "withdrawn"
    with pytest.raises(Conflict, match="is closed"):
        service.close(store, ENGLAND, second.reference, outcome="again", actor=ACTOR)


def test_every_step_writes_one_audit_link_naming_the_request_not_the_person(
    store: Store,
) -> None:
    mailer = MemoryMailer()
    request = new(store, mailer=mailer)
    service.verify_code(store, ENGLAND, request.reference, sent_code(mailer), ACTOR)
    service.assign(store, ENGLAND, request.reference, staff="Priya", actor=ACTOR)
    with store.unit_of_work("test", reads_only=True) as uow:
        links = uow.connection.execute(
            select(audit_events.c.action, audit_events.c.subject).where(
                audit_events.c.subject == f"request:{request.reference}"
            )
        ).all()
        lines = uow.connection.execute(
            select(func.count()).select_from(request_events)
        ).scalar_one()
        assert verify_chain(uow).intact
    assert [link.action for link in links] == [
        "request.received",
        "request.identity_requested",
        "request.verified",
        "request.assigned",
    ]
    assert lines == len(links)


def test_the_list_is_ordered_by_due_date_and_filters_overdue(store: Store) -> None:
    late = new(store, received=date(2026, 9, 1))
    recent = new(store, received=TODAY)
    soon = new(store, received=date(2026, 10, 28))
    lines = service.list_requests(store, ENGLAND, actor=ACTOR)
    assert [line.request.reference for line in lines] == [
        late.reference,
        soon.reference,
        recent.reference,
    ]
    assert [line.request.reference for line in lines if line.clock.at_risk] == [soon.reference]
    overdue = service.list_requests(store, ENGLAND, actor=ACTOR, overdue=True)
    assert [line.request.reference for line in overdue] == [late.reference]
    verified = service.list_requests(store, ENGLAND, actor=ACTOR, status=RequestStatus.verified)
    assert verified == []


def test_authority_and_fee_restart_the_clock_and_are_kept(store: Store) -> None:
    request = new(store, received=date(2026, 11, 2))
    service.record_authority(
        store,
        ENGLAND,
        request.reference,
        note="signed authority",
        actor=ACTOR,
        on=date(2026, 11, 9),
    )
    paid = service.record_fee(
        store, ENGLAND, request.reference, note="further copy", actor=ACTOR, on=None
    )
    assert (paid.authority_received, paid.fee_paid) == (date(2026, 11, 9), TODAY)
    view = service.show_request(store, ENGLAND, request.reference, actor=ACTOR)
    assert view.request == paid
    assert view.deadline.start == TODAY and view.deadline.due == date(2026, 12, 29)


def test_no_code_is_mailed_for_a_step_that_is_refused(store: Store) -> None:
    mailer = MemoryMailer()
    request = new(store)
    service.close(store, ENGLAND, request.reference, outcome="withdrawn", actor=ACTOR)
    with pytest.raises(Conflict, match="is closed"):
        service.send_code(store, ENGLAND, request.reference, mailer, ACTOR)
    assert mailer.sent == []


def test_a_staff_check_in_the_future_is_refused(store: Store) -> None:
    request = new(store)
    with pytest.raises(InvalidInput, match="in the future"):
        service.record_verification(
            store,
            ENGLAND,
            request.reference,
            method=VerificationMethod.document,
            note="passport",
            actor=ACTOR,
            on=date(2026, 12, 25),
        )


def test_the_engine_moves_a_request_on_inside_its_own_unit_of_work(store: Store) -> None:
    request = new(store, kind=RequestKind.erasure)
    service.record_verification(
        store,
        ENGLAND,
        request.reference,
        method=VerificationMethod.in_person,
        note="seen",
        actor=ACTOR,
    )
    with store.unit_of_work("engine") as uow:
        service.advance(uow, ENGLAND, request.reference, service.EngineStep.planned)
        with pytest.raises(Conflict, match="must be approved first"):
            service.advance(uow, ENGLAND, request.reference, service.EngineStep.running)
        service.advance(uow, ENGLAND, request.reference, service.EngineStep.approved, "ok")
        service.advance(uow, ENGLAND, request.reference, service.EngineStep.running)
        done = service.advance(uow, ENGLAND, request.reference, service.EngineStep.completed)
        uow.commit()
    assert (done.status, done.closed_on) == (RequestStatus.completed, TODAY)
    timeline = service.show_request(store, ENGLAND, request.reference, actor=ACTOR).timeline
    assert [entry.action for entry in timeline][-4:] == [
        "planned",
        "approved",
        "started",
        "completed",
    ]
    assert timeline[-1].actor == "engine"


def test_why_identity_was_asked_for_is_kept(store: Store) -> None:
    request = new(store)
    service.send_code(
        store, ENGLAND, request.reference, MemoryMailer(), ACTOR, why="health records asked for"
    )
    last = service.show_request(store, ENGLAND, request.reference, actor=ACTOR).timeline[-1]
    assert last.note == "one-time code sent: health records asked for"


def test_the_persons_other_open_requests_hold_their_records_until_answered(store: Store) -> None:
    with store.unit_of_work("test") as uow:
        person = ensure_person(uow, email="ada@example.org")
        uow.commit()
    access = new(store)
    erasure = new(store, kind=RequestKind.erasure)
    new(store, email="bo@example.org")  # somebody else's: not theirs to hold
    found = service.open_requests_for(store, person)
    assert [(r.reference, r.kind) for r in found] == [
        (access.reference, RequestKind.access),
        (erasure.reference, RequestKind.erasure),
    ]
    holds = open_request_holds(person, found, answering=erasure.reference)
    assert [hold.reference for hold in holds] == [access.reference]
    service.close(store, ENGLAND, access.reference, outcome="answered by letter", actor=ACTOR)
    assert [r.reference for r in service.open_requests_for(store, person)] == [erasure.reference]
    assert service.open_requests_for(store, None) == []
