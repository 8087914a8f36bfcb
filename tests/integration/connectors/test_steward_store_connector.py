"""Steward's own store as a system: find, read, rectify and erase without breaking the chains."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from steward.connectors.protocol import Connector, NotSupported, RecordKey, SystemRefused
from steward.connectors.steward_store import (
    CONSENT_EVENTS,
    PEOPLE,
    STEWARD_STORE_MAP,
    StewardStoreConnector,
)
from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.services.unsubscribe import record_email_unsubscribe
from steward.store import audit, ledger
from steward.store.database import Store
from steward.store.ledger_check import verify_ledger
from steward.store.people import get_person
from tests.integration.conftest import ManualClock

PEOPLE_MAP = STEWARD_STORE_MAP.collection(PEOPLE)
EVENTS_MAP = STEWARD_STORE_MAP.collection(CONSENT_EVENTS)
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_3_december_2026(clock: ManualClock) -> None:
    clock.now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def person_with_consent(
    store: Store, email: str = "ann@example.org", phone: str = "07700 900123"
) -> PersonRef:
    with store.unit_of_work("test") as uow:
        ref = ledger.ensure_person(uow, email=email, phone=phone, name="Ann Example")
        ledger.record(
            uow,
            ConsentEvent(
                event_id=f"given-{ref}",
                person=ref,
                kind=ConsentEventKind.GIVEN,
                purpose="contact_marketing",
                channel="email",
                source="web-form",
                wording="Send me Outserve news",
                wording_version="v3",
                occurred_at=NOW,
            ),
        )
        uow.commit()
    return ref


def object_to_marketing(store: Store, email: str = "ann@example.org") -> None:
    with store.unit_of_work("test") as uow:
        record_email_unsubscribe(
            uow, email, received=date(2026, 12, 1), now=datetime(2026, 12, 3, 10, tzinfo=UTC)
        )
        uow.commit()


def chains_intact(store: Store) -> bool:
    with store.unit_of_work("test", reads_only=True) as uow:
        return audit.verify_chain(uow).intact and verify_ledger(uow).intact


def test_it_keeps_the_connector_contract(store: Store) -> None:
    assert isinstance(StewardStoreConnector(store), Connector)


def test_a_person_is_found_by_the_blind_index_of_any_spelling_of_their_email(
    store: Store,
) -> None:
    ref = person_with_consent(store)
    connector = StewardStoreConnector(store)

    assert connector.find(PEOPLE_MAP, "email", [" ANN@Example.org "]) == [RecordKey(PEOPLE, (ref,))]
    assert connector.find(PEOPLE_MAP, "email", ["bob@example.org", "not an address"]) == []


def test_reading_a_person_decrypts_identifiers_and_shows_consent_states(store: Store) -> None:
    ref = person_with_consent(store)
    connector = StewardStoreConnector(store)

    (record,) = connector.read(PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))])

    assert record.fields["email"] == "ann@example.org"
    assert record.fields["phone"] == "+447700900123"
    assert record.fields["name"] == "Ann Example"
    (state,) = json.loads(str(record.fields["consent_states"]))
    assert (state["purpose"], state["status"]) == ("contact_marketing", "given")


def test_the_persons_consent_events_are_found_through_their_reference(store: Store) -> None:
    ref = person_with_consent(store)
    person_with_consent(store, "bob@example.org", "07700 900456")
    connector = StewardStoreConnector(store)

    keys = connector.find(EVENTS_MAP, "person_ref", [ref])
    (event,) = connector.read(EVENTS_MAP, keys)

    assert keys == [RecordKey(CONSENT_EVENTS, (f"given-{ref}",))]
    assert event.fields["kind"] == "given"
    assert event.fields["wording"] == "Send me Outserve news"


def test_erasure_removes_every_identifier_and_keeps_the_ledger_and_audit_chain_intact(
    store: Store,
) -> None:
    ref = person_with_consent(store)
    connector = StewardStoreConnector(store)

    receipt = connector.erase(PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))])

    assert receipt.affected == 1
    assert connector.find(PEOPLE_MAP, "email", ["ann@example.org"]) == []
    assert connector.find(PEOPLE_MAP, "phone", ["07700 900123"]) == []
    with store.unit_of_work("test", reads_only=True) as uow:
        person = get_person(uow, ref)
    assert (person.email, person.phone, person.name) == (None, None, None)
    assert connector.find(EVENTS_MAP, "person_ref", [ref])  # kept, linked to nobody
    assert chains_intact(store)


def test_erasing_twice_changes_nothing_the_second_time(store: Store) -> None:
    ref = person_with_consent(store)
    connector = StewardStoreConnector(store)
    connector.erase(PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))])

    assert connector.erase(PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))]).affected == 0


def test_erasing_a_marketing_objector_keeps_only_the_suppression_entry(store: Store) -> None:
    ref = person_with_consent(store)
    object_to_marketing(store)
    connector = StewardStoreConnector(store)

    receipt = connector.erase(PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))])

    assert "suppression entry (email)" in receipt.detail
    assert connector.find(PEOPLE_MAP, "email", ["ann@example.org"]) == [RecordKey(PEOPLE, (ref,))]
    with store.unit_of_work("test", reads_only=True) as uow:
        person = get_person(uow, ref)
        refused = ledger.current_state(uow, ref, "direct_marketing", "email")
    assert (person.phone, person.name) == (None, None)
    assert refused is not None and refused.status.is_refusal
    assert chains_intact(store)


def test_consent_events_are_kept_as_evidence_when_asked_to_erase_them(store: Store) -> None:
    ref = person_with_consent(store)
    connector = StewardStoreConnector(store)
    keys = connector.find(EVENTS_MAP, "person_ref", [ref])

    receipt = connector.erase(EVENTS_MAP, keys)

    assert receipt.affected == 0
    assert "kept as evidence" in receipt.detail
    assert connector.find(EVENTS_MAP, "person_ref", [ref]) == keys


def test_restriction_is_a_manual_step(store: Store) -> None:
    with pytest.raises(NotSupported):
        StewardStoreConnector(store).restrict(PEOPLE_MAP, [], True)


def test_a_person_is_rectified_and_found_by_the_corrected_email(store: Store) -> None:
    ref = person_with_consent(store)
    connector = StewardStoreConnector(store)

    receipt = connector.rectify(
        PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))], {"email": "ann.new@example.org"}
    )

    assert receipt.affected == 1
    assert connector.find(PEOPLE_MAP, "email", ["ann.new@example.org"]) == [
        RecordKey(PEOPLE, (ref,))
    ]
    assert connector.find(PEOPLE_MAP, "email", ["ann@example.org"]) == []
    assert chains_intact(store)


def test_an_email_belonging_to_someone_else_is_refused_on_rectification(store: Store) -> None:
    ref = person_with_consent(store)
    person_with_consent(store, "bob@example.org", "07700 900456")
    connector = StewardStoreConnector(store)

    with pytest.raises(SystemRefused, match="belongs to another person"):
        connector.rectify(PEOPLE_MAP, [RecordKey(PEOPLE, (ref,))], {"email": "bob@example.org"})
