"""The contract servers answer a search through an index kept current as records change, so
a search after an update or a deletion sees exactly what a scan of every record would."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from examples.outserve.estate.servers.hubspot import SEARCH, HubSpotServer
from examples.outserve.estate.servers.zendesk import ZendeskServer

TOKEN = "Bearer t"
ZENDESK = "Basic " + base64.b64encode(b"ops@example.org/token:z").decode()


@pytest.fixture
def hubspot() -> Iterator[HubSpotServer]:
    server = HubSpotServer("t")
    server.add_contact({"email": "Ada@Example.org", "phone": "1"}, contact_id="1")
    server.add_contact({"email": "bob@example.org", "phone": "1"}, contact_id="2")
    server.add_contact({"email": "ada@example.org", "phone": "2"}, contact_id="3")
    with server:
        yield server


def _search(server: HubSpotServer, *filters: dict[str, str]) -> list[str]:
    body = json.dumps({"filterGroups": [{"filters": list(filters)}], "limit": 100}).encode()
    answer = server.answer("POST", SEARCH, TOKEN, body)
    assert answer.status == 200
    return [c["id"] for c in json.loads(answer.body)["results"]]


def _eq(name: str, value: str) -> dict[str, str]:
    return {"propertyName": name, "operator": "EQ", "value": value}


def test_hubspot_finds_by_equal_value_ignoring_case_in_the_order_contacts_were_added(
    hubspot: HubSpotServer,
) -> None:
    server = hubspot
    assert _search(server, _eq("email", "ADA@example.org")) == ["1", "3"]
    assert _search(server, _eq("email", "ada@example.org"), _eq("phone", "2")) == ["3"]


def test_hubspot_search_follows_an_update_of_the_searched_property(hubspot: HubSpotServer) -> None:
    server = hubspot
    assert _search(server, _eq("email", "bob@example.org")) == ["2"]
    body = json.dumps({"properties": {"email": "robert@example.org"}}).encode()
    answer = server.answer("PATCH", "/crm/v3/objects/contacts/2", TOKEN, body)
    assert answer.status == 200
    assert _search(server, _eq("email", "bob@example.org")) == []
    assert _search(server, _eq("email", "robert@example.org")) == ["2"]


def test_hubspot_search_no_longer_finds_a_contact_deleted_under_gdpr(
    hubspot: HubSpotServer,
) -> None:
    server = hubspot
    assert _search(server, _eq("phone", "1")) == ["1", "2"]
    body = json.dumps({"objectId": "ada@example.org", "idProperty": "email"}).encode()
    assert server.answer("POST", "/crm/v3/objects/contacts/gdpr-delete", TOKEN, body).status == 204
    assert _search(server, _eq("email", "ada@example.org")) == []
    assert _search(server, _eq("phone", "1")) == ["2"]
    server.add_contact({"email": "ada@example.org"}, contact_id="4")
    assert _search(server, _eq("email", "ada@example.org")) == ["4"]


@pytest.fixture
def zendesk() -> Iterator[ZendeskServer]:
    server = ZendeskServer("ops@example.org", "z")
    server.add_user({"id": 1, "name": "Ada", "email": "ada@example.org"})
    server.add_user({"id": 2, "name": "Bob", "email": "bob@example.org"})
    for ticket_id, requester in ((10, 1), (11, 2), (12, 1)):
        server.add_ticket({"id": ticket_id, "subject": "s", "requester_id": requester})
    with server:
        yield server


def _get(server: ZendeskServer, target: str) -> Any:
    answer = server.answer("GET", target, ZENDESK, b"")
    assert answer.status == 200, answer.body
    return json.loads(answer.body)


def _users(server: ZendeskServer, query: str) -> list[int]:
    found = _get(server, f"/api/v2/users/search.json?query={query}")
    return [user["id"] for user in found["users"]]


def _requested(server: ZendeskServer, user_id: int) -> list[int]:
    found = _get(server, f"/api/v2/users/{user_id}/tickets/requested.json")
    return [ticket["id"] for ticket in found["tickets"]]


def test_zendesk_user_search_follows_updates_and_deletions(zendesk: ZendeskServer) -> None:
    server = zendesk
    assert _users(server, "email:ADA@example.org") == [1]
    body = json.dumps({"user": {"email": "ada@new.example"}}).encode()
    assert server.answer("PUT", "/api/v2/users/1.json", ZENDESK, body).status == 200
    assert _users(server, "email:ada@example.org") == []
    assert _users(server, "email:ada@new.example") == [1]
    assert server.answer("DELETE", "/api/v2/users/1.json", ZENDESK, b"").status == 200
    assert _users(server, "email:ada@new.example") == []


def test_zendesk_requested_tickets_leave_out_deleted_ones(zendesk: ZendeskServer) -> None:
    server = zendesk
    assert _requested(server, 1) == [10, 12]
    assert server.answer("DELETE", "/api/v2/tickets/10.json", ZENDESK, b"").status == 204
    assert server.answer("DELETE", "/api/v2/deleted_tickets/10", ZENDESK, b"").status == 204
    assert _requested(server, 1) == [12]
    server.add_ticket({"id": 13, "subject": "s", "requester_id": 1})
    assert _requested(server, 1) == [12, 13]
