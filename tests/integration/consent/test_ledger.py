"""The consent ledger on SQLite and PostgreSQL: idempotent appends, ordering by event time,
current state kept in the same transaction, and one audit event per write."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.state import ConsentStatus
from steward.errors import NotFound
from steward.store.audit import payload_digest, verify_chain
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine
from steward.store.ledger import (
    ConflictingEvent,
    current_state,
    current_states,
    ensure_person,
    find_people_by_email,
    find_person,
    get_person,
    record,
    states_of,
    states_with,
)
from steward.store.tables import audit_events, audit_head, consent_events

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
EventFactory = Callable[..., ConsentEvent]


def make_event(person: PersonRef, **overrides: object) -> ConsentEvent:
    fields: dict[str, object] = {
        "event_id": "evt-1",
        "person": person,
        "kind": ConsentEventKind.GIVEN,
        "purpose": "newsletter",
        "channel": "email",
        "source": "web-form",
        "wording": "Send me the Outserve newsletter",
        "wording_version": "v3",
        "occurred_at": T0,
        "evidence": {"form": "signup", "ip_hash": "9f2c"},
    }
    fields.update(overrides)
    return ConsentEvent(**fields)  # type: ignore[arg-type]


def new_person(store: Store, email: str = "ada@example.org") -> PersonRef:
    with store.unit_of_work(actor="test") as uow:
        ref = ensure_person(uow, email=email, name="Ada Lovelace")
        uow.commit()
    return ref


def count(store: Store, table: object) -> int:
    with store.unit_of_work(actor="test") as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_recorded_consent_becomes_the_current_state(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        result = record(uow, make_event(person))
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        state = current_state(uow, person, "newsletter", "email")
    assert result.state_changed and not result.replayed
    assert state is not None
    assert (state.status, state.event_id, state.occurred_at) == (ConsentStatus.GIVEN, "evt-1", T0)


def test_no_state_for_a_purpose_never_recorded(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        assert current_state(uow, person, "newsletter", "sms") is None


def test_retry_with_same_id_and_content_returns_the_original_result(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        first = record(uow, make_event(person))
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        again = record(uow, make_event(person))
        uow.commit()
    assert (again.sequence, again.received_at) == (first.sequence, first.received_at)
    assert again.replayed and not again.state_changed
    assert count(store, consent_events) == 1


def test_retry_writes_no_second_audit_event(store: Store) -> None:
    person = new_person(store)
    for _ in range(2):
        with store.unit_of_work(actor="test") as uow:
            record(uow, make_event(person))
            uow.commit()
    assert count(store, audit_events) == 2  # person.created + consent.given


def test_same_id_with_different_content_is_refused(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        record(uow, make_event(person))
        uow.commit()
    with store.unit_of_work(actor="test") as uow, pytest.raises(ConflictingEvent) as raised:
        record(uow, make_event(person, wording_version="v4"))
    assert "evt-1" in str(raised.value) and "new id" in str(raised.value)


def test_older_event_arriving_after_a_newer_one_does_not_change_the_state(store: Store) -> None:
    person = new_person(store)
    withdrawn = make_event(
        person,
        event_id="evt-2",
        kind=ConsentEventKind.WITHDRAWN,
        occurred_at=T0 + timedelta(days=1),
    )
    with store.unit_of_work(actor="test") as uow:
        record(uow, withdrawn)
        late = record(uow, make_event(person, event_id="evt-1", occurred_at=T0))
        uow.commit()
    assert not late.state_changed
    assert late.state.status is ConsentStatus.WITHDRAWN
    assert late.state.event_id == "evt-2"


def test_newer_event_replaces_the_state(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        record(uow, make_event(person, event_id="evt-1"))
        result = record(
            uow,
            make_event(
                person,
                event_id="evt-2",
                kind=ConsentEventKind.UNSUBSCRIBED,
                wording="",
                wording_version="",
                occurred_at=T0 + timedelta(seconds=1),
            ),
        )
        uow.commit()
    assert result.state_changed and result.state.status is ConsentStatus.UNSUBSCRIBED


@pytest.mark.parametrize("refusal_first", [True, False])
def test_at_the_same_instant_the_refusal_wins_whatever_the_arrival_order(
    store: Store, refusal_first: bool
) -> None:
    person = new_person(store)
    given = make_event(person, event_id="zzz-given")
    objected = make_event(person, event_id="aaa-objected", kind=ConsentEventKind.OBJECTED)
    with store.unit_of_work(actor="test") as uow:
        for event in (objected, given) if refusal_first else (given, objected):
            record(uow, event)
        state = current_state(uow, person, "newsletter", "email")
        uow.commit()
    assert state is not None and state.status is ConsentStatus.OBJECTED


@pytest.mark.parametrize("order", [("evt-a", "evt-b"), ("evt-b", "evt-a")])
def test_identical_time_and_kind_is_decided_by_the_larger_event_id(
    store: Store, order: tuple[str, str]
) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        for event_id in order:
            record(uow, make_event(person, event_id=event_id, source=f"src-{event_id}"))
        state = current_state(uow, person, "newsletter", "email")
        uow.commit()
    assert state is not None and state.event_id == "evt-b"


def test_preference_change_out_is_a_withdrawal(store: Store) -> None:
    person = new_person(store)
    event = make_event(
        person,
        kind=ConsentEventKind.PREFERENCE_CHANGED,
        opted_in=False,
        wording="",
        wording_version="",
    )
    with store.unit_of_work(actor="test") as uow:
        result = record(uow, event)
        uow.commit()
    assert result.state.status is ConsentStatus.WITHDRAWN


def test_event_for_an_unknown_person_is_not_found(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow, pytest.raises(NotFound):
        record(uow, make_event(PersonRef("0" * 32)))


def test_nothing_is_kept_when_the_caller_does_not_commit(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        record(uow, make_event(person))
    assert count(store, consent_events) == 0
    assert count(store, audit_events) == 1  # only person.created, committed earlier


def test_every_write_is_audited_and_the_chain_verifies(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="staff:7") as uow:
        record(uow, make_event(person))
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        rows = uow.connection.execute(select(audit_events).order_by(audit_events.c.sequence)).all()
        report = verify_chain(uow)
    assert [(r.action, r.actor) for r in rows] == [
        ("person.created", "test"),
        ("consent.given", "staff:7"),
    ]
    assert rows[1].subject == f"person:{person}"
    assert report.intact and report.length == 2 and report.head_hash == rows[1].hash


def test_each_consent_link_can_be_checked_against_its_event_row(store: Store) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="test") as uow:
        record(uow, make_event(person))
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        event = uow.connection.execute(select(consent_events)).one()
        link = uow.connection.execute(
            select(audit_events).where(audit_events.c.action == "consent.given")
        ).one()
    assert link.occurred_at == event.received_at
    assert link.payload_digest == payload_digest(
        {
            "event_id": event.event_id,
            "purpose": event.purpose,
            "channel": event.channel,
            "content_digest": event.content_digest,
        }
    )


def test_a_write_after_the_head_row_was_lost_rebuilds_it_and_keeps_one_chain(
    store: Store,
) -> None:
    person = new_person(store)
    with store.unit_of_work(actor="tamperer") as uow:
        uow.connection.execute(delete(audit_head))
        uow.commit()
    for number in range(2):
        with store.unit_of_work(actor="test") as uow:
            record(uow, make_event(person, event_id=f"evt-{number}"))
            uow.commit()
    with store.unit_of_work(actor="test") as uow:
        report = verify_chain(uow)
        head = uow.connection.execute(select(audit_head.c.sequence, audit_head.c.hash)).one()
    assert report.intact and report.length == 4  # the person, the rebuild's own link, 2 events
    assert report.head_restored == (2,)
    assert tuple(head) == (4, report.head_hash)


def test_person_is_found_by_email_whatever_its_case_and_spacing(store: Store) -> None:
    person = new_person(store, "Ada@Example.org")
    with store.unit_of_work(actor="test") as uow:
        assert find_person(uow, email="  ada@EXAMPLE.org ") == person
        assert find_person(uow, email="bob@example.org") is None
        assert ensure_person(uow, email="ADA@example.org") == person


def test_person_is_found_by_uk_phone_in_any_common_format(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        person = ensure_person(uow, phone="07700 900123")
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        assert find_person(uow, phone="+44 (0)7700-900-123") == person
        assert get_person(uow, person).phone == "+447700900123"


def test_identifiers_decrypt_back_for_the_person(store: Store) -> None:
    person = new_person(store, "ada@example.org")
    with store.unit_of_work(actor="test") as uow:
        found = get_person(uow, person)
    assert (found.email, found.name) == ("ada@example.org", "Ada Lovelace")
    # the ref is random hex, which may itself contain "ada": look for the identifiers only
    assert "ada@" not in repr(found) and "Lovelace" not in repr(found)


def test_many_addresses_are_looked_up_in_one_pass(store: Store) -> None:
    refs = {f"p{i}@example.org": new_person(store, f"p{i}@example.org") for i in range(3)}
    with store.unit_of_work(actor="test") as uow:
        found = find_people_by_email(uow, [*refs, "nobody@example.org"])
    assert found == refs


def test_states_for_many_people_and_refusals_on_a_channel(store: Store) -> None:
    ada, bob = new_person(store, "ada@example.org"), new_person(store, "bob@example.org")
    with store.unit_of_work(actor="test") as uow:
        record(uow, make_event(ada, event_id="a1"))
        record(uow, make_event(bob, event_id="b1", kind=ConsentEventKind.UNSUBSCRIBED))
        record(uow, make_event(bob, event_id="b2", purpose="offers"))
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        both = current_states(uow, [ada, bob], "newsletter", "email")
        refusals = list(states_with(uow, channel="email", statuses=[ConsentStatus.UNSUBSCRIBED]))
        bobs = states_of(uow, bob)
    assert {p: s.status for p, s in both.items()} == {
        ada: ConsentStatus.GIVEN,
        bob: ConsentStatus.UNSUBSCRIBED,
    }
    assert [(s.person, s.purpose) for s in refusals] == [(bob, "newsletter")]
    assert [s.purpose for s in bobs] == ["newsletter", "offers"]


WRITERS = 8
EVENTS_PER_WRITER = 20


def _ledger_writer(url: str, people: list[str], writer: int) -> None:
    """Each writer records events for every person, so writers contend for the same states."""
    store = Store(
        create_store_engine(url), FixedKeys(KeyRing({1: KeyVersion.generate(1)}, current=1))
    )
    for number in range(EVENTS_PER_WRITER):
        person = PersonRef(people[number % len(people)])
        kind = ConsentEventKind.WITHDRAWN if (writer + number) % 2 else ConsentEventKind.GIVEN
        event = make_event(
            person,
            event_id=f"w{writer}-{number}",
            kind=kind,
            occurred_at=T0 + timedelta(seconds=number, milliseconds=writer),
        )
        with store.unit_of_work(actor=f"writer:{writer}") as uow:
            record(uow, event)
            uow.commit()
    store.engine.dispose()


@pytest.mark.slow
def test_concurrent_ledger_writers_keep_one_chain_and_the_latest_state(
    database_url: str, committed_store: Store
) -> None:
    store = committed_store  # the writer processes must see its commits
    people = [new_person(store, f"p{n}@example.org") for n in range(4)]
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_ledger_writer, args=(database_url, people, writer))
        for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * WRITERS
    with store.unit_of_work(actor="test") as uow:
        report = verify_chain(uow)
        latest = current_state(uow, PersonRef(people[0]), "newsletter", "email")
    assert report.intact and report.length == len(people) + WRITERS * EVENTS_PER_WRITER
    last_number = max(n for n in range(EVENTS_PER_WRITER) if n % len(people) == 0)
    assert latest is not None and latest.event_id == f"w{WRITERS - 1}-{last_number}"
