"""The three vendors as test profiles: a contract server seeded with the same people, the
dataset map a deployment would write for it, and a connector pointed at the server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from examples.outserve.estate.servers.base import ContractServer
from examples.outserve.estate.servers.hubspot import HubSpotServer
from examples.outserve.estate.servers.mailchimp import MailchimpServer
from examples.outserve.estate.servers.zendesk import ZendeskServer
from steward.connectors.http_retry import RetryPolicy
from steward.connectors.protocol import ConnectorContext
from steward.connectors.saas.definition import bundled_definition
from steward.connectors.saas.runner import SaasConnector
from steward.manifest.datasets import CollectionMap

ADA = "ada.lovelace@example.org"
BOB = "bob.marsh@example.org"
SHARED_PHONE = "+441632960001"
HUBSPOT_TOKEN = "pat-eu1-test-token-0001"
ZENDESK_AGENT = "privacy@outserve.example"
ZENDESK_TOKEN = "zendesk-test-token-0001"
MAILCHIMP_KEY = "0123456789abcdef0123456789abcdef-us21"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0)


def collection(data: dict[str, Any]) -> CollectionMap:
    return CollectionMap.model_validate(data)


CONTACTS = collection(
    {
        "name": "contacts",
        "primary_key": ["id"],
        "fields": [
            {"name": "id"},
            {"name": "email", "identity": "email", "categories": ["contact_details"]},
            {"name": "phone", "identity": "phone", "categories": ["contact_details"]},
            {"name": "firstname", "categories": ["identity"]},
            {"name": "lastname", "categories": ["identity"]},
        ],
    }
)
USERS = collection(
    {
        "name": "users",
        "primary_key": ["id"],
        "fields": [
            {"name": "id"},
            {"name": "email", "identity": "email", "categories": ["contact_details"]},
            {"name": "name", "categories": ["identity"]},
            {"name": "phone", "categories": ["contact_details"]},
        ],
        "restrict": {"by": "native"},
    }
)
TICKETS = collection(
    {
        "name": "tickets",
        "primary_key": ["id"],
        "fields": [
            {"name": "id"},
            {"name": "requester_id", "references": "zendesk.users.id"},
            {"name": "subject", "categories": ["support_history"]},
            {"name": "description", "categories": ["support_history"]},
        ],
    }
)
MEMBERS = collection(
    {
        "name": "members",
        "primary_key": ["list_id", "id"],
        "fields": [
            {"name": "list_id"},
            {"name": "id"},
            {"name": "email_address", "identity": "email", "categories": ["contact_details"]},
            {"name": "merge_fields.FNAME", "categories": ["identity"]},
            {"name": "merge_fields.LNAME", "categories": ["identity"]},
            {"name": "status"},
        ],
    }
)


def hubspot_seed(extra_phone_sharers: int = 0) -> dict[str, Any]:
    contacts = [
        {
            "id": "101",
            "properties": {
                "email": ADA,
                "firstname": "Ada",
                "lastname": "Lovelace",
                "phone": "+441632960999",
            },
        },
        {"id": "102", "properties": {"email": BOB, "firstname": "Bob", "lastname": "Marsh"}},
    ]
    contacts += [
        {
            "id": str(200 + n),
            "properties": {"email": f"sharer{n}@example.org", "phone": SHARED_PHONE},
        }
        for n in range(extra_phone_sharers)
    ]
    return {"contacts": contacts}


def zendesk_seed(ada_tickets: int = 1) -> dict[str, Any]:
    return {
        "users": [
            {"id": 501, "name": "Ada Lovelace", "email": ADA, "phone": "+441632960999"},
            {"id": 502, "name": "Bob Marsh", "email": BOB},
        ],
        "tickets": [
            *(
                {
                    "id": 900 + n,
                    "requester_id": 501,
                    "subject": f"Order {n} late",
                    "description": "Where is my order?",
                }
                for n in range(ada_tickets)
            ),
            {"id": 990, "requester_id": 502, "subject": "Refund", "description": "Please"},
        ],
    }


def mailchimp_seed(ada_audiences: int = 1) -> dict[str, Any]:
    lists: dict[str, Any] = {
        f"list{n:04d}": {
            "members": [
                {
                    "email_address": ADA,
                    "status": "subscribed",
                    "merge_fields": {"FNAME": "Ada", "LNAME": "Lovelace"},
                }
            ]
        }
        for n in range(ada_audiences)
    }
    lists["listbob0"] = {
        "members": [
            {
                "email_address": BOB,
                "status": "subscribed",
                "merge_fields": {"FNAME": "Bob", "LNAME": "Marsh"},
            }
        ]
    }
    return {"lists": lists}


@dataclass(frozen=True)
class Vendor:
    """How one vendor is set up and what the generic tests ask of it."""

    kind: str
    people: CollectionMap
    email_field: str
    name_field: str
    connection: dict[str, str]
    serve: Callable[[int], ContractServer]
    """A server seeded so that the paged lookup has this many results for Ada."""
    paged: tuple[CollectionMap, str, Callable[[ContractServer], str]]
    """(collection, field, the value to look up) for a lookup answered over several pages."""

    def connector(
        self,
        server: ContractServer,
        http: httpx.Client,
        sleeps: list[float],
        **options: str,
    ) -> SaasConnector:
        context = ConnectorContext(
            system_id=f"{self.kind}_test",
            connection=self.connection,
            options={"base_url": server.base_url, "subdomain": "outserve", **options},
            pseudonym_key=b"k" * 32,
        )
        return SaasConnector(
            bundled_definition(self.kind), context, http, policy=POLICY, sleep=sleeps.append
        )


HUBSPOT = Vendor(
    kind="hubspot",
    people=CONTACTS,
    email_field="email",
    name_field="firstname",
    connection={"access_token": HUBSPOT_TOKEN},
    serve=lambda n: HubSpotServer.from_seed(hubspot_seed(n), HUBSPOT_TOKEN),
    paged=(CONTACTS, "phone", lambda _server: SHARED_PHONE),
)
ZENDESK = Vendor(
    kind="zendesk",
    people=USERS,
    email_field="email",
    name_field="name",
    connection={"email": ZENDESK_AGENT, "api_token": ZENDESK_TOKEN},
    serve=lambda n: ZendeskServer.from_seed(zendesk_seed(n), ZENDESK_AGENT, ZENDESK_TOKEN),
    paged=(TICKETS, "requester_id", lambda _server: "501"),
)
MAILCHIMP = Vendor(
    kind="mailchimp",
    people=MEMBERS,
    email_field="email_address",
    name_field="merge_fields.FNAME",
    connection={"api_key": MAILCHIMP_KEY},
    serve=lambda n: MailchimpServer.from_seed(mailchimp_seed(n), MAILCHIMP_KEY, START),
    paged=(MEMBERS, "email_address", lambda _server: ADA),
)
VENDORS = [HUBSPOT, ZENDESK, MAILCHIMP]
