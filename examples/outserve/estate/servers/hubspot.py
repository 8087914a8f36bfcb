"""The slice of HubSpot's CRM v3 contacts API that Steward uses, served on 127.0.0.1.

As HubSpot documents it: a private app's token as ``Authorization: Bearer``; ``POST
/crm/v3/objects/contacts/search`` with ``filterGroups`` (filters AND-ed inside a group, groups
OR-ed; ``EQ``, and ``LT`` on dates in epoch milliseconds), ``properties``, ``limit`` (at most
200) and ``after``, answering
``{"total", "results", "paging": {"next": {"after"}}}`` with ``paging`` left out on the last
page; ``GET /crm/v3/objects/contacts/{id}?properties=a,b``; ``PATCH`` with ``{"properties"}``
(a property the portal does not define is refused, 400 ``PROPERTY_DOESNT_EXIST``); ``POST
/crm/v3/objects/contacts/gdpr-delete`` with ``{"objectId", "idProperty"}`` (204; 404 for an
unknown id; an unknown *e-mail* is blocklisted, as HubSpot does). Errors look like HubSpot's
(``status``, ``message``, ``category``, ``correlationId``). Seed data is HubSpot's own object
shape: ``{"contacts": [{"id": "101", "properties": {"email": ..., "firstname": ...}}]}``.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from examples.outserve.estate.servers.base import Answer, ContractServer, Indexed, json_answer

SEARCH = "/crm/v3/objects/contacts/search"
GDPR_DELETE = "/crm/v3/objects/contacts/gdpr-delete"
_CONTACT = re.compile(r"^/crm/v3/objects/contacts/([^/]+)$")
STAMP = "2026-03-02T09:00:00.000Z"
DEFAULT_PROPERTIES = ("createdate", "hs_object_id", "lastmodifieddate")
DEFINED = frozenset(
    {
        *DEFAULT_PROPERTIES,
        "email",
        "firstname",
        "lastname",
        "phone",
        "mobilephone",
        "company",
        "address",
        "city",
        "zip",
        "date_of_birth",
        "lifecyclestage",
        "steward_processing_hold",
    }
)


class HubSpotServer(ContractServer):
    api_prefix = "/crm/"

    def __init__(self, access_token: str, port: int = 0) -> None:
        super().__init__(port)
        self.access_token = access_token
        self.contacts: dict[str, dict[str, Any]] = {}
        self.blocklist: set[str] = set()
        self.defined = set(DEFINED)
        self._lock_state = threading.RLock()
        self._next_id = 1001
        self._order: dict[str, int] = {}  # contact id -> when it was added (search order)
        self._indexed = Indexed(self.contacts, _property)

    @classmethod
    def from_seed(cls, seed: Mapping[str, Any], access_token: str, port: int = 0) -> HubSpotServer:
        server = cls(access_token, port)
        for contact in seed.get("contacts", []):
            server.add_contact(dict(contact["properties"]), contact_id=str(contact["id"]))
        return server

    def add_contact(self, properties: dict[str, Any], contact_id: str | None = None) -> str:
        with self._lock_state:
            if contact_id is None:
                contact_id = str(self._next_id)
                self._next_id += 1
            self.defined.update(properties)
            if contact_id in self.contacts:
                self._indexed.before_change(contact_id, self.contacts[contact_id])
            self._order.setdefault(contact_id, len(self._order))
            self.contacts[contact_id] = {
                "id": contact_id,
                "properties": {
                    "createdate": STAMP,
                    "lastmodifieddate": STAMP,
                    **properties,
                    "hs_object_id": contact_id,
                },
                "createdAt": STAMP,
                "updatedAt": STAMP,
                "archived": False,
            }
            self._indexed.after_change(contact_id, self.contacts[contact_id])
            return contact_id

    def error(self, status: int, message: str) -> Answer:
        category = {
            401: "INVALID_AUTHENTICATION",
            404: "OBJECT_NOT_FOUND",
            429: "RATE_LIMITS",
        }.get(status, "VALIDATION_ERROR" if status < 500 else "INTERNAL_ERROR")
        return json_answer(
            status,
            {
                "status": "error",
                "message": message,
                "correlationId": str(uuid.uuid4()),
                "category": category,
            },
        )

    def route(self, method: str, target: str, authorization: str | None, body: bytes) -> Answer:
        if authorization != f"Bearer {self.access_token}":
            return self.error(401, "Authentication credentials not found.")
        url = urlsplit(target)
        try:
            document = json.loads(body) if body else {}
        except ValueError:
            return self.error(400, "Invalid input JSON")
        with self._lock_state:
            if url.path == SEARCH and method == "POST":
                return self._search(document)
            if url.path == GDPR_DELETE and method == "POST":
                return self._gdpr_delete(document)
            match = _CONTACT.match(url.path)
            if match is None:
                return self.error(404, "resource not found")
            contact = self.contacts.get(match.group(1))
            if contact is None:
                return self.error(404, "resource not found")
            if method == "GET":
                wanted = dict(parse_qsl(url.query)).get("properties", "")
                return json_answer(200, self._shown(contact, wanted.split(",")))
            if method == "PATCH":
                return self._update(contact, document)
            return self.error(405, f"{method} is not allowed here")

    def _shown(self, contact: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
        names = [*DEFAULT_PROPERTIES, *(name for name in wanted if name)]
        properties = contact["properties"]
        return {**contact, "properties": {name: properties.get(name) for name in names}}

    def _search(self, document: Mapping[str, Any]) -> Answer:
        limit = int(document.get("limit", 10))
        if not 0 < limit <= 200:
            return self.error(400, "limit must be between 1 and 200")
        start = int(document.get("after") or 0)
        groups = document.get("filterGroups") or []
        matches = [c for c in self._candidates(groups) if _matches(c["properties"], groups)]
        page = matches[start : start + limit]
        wanted = list(document.get("properties") or ())
        answer: dict[str, Any] = {
            "total": len(matches),
            "results": [self._shown(c, wanted) for c in page],
        }
        if start + limit < len(matches):
            answer["paging"] = {"next": {"after": str(start + limit)}}
        return json_answer(200, answer)

    def _candidates(self, groups: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The contacts a search need look at, in the order they were added: through the
        index of an ``EQ`` filter of every group, else all of them."""
        chosen: dict[str, None] = {}
        for group in groups:
            equal = next((f for f in group.get("filters") or () if f.get("operator") == "EQ"), None)
            if equal is None:
                return list(self.contacts.values())
            index = self._indexed.index(str(equal.get("propertyName", "")))
            chosen.update(dict.fromkeys(map(str, index.ids(equal.get("value", "")))))
        return [self.contacts[i] for i in sorted(chosen, key=self._order.__getitem__)]

    def _update(self, contact: dict[str, Any], document: Mapping[str, Any]) -> Answer:
        properties = document.get("properties")
        if not isinstance(properties, dict):
            return self.error(400, "'properties' is required")
        unknown = sorted(set(properties) - self.defined)
        if unknown:
            return json_answer(
                400,
                {
                    "status": "error",
                    "message": f"Property values were not valid: {unknown[0]} does not exist",
                    "category": "VALIDATION_ERROR",
                    "errors": [
                        {"code": "PROPERTY_DOESNT_EXIST", "context": {"propertyName": unknown}}
                    ],
                    "correlationId": str(uuid.uuid4()),
                },
            )
        self._indexed.before_change(contact["id"], contact)
        contact["properties"].update(
            {name: None if value is None else str(value) for name, value in properties.items()}
        )
        self._indexed.after_change(contact["id"], contact)
        return json_answer(200, self._shown(contact, list(properties)))

    def _gdpr_delete(self, document: Mapping[str, Any]) -> Answer:
        object_id = str(document.get("objectId") or "")
        if not object_id:
            return self.error(400, "'objectId' is required")
        if document.get("idProperty") == "email":
            found = [str(key) for key in self._indexed.index("email").ids(object_id)]
            self.blocklist.add(object_id.lower())
            for key in found:
                self._indexed.before_change(key, self.contacts.pop(key))
            return Answer(204)
        contact = self.contacts.pop(object_id, None)
        if contact is None:
            return self.error(404, "resource not found")
        self._indexed.before_change(object_id, contact)
        email = contact["properties"].get("email")
        if email:
            self.blocklist.add(str(email).lower())
        return Answer(204)


def _property(name: str) -> Callable[[Mapping[str, Any]], object]:
    return lambda contact: contact["properties"].get(name)


def _matches(properties: Mapping[str, Any], groups: list[Mapping[str, Any]]) -> bool:
    """HubSpot's rule: filters inside a group must all hold; any one group is enough."""
    return any(all(_holds(properties, f) for f in group.get("filters") or ()) for group in groups)


def _holds(properties: Mapping[str, Any], criterion: Mapping[str, Any]) -> bool:
    value = properties.get(criterion.get("propertyName", ""))
    wanted = str(criterion.get("value", ""))
    if value is None:
        return False
    if criterion.get("operator") == "EQ":
        return str(value).lower() == wanted.lower()
    if criterion.get("operator") == "LT":  # dates compare as milliseconds since the epoch
        return _millis(str(value)) < _millis(wanted)
    return False


def _millis(value: str) -> int:
    if value.isdigit():
        return int(value)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
