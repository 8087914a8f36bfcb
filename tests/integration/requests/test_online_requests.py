"""Requests the person makes online, through the service, on real SQLite and PostgreSQL: recorded
before any mail is tried, one answer for every refused code, new codes rationed per request."""

from __future__ import annotations

import re
import socket
from datetime import date, timedelta

import pytest

from steward.law.calendar import Nation
from steward.mail import MemoryMailer, SmtpMailer
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, RequestStatus, VerificationMethod
from steward.requests.online import CODES_PER_HOUR, InvalidFields, OnlineRequest
from steward.services import online_requests as online
from steward.services import requests as service
from steward.services.online_requests import CodeDelivery, CodeRefused
from steward.store.database import Store
from steward.store.people import ensure_person
from tests.integration.conftest import ManualClock

ENGLAND = Nation.england
TODAY = date(2026, 11, 26)  # the clock fixture's day
ACTOR = "public:web"
LINK = "https://privacy.example/requests/{reference}/verify"


def receive(
    store: Store,
    mailer: MemoryMailer | SmtpMailer | None,
    *,
    kind: str = "access",
    email: str = "ada@example.org",
    **fields: str,
) -> online.OnlineReceipt:
    return online.receive_online(
        store,
        ENGLAND,
        OnlineRequest(kind=kind, email=email, **fields),
        channel=Channel.web,
        actor=ACTOR,
        mailer=mailer,
        verify_link=LINK,
    )


def code_in(mailer: MemoryMailer) -> str:
    found = re.search(r"Your code is (\d{6})", mailer.sent[-1].text)
    assert found is not None
    return found.group(1)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_request_made_online_is_recorded_by_the_web_and_its_code_sent(store: Store) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer, name="Ada Lovelace")
    assert receipt.delivery is CodeDelivery.sent
    assert receipt.received == TODAY
    assert receipt.code_expires_at is not None
    view = service.show_request(store, ENGLAND, receipt.reference, actor="test")
    assert view.request.channel is Channel.web
    assert view.request.status is RequestStatus.awaiting_identity
    assert [entry.action for entry in view.timeline] == ["received", "identity_requested"]
    assert view.timeline[1].note == f"one-time code sent: {online.WHY_ONLINE}"
    assert {entry.actor for entry in view.timeline} == {ACTOR}
    assert mailer.sent[0].to == "ada@example.org"
    assert f"https://privacy.example/requests/{receipt.reference}/verify" in mailer.sent[0].text


def test_a_rectification_made_online_carries_its_correction(store: Store) -> None:
    receipt = receive(
        store,
        MemoryMailer(),
        kind="rectification",
        correct_field="name",
        currently="Ada Lovelase",
        should_be="Ada Lovelace",
    )
    subject = service.subject_of(store, receipt.reference)
    assert subject.kind is RequestKind.rectification
    assert subject.changes == {"name": "Ada Lovelace"}
    assert subject.identities[IdentityKind.name] == ("Ada Lovelase",)


def test_a_wrong_form_records_nothing(store: Store) -> None:
    with pytest.raises(InvalidFields):
        receive(store, MemoryMailer(), kind="everything", email="nope")
    assert service.list_requests(store, ENGLAND, actor="test") == []


def test_the_answer_and_the_mail_are_the_same_whether_or_not_the_person_is_known(
    store: Store,
) -> None:
    with store.unit_of_work("test") as uow:
        ensure_person(uow, email="known@example.org")
        uow.commit()
    mailer = MemoryMailer()
    known = receive(store, mailer, email="known@example.org")
    stranger = receive(store, mailer, email="stranger@example.org")

    def shape(receipt: online.OnlineReceipt, text: str) -> tuple[object, ...]:
        blanked = re.sub(r"\d{6}", "CODE", text.replace(receipt.reference, "REF"))
        return receipt.kind, receipt.delivery, receipt.received, blanked

    assert shape(known, mailer.sent[0].text) == shape(stranger, mailer.sent[1].text)


def test_without_a_mail_server_the_request_is_still_recorded(store: Store) -> None:
    receipt = receive(store, None)
    assert receipt.delivery is CodeDelivery.not_configured
    assert receipt.code_expires_at is None
    view = service.show_request(store, ENGLAND, receipt.reference, actor="test")
    assert view.request.status is RequestStatus.received


def test_when_the_mail_server_fails_the_request_and_its_code_stay_recorded(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    down = SmtpMailer("127.0.0.1", closed_port(), "privacy@example.org", starttls=False)
    receipt = receive(store, down)
    assert receipt.delivery is CodeDelivery.failed
    view = service.show_request(store, ENGLAND, receipt.reference, actor="test")
    assert view.request.status is RequestStatus.awaiting_identity
    assert "ada@example.org" not in caplog.text
    mailer = MemoryMailer()
    online.resend_online(store, ENGLAND, receipt.reference, mailer=mailer, actor=ACTOR)
    assert len(mailer.sent) == 1


def test_the_right_code_verifies_and_restarts_the_clock(store: Store) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer)
    request = online.verify_online(store, ENGLAND, receipt.reference, code_in(mailer), actor=ACTOR)
    assert request.status is RequestStatus.verified
    assert request.verified_by is VerificationMethod.code
    assert request.id_received == TODAY


def refusal(store: Store, reference: str, code: str) -> tuple[str, str | None, str | None]:
    with pytest.raises(CodeRefused) as raised:
        online.verify_online(store, ENGLAND, reference, code, actor=ACTOR)
    return raised.value.message, raised.value.where, raised.value.hint


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_every_refused_code_gets_one_answer_known_reference_or_not(
    store: Store, clock: ManualClock
) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer)
    code = code_in(mailer)
    answers = {
        refusal(store, "R-2026-ZZZZZZ", code),  # no such request
        refusal(store, receipt.reference, wrong(code)),  # wrong
    }
    other = receive(store, mailer, email="bo@example.org")
    clock.now += timedelta(minutes=16)
    answers.add(refusal(store, other.reference, code_in(mailer)))  # expired
    assert len(answers) == 1


def test_five_wrong_tries_void_the_code_even_for_the_right_one(store: Store) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer)
    code = code_in(mailer)
    for _ in range(5):
        refusal(store, receipt.reference, wrong(code))
    refusal(store, receipt.reference, code)
    view = service.show_request(store, ENGLAND, receipt.reference, actor="test")
    assert view.request.status is RequestStatus.awaiting_identity


def test_a_used_code_does_not_work_twice(store: Store) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer)
    online.verify_online(store, ENGLAND, receipt.reference, code_in(mailer), actor=ACTOR)
    refusal(store, receipt.reference, code_in(mailer))


def test_new_codes_are_rationed_per_request_per_hour(store: Store, clock: ManualClock) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer)  # the first code of the hour
    for _ in range(CODES_PER_HOUR + 2):
        online.resend_online(store, ENGLAND, receipt.reference, mailer=mailer, actor=ACTOR)
    assert len(mailer.sent) == CODES_PER_HOUR
    clock.now += timedelta(hours=1)
    online.resend_online(store, ENGLAND, receipt.reference, mailer=mailer, actor=ACTOR)
    assert len(mailer.sent) == CODES_PER_HOUR + 1
    request = online.verify_online(store, ENGLAND, receipt.reference, code_in(mailer), actor=ACTOR)
    assert request.status is RequestStatus.verified


def test_no_new_code_goes_to_an_unknown_or_a_verified_request(store: Store) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer)
    online.verify_online(store, ENGLAND, receipt.reference, code_in(mailer), actor=ACTOR)
    online.resend_online(store, ENGLAND, receipt.reference, mailer=mailer, actor=ACTOR)
    online.resend_online(store, ENGLAND, "R-2026-ZZZZZZ", mailer=mailer, actor=ACTOR)
    online.resend_online(store, ENGLAND, "not a reference", mailer=mailer, actor=ACTOR)
    assert len(mailer.sent) == 1


def test_the_requester_sees_kind_progress_and_due_date_only(store: Store) -> None:
    mailer = MemoryMailer()
    receipt = receive(store, mailer, kind="erasure")
    online.verify_online(store, ENGLAND, receipt.reference, code_in(mailer), actor=ACTOR)
    status = online.requester_status(store, ENGLAND, receipt.reference, actor=ACTOR)
    assert status.kind is RequestKind.erasure
    assert status.status is RequestStatus.verified
    assert status.received == TODAY
    assert status.due == date(2026, 12, 29)  # 26 Dec is a Saturday, 28 Dec a bank holiday
    assert status.days_left == 33
    assert not status.extended and not status.finished
    assert "ada" not in repr(status)


def test_a_correction_of_something_else_is_recorded_coded_and_shown_for_staff_to_map(
    store: Store,
) -> None:
    mailer = MemoryMailer()
    receipt = receive(
        store,
        mailer,
        kind="rectification",
        correct_field="other",
        currently="my postal address: 1 Old Road",
        should_be="2 New Road",
    )
    assert receipt.delivery is CodeDelivery.sent
    view = service.show_request(store, ENGLAND, receipt.reference, actor="staff:priya")
    assert view.identity_kinds == ("email",)
    request = online.verify_online(store, ENGLAND, receipt.reference, code_in(mailer), actor=ACTOR)
    assert request.status is RequestStatus.verified
