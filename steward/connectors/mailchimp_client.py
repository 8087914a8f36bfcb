"""Mailchimp Marketing API v3 client: the few calls Steward needs to keep an audience in step.

Members are addressed by their subscriber hash (``mailchimp_operations``), so no plaintext
address travels in a URL, a log line or an error; Steward only ever sends status changes, never
addresses (UK GDPR Art 5(1)(c) data minimisation; RULES.md R2.7).
"""

from __future__ import annotations

import base64
import logging
import re
import tarfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr

from steward.connectors.http_retry import RetryingSender, RetryPolicy, Sleep
from steward.connectors.mailchimp_operations import (
    BatchOperation,
    MemberChange,
    OperationResult,
    archive_operation,
    member_path,
    read_results_archive,
    redact_addresses,
    subscriber_hash,
    unsubscribe_operation,
)
from steward.errors import ConfigError, ConnectorError, InvalidInput

log = logging.getLogger(__name__)

SERVICE = "Mailchimp"
API_ROOT = "/3.0"
MAX_PAGE_SIZE = 1000  # the largest ``count`` the members endpoint accepts
_DATA_CENTRE = re.compile(r"^[a-z]+[0-9]+$")
_BATCH_DONE = "finished"


def base_url_for_key(api_key: SecretStr) -> str:
    """The API root for a key: its data-centre suffix (``...-us21``) names the host."""
    _, dash, centre = api_key.get_secret_value().rpartition("-")
    if not dash or not _DATA_CENTRE.match(centre):
        raise ConfigError(
            "the Mailchimp API key has no data-centre suffix",
            where="STEWARD_MAILCHIMP_API_KEY",
            hint="copy the whole key from Mailchimp (Profile > Extras > API keys); "
            "it ends in a data centre such as '-us21'",
        )
    return f"https://{centre}.api.mailchimp.com"


@dataclass(frozen=True)
class Member:
    """An audience member as the pull needs it."""

    id: str
    email: str
    status: str
    last_changed: datetime


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
        max_polls: int = 360,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"page size {page_size} is outside 1..{MAX_PAGE_SIZE}", where="page_size"
            )
        self._http = http
        token = base64.b64encode(f"steward:{api_key.get_secret_value()}".encode()).decode()
        self._authorization = f"Basic {token}"
        self._root = (base_url or base_url_for_key(api_key)).rstrip("/") + API_ROOT
        self._sender = RetryingSender(http, service=SERVICE, policy=retry, sleep=sleep)
        self._sleep = sleep
        self._poll_interval = poll_interval
        self._max_polls = max_polls
        self._page_size = page_size

    def __repr__(self) -> str:
        return f"MailchimpClient(root={self._root!r})"

    # -- single members -------------------------------------------------------------------------

    def member_status(self, list_id: str, email: str) -> str | None:
        """The member's status in the audience, or None when the address is not in it."""
        path = member_path(list_id, subscriber_hash(email))
        response = self._call("GET", path, params={"fields": "status"}, allow=(404,))
        if response.status_code == 404:
            return None
        return str(_json_document(response, "GET", path)["status"])

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
        op = operation(list_id, subscriber_hash(email))
        response = self._call(op.method, op.path, json_body=op.body, allow=(404,))
        return MemberChange.ABSENT if response.status_code == 404 else MemberChange.CHANGED

    # -- batches --------------------------------------------------------------------------------

    def run_batch(self, operations: Sequence[BatchOperation]) -> list[OperationResult]:
        """Submit operations as one batch, wait until Mailchimp finishes it, read each result."""
        if not operations:
            return []
        submitted = self._call_json(
            "POST", "/batches", json_body={"operations": [op.as_json() for op in operations]}
        )
        batch_id = str(submitted["id"])
        batch = submitted
        polls = 0
        while batch.get("status") != _BATCH_DONE:
            if polls >= self._max_polls:
                raise ConnectorError(
                    f"batch {batch_id} is still '{batch.get('status')}' after {polls} checks",
                    where=f"{SERVICE} batch {batch_id}",
                    hint="Mailchimp is busy; run again later (members already changed are skipped)",
                )
            self._sleep(self._poll_interval)
            polls += 1
            batch = self._call_json("GET", f"/batches/{batch_id}")
        log.info(
            "Mailchimp batch %s finished: %s operations, %s errored",
            batch_id,
            batch.get("total_operations"),
            batch.get("errored_operations"),
        )
        return self._batch_results(batch_id, str(batch.get("response_body_url") or ""))

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
        fields = "members.id,total_items"
        return {str(raw["id"]) for raw in self._members(list_id, {"status": status}, fields)}

    def unsubscribed_since(self, list_id: str, since: datetime) -> Iterator[Member]:
        """Members now unsubscribed whose record changed after ``since``, oldest change first."""
        if since.tzinfo is None:
            raise InvalidInput(
                f"'{since.isoformat()}' has no time zone",
                where="since",
                hint="give the time in UTC, e.g. 2026-03-01T00:00:00+00:00",
            )
        params = {
            "status": "unsubscribed",
            "since_last_changed": since.astimezone(UTC).isoformat(timespec="seconds"),
            "sort_field": "last_changed",
            "sort_dir": "ASC",
        }
        fields = "members.id,members.email_address,members.status,members.last_changed,total_items"
        for raw in self._members(list_id, params, fields):
            yield Member(
                id=str(raw["id"]),
                email=str(raw["email_address"]),
                status=str(raw["status"]),
                last_changed=datetime.fromisoformat(str(raw["last_changed"])),
            )

    def _members(
        self, list_id: str, filters: Mapping[str, str], fields: str
    ) -> Iterator[Mapping[str, Any]]:
        """Walk the members collection with count/offset until ``total_items`` are read."""
        offset = 0
        while True:
            params: dict[str, str | int] = {
                **filters,
                "fields": fields,
                "count": self._page_size,
                "offset": offset,
            }
            page = self._call_json("GET", f"/lists/{list_id}/members", params=params)
            members = page.get("members") or []
            yield from members
            offset += len(members)
            if not members or offset >= int(page.get("total_items", 0)):
                return

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
