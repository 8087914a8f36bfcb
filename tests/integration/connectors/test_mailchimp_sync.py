"""The push from the consent ledger (SQLite and PostgreSQL) to a Mailchimp audience."""

from __future__ import annotations

import pytest

from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_ledger import LedgerSuppressions
from steward.connectors.mailchimp_pull import pull_changes
from steward.connectors.mailchimp_sync import (
    PushReport,
    SuppressionMode,
    push_suppressions,
)
from steward.consent.events import ConsentEventKind
from steward.errors import ConnectorError
from steward.store.database import Store
from tests.integration.connectors.conftest import LIST_ID, START
from tests.integration.connectors.ledger_helpers import (
    BEFORE,
    PURPOSE,
    audit_trail,
    event_count,
    md5,
    note,
    runs,
)
from tests.integration.connectors.mailchimp_server import MailchimpServer

ADA, BOB, CY, DEE = (f"{n}@example.org" for n in ("ada", "bob", "cy", "dee"))


def audience_with_refusals(store: Store, mailchimp: MailchimpServer) -> None:
    """Ada withdrew on email, Bob objected by SMS (covers email), Cy consents, Dee is not there."""
    for email in (ADA, BOB, CY):
        mailchimp.contract.add_member(LIST_ID, email)
        note(store, email, ConsentEventKind.GIVEN)
    note(store, ADA, ConsentEventKind.WITHDRAWN, at=BEFORE.replace(day=2))
    note(store, BOB, ConsentEventKind.OBJECTED, channel="sms", at=BEFORE.replace(day=3))
    note(store, DEE, ConsentEventKind.UNSUBSCRIBED)


def push(
    store: Store,
    client: MailchimpClient,
    mode: SuppressionMode = SuppressionMode.UNSUBSCRIBE,
    batch_size: int = 500,
) -> PushReport:
    ledger = LedgerSuppressions(store)
    return push_suppressions(
        ledger, client, LIST_ID, purpose=PURPOSE, mode=mode, batch_size=batch_size
    )


def sent_member_ids(mailchimp: MailchimpServer) -> list[str]:
    return [
        str(op["path"]).rsplit("/", 1)[1]
        for batch in mailchimp.contract.batches.values()
        for op in batch.operations
    ]


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


def test_a_pending_member_is_unsubscribed_even_in_archive_mode(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    """Pending has not confirmed, so it is not consent; Mailchimp cannot archive it (405), and
    unsubscribing it stops the confirmation from quietly subscribing the person later."""
    mailchimp.contract.add_member(LIST_ID, ADA, "pending")
    note(store, ADA, ConsentEventKind.WITHDRAWN)

    report = push(store, client, SuppressionMode.ARCHIVE)

    assert mailchimp.contract.status_of(LIST_ID, ADA) == "unsubscribed"
    assert (report.changed, report.failures) == (1, ())


def test_archiving_a_member_archived_meanwhile_counts_as_done(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)
    mailchimp.contract.before_batch = lambda _done: mailchimp.contract.set_status(
        LIST_ID, ADA, "archived"
    )

    report = push(store, client, SuppressionMode.ARCHIVE)

    [batch] = mailchimp.contract.batches.values()
    assert {r["operation_id"]: r["status_code"] for r in batch.results}[md5(ADA)] == 405
    assert (report.changed, report.unchanged, report.failures) == (1, 1, ())
    assert mailchimp.contract.status_of(LIST_ID, ADA) == "archived"


def test_people_absent_from_the_audience_are_never_sent(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)  # Dee unsubscribed in Steward, not in Mailchimp

    first, second = push(store, client), push(store, client)

    assert first.absent == second.absent == 1
    assert md5(DEE) not in sent_member_ids(mailchimp)
    assert len(mailchimp.contract.batches) == 1  # the second push had nothing to send


def test_a_member_added_to_the_audience_later_is_suppressed_then(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    note(store, DEE, ConsentEventKind.UNSUBSCRIBED)
    push(store, client)
    mailchimp.contract.add_member(LIST_ID, DEE)

    report = push(store, client)

    assert (report.changed, report.absent) == (1, 0)
    assert mailchimp.contract.status_of(LIST_ID, DEE) == "unsubscribed"


def test_a_push_records_what_it_did_and_its_audit_event(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)

    report = push(store, client)

    [run] = runs(store)
    assert (run.kind, run.outcome) == ("push", "completed")
    assert run.summary["changed"] == 2 and run.summary["absent"] == 1
    assert run.summary["batches_finished"] == list(report.batches)
    assert audit_trail(store)[-1] == ("mailchimp.pushed", f"mailchimp_list:{LIST_ID}")


def test_a_push_that_fails_half_way_still_records_what_was_done(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)

    def outage(batches_so_far: int) -> None:
        if batches_so_far == 1:  # the second batch is accepted, then Mailchimp goes down
            mailchimp.fail_next(20, status=503)

    mailchimp.contract.before_batch = outage

    with pytest.raises(ConnectorError):
        push(store, client, batch_size=1)

    [run] = runs(store)
    first_batch = next(iter(mailchimp.contract.batches))
    assert (run.kind, run.outcome) == ("push", "failed")
    assert run.summary["planned"] == 2 and run.summary["changed"] == 1
    assert run.summary["batches_finished"] == [first_batch]
    assert "HTTP 503" in str(run.summary["message"])
    assert audit_trail(store)[-1] == ("mailchimp.push_failed", f"mailchimp_list:{LIST_ID}")


def test_a_person_who_opted_in_again_in_mailchimp_is_not_re_suppressed(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    note(store, CY, ConsentEventKind.UNSUBSCRIBED)  # before Mailchimp's clock starts
    push(store, client)
    mailchimp.contract.resubscribe_through_form(LIST_ID, CY, ip="203.0.113.9")

    report = push(store, client)  # no pull in between

    assert mailchimp.contract.status_of(LIST_ID, CY) == "subscribed"
    assert (report.resubscribed, report.changed) == (1, 0)


def test_an_opt_in_older_than_the_refusal_does_not_protect_the_member(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.resubscribe_through_form(LIST_ID, CY, ip="203.0.113.9")
    note(store, CY, ConsentEventKind.UNSUBSCRIBED, at=START.replace(day=20))

    report = push(store, client)

    assert (report.resubscribed, report.changed) == (0, 1)
    assert mailchimp.contract.status_of(LIST_ID, CY) == "unsubscribed"


def test_an_import_into_mailchimp_after_the_refusal_is_not_read_as_an_opt_in(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    note(store, CY, ConsentEventKind.UNSUBSCRIBED)
    mailchimp.contract.add_member(LIST_ID, CY)  # added by the organisation: no confirming IP

    report = push(store, client)

    assert (report.resubscribed, report.changed) == (0, 1)
    assert mailchimp.contract.status_of(LIST_ID, CY) == "unsubscribed"


def test_push_then_pull_twice_changes_nothing_the_second_time(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    audience_with_refusals(store, mailchimp)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    ledger = LedgerSuppressions(store)
    push(store, client)
    pulled = pull_changes(client, ledger, LIST_ID, purpose=PURPOSE)
    audience, events = mailchimp.contract.snapshot(LIST_ID), event_count(store)

    pushed = push(store, client)
    repulled = pull_changes(client, ledger, LIST_ID, purpose=PURPOSE, since=START)

    assert pulled.recorded == 1  # Cy; Ada and Bob were Steward's own suppressions, not echoed
    assert pulled.counts.already_suppressed == 2
    assert (pushed.changed, repulled.recorded) == (0, 0)
    assert mailchimp.contract.snapshot(LIST_ID) == audience
    assert event_count(store) == events


def test_an_objection_to_all_marketing_is_not_lifted_by_a_mailchimp_opt_in(
    store: Store, mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    """RULES.md R2.6: an objection always wins; only the person can lift it, with Steward."""
    mailchimp.contract.add_member(LIST_ID, CY)
    note(store, CY, ConsentEventKind.OBJECTED, purpose="direct_marketing", channel="phone")
    push(store, client)
    mailchimp.contract.resubscribe_through_form(LIST_ID, CY, ip="203.0.113.9")

    report = push(store, client)

    assert (report.resubscribed, report.changed) == (0, 1)
    assert mailchimp.contract.status_of(LIST_ID, CY) == "unsubscribed"
