"""Push and pull between the consent ledger (SQLite and PostgreSQL) and a Mailchimp audience."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_ledger import LedgerSuppressions
from steward.connectors.mailchimp_sync import (
    SOURCE,
    MemberFailure,
    PushReport,
    SuppressionMode,
    pull_unsubscribes,
    push_suppressions,
)
from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.consent.ledger import current_state, ensure_person, find_person, record
from steward.consent.state import ConsentStatus
from steward.store.database import Store
from steward.store.tables import consent_events
from tests.integration.connectors.conftest import LIST_ID, START
from tests.integration.connectors.mailchimp_server import MailchimpServer

PURPOSE = "newsletter"
BEFORE = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
ADA, BOB, CY, DEE = (f"{n}@example.org" for n in ("ada", "bob", "cy", "dee"))


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def note(
    store: Store,
    email: str,
    kind: ConsentEventKind,
    *,
    channel: str = "email",
    purpose: str = PURPOSE,
    at: datetime = BEFORE,
) -> None:
    with store.unit_of_work(actor="test") as uow:
        record(
            uow,
            ConsentEvent(
                event_id=uuid.uuid4().hex,
                person=ensure_person(uow, email=email),
                kind=kind,
                purpose=purpose,
                channel=channel,
                source="web-form",
                wording="Send me the Outserve newsletter",
                wording_version="v1",
                occurred_at=at,
            ),
        )
        uow.commit()


def email_status(store: Store, email: str) -> ConsentStatus | None:
    with store.unit_of_work(actor="test") as uow:
        person = find_person(uow, email=email)
        state = current_state(uow, person, PURPOSE, "email") if person else None
        return state.status if state else None


def event_count(store: Store) -> int:
    with store.unit_of_work(actor="test") as uow:
        counted = uow.connection.execute(select(func.count()).select_from(consent_events))
        return int(counted.scalar_one())


def audience_with_refusals(store: Store, mailchimp: MailchimpServer) -> None:
    """Ada withdrew on email, Bob objected by SMS (covers email), Cy consents, Dee is not there."""
    for email in (ADA, BOB, CY):
        mailchimp.contract.add_member(LIST_ID, email)
        note(store, email, ConsentEventKind.GIVEN)
    note(store, ADA, ConsentEventKind.WITHDRAWN, at=BEFORE.replace(day=2))
    note(store, BOB, ConsentEventKind.OBJECTED, channel="sms", at=BEFORE.replace(day=3))
    note(store, DEE, ConsentEventKind.UNSUBSCRIBED)


def push(
    store: Store, client: MailchimpClient, mode: SuppressionMode = SuppressionMode.UNSUBSCRIBE
) -> PushReport:
    return push_suppressions(LedgerSuppressions(store), client, LIST_ID, purpose=PURPOSE, mode=mode)


def test_push_unsubscribes_everyone_the_ledger_suppresses_for_email(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)

    report = push(store, client)

    statuses = {e: mailchimp.contract.status_of(LIST_ID, e) for e in (ADA, BOB, CY, DEE)}
    assert statuses == {ADA: "unsubscribed", BOB: "unsubscribed", CY: "subscribed", DEE: None}
    assert (report.suppressed, report.changed, report.absent, report.unchanged) == (3, 2, 1, 0)
    assert report.failures == ()


def test_push_can_archive_instead_of_unsubscribing(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)

    report = push(store, client, SuppressionMode.ARCHIVE)

    assert mailchimp.contract.status_of(LIST_ID, ADA) == "archived"
    assert mailchimp.contract.status_of(LIST_ID, BOB) == "archived"
    assert mailchimp.contract.status_of(LIST_ID, CY) == "subscribed"
    assert report.changed == 2


def test_an_objection_for_any_purpose_stops_this_purpose_too(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    note(store, CY, ConsentEventKind.GIVEN, at=BEFORE.replace(day=9))
    note(store, CY, ConsentEventKind.OBJECTED, purpose="direct_marketing", channel="phone")

    report = push(store, client)

    assert report.changed == 1
    assert mailchimp.contract.status_of(LIST_ID, CY) == "unsubscribed"


def test_pushing_twice_changes_nothing_the_second_time(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)
    push(store, client)
    after_first = mailchimp.contract.snapshot(LIST_ID)

    again = push(store, client)

    assert mailchimp.contract.snapshot(LIST_ID) == after_first
    assert (again.changed, again.unchanged, again.absent) == (0, 2, 1)


def test_push_reports_a_member_mailchimp_refuses_by_member_id_not_address(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, ADA, "pending")
    note(store, ADA, ConsentEventKind.WITHDRAWN)

    report = push(store, client, SuppressionMode.ARCHIVE)

    assert report.changed == 0
    [failure] = report.failures
    assert isinstance(failure, MemberFailure)
    assert (failure.member_id, failure.status_code) == (md5(ADA), 405)
    assert "cannot be removed" in failure.detail and ADA not in failure.detail


def test_pull_records_an_unsubscribe_made_in_mailchimp(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    note(store, CY, ConsentEventKind.GIVEN)
    changed_at = mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)

    report = pull_unsubscribes(client, LedgerSuppressions(store), LIST_ID, START, purpose=PURPOSE)

    assert (report.seen, report.recorded) == (1, 1)
    assert email_status(store, CY) is ConsentStatus.UNSUBSCRIBED
    with store.unit_of_work(actor="test") as uow:
        row = uow.connection.execute(
            select(consent_events).where(consent_events.c.kind == "unsubscribed")
        ).one()
    assert (row.source, row.channel, row.purpose, row.occurred_at) == (
        SOURCE,
        "email",
        PURPOSE,
        changed_at,
    )
    assert md5(CY) not in row.event_id  # the member id would let a guessed address be confirmed
    assert json.loads(row.evidence) == {  # no member id: an unkeyed hash of the address
        "mailchimp_list_id": LIST_ID,
        "mailchimp_last_changed": changed_at.isoformat(),
    }


def test_pull_keeps_a_minimal_suppression_for_an_address_steward_did_not_know(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, DEE)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, DEE)

    pull_unsubscribes(client, LedgerSuppressions(store), LIST_ID, START, purpose=PURPOSE)

    assert email_status(store, DEE) is ConsentStatus.UNSUBSCRIBED


def test_pulling_the_same_changes_twice_records_nothing_new(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    ledger = LedgerSuppressions(store)
    first = pull_unsubscribes(client, ledger, LIST_ID, START, purpose=PURPOSE)
    events = event_count(store)

    again = pull_unsubscribes(client, ledger, LIST_ID, first.next_since, purpose=PURPOSE)

    assert again.seen == 1  # the one-second overlap re-reads the newest change
    assert (again.recorded, again.already_suppressed) == (0, 1)
    assert event_count(store) == events


def test_push_then_pull_twice_changes_nothing_the_second_time(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    ledger = LedgerSuppressions(store)
    push(store, client)
    pulled = pull_unsubscribes(client, ledger, LIST_ID, START, purpose=PURPOSE)
    audience, events = mailchimp.contract.snapshot(LIST_ID), event_count(store)

    pushed = push(store, client)
    repulled = pull_unsubscribes(client, ledger, LIST_ID, START, purpose=PURPOSE)

    assert pulled.recorded == 1  # Cy; Ada and Bob were Steward's own suppressions, not echoed
    assert pulled.already_suppressed == 2
    assert (pushed.changed, repulled.recorded) == (0, 0)
    assert mailchimp.contract.snapshot(LIST_ID) == audience
    assert event_count(store) == events


def test_consent_given_in_steward_after_a_pulled_unsubscribe_survives_a_re_pull(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    ledger = LedgerSuppressions(store)
    pull_unsubscribes(client, ledger, LIST_ID, START, purpose=PURPOSE)
    note(store, CY, ConsentEventKind.GIVEN, at=START.replace(hour=12))

    again = pull_unsubscribes(client, ledger, LIST_ID, START, purpose=PURPOSE)

    assert (again.recorded, again.duplicates) == (0, 1)
    assert email_status(store, CY) is ConsentStatus.GIVEN
