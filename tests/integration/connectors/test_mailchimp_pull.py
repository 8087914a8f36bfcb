"""The pull from a Mailchimp audience into the consent ledger (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, event, select

from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_ledger import LedgerSuppressions
from steward.connectors.mailchimp_pull import PullReport, pull_changes
from steward.connectors.mailchimp_sync import SOURCE
from steward.consent.events import ConsentEventKind
from steward.consent.state import ConsentStatus
from steward.errors import ConnectorError, InvalidInput
from steward.store.database import Store
from steward.store.tables import consent_events
from tests.integration.connectors.conftest import API_KEY, LIST_ID, START
from tests.integration.connectors.ledger_helpers import (
    PURPOSE,
    audit_trail,
    email_status,
    event_count,
    md5,
    note,
    runs,
)
from tests.integration.connectors.mailchimp_server import MailchimpServer

CY, DEE = "cy@example.org", "dee@example.org"
IP = "203.0.113.9"


def pull(
    store: Store,
    client: MailchimpClient,
    *,
    since: datetime | None = None,
    overlap: timedelta = timedelta(minutes=5),
    write_batch: int = 100,
) -> PullReport:
    ledger = LedgerSuppressions(store)
    return pull_changes(
        client,
        ledger,
        LIST_ID,
        purpose=PURPOSE,
        since=since,
        overlap=overlap,
        write_batch=write_batch,
    )


def people(count: int) -> list[str]:
    return [f"person{n}@example.org" for n in range(count)]


def unsubscribed_events(store: Store) -> list[str]:
    with store.unit_of_work(actor="test") as uow:
        rows = uow.connection.execute(
            select(consent_events.c.person_ref).where(consent_events.c.kind == "unsubscribed")
        )
        return [row.person_ref for row in rows]


def test_pull_records_an_unsubscribe_made_in_mailchimp(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    note(store, CY, ConsentEventKind.GIVEN)
    changed_at = mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)

    report = pull(store, client)

    assert (report.seen, report.recorded, report.counts.unsubscribes) == (1, 1, 1)
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

    pull(store, client)

    assert email_status(store, DEE) is ConsentStatus.UNSUBSCRIBED


def test_the_watermark_is_stored_and_the_next_pull_continues_from_it(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    changed_at = mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    first = pull(store, client, overlap=timedelta(0))
    mailchimp.contract.add_member(LIST_ID, DEE)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, DEE)
    events = event_count(store)

    again = pull(store, client, overlap=timedelta(0))

    assert first.watermark == changed_at
    assert LedgerSuppressions(store).pull_watermark(LIST_ID, PURPOSE) == again.watermark
    assert (again.seen, again.counts.unsubscribes) == (1, 1)  # Dee only, Cy is not re-read
    assert event_count(store) == events + 1


def test_pulling_the_same_changes_twice_records_nothing_new(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    pull(store, client)
    events = event_count(store)

    again = pull(store, client)  # the overlap re-reads the latest changes

    assert again.seen == 1
    assert (again.recorded, again.counts.already_suppressed) == (0, 1)
    assert event_count(store) == events


def test_a_since_after_the_watermark_is_refused_because_it_would_skip_changes(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    first = pull(store, client)
    assert first.watermark is not None

    with pytest.raises(InvalidInput) as caught:
        pull(store, client, since=first.watermark + timedelta(days=1))

    assert caught.value.where == "since"
    assert "skip the changes in between" in caught.value.message


def test_consent_given_in_steward_after_a_pulled_unsubscribe_survives_a_re_pull(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    pull(store, client)
    note(store, CY, ConsentEventKind.GIVEN, at=START.replace(hour=12))

    again = pull(store, client, since=START)

    assert (again.recorded, again.counts.duplicates) == (0, 1)
    assert email_status(store, CY) is ConsentStatus.GIVEN


def test_no_unsubscribe_is_missed_when_members_are_edited_between_pages(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    everyone = people(6)
    for email in everyone:
        mailchimp.contract.add_member(LIST_ID, email)
    for email in everyone:
        mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, email)

    def meanwhile(pages: int) -> None:
        if pages == 1:  # two members already read are edited: they move to the end
            mailchimp.contract.edit_in_mailchimp(LIST_ID, everyone[0])
            mailchimp.contract.edit_in_mailchimp(LIST_ID, everyone[1])

    mailchimp.contract.between_pages = meanwhile

    pull(store, client)

    assert all(email_status(store, e) is ConsentStatus.UNSUBSCRIBED for e in everyone)
    assert len(set(unsubscribed_events(store))) == 6


def test_offset_paging_would_have_missed_a_member_in_the_same_situation(
    mailchimp: MailchimpServer, http: httpx.Client
) -> None:
    """The hazard the pull avoids, shown on the contract server with plain offset paging."""
    everyone = people(6)
    for email in everyone:
        mailchimp.contract.add_member(LIST_ID, email, "unsubscribed")
    mailchimp.contract.between_pages = lambda pages: (
        mailchimp.contract.edit_in_mailchimp(LIST_ID, everyone[0]) if pages == 1 else None
    )
    seen: set[str] = set()
    for offset in (0, 2, 4):
        page = http.get(
            f"{mailchimp.base_url}/3.0/lists/{LIST_ID}/members",
            params={"count": 2, "offset": offset, "sort_field": "last_changed"},
            auth=("any", mailchimp.contract.api_key),
        ).json()
        seen |= {m["email_address"] for m in page["members"]}

    assert everyone[2] not in seen


def test_a_bulk_change_sharing_one_second_is_read_whole_while_it_changes(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    everyone = people(7)
    for email in everyone:
        mailchimp.contract.add_member(LIST_ID, email)
    mailchimp.contract.unsubscribe_many_at_once(LIST_ID, everyone)

    def meanwhile(pages: int) -> None:
        if pages in (2, 5):  # members of the same second leave it while it is being read
            mailchimp.contract.edit_in_mailchimp(LIST_ID, everyone[pages - 2])

    mailchimp.contract.between_pages = meanwhile

    report = pull(store, client)

    assert all(email_status(store, e) is ConsentStatus.UNSUBSCRIBED for e in everyone)
    assert len(unsubscribed_events(store)) == 7
    assert report.counts.unsubscribes == 7


def test_an_interrupted_pull_run_again_records_everything_once(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    everyone = people(9)
    for email in everyone:
        mailchimp.contract.add_member(LIST_ID, email)
    for email in everyone:
        mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, email)
    mailchimp.contract.between_pages = lambda pages: (  # every retry of the 4th page fails
        mailchimp.fail_next(4, status=503) if pages == 3 else None
    )

    with pytest.raises(ConnectorError):
        pull(store, client, write_batch=1)

    part = len(unsubscribed_events(store))
    [failed] = runs(store)
    assert 0 < part < 9
    assert (failed.outcome, failed.summary["unsubscribes"]) == ("failed", part)
    assert audit_trail(store)[-1] == ("mailchimp.pull_failed", f"mailchimp_list:{LIST_ID}")
    mailchimp.contract.between_pages = None

    again = pull(store, client, write_batch=1)

    assert again.counts.unsubscribes == 9 - part
    recorded = unsubscribed_events(store)
    assert len(recorded) == len(set(recorded)) == 9


def test_each_write_transaction_of_a_pull_is_short(
    committed_store: Store, engine: Engine, mailchimp: MailchimpServer, http: httpx.Client
) -> None:
    """An unsubscribe from another process waits at most one short transaction (issue 9:
    no more than about half a second), however slow the database is today."""
    store = committed_store
    everyone = people(300)
    for email in everyone:
        mailchimp.contract.add_member(LIST_ID, email, "unsubscribed")
    begun: list[float] = []
    held: list[float] = []
    event.listen(engine, "begin", lambda _c: begun.append(time.perf_counter()))
    event.listen(engine, "commit", lambda _c: held.append(time.perf_counter() - begun[-1]))
    client = MailchimpClient(http, SecretStr(API_KEY), base_url=mailchimp.base_url, page_size=100)

    report = pull(store, client, write_batch=300)

    assert report.counts.unsubscribes == 300
    assert len(held) >= 2
    assert max(held) < 0.5


def test_a_re_subscription_through_mailchimps_form_is_pulled_as_consent_with_its_evidence(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    pull(store, client)
    opted_at = mailchimp.contract.resubscribe_through_form(LIST_ID, CY, ip=IP)

    report = pull(store, client)

    assert report.counts.consents == 1
    assert email_status(store, CY) is ConsentStatus.GIVEN
    with store.unit_of_work(actor="test") as uow:
        row = uow.connection.execute(
            select(consent_events).where(consent_events.c.kind == "given")
        ).one()
    assert (row.occurred_at, row.source, row.wording_version) == (
        opted_at,
        SOURCE,
        "mailchimp-double-opt-in",
    )
    assert "double opt-in" in row.wording and LIST_ID in row.wording
    assert json.loads(row.evidence) == {
        "mailchimp_list_id": LIST_ID,
        "mailchimp_timestamp_opt": opted_at.isoformat(),
        "mailchimp_ip_opt_recorded": True,  # the address itself stays in Mailchimp
    }
    assert IP not in str(tuple(row))


def test_after_a_pulled_re_subscription_the_push_leaves_the_person_subscribed(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    from steward.connectors.mailchimp_sync import push_suppressions

    mailchimp.contract.add_member(LIST_ID, CY)
    note(store, CY, ConsentEventKind.UNSUBSCRIBED)
    ledger = LedgerSuppressions(store)
    push_suppressions(ledger, client, LIST_ID, purpose=PURPOSE)
    mailchimp.contract.resubscribe_through_form(LIST_ID, CY, ip=IP)
    pull(store, client)

    report = push_suppressions(ledger, client, LIST_ID, purpose=PURPOSE)

    assert report.suppressed == 0
    assert mailchimp.contract.status_of(LIST_ID, CY) == "subscribed"


def test_opt_ins_are_not_imported_for_people_steward_holds_no_refusal_for(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, DEE)
    mailchimp.contract.resubscribe_through_form(LIST_ID, DEE, ip=IP)

    report = pull(store, client)

    assert (report.recorded, report.counts.not_resubscriptions) == (0, 1)
    assert email_status(store, DEE) is None


def test_pending_cleaned_archived_and_imported_members_are_not_choices_to_record(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    """Pending has not confirmed: not consent. Cleaned bounced; archiving is the
    organisation's act; an import carries no confirmation of the person's."""
    for email, status in [
        ("pending@example.org", "pending"),
        ("cleaned@example.org", "cleaned"),
        ("archived@example.org", "archived"),
        ("imported@example.org", "subscribed"),
    ]:
        mailchimp.contract.add_member(LIST_ID, email, status)
        note(store, email, ConsentEventKind.WITHDRAWN, at=datetime(2026, 1, 1, tzinfo=UTC))

    report = pull(store, client)

    assert report.recorded == 0
    assert report.skipped == 3  # the archived member is not listed without asking
    assert email_status(store, "imported@example.org") is ConsentStatus.WITHDRAWN
    assert email_status(store, "pending@example.org") is ConsentStatus.WITHDRAWN


def test_one_mailchimp_change_pulled_for_two_purposes_is_two_events(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    ledger = LedgerSuppressions(store)

    pull_changes(client, ledger, LIST_ID, purpose="newsletter")
    pull_changes(client, ledger, LIST_ID, purpose="offers")

    assert event_count(store) == 2
    assert [run.purpose for run in reversed(runs(store))] == ["newsletter", "offers"]


def test_an_unsubscribe_from_elsewhere_is_recorded_promptly_while_a_pull_writes(
    committed_store: Store, mailchimp: MailchimpServer, http: httpx.Client
) -> None:
    """Issue 9: a consent change is never held up by a long pull (each write is short)."""
    store = committed_store
    everyone = people(300)
    for email in everyone:
        mailchimp.contract.add_member(LIST_ID, email, "unsubscribed")
    client = MailchimpClient(http, SecretStr(API_KEY), base_url=mailchimp.base_url)
    outcome: list[PullReport] = []
    puller = threading.Thread(target=lambda: outcome.append(pull(store, client, write_batch=300)))
    puller.start()
    while not unsubscribed_events(store) and puller.is_alive():
        time.sleep(0.01)

    started = time.perf_counter()
    note(store, "someone.else@example.org", ConsentEventKind.UNSUBSCRIBED)
    waited = time.perf_counter() - started
    puller.join(timeout=120)

    assert outcome and outcome[0].counts.unsubscribes == 300
    assert email_status(store, "someone.else@example.org") is ConsentStatus.UNSUBSCRIBED
    assert waited < 2.0
