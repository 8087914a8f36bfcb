"""Mailchimp Marketing API v3 client: the few calls Steward needs to keep an audience in step.

Members are addressed by their subscriber hash (``mailchimp_operations``), so no plaintext
address travels in a URL, a log line or an error; Steward only ever sends status changes, never
addresses (UK GDPR Art 5(1)(c) data minimisation; RULES.md R2.7).
"""

from __future__ import annotations

import base64
import logging
import tarfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx
from pydantic import SecretStr

from steward.connectors.http_retry import RetryingSender, RetryPolicy, Sleep
from steward.connectors.mailchimp_address import API_ROOT, SERVICE, api_root, base_url_for_key
from steward.connectors.mailchimp_audience import (
    AudienceMember,
    Member,
    MemberPage,
    MemberReader,
    confirmed_opt_in,
)
from steward.connectors.mailchimp_operations import (
    CANNOT_ARCHIVE,
    BatchOperation,
    BatchOutcome,
    BatchProgress,
    BatchStillRunning,
    MemberChange,
    OperationResult,
    archive_operation,
    member_path,
    read_results_archive,
    redact_addresses,
    settled_by_status,
    subscriber_hash,
    unsubscribe_operation,
)
from steward.errors import ConnectorError, InvalidInput

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 1000  # the largest ``count`` the members endpoint accepts
_BATCH_DONE = "finished"
Monotonic = Callable[[], float]


class MailchimpClient:
    """The Marketing API v3 over an injected ``httpx.Client``.

    The API key goes only to the API host (Basic auth, any user name); batch results are
    downloaded from their pre-signed URL without it.
    """

    def __init__(
        self,
        http: httpx.Client,
        api_key: SecretStr,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        poll_interval: float = 5.0,
        batch_timeout: float = 900.0,
        monotonic: Monotonic = time.monotonic,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"page size {page_size} is outside 1..{MAX_PAGE_SIZE}", where="page_size"
            )
        self._http = http
        token = base64.b64encode(f"steward:{api_key.get_secret_value()}".encode()).decode()
        self._authorization = f"Basic {token}"
        if batch_timeout <= 0:
            raise InvalidInput(
                f"batch timeout {batch_timeout} is not positive", where="batch_timeout"
            )
        self._root = api_root(base_url or base_url_for_key(api_key))
        self._sender = RetryingSender(http, service=SERVICE, policy=retry, sleep=sleep)
        self._sleep = sleep
        self._poll_interval = poll_interval
        self._batch_timeout = batch_timeout
        self._monotonic = monotonic
        self._page_size = page_size

    def __repr__(self) -> str:
        return f"MailchimpClient(root={self._root!r})"

    # -- single members -------------------------------------------------------------------------

    def member_status(self, list_id: str, email: str) -> str | None:
        """The member's status in the audience, or None when the address is not in it."""
        return self.member_status_by_id(list_id, subscriber_hash(email))

    def member_status_by_id(self, list_id: str, member_id: str) -> str | None:
        """The status of the member with this subscriber hash, or None when there is none."""
        path = member_path(list_id, member_id)
        response = self._call("GET", path, params={"fields": "status"}, allow=(404,))
        if response.status_code == 404:
            return None
        return str(_json_document(response, "GET", path)["status"])

    def unsubscribe_by_id(self, list_id: str, member_id: str) -> MemberChange:
        """PATCH one member to ``unsubscribed`` (the only suppression a pending member takes)."""
        op = unsubscribe_operation(list_id, member_id)
        response = self._call(op.method, op.path, json_body=op.body, allow=(404,))
        return MemberChange.ABSENT if response.status_code == 404 else MemberChange.CHANGED

    def unsubscribe(self, list_id: str, email: str) -> MemberChange:
        """Set the member to ``unsubscribed``: Mailchimp then refuses to mail or re-add them."""
        return self._suppress(list_id, email, unsubscribe_operation, done={"unsubscribed"})

    def archive(self, list_id: str, email: str) -> MemberChange:
        """Archive the member (HTTP DELETE): hidden from the audience, history kept."""
        return self._suppress(list_id, email, archive_operation, done={"archived"})

    def _suppress(
        self,
        list_id: str,
        email: str,
        operation: Callable[[str, str], BatchOperation],
        *,
        done: set[str],
    ) -> MemberChange:
        status = self.member_status(list_id, email)
        if status is None:
            return MemberChange.ABSENT
        if status in done:
            return MemberChange.UNCHANGED
        member_id = subscriber_hash(email)
        if status == "pending":  # not confirmed yet, and Mailchimp cannot archive it
            return self.unsubscribe_by_id(list_id, member_id)
        op = operation(list_id, member_id)
        response = self._call(op.method, op.path, json_body=op.body, allow=(404, CANNOT_ARCHIVE))
        if response.status_code == CANNOT_ARCHIVE:
            return self.settle_refused_archive(list_id, member_id)
        return MemberChange.ABSENT if response.status_code == 404 else MemberChange.CHANGED

    def settle_refused_archive(self, list_id: str, member_id: str) -> MemberChange:
        """A 405 to an archive: read the member back. Archived or cleaned is done; a member
        pending confirmation is unsubscribed instead (docs/connectors.md)."""
        status = self.member_status_by_id(list_id, member_id)
        settled = settled_by_status(status)
        if settled is not None:
            return settled
        if status == "pending":
            return self.unsubscribe_by_id(list_id, member_id)
        raise ConnectorError(
            f"Mailchimp would not archive member {member_id}, whose status is {status!r}",
            where=f"{SERVICE} DELETE {API_ROOT}{member_path(list_id, member_id)}",
            hint="check the member in Mailchimp (search the audience by this id) and run again",
        )

    # -- batches --------------------------------------------------------------------------------

    def run_batch(
        self,
        operations: Sequence[BatchOperation],
        *,
        on_progress: Callable[[BatchProgress], None] | None = None,
    ) -> BatchOutcome:
        """Submit operations as one batch, wait (at most the batch timeout) until Mailchimp
        finishes it, read each result. ``on_progress`` sees the batch at every check."""
        if not operations:
            return BatchOutcome("", [])
        submitted = self._call_json(
            "POST", "/batches", json_body={"operations": [op.as_json() for op in operations]}
        )
        batch_id = str(submitted["id"])
        batch = submitted
        started = self._monotonic()
        while True:
            status = str(batch.get("status"))
            if on_progress is not None:
                on_progress(
                    BatchProgress(
                        batch_id,
                        status,
                        int(batch.get("finished_operations") or 0),
                        int(batch.get("total_operations") or len(operations)),
                    )
                )
            if status == _BATCH_DONE:
                break
            waited = self._monotonic() - started
            if waited >= self._batch_timeout:
                raise BatchStillRunning(batch_id, status, waited)
            self._sleep(min(self._poll_interval, self._batch_timeout - waited))
            batch = self._call_json("GET", f"/batches/{batch_id}")
        log.info(
            "Mailchimp batch %s finished: %s operations, %s errored",
            batch_id,
            batch.get("total_operations"),
            batch.get("errored_operations"),
        )
        results = self._batch_results(batch_id, str(batch.get("response_body_url") or ""))
        return BatchOutcome(batch_id, results)

    def _batch_results(self, batch_id: str, url: str) -> list[OperationResult]:
        where = f"{SERVICE} batch {batch_id} results"
        if not url:
            raise ConnectorError(
                "the finished batch has no results URL", where=where, hint="run again later"
            )
        response = self._sender.send(self._http.build_request("GET", url))
        if response.status_code != 200:
            raise ConnectorError(
                f"downloading the batch results answered HTTP {response.status_code}",
                where=where,
                hint="the results link expires after a while; run the push again",
            )
        try:
            return list(read_results_archive(response.content))
        except (tarfile.TarError, ValueError, KeyError, TypeError) as error:
            raise ConnectorError(
                f"the batch results could not be read ({type(error).__name__})",
                where=where,
                hint="run again; if it persists, report the batch id to Mailchimp",
            ) from error

    # -- listing --------------------------------------------------------------------------------

    def member_ids_with_status(self, list_id: str, status: str) -> set[str]:
        """Subscriber hashes of every member with ``status`` (no addresses are fetched)."""
        fields = "members.id,members.last_changed,total_items"
        reader = self._reader(list_id, fields)
        return {m.id for page in reader.pages(None, status=status) for m in page.members}

    def audience(self, list_id: str) -> dict[str, AudienceMember]:
        """Every member, archived ones included, by subscriber hash: status and confirmed opt-in
        time, never addresses. Read by change time, so a member edited meanwhile is not skipped."""
        fields = (
            "members.id,members.status,members.last_changed,members.timestamp_opt,"
            "members.ip_opt,total_items"
        )
        reader = self._reader(list_id, fields)
        found: dict[str, AudienceMember] = {}
        for status in (None, "archived"):  # a listing without a status leaves archived out
            for page in reader.pages(None, status=status):
                for m in page.members:
                    confirmed = confirmed_opt_in(m.status, m.timestamp_opt, m.ip_opt)
                    found[m.id] = AudienceMember(m.status, m.timestamp_opt if confirmed else None)
        return found

    def changes_since(self, list_id: str, since: datetime | None) -> Iterator[MemberPage]:
        """Members whose record changed after ``since`` (all when None), oldest change first,
        each page saying up to when every change has been read (``MemberPage.read_through``)."""
        if since is not None and since.tzinfo is None:
            raise InvalidInput(
                f"'{since.isoformat()}' has no time zone",
                where="since",
                hint="give the time in UTC, e.g. 2026-03-01T00:00:00+00:00",
            )
        fields = (
            "members.id,members.email_address,members.status,members.last_changed,"
            "members.timestamp_opt,members.ip_opt,total_items"
        )
        return self._reader(list_id, fields).pages(since)

    def unsubscribed_since(self, list_id: str, since: datetime) -> Iterator[Member]:
        """Members now unsubscribed whose record changed after ``since``, oldest change first."""
        for page in self.changes_since(list_id, since):
            yield from (m for m in page.members if m.status == "unsubscribed")

    def _reader(self, list_id: str, fields: str) -> MemberReader:
        def fetch(params: Mapping[str, str | int]) -> Mapping[str, Any]:
            query = {"count": self._page_size, "fields": fields, **params}
            return self._call_json("GET", f"/lists/{list_id}/members", params=query)

        return MemberReader(fetch, self._page_size)

    # -- transport ------------------------------------------------------------------------------

    def _call_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Mapping[str, Any] | None = None,
    ) -> Mapping[str, Any]:
        response = self._call(method, path, params=params, json_body=json_body)
        return _json_document(response, method, path)

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Mapping[str, Any] | None = None,
        allow: tuple[int, ...] = (),
    ) -> httpx.Response:
        request = self._http.build_request(method, self._root + path, params=params, json=json_body)
        request.headers["Authorization"] = self._authorization
        response = self._sender.send(request)
        log.debug("Mailchimp %s %s -> %d", method, path, response.status_code)
        if response.is_success or response.status_code in allow:
            return response
        raise _problem_error(response, method, path)


def _json_document(response: httpx.Response, method: str, path: str) -> Mapping[str, Any]:
    """A JSON object, or a ConnectorError (a proxy or captive portal can answer 200 with HTML)."""
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ConnectorError(
            "Mailchimp answered with something that is not a JSON object",
            where=f"{SERVICE} {method} {API_ROOT}{path}",
            hint="check that STEWARD_MAILCHIMP_BASE_URL (if set) points at the API",
        )
    return document


def _problem_error(response: httpx.Response, method: str, path: str) -> ConnectorError:
    """Turn Mailchimp's problem+json into a ConnectorError that names no key and no address."""
    title, detail = response.reason_phrase, ""
    try:
        problem = response.json()
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        title = str(problem.get("title") or title)
        detail = str(problem.get("detail") or "")
    status = response.status_code
    if status in (401, 403):
        hint = (
            "check STEWARD_MAILCHIMP_API_KEY: the key may be revoked, mistyped or for another "
            "data centre"
        )
    elif status == 404:
        hint = "check the audience (list) id in Mailchimp: Audience > Settings > Audience ID"
    else:
        hint = "see Mailchimp's detail above; the member id is the MD5 of the lower-cased address"
    message = f"Mailchimp refused the request: HTTP {status} {title}"
    if detail:
        message += f": {redact_addresses(detail)}"
    return ConnectorError(message, where=f"{SERVICE} {method} {API_ROOT}{path}", hint=hint)
