"""The Mailchimp client against a local server that implements the documented Marketing API v3."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from steward.connectors.http_retry import RetryPolicy
from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_operations import (
    BatchOperation,
    BatchProgress,
    BatchStillRunning,
    MemberChange,
    archive_operation,
    member_path,
    unsubscribe_operation,
)
from steward.errors import ConnectorError
from tests.integration.connectors.conftest import API_KEY, LIST_ID, START
from tests.integration.connectors.mailchimp_server import MailchimpServer

JANE = "jane.doe@example.co.uk"
Suppress = Callable[[MailchimpClient, str, str], MemberChange]


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def test_member_is_addressed_by_md5_of_the_lower_cased_address(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)

    client.unsubscribe(LIST_ID, "  Jane.Doe@Example.CO.UK ")

    paths = [urlpath(r.target) for r in mailchimp.api_calls()]
    assert f"/3.0/lists/{LIST_ID}/members/{md5(JANE)}" in paths
    assert not any(b"@" in r.body or "@" in r.target for r in mailchimp.api_calls())


def test_unsubscribe_keeps_the_member_as_unsubscribed(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)

    assert client.unsubscribe(LIST_ID, JANE) is MemberChange.CHANGED
    assert mailchimp.contract.status_of(LIST_ID, JANE) == "unsubscribed"
    assert any(r.method == "PATCH" for r in mailchimp.api_calls())


def test_archive_deletes_the_member_which_mailchimp_keeps_as_archived(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)

    assert client.archive(LIST_ID, JANE) is MemberChange.CHANGED
    assert mailchimp.contract.status_of(LIST_ID, JANE) == "archived"
    assert any(r.method == "DELETE" for r in mailchimp.api_calls())


@pytest.mark.parametrize("suppress", [MailchimpClient.unsubscribe, MailchimpClient.archive])
def test_suppressing_a_member_twice_changes_nothing_the_second_time(
    mailchimp: MailchimpServer, client: MailchimpClient, suppress: Suppress
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    suppress(client, LIST_ID, JANE)
    before = mailchimp.contract.snapshot(LIST_ID)

    assert suppress(client, LIST_ID, JANE) is MemberChange.UNCHANGED
    assert mailchimp.contract.snapshot(LIST_ID) == before


def test_suppressing_an_address_not_in_the_audience_reports_it_absent(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    assert client.unsubscribe(LIST_ID, JANE) is MemberChange.ABSENT
    assert mailchimp.contract.status_of(LIST_ID, JANE) is None


def test_unsubscribed_members_are_read_across_several_pages(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    emails = [f"person{n}@example.org" for n in range(5)]
    for email in emails:
        mailchimp.contract.add_member(LIST_ID, email, "unsubscribed")
    mailchimp.contract.add_member(LIST_ID, "still.here@example.org", "subscribed")

    members = list(client.unsubscribed_since(LIST_ID, START))

    assert [m.email for m in members] == emails
    assert [m.id for m in members] == [md5(e) for e in emails]
    asked = [query(r.target) for r in mailchimp.api_calls()]
    assert {q["offset"] for q in asked} == {"0"}  # pages by change time, not by position
    # each page ends before its newest second, which may continue on the next page
    assert [q["since_last_changed"][11:19] for q in asked] == [
        "09:00:00",
        "09:00:01",
        "09:00:02",
        "09:00:03",
        "09:00:04",
        "09:00:05",
    ]


def test_only_members_changed_after_since_are_listed(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, "early@example.org", "unsubscribed")
    cutoff = mailchimp.contract.snapshot(LIST_ID)[md5("early@example.org")][1]
    mailchimp.contract.add_member(LIST_ID, JANE)
    changed_at = mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, JANE)

    members = list(client.unsubscribed_since(LIST_ID, cutoff))

    assert [(m.email, m.status, m.last_changed) for m in members] == [
        (JANE, "unsubscribed", changed_at)
    ]


def test_listing_member_ids_fetches_no_addresses(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE, "unsubscribed")

    assert client.member_ids_with_status(LIST_ID, "unsubscribed") == {md5(JANE)}
    assert all("email_address" not in query(r.target)["fields"] for r in mailchimp.api_calls())


def test_batch_is_polled_until_finished_and_reports_each_operation(
    mailchimp: MailchimpServer, client: MailchimpClient, sleeps: list[float]
) -> None:
    emails = [f"person{n}@example.org" for n in range(4)]
    for email in emails:
        mailchimp.contract.add_member(LIST_ID, email)
    mailchimp.contract.add_member(LIST_ID, JANE, "pending")
    operations = [unsubscribe_operation(LIST_ID, md5(e)) for e in emails]
    operations.append(archive_operation(LIST_ID, md5(JANE)))

    outcome = client.run_batch(operations)
    results = outcome.results

    assert outcome.batch_id in mailchimp.contract.batches
    assert {r.operation_id: r.status_code for r in results} == {
        **{md5(e): 200 for e in emails},
        md5(JANE): 405,
    }
    refused = next(r for r in results if r.operation_id == md5(JANE))
    assert "cannot be removed" in refused.detail
    assert all(mailchimp.contract.status_of(LIST_ID, e) == "unsubscribed" for e in emails)
    assert sleeps == [2.0, 2.0]  # pending -> started -> finished


def test_batch_results_are_downloaded_without_the_api_key(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)

    client.run_batch([unsubscribe_operation(LIST_ID, md5(JANE))])

    downloads = [r for r in mailchimp.seen if r.target.startswith("/batch-results/")]
    assert len(downloads) == 1
    assert downloads[0].authorization is None


def test_refused_operation_detail_never_carries_the_address(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    bogus = BatchOperation("PATCH", member_path(LIST_ID, md5(JANE)), md5(JANE), {"status": "x"})

    [result] = client.run_batch([bogus]).results

    assert result.status_code == 400
    assert "<address>" in result.detail
    assert JANE not in result.detail


def test_rate_limited_call_waits_as_told_by_retry_after_then_succeeds(
    mailchimp: MailchimpServer, client: MailchimpClient, sleeps: list[float]
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.rate_limit_next(1, retry_after=7)

    assert client.member_status(LIST_ID, JANE) == "subscribed"
    assert sleeps == [7.0]


def test_server_errors_are_retried_with_exponential_backoff_then_succeed(
    mailchimp: MailchimpServer, client: MailchimpClient, sleeps: list[float]
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.fail_next(3, status=503)

    assert client.member_status(LIST_ID, JANE) == "subscribed"
    assert sleeps == [0.5, 1.0, 2.0]


def test_server_errors_past_the_attempt_limit_raise_connector_error(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.fail_next(4, status=502)

    with pytest.raises(ConnectorError) as caught:
        client.member_status(LIST_ID, JANE)

    assert "HTTP 502 4 times" in str(caught.value)
    assert f"/members/{md5(JANE)}" in str(caught.value)
    assert len(mailchimp.api_calls()) == 4


def test_wrong_api_key_raises_connector_error_that_does_not_show_the_key(
    mailchimp: MailchimpServer, http: httpx.Client
) -> None:
    wrong_key = "ffffffffffffffffffffffffffffffff-us21"
    client = MailchimpClient(http, SecretStr(wrong_key), base_url=mailchimp.base_url)

    with pytest.raises(ConnectorError) as caught:
        client.member_status(LIST_ID, JANE)

    text = str(caught.value)
    assert "HTTP 401 API Key Invalid" in text
    assert "STEWARD_MAILCHIMP_API_KEY" in text
    assert wrong_key not in text and wrong_key.split("-")[0] not in text
    assert wrong_key not in repr(client)


def test_unknown_audience_raises_connector_error_with_mailchimps_detail(
    client: MailchimpClient,
) -> None:
    with pytest.raises(ConnectorError) as caught:
        list(client.unsubscribed_since("nosuchlist", START))

    assert "HTTP 404 Resource Not Found: The requested resource could not be found" in str(
        caught.value
    )
    assert "audience (list) id" in str(caught.value)


def test_no_log_line_carries_an_address_or_the_api_key(
    mailchimp: MailchimpServer, client: MailchimpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.fail_next(1)

    client.unsubscribe(LIST_ID, JANE)
    client.run_batch([archive_operation(LIST_ID, md5(JANE))])
    list(client.unsubscribed_since(LIST_ID, START - timedelta(days=1)))

    assert caplog.records
    assert JANE not in caplog.text
    assert API_KEY not in caplog.text and API_KEY.split("-")[0] not in caplog.text


def test_retry_policy_is_bounded_even_for_a_client_built_without_one(
    mailchimp: MailchimpServer, http: httpx.Client, sleeps: list[float]
) -> None:
    client = MailchimpClient(
        http, SecretStr(API_KEY), base_url=mailchimp.base_url, sleep=sleeps.append
    )
    mailchimp.fail_next(100)

    with pytest.raises(ConnectorError):
        client.member_status(LIST_ID, JANE)

    assert len(sleeps) == RetryPolicy().max_attempts - 1


def urlpath(target: str) -> str:
    return httpx.URL(target).path


def query(target: str) -> dict[str, str]:
    return dict(httpx.URL(target).params)


class FakeTime:
    """A monotonic clock that moves only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def test_a_batch_not_finished_within_the_time_limit_names_the_batch_to_check(
    mailchimp: MailchimpServer, http: httpx.Client
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.contract.stall_batches = True
    time = FakeTime()
    impatient = MailchimpClient(
        http,
        SecretStr(API_KEY),
        base_url=mailchimp.base_url,
        sleep=time.sleep,
        monotonic=time.monotonic,
        poll_interval=5.0,
        batch_timeout=12.0,
    )

    with pytest.raises(BatchStillRunning) as caught:
        impatient.run_batch([unsubscribe_operation(LIST_ID, md5(JANE))])

    [batch_id] = mailchimp.contract.batches
    assert caught.value.batch_id == batch_id
    assert f"batch {batch_id} is still 'started' after 12s" in str(caught.value)
    assert f"GET /3.0/batches/{batch_id}" in str(caught.value)
    assert "STEWARD_MAILCHIMP_BATCH_TIMEOUT_SECONDS" in str(caught.value)
    assert time.sleeps == [5.0, 5.0, 2.0]  # never waits past the limit
    assert mailchimp.contract.status_of(LIST_ID, JANE) == "subscribed"


def test_batch_progress_is_reported_at_every_check(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    seen: list[BatchProgress] = []

    outcome = client.run_batch([unsubscribe_operation(LIST_ID, md5(JANE))], on_progress=seen.append)

    assert [(p.status, p.finished_operations, p.total_operations) for p in seen] == [
        ("pending", 0, 1),
        ("started", 0, 1),
        ("finished", 1, 1),
    ]
    assert {p.batch_id for p in seen} == {outcome.batch_id}


def test_archiving_a_pending_member_unsubscribes_it_instead(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE, "pending")

    assert client.archive(LIST_ID, JANE) is MemberChange.CHANGED
    assert mailchimp.contract.status_of(LIST_ID, JANE) == "unsubscribed"


def test_a_refused_archive_of_an_archived_member_counts_as_done(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.contract.set_status(LIST_ID, JANE, "archived")

    assert client.settle_refused_archive(LIST_ID, md5(JANE)) is MemberChange.UNCHANGED
    assert client.settle_refused_archive(LIST_ID, md5("nobody@example.org")) is (
        MemberChange.ABSENT
    )


def test_the_audience_lists_archived_members_too_without_addresses(
    mailchimp: MailchimpServer, client: MailchimpClient
) -> None:
    mailchimp.contract.add_member(LIST_ID, JANE)
    mailchimp.contract.add_member(LIST_ID, "gone@example.org")
    mailchimp.contract.set_status(LIST_ID, "gone@example.org", "archived")

    audience = client.audience(LIST_ID)

    assert {k: v.status for k, v in audience.items()} == {
        md5(JANE): "subscribed",
        md5("gone@example.org"): "archived",
    }
    assert all("email_address" not in query(r.target)["fields"] for r in mailchimp.api_calls())
