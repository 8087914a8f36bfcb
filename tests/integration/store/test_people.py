"""People: one person per identifier, whatever its Unicode form, even when two first contacts
for one address arrive at once on two connections (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from steward.consent.events import PersonRef
from steward.errors import InvalidInput
from steward.store.database import Store
from steward.store.people import ensure_person, find_person, get_person
from steward.store.tables import audit_events, people, person_identifiers


def count(store: Store, table: object) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_decomposed_accent_finds_the_person_created_with_a_composed_one(
    committed_store: Store,
) -> None:
    store = committed_store
    with store.unit_of_work(actor="test") as uow:
        created = ensure_person(uow, email="rené@example.org")
        again = ensure_person(uow, email="rene\u0301@example.org")
        found = find_person(uow, email="  RENE\u0301@EXAMPLE.ORG ")
        uow.commit()
    assert created == again == found
    assert count(store, person_identifiers) == 1


def test_an_address_with_a_hidden_character_creates_no_person(committed_store: Store) -> None:
    store = committed_store
    with store.unit_of_work(actor="test") as uow, pytest.raises(InvalidInput, match="U\\+200B"):
        ensure_person(uow, email="ada\u200b@example.org")
    assert count(store, people) == 0


def _waiting_on_a_lock(store: Store) -> bool:
    with store.engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(waiting)


def test_two_first_contacts_for_one_address_at_once_make_one_person(committed_store: Store) -> None:
    """The first creates the person and holds its transaction open; the second, on another
    connection, looks (finds nothing yet), creates, and meets the first's identifier."""
    store = committed_store
    first_wrote = threading.Event()
    results: dict[str, PersonRef] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with store.unit_of_work(actor="first") as uow:
                results["first"] = ensure_person(uow, email="new@example.org", name="First")
                first_wrote.set()
                deadline = time.monotonic() + 5
                if store.engine.dialect.name == "postgresql":  # until the second is blocked
                    while not _waiting_on_a_lock(store) and time.monotonic() < deadline:
                        time.sleep(0.02)
                    results["second_was_waiting"] = PersonRef(str(_waiting_on_a_lock(store)))
                else:
                    time.sleep(0.3)
                uow.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            first_wrote.set()

    def second() -> None:
        first_wrote.wait(5)
        try:
            with store.unit_of_work(actor="second") as uow:
                results["second"] = ensure_person(uow, email="NEW@example.org", name="Second")
                uow.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert results["first"] == results["second"]
    if store.engine.dialect.name == "postgresql":
        assert results["second_was_waiting"] == "True"  # the conflict path really ran
    assert count(store, people) == 1 and count(store, person_identifiers) == 1
    with store.unit_of_work(actor="test") as uow:
        assert get_person(uow, results["first"]).name == "First"
        actions = list(uow.connection.execute(select(audit_events.c.action)).scalars())
    assert actions == ["person.created"]
