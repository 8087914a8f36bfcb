"""What each vendor's definition says beyond the shared contract: the exact calls of a GDPR
delete, Zendesk's two-step deletion, Mailchimp's permanent delete in every audience, and how
each can (or cannot) restrict processing."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from examples.outserve.estate.servers.hubspot import HubSpotServer
from examples.outserve.estate.servers.mailchimp import MailchimpServer
from examples.outserve.estate.servers.zendesk import ZendeskServer
from steward.connectors.protocol import NotSupported, RecordKey, SystemRefused
from steward.connectors.saas.hooks import subscriber_hash
from steward.errors import InvalidInput
from tests.integration.connectors.saas.vendors import (
    ADA,
    CONTACTS,
    HUBSPOT,
    MAILCHIMP,
    MEMBERS,
    TICKETS,
    USERS,
    ZENDESK,
    collection,
)

CONTACTS_WITH_HOLD = collection(
    {
        **CONTACTS.model_dump(mode="json"),
        "fields": [
            *CONTACTS.model_dump(mode="json")["fields"],
            {"name": "steward_processing_hold"},
        ],
        "restrict": {"by": "field", "field": "steward_processing_hold"},
    }
)


def bodies(server: HubSpotServer, path: str) -> list[dict[str, object]]:
    return [json.loads(c.body) for c in server.api_calls() if c.target.startswith(path)]


def test_hubspot_searches_with_an_eq_filter_and_deletes_by_id_under_gdpr(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with HUBSPOT.serve(1) as server:
        assert isinstance(server, HubSpotServer)
        connector = HUBSPOT.connector(server, http, sleeps)
        keys = connector.find(CONTACTS, "email", [ADA])
        connector.erase(CONTACTS, keys)
        [search] = bodies(server, "/crm/v3/objects/contacts/search")
        assert search["filterGroups"] == [
            {"filters": [{"propertyName": "email", "operator": "EQ", "value": ADA}]}
        ]
        assert bodies(server, "/crm/v3/objects/contacts/gdpr-delete") == [{"objectId": "101"}]
        assert ADA.lower() in server.blocklist


def test_hubspot_reads_only_the_mapped_properties(http: httpx.Client, sleeps: list[float]) -> None:
    with HUBSPOT.serve(1) as server:
        connector = HUBSPOT.connector(server, http, sleeps)
        [record] = connector.read(CONTACTS, [RecordKey("contacts", ("101",))])
        assert dict(record.fields) == {
            "id": "101",
            "email": ADA,
            "phone": "+441632960999",
            "firstname": "Ada",
            "lastname": "Lovelace",
        }
        [read] = [c for c in server.api_calls() if c.method == "GET"]
        assert read.target.endswith("?properties=email%2Cphone%2Cfirstname%2Clastname")


def test_hubspot_restricts_through_a_custom_property_when_the_map_names_one(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with HUBSPOT.serve(1) as server:
        assert isinstance(server, HubSpotServer)
        connector = HUBSPOT.connector(server, http, sleeps)
        key = RecordKey("contacts", ("101",))
        assert connector.restrict(CONTACTS_WITH_HOLD, [key], on=True).affected == 1
        assert server.contacts["101"]["properties"]["steward_processing_hold"] == "True"
        connector.restrict(CONTACTS_WITH_HOLD, [key], on=False)
        assert server.contacts["101"]["properties"]["steward_processing_hold"] == "False"


def test_hubspot_has_no_restriction_of_its_own(http: httpx.Client, sleeps: list[float]) -> None:
    native = collection({**CONTACTS.model_dump(mode="json"), "restrict": {"by": "native"}})
    with HUBSPOT.serve(1) as server:
        connector = HUBSPOT.connector(server, http, sleeps)
        with pytest.raises(NotSupported):
            connector.restrict(native, [RecordKey("contacts", ("101",))], on=True)


def test_hubspot_refuses_a_property_the_portal_does_not_define(
    http: httpx.Client, sleeps: list[float]
) -> None:
    mapped = CONTACTS.model_dump(mode="json")
    with_unknown = collection({**mapped, "fields": [*mapped["fields"], {"name": "shoe_size"}]})
    with HUBSPOT.serve(1) as server:
        connector = HUBSPOT.connector(server, http, sleeps)
        with pytest.raises(SystemRefused, match="HTTP 400"):
            connector.rectify(with_unknown, [RecordKey("contacts", ("101",))], {"shoe_size": "7"})


def test_a_field_the_map_does_not_let_rectify_is_refused_before_any_call(
    http: httpx.Client, sleeps: list[float]
) -> None:
    fixed = collection(
        {
            **CONTACTS.model_dump(mode="json"),
            "fields": [
                {"name": "id"},
                {"name": "email", "identity": "email", "rectifiable": False},
            ],
        }
    )
    with HUBSPOT.serve(1) as server:
        connector = HUBSPOT.connector(server, http, sleeps)
        with pytest.raises(InvalidInput, match="'email' is not a rectifiable field"):
            connector.rectify(fixed, [RecordKey("contacts", ("101",))], {"email": "x@example.org"})
        assert server.api_calls() == []


def test_zendesk_deletes_a_user_softly_then_permanently(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with ZENDESK.serve(1) as server:
        connector = ZENDESK.connector(server, http, sleeps)
        receipt = connector.erase(USERS, [RecordKey("users", ("501",))])
        assert (receipt.affected, receipt.system_ids) == (1, ("501",))
        assert [(c.method, c.target) for c in server.api_calls()] == [
            ("DELETE", "/api/v2/users/501.json"),
            ("DELETE", "/api/v2/deleted_users/501.json"),
        ]


def test_zendesk_finishes_a_deletion_stopped_after_the_soft_step(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with ZENDESK.serve(1) as server:
        assert isinstance(server, ZendeskServer)
        server.soft_deleted_users.add(501)  # a run stopped here, or staff deleted in Zendesk
        server.users[501]["active"] = False
        connector = ZENDESK.connector(server, http, sleeps)
        assert connector.erase(USERS, [RecordKey("users", ("501",))]).affected == 1
        assert 501 not in server.users


def test_zendesk_finds_reads_and_erases_the_tickets_a_person_raised(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with ZENDESK.serve(2) as server:
        assert isinstance(server, ZendeskServer)
        connector = ZENDESK.connector(server, http, sleeps)
        keys = connector.find(TICKETS, "requester_id", ["501"])
        assert [k.values for k in keys] == [("900",), ("901",)]
        subjects = [r.fields["subject"] for r in connector.read(TICKETS, keys)]
        assert subjects == ["Order 0 late", "Order 1 late"]
        assert connector.erase(TICKETS, keys).affected == 2
        assert sorted(server.tickets) == [990]


def test_zendesk_masks_tickets_kept_for_a_dispute(http: httpx.Client, sleeps: list[float]) -> None:
    masked = collection(
        {
            **TICKETS.model_dump(mode="json", exclude_none=True),
            "erase": "mask",
            "fields": [
                {"name": "id"},
                {"name": "requester_id", "references": "zendesk.users.id"},
                {
                    "name": "subject",
                    "categories": ["support_history"],
                    "mask": "fixed",
                    "mask_value": "[erased]",
                },
                {"name": "description", "categories": ["support_history"]},
            ],
        }
    )
    with ZENDESK.serve(1) as server:
        assert isinstance(server, ZendeskServer)
        connector = ZENDESK.connector(server, http, sleeps)
        assert connector.erase(masked, [RecordKey("tickets", ("900",))]).affected == 1
        kept = server.tickets[900]
        assert (kept["subject"], kept["description"]) == ("[erased]", None)
        assert connector.erase(masked, [RecordKey("tickets", ("900",))]).affected == 0


def test_zendesk_restricts_by_suspending_the_user(http: httpx.Client, sleeps: list[float]) -> None:
    with ZENDESK.serve(1) as server:
        assert isinstance(server, ZendeskServer)
        connector = ZENDESK.connector(server, http, sleeps)
        key = RecordKey("users", ("501",))
        assert connector.restrict(USERS, [key], on=True).affected == 1
        assert server.users[501]["suspended"] is True
        assert connector.restrict(USERS, [key], on=False).detail == "released"
        assert server.users[501]["suspended"] is False


def test_mailchimp_erases_the_person_from_every_audience_permanently(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with MAILCHIMP.serve(3) as server:
        assert isinstance(server, MailchimpServer)
        connector = MAILCHIMP.connector(server, http, sleeps)
        keys = connector.find(MEMBERS, "email_address", [ADA])
        assert {k.values for k in keys} == {
            (f"list{n:04d}", subscriber_hash(ADA)) for n in range(3)
        }
        assert connector.erase(MEMBERS, keys).affected == 3
        posts = [c.target for c in server.api_calls() if c.method == "POST"]
        assert posts == [
            f"/3.0/lists/list{n:04d}/members/{subscriber_hash(ADA)}/actions/delete-permanent"
            for n in range(3)
        ]
        assert not any(c.method == "DELETE" for c in server.api_calls())  # never just archived
        assert all(ADA not in c.target.split("?")[0] for c in server.api_calls())


def test_mailchimp_has_no_restriction_unless_a_merge_field_is_mapped(
    http: httpx.Client, sleeps: list[float]
) -> None:
    with MAILCHIMP.serve(1) as server:
        connector = MAILCHIMP.connector(server, http, sleeps)
        key = RecordKey("members", ("list0000", subscriber_hash(ADA)))
        with pytest.raises(NotSupported):
            connector.restrict(MEMBERS, [key], on=True)


def test_hubspot_lists_contacts_created_before_a_date(
    http: httpx.Client, sleeps: list[float]
) -> None:
    dated = collection(
        {
            **CONTACTS.model_dump(mode="json"),
            "fields": [*CONTACTS.model_dump(mode="json")["fields"], {"name": "createdate"}],
            "date_field": "createdate",
        }
    )
    with HUBSPOT.serve(0) as server:
        assert isinstance(server, HubSpotServer)
        server.contacts["101"]["properties"]["createdate"] = "2019-05-01T10:00:00.000Z"
        connector = HUBSPOT.connector(server, http, sleeps)
        assert connector.past(dated, date(2020, 1, 1)) == [RecordKey("contacts", ("101",))]
        [search] = bodies(server, "/crm/v3/objects/contacts/search")
        assert search["filterGroups"] == [
            {
                "filters": [
                    {"propertyName": "createdate", "operator": "LT", "value": "1577836800000"}
                ]
            }
        ]


def test_zendesk_lists_tickets_created_before_a_date_over_every_page(
    http: httpx.Client, sleeps: list[float]
) -> None:
    dated = collection(
        {
            **TICKETS.model_dump(mode="json", exclude_none=True),
            "fields": [
                *TICKETS.model_dump(mode="json", exclude_none=True)["fields"],
                {"name": "created_at"},
            ],
            "date_field": "created_at",
        }
    )
    with ZENDESK.serve(4) as server:
        assert isinstance(server, ZendeskServer)
        for ticket_id in (900, 901, 902):
            server.tickets[ticket_id]["created_at"] = "2019-05-01T10:00:00Z"
        connector = ZENDESK.connector(server, http, sleeps, page_size="2")
        keys = connector.past(dated, date(2020, 1, 1))
        assert [k.values for k in keys] == [("900",), ("901",), ("902",)]
        assert len(server.api_calls()) == 2


def test_a_date_the_vendor_cannot_search_is_a_manual_step(
    http: httpx.Client, sleeps: list[float]
) -> None:
    dated = collection(
        {
            **MEMBERS.model_dump(mode="json"),
            "fields": [*MEMBERS.model_dump(mode="json")["fields"], {"name": "last_changed"}],
            "date_field": "last_changed",
        }
    )
    with MAILCHIMP.serve(1) as server:
        connector = MAILCHIMP.connector(server, http, sleeps)
        with pytest.raises(NotSupported):
            connector.past(dated, date(2020, 1, 1))
