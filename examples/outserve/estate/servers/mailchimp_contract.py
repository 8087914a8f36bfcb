"""The slice of the Mailchimp Marketing API v3 that Steward uses, as an in-memory contract.

Implements what Mailchimp documents for these endpoints: members addressed by the MD5 of the
lower-cased address; PATCH to change status, except that an unsubscribed member cannot be set
back to ``subscribed`` by the API (400 "Member In Compliance State": only the person can, through
Mailchimp's confirmation form, which sets ``timestamp_opt`` and ``ip_opt``); DELETE archives (405
for pending, cleaned or already archived members); member listing with status (archived members
only when asked for by status), since_last_changed (strictly after), sort by last_changed (ties
in insertion order), count (max 1000)/offset, ``fields`` and ``total_items``; asynchronous
batches (pending -> started -> finished, one step per status check, or never when stalled)
whose results are a tar.gz of JSON files at a pre-signed URL; errors as application/problem+json.
Any change to a member moves its ``last_changed`` (Mailchimp does so for every edit). A test can
act between two listing pages (``between_pages``), as people do while a pull pages. For
erasure (UK GDPR Art 17): merge fields changed by PATCH, ``GET /lists?email=`` naming every
audience that holds an address (count/offset, ``total_items``), and ``POST
.../actions/delete-permanent`` (204; then 404). ``mailchimp.py`` serves it over real HTTP.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from examples.outserve.estate.servers.base import Answer

PROBLEM_TYPE = "https://mailchimp.com/developer/marketing/docs/errors/"
STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived")
SETTABLE = ("subscribed", "unsubscribed", "pending", "transactional")
RESULTS_PER_FILE = 3  # small, so that tests read results spread over several files
_MEMBERS = re.compile(r"^/lists/([^/]+)/members$")
_MEMBER = re.compile(r"^/lists/([^/]+)/members/([^/]+)$")
_DELETE_PERMANENT = re.compile(r"^/lists/([^/]+)/members/([^/]+)/actions/delete-permanent$")
_BATCH = re.compile(r"^/batches/([^/]+)$")


def json_answer(status: int, data: object) -> Answer:
    return Answer(status, json.dumps(data).encode())


def problem(status: int, title: str, detail: str) -> Answer:
    body = {
        "type": PROBLEM_TYPE,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(uuid.uuid4()),
    }
    return Answer(status, json.dumps(body).encode(), "application/problem+json; charset=utf-8")


def member_hash(email: str) -> str:
    return hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class ContractMember:
    email: str
    list_id: str
    status: str
    last_changed: datetime
    timestamp_opt: datetime | None = None
    ip_opt: str = ""
    merge_fields: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return member_hash(self.email)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email_address": self.email,
            "status": self.status,
            "last_changed": stamp(self.last_changed),
            "timestamp_opt": stamp(self.timestamp_opt) if self.timestamp_opt else "",
            "ip_opt": self.ip_opt,
            "list_id": self.list_id,
            "merge_fields": dict(self.merge_fields),
        }


@dataclass
class ContractBatch:
    id: str
    operations: list[dict[str, Any]]
    submitted_at: datetime
    status: str = "pending"
    completed_at: datetime | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, results_url: str) -> dict[str, Any]:
        errored = sum(1 for r in self.results if r["status_code"] >= 400)
        return {
            "id": self.id,
            "status": self.status,
            "total_operations": len(self.operations),
            "finished_operations": len(self.results),
            "errored_operations": errored,
            "submitted_at": stamp(self.submitted_at),
            "completed_at": stamp(self.completed_at) if self.completed_at else "",
            "response_body_url": results_url if self.status == "finished" else "",
        }


class MailchimpContract:
    """Audience state plus the API's behaviour; every change moves a one-second-per-step clock."""

    def __init__(self, api_key: str, list_ids: tuple[str, ...], start: datetime) -> None:
        self.api_key = api_key
        self.lists: dict[str, dict[str, ContractMember]] = {list_id: {} for list_id in list_ids}
        self.batches: dict[str, ContractBatch] = {}
        self.results_url: Callable[[str], str] = lambda batch_id: f"/batch-results/{batch_id}"
        self.lock = threading.RLock()
        self.between_pages: Callable[[int], None] | None = None  # called with pages served so far
        self.stall_batches = False
        self.before_batch: Callable[[int], None] | None = None  # called with batches so far
        self.pages_served = 0
        self.forgotten: dict[str, set[str]] = {}  # list id -> hashes deleted permanently
        self._now = start

    def tick(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now

    # -- test-side actions (what people do inside Mailchimp) --------------------------------------

    def add_member(
        self,
        list_id: str,
        email: str,
        status: str = "subscribed",
        merge_fields: Mapping[str, str] | None = None,
    ) -> None:
        with self.lock:
            now = self.tick()
            opted = now if status == "subscribed" else None
            self.lists.setdefault(list_id, {})[member_hash(email)] = ContractMember(
                email, list_id, status, now, opted, merge_fields=dict(merge_fields or {})
            )

    def unsubscribe_many_at_once(self, list_id: str, emails: list[str]) -> datetime:
        """Several members change in one second (a bulk action in Mailchimp)."""
        with self.lock:
            now = self.tick()
            for email in emails:
                member = self.lists[list_id][member_hash(email)]
                member.status, member.last_changed = "unsubscribed", now
            return now

    def edit_in_mailchimp(self, list_id: str, email: str) -> datetime:
        """Someone edits a merge field or a tag: only ``last_changed`` moves."""
        with self.lock:
            member = self.lists[list_id][member_hash(email)]
            member.last_changed = self.tick()
            return member.last_changed

    def resubscribe_through_form(self, list_id: str, email: str, ip: str = "") -> datetime:
        """The person signs up again on Mailchimp's hosted form and clicks the confirmation
        link (double opt-in): subscribed, with the confirmation time and IP recorded."""
        with self.lock:
            member = self.lists[list_id][member_hash(email)]
            now = self.tick()
            member.status, member.last_changed = "subscribed", now
            member.timestamp_opt, member.ip_opt = now, ip
            return now

    def unsubscribe_in_mailchimp(self, list_id: str, email: str) -> datetime:
        """A person clicks Mailchimp's own unsubscribe link."""
        with self.lock:
            member = self.lists[list_id][member_hash(email)]
            member.status, member.last_changed = "unsubscribed", self.tick()
            return member.last_changed

    def set_status(self, list_id: str, email: str, status: str) -> None:
        """What the organisation does in Mailchimp's own screens (archive, clean, ...)."""
        with self.lock:
            member = self.lists[list_id][member_hash(email)]
            member.status, member.last_changed = status, self.tick()

    def status_of(self, list_id: str, email: str) -> str | None:
        with self.lock:
            member = self.lists[list_id].get(member_hash(email))
            return member.status if member else None

    def snapshot(self, list_id: str) -> dict[str, tuple[str, datetime]]:
        with self.lock:
            return {h: (m.status, m.last_changed) for h, m in self.lists[list_id].items()}

    # -- the API ----------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: Mapping[str, str], body: bytes) -> Answer:
        """Answer one authorised API call; ``path`` is relative to /3.0."""
        with self.lock:
            if path == "/lists" and method == "GET":
                return self._lists(query)
            if (match := _DELETE_PERMANENT.match(path)) and method == "POST":
                return self._delete_permanent(match.group(1), match.group(2))
            if match := _MEMBERS.match(path):
                if method != "GET":
                    return problem(405, "Method Not Allowed", f"{method} is not allowed here.")
                return self._list_members(match.group(1), query)
            if match := _MEMBER.match(path):
                return self._member(method, match.group(1), match.group(2), query, body)
            if path == "/batches" and method == "POST":
                return self._submit_batch(body)
            if (match := _BATCH.match(path)) and method == "GET":
                return self._batch_status(match.group(1))
            return problem(404, "Resource Not Found", "The requested resource could not be found.")

    def _audience(self, list_id: str) -> dict[str, ContractMember] | None:
        return self.lists.get(list_id)

    def _list_members(self, list_id: str, query: Mapping[str, str]) -> Answer:
        audience = self._audience(list_id)
        if audience is None:
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        try:
            count = int(query.get("count", "10"))
            offset = int(query.get("offset", "0"))
            since = query.get("since_last_changed")
            since_time = datetime.fromisoformat(since) if since else None
        except ValueError:
            return problem(400, "Invalid Resource", "A query parameter has an invalid value.")
        if not 0 < count <= 1000 or offset < 0:
            return problem(400, "Invalid Resource", "count must be 1..1000 and offset >= 0.")
        status = query.get("status")
        if status is not None and status not in STATUSES:
            return problem(400, "Invalid Resource", f"'{status}' is not a member status.")
        members = [
            m
            for m in audience.values()
            if (m.status == status if status is not None else m.status != "archived")
            and (since_time is None or m.last_changed > since_time)
        ]
        if query.get("sort_field") == "last_changed":
            members.sort(key=lambda m: m.last_changed, reverse=query.get("sort_dir") == "DESC")
        page = {
            "members": [m.as_json() for m in members[offset : offset + count]],
            "list_id": list_id,
            "total_items": len(members),
        }
        answer = json_answer(200, select_fields(page, query.get("fields")))
        self.pages_served += 1
        if self.between_pages is not None:
            self.between_pages(self.pages_served)
        return answer

    def _member(
        self, method: str, list_id: str, member_id: str, query: Mapping[str, str], body: bytes
    ) -> Answer:
        audience = self._audience(list_id)
        member = audience.get(member_id) if audience is not None else None
        if member is None:
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        if method == "GET":
            return json_answer(200, select_fields(member.as_json(), query.get("fields")))
        if method == "PATCH":
            change = json.loads(body or b"{}")
            wanted = change.get("status", member.status)
            if wanted not in SETTABLE:
                return problem(
                    400, "Invalid Resource", f"{member.email} could not be set to '{wanted}'."
                )
            if wanted == "subscribed" and member.status == "unsubscribed":
                return problem(
                    400,
                    "Member In Compliance State",
                    f"{member.email} is in a compliance state due to unsubscribe, bounce, or "
                    "compliance review and cannot be subscribed.",
                )
            merged = {**member.merge_fields, **change.get("merge_fields", {})}
            if wanted != member.status or merged != member.merge_fields:
                member.status, member.merge_fields = wanted, merged
                member.last_changed = self.tick()
            return json_answer(200, member.as_json())
        if method == "DELETE":
            if member.status in ("archived", "pending", "cleaned"):
                return problem(
                    405,
                    "Method Not Allowed",
                    "This list member cannot be removed. Can not archive a contact that is "
                    "bounced, pending or archived",
                )
            member.status, member.last_changed = "archived", self.tick()
            return Answer(204)
        return problem(405, "Method Not Allowed", f"{method} is not allowed here.")

    def _lists(self, query: Mapping[str, str]) -> Answer:
        """GET /lists: every audience, or with ``email`` those that hold that address."""
        try:
            count = int(query.get("count", "10"))
            offset = int(query.get("offset", "0"))
        except ValueError:
            return problem(400, "Invalid Resource", "A query parameter has an invalid value.")
        if not 0 < count <= 1000 or offset < 0:
            return problem(400, "Invalid Resource", "count must be 1..1000 and offset >= 0.")
        email = query.get("email")
        held = [
            list_id
            for list_id, audience in self.lists.items()
            if email is None or member_hash(email) in audience
        ]
        page = {
            "lists": [
                {"id": list_id, "name": list_id} for list_id in held[offset : offset + count]
            ],
            "total_items": len(held),
        }
        return json_answer(200, select_fields(page, query.get("fields")))

    def _delete_permanent(self, list_id: str, member_id: str) -> Answer:
        """Removes the member and everything Mailchimp held about them; the address cannot be
        re-imported into this audience afterwards (Mailchimp's own documented effect)."""
        audience = self._audience(list_id)
        if audience is None or member_id not in audience:
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        del audience[member_id]
        self.forgotten.setdefault(list_id, set()).add(member_id)
        return Answer(204)

    def _submit_batch(self, body: bytes) -> Answer:
        operations = json.loads(body or b"{}").get("operations")
        if not isinstance(operations, list):
            return problem(400, "Invalid Resource", "The 'operations' array is required.")
        if self.before_batch is not None:
            self.before_batch(len(self.batches))
        batch = ContractBatch(uuid.uuid4().hex[:10], operations, self.tick())
        self.batches[batch.id] = batch
        return json_answer(200, batch.as_json(self.results_url(batch.id)))

    def _batch_status(self, batch_id: str) -> Answer:
        batch = self.batches.get(batch_id)
        if batch is None:
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        if batch.status == "pending":
            batch.status = "started"
        elif batch.status == "started" and not self.stall_batches:
            batch.results = [self._run_operation(op) for op in batch.operations]
            batch.status, batch.completed_at = "finished", self.tick()
        return json_answer(200, batch.as_json(self.results_url(batch.id)))

    def _run_operation(self, operation: Mapping[str, Any]) -> dict[str, Any]:
        path = str(operation["path"])
        params = {str(k): str(v) for k, v in (operation.get("params") or {}).items()}
        answer = self.handle(
            str(operation["method"]).upper(), path, params, str(operation.get("body", "")).encode()
        )
        return {
            "status_code": answer.status,
            "operation_id": operation.get("operation_id"),
            "response": answer.body.decode(),
        }

    def results_archive(self, batch_id: str) -> bytes | None:
        """The tar.gz Mailchimp leaves at ``response_body_url`` once a batch has finished."""
        with self.lock:
            batch = self.batches.get(batch_id)
            if batch is None or batch.status != "finished":
                return None
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
                for number, start in enumerate(range(0, len(batch.results), RESULTS_PER_FILE)):
                    data = json.dumps(batch.results[start : start + RESULTS_PER_FILE]).encode()
                    entry = tarfile.TarInfo(f"{batch_id}/{number}.json")
                    entry.size = len(data)
                    archive.addfile(entry, io.BytesIO(data))
            return buffer.getvalue()


def select_fields(document: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """Mailchimp's ``fields`` parameter: keep only the listed (dotted) fields."""
    if not fields:
        return document
    wanted = [name.strip() for name in fields.split(",") if name.strip()]
    selected: dict[str, Any] = {}
    for name in wanted:
        head, _, rest = name.partition(".")
        if head not in document:
            continue
        value = document[head]
        if rest and isinstance(value, list):
            kept = selected.setdefault(head, [{} for _ in value])
            for target, item in zip(kept, value, strict=True):
                if rest in item:
                    target[rest] = item[rest]
        elif not rest:
            selected[head] = value
    return selected
