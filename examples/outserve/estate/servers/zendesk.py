"""The slice of Zendesk's Support API v2 that Steward uses, served on 127.0.0.1.

As Zendesk documents it: API-token auth (Basic, ``{email}/token`` and the token); user search
``GET /api/v2/users/search[.json]?query=email:...`` with offset pages (``per_page``, ``page``,
``next_page`` as a full URL, ``count``); ``GET``/``PUT /api/v2/users/{id}[.json]`` answering
``{"user": ...}``; ``DELETE /api/v2/users/{id}`` soft-deletes (the user stays, ``active:
false``) and only ``DELETE /api/v2/deleted_users/{id}`` removes it for good (404 unless it was
soft-deleted first); tickets a user requested, ``GET
/api/v2/users/{id}/tickets/requested[.json]`` with cursor pages (``page[size]`` at most 100,
``page[after]``, ``meta.has_more``, ``meta.after_cursor``, ``links.next``); ``GET``/``PUT``/
``DELETE /api/v2/tickets/{id}`` and ``DELETE /api/v2/deleted_tickets/{id}``; the search API
for ``type:user``/``type:ticket`` with ``created<date`` (retention). Errors as
Zendesk's ``{"error": ..., "description": ...}``. Seed data in Zendesk's own shapes:
``{"users": [{"id": 1, "name": ..., "email": ...}], "tickets": [{"id": 7, "requester_id": 1,
"subject": ...}]}``.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from examples.outserve.estate.servers.base import Answer, ContractServer, Indexed, json_answer

STAMP = "2026-03-02T09:00:00Z"
_JSON = r"(?:\.json)?$"
_SEARCH = re.compile(r"^/api/v2/users/search" + _JSON)
_USER = re.compile(r"^/api/v2/users/(\d+)" + _JSON)
_DELETED_USER = re.compile(r"^/api/v2/deleted_users/(\d+)" + _JSON)
_REQUESTED = re.compile(r"^/api/v2/users/(\d+)/tickets/requested" + _JSON)
_SEARCH_ALL = re.compile(r"^/api/v2/search" + _JSON)
_TICKET = re.compile(r"^/api/v2/tickets/(\d+)" + _JSON)
_DELETED_TICKET = re.compile(r"^/api/v2/deleted_tickets/(\d+)" + _JSON)
_TERM = re.compile(r"^(type):(\w+)$|^(created)<(\d{4}-\d{2}-\d{2})$")
USER_FIELDS = ("name", "email", "phone", "notes", "suspended", "user_fields", "time_zone")
TICKET_FIELDS = ("subject", "description", "status", "priority", "tags")


class ZendeskServer(ContractServer):
    api_prefix = "/api/v2/"

    def __init__(self, email: str, api_token: str, port: int = 0) -> None:
        super().__init__(port)
        expected = base64.b64encode(f"{email}/token:{api_token}".encode()).decode()
        self._authorization = f"Basic {expected}"
        self.users: dict[int, dict[str, Any]] = {}
        self.soft_deleted_users: set[int] = set()
        self.tickets: dict[int, dict[str, Any]] = {}
        self.soft_deleted_tickets: set[int] = set()
        self._state = threading.RLock()
        self._user_index = Indexed(self.users, _field)
        self._ticket_index = Indexed(self.tickets, _field)

    @classmethod
    def from_seed(
        cls, seed: Mapping[str, Any], email: str, api_token: str, port: int = 0
    ) -> ZendeskServer:
        server = cls(email, api_token, port)
        for user in seed.get("users", []):
            server.add_user(dict(user))
        for ticket in seed.get("tickets", []):
            server.add_ticket(dict(ticket))
        return server

    def add_user(self, user: dict[str, Any]) -> int:
        with self._state:
            user_id = int(user.get("id") or max(self.users, default=0) + 1)
            if user_id in self.users:
                self._user_index.before_change(user_id, self.users[user_id])
            self.users[user_id] = {
                "role": "end-user",
                "active": True,
                "suspended": False,
                "phone": None,
                "created_at": STAMP,
                "updated_at": STAMP,
                "user_fields": {},
                **user,
                "id": user_id,
                "url": f"{self.base_url}/api/v2/users/{user_id}.json",
            }
            self._user_index.after_change(user_id, self.users[user_id])
            return user_id

    def add_ticket(self, ticket: dict[str, Any]) -> int:
        with self._state:
            ticket_id = int(ticket.get("id") or max(self.tickets, default=0) + 1)
            if ticket_id in self.tickets:
                self._ticket_index.before_change(ticket_id, self.tickets[ticket_id])
            self.tickets[ticket_id] = {
                "status": "open",
                "created_at": STAMP,
                "updated_at": STAMP,
                **ticket,
                "id": ticket_id,
                "url": f"{self.base_url}/api/v2/tickets/{ticket_id}.json",
            }
            self._ticket_index.after_change(ticket_id, self.tickets[ticket_id])
            return ticket_id

    def error(self, status: int, message: str) -> Answer:
        if status == 404:
            return json_answer(404, {"error": "RecordNotFound", "description": "Not found"})
        if status == 429:
            return json_answer(429, {"error": "TooManyRequests", "description": message})
        return json_answer(status, {"error": message})

    def route(self, method: str, target: str, authorization: str | None, body: bytes) -> Answer:
        if authorization != self._authorization:
            return json_answer(401, {"error": "Couldn't authenticate you"})
        url = urlsplit(target)
        query = dict(parse_qsl(url.query))
        try:
            document = json.loads(body) if body else {}
        except ValueError:
            return self.error(400, "InvalidJSON")
        with self._state:
            path = url.path
            if _SEARCH.match(path) and method == "GET":
                return self._search(query)
            if _SEARCH_ALL.match(path) and method == "GET":
                return self._search_all(query)
            if (match := _REQUESTED.match(path)) and method == "GET":
                return self._requested(int(match.group(1)), query)
            if match := _USER.match(path):
                return self._user(method, int(match.group(1)), document)
            if (match := _DELETED_USER.match(path)) and method == "DELETE":
                return self._forget(
                    self.users, self.soft_deleted_users, int(match.group(1)), self._user_index
                )
            if match := _TICKET.match(path):
                return self._ticket(method, int(match.group(1)), document)
            if (match := _DELETED_TICKET.match(path)) and method == "DELETE":
                return self._forget(
                    self.tickets,
                    self.soft_deleted_tickets,
                    int(match.group(1)),
                    self._ticket_index,
                )
            return self.error(404, "")

    def _search(self, query: Mapping[str, str]) -> Answer:
        text = query.get("query", "")
        if not text:
            return self.error(400, "InvalidSearch: a query or external_id is required")
        per_page = min(int(query.get("per_page", "100")), 100)
        page = int(query.get("page", "1"))
        field, _, wanted = text.partition(":")
        found = [
            self.users[int(user_id)]
            for user_id in self._user_index.index(field).ids(wanted)
            if user_id not in self.soft_deleted_users
        ]
        start = (page - 1) * per_page
        more = start + per_page < len(found)
        next_page = (
            f"{self.base_url}/api/v2/users/search.json?"
            + urlencode({"query": text, "page": page + 1, "per_page": per_page})
            if more
            else None
        )
        return json_answer(
            200,
            {
                "users": found[start : start + per_page],
                "next_page": next_page,
                "previous_page": None,
                "count": len(found),
            },
        )

    def _search_all(self, query: Mapping[str, str]) -> Answer:
        """The search API, for what retention needs: ``type:user`` or ``type:ticket`` with
        ``created<YYYY-MM-DD``; offset pages with ``next_page``."""
        text = query.get("query", "")
        terms = dict(
            term.partition(":")[::2]
            if ":" in term
            else (term.partition("<")[0] + "<", term.partition("<")[2])
            for term in text.split()
        )
        kind, before = terms.get("type"), terms.get("created<")
        if kind not in ("user", "ticket") or before is None:
            return self.error(400, "InvalidSearch: this server knows type:user|ticket created<date")
        records, deleted = (
            (self.users, self.soft_deleted_users)
            if kind == "user"
            else (self.tickets, self.soft_deleted_tickets)
        )
        found = [
            {**record, "result_type": kind}
            for record_id, record in sorted(records.items())
            if record_id not in deleted and str(record["created_at"])[:10] < before
        ]
        per_page = min(int(query.get("per_page", "100")), 100)
        page = int(query.get("page", "1"))
        start = (page - 1) * per_page
        more = start + per_page < len(found)
        link = f"{self.base_url}/api/v2/search.json?" + urlencode(
            {"query": text, "page": page + 1, "per_page": per_page}
        )
        return json_answer(
            200,
            {
                "results": found[start : start + per_page],
                "next_page": link if more else None,
                "previous_page": None,
                "count": len(found),
            },
        )

    def _requested(self, user_id: int, query: Mapping[str, str]) -> Answer:
        if user_id not in self.users:
            return self.error(404, "")
        size = int(query.get("page[size]", "100"))
        if not 0 < size <= 100:
            return self.error(400, "InvalidPaginationParameter")
        mine = [
            self.tickets[int(ticket_id)]
            for ticket_id in sorted(
                int(i) for i in self._ticket_index.index("requester_id").ids(user_id)
            )
            if ticket_id not in self.soft_deleted_tickets
            and self.tickets[ticket_id].get("requester_id") == user_id
        ]
        after = query.get("page[after]")
        start = int(base64.urlsafe_b64decode(after).decode()) if after else 0
        page = mine[start : start + size]
        more = start + size < len(mine)
        cursor = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        link = f"{self.base_url}/api/v2/users/{user_id}/tickets/requested.json?" + urlencode(
            {"page[size]": size, "page[after]": cursor}
        )
        return json_answer(
            200,
            {
                "tickets": page,
                "meta": {
                    "has_more": more,
                    "after_cursor": cursor if more else None,
                    "before_cursor": None,
                },
                "links": {"next": link if more else None, "prev": None},
            },
        )

    def _user(self, method: str, user_id: int, document: Mapping[str, Any]) -> Answer:
        user = self.users.get(user_id)
        if user is None:
            return self.error(404, "")
        if method == "GET":
            return json_answer(200, {"user": user})
        if user_id in self.soft_deleted_users:
            return self.error(404, "")
        if method == "PUT":
            changes = document.get("user") or {}
            self._user_index.before_change(user_id, user)
            user.update({k: v for k, v in changes.items() if k in USER_FIELDS})
            self._user_index.after_change(user_id, user)
            return json_answer(200, {"user": user})
        if method == "DELETE":
            self.soft_deleted_users.add(user_id)
            user["active"] = False
            return json_answer(200, {"user": user})
        return self.error(405, "MethodNotAllowed")

    def _ticket(self, method: str, ticket_id: int, document: Mapping[str, Any]) -> Answer:
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket_id in self.soft_deleted_tickets:
            return self.error(404, "")
        if method == "GET":
            return json_answer(200, {"ticket": ticket})
        if method == "PUT":
            changes = document.get("ticket") or {}
            self._ticket_index.before_change(ticket_id, ticket)
            ticket.update({k: v for k, v in changes.items() if k in TICKET_FIELDS})
            self._ticket_index.after_change(ticket_id, ticket)
            return json_answer(200, {"ticket": ticket})
        if method == "DELETE":
            self.soft_deleted_tickets.add(ticket_id)
            return Answer(204)
        return self.error(405, "MethodNotAllowed")

    @staticmethod
    def _forget(
        records: dict[int, Any], soft_deleted: set[int], record_id: int, indexed: Indexed
    ) -> Answer:
        """Permanent deletion: only what was soft-deleted first; then it is gone for good."""
        if record_id not in soft_deleted:
            return json_answer(404, {"error": "RecordNotFound", "description": "Not found"})
        soft_deleted.discard(record_id)
        indexed.before_change(record_id, records.pop(record_id))
        return Answer(204)


def _field(name: str) -> Callable[[Mapping[str, Any]], object]:
    return lambda record: record.get(name)
