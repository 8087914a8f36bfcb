"""Legal holds in Steward's store: added, listed, released, audited, and met by a request."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from steward.connectors.protocol import Record, RecordKey
from steward.errors import Conflict, InvalidInput, NotFound
from steward.manifest.datasets import CollectionMap
from steward.requests.hold_rules import HoldScope, OpenRequest, StaffHoldKind
from steward.requests.holds import HoldSource
from steward.requests.kinds import RequestKind
from steward.services.holds import (
    HoldTarget,
    StoreHoldCheck,
    add_hold,
    list_holds,
    release_hold,
)
from steward.store import audit
from steward.store.database import Store
from steward.store.people import find_person
from steward.store.tables import audit_events
from tests.unit.requests.manifests import outserve

TODAY = date(2026, 12, 3)
CONTACTS = CollectionMap.model_validate(
    {
        "name": "contacts",
        "primary_key": ["id"],
        "fields": [
            {"name": "id"},
            {"name": "email", "identity": "email", "categories": ["contact_details"]},
            {"name": "last_contact"},
        ],
        "retention": "last_contact_two_years",
        "date_field": "last_contact",
    }
)


def contact(key: str, last_contact: str) -> Record:
    return Record(RecordKey("contacts", (key,)), {"id": key, "last_contact": last_contact})


def test_a_hold_on_a_person_is_found_by_the_blind_index_of_their_email(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow:
        hold = add_hold(
            uow,
            HoldTarget(email="Ann@Example.org"),
            kind=StaffHoldKind.claim,
            reason="Small claims court case about invoice 1042",
            today=TODAY,
            until=date(2027, 6, 30),
        )
        uow.commit()
    with store.unit_of_work("test", reads_only=True) as uow:
        person = find_person(uow, email="ann@example.org")
        (listed,) = list_holds(uow, today=TODAY)

    assert hold.scope is HoldScope.person
    assert listed.person_ref == person
    assert listed.until == date(2027, 6, 30)
    assert listed.created_by == "cli:ann"


def test_adding_and_releasing_a_hold_each_write_one_audit_link(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow:
        hold = add_hold(
            uow,
            HoldTarget(system="crm", collection="invoices"),
            kind=StaffHoldKind.investigation,
            reason="HMRC enquiry into the 2024 accounts",
            today=TODAY,
        )
        release_hold(uow, hold.id, reason="HMRC closed the enquiry on 1 December")
        uow.commit()
    with store.unit_of_work("test", reads_only=True) as uow:
        actions = uow.connection.execute(
            select(audit_events.c.action, audit_events.c.subject).order_by(audit_events.c.sequence)
        ).all()
        intact = audit.verify_chain(uow).intact

    assert [tuple(a) for a in actions] == [
        ("hold.added", f"hold:{hold.id}"),
        ("hold.released", f"hold:{hold.id}"),
    ]
    assert intact


def test_a_released_hold_is_listed_only_with_its_release_reason_under_all(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow:
        hold = add_hold(
            uow,
            HoldTarget(system="crm"),
            kind=StaffHoldKind.dispute,
            reason="Disputed termination of the support contract",
            today=TODAY,
        )
        release_hold(uow, hold.id, reason="Settled by agreement on 2 December")
        in_force = list_holds(uow, today=TODAY)
        (everything,) = list_holds(uow, today=TODAY, include_released=True)

    assert in_force == []
    assert everything.released_by == "cli:ann"
    assert everything.release_reason == "Settled by agreement on 2 December"


def test_releasing_a_hold_twice_is_a_conflict(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow:
        hold = add_hold(
            uow,
            HoldTarget(system="crm"),
            kind=StaffHoldKind.dispute,
            reason="Disputed termination of the support contract",
            today=TODAY,
        )
        release_hold(uow, hold.id, reason="Settled by agreement on 2 December")
        with pytest.raises(Conflict, match="already released"):
            release_hold(uow, hold.id, reason="Settled by agreement on 2 December")


def test_a_release_needs_a_reason(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow, pytest.raises(InvalidInput, match="reason"):
        release_hold(uow, 1, reason="  ")


def test_releasing_an_unknown_hold_is_not_found(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow, pytest.raises(NotFound, match="no legal hold 99"):
        release_hold(uow, 99, reason="No longer needed by anyone")


def test_a_hold_ending_before_today_is_refused(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow, pytest.raises(InvalidInput, match="before today"):
        add_hold(
            uow,
            HoldTarget(system="crm"),
            kind=StaffHoldKind.dispute,
            reason="A dispute that ended last year",
            today=TODAY,
            until=date(2025, 1, 1),
        )


def test_a_hold_on_a_system_the_manifest_does_not_declare_is_refused(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow, pytest.raises(InvalidInput, match="no system 'crn'"):
        add_hold(
            uow,
            HoldTarget(system="crn"),
            kind=StaffHoldKind.dispute,
            reason="A dispute about the CRM data",
            today=TODAY,
            manifest=outserve(),
        )


def test_the_store_hold_check_joins_retention_staff_and_request_holds(store: Store) -> None:
    with store.unit_of_work("cli:ann") as uow:
        add_hold(
            uow,
            HoldTarget(email="ann@example.org"),
            kind=StaffHoldKind.claim,
            reason="Small claims court case about invoice 1042",
            today=TODAY,
        )
        add_hold(
            uow,
            HoldTarget(email="bob@example.org"),
            kind=StaffHoldKind.claim,
            reason="Another person's claim entirely",
            today=TODAY,
        )
        ann = find_person(uow, email="ann@example.org")
        uow.commit()
    assert ann is not None
    check = StoreHoldCheck(
        store,
        outserve(),
        ann,
        open_requests=[OpenRequest("R-7", RequestKind.access, ann)],
        answering="R-9",
    )
    recent, old = contact("1", "2026-01-15"), contact("2", "2020-01-15")

    found = check.holds_for("hubspot", CONTACTS, [recent, old], TODAY)

    assert [h.source for h in found[recent.key]] == [
        HoldSource.retention,
        HoldSource.dispute,
        HoldSource.request,
    ]
    assert [h.source for h in found[old.key]] == [HoldSource.dispute, HoldSource.request]
    assert found[recent.key][0].until == date(2028, 1, 15)


def test_a_record_nothing_holds_is_absent_from_the_check(store: Store) -> None:
    check = StoreHoldCheck(store, outserve(), None)

    assert check.holds_for("hubspot", CONTACTS, [contact("2", "2020-01-15")], TODAY) == {}
