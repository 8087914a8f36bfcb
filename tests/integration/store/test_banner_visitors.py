"""A banner visitor is one person, sealed and found by blind index like any identifier: after a
key rotation, and when two first receipts arrive at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from steward.consent.events import PersonRef
from steward.store.cookie_receipts import ensure_visitor, find_visitor
from steward.store.database import Store, create_store_engine
from steward.store.keyfile import KeyFile, add_key_version, create_key_file
from steward.store.rotation import reencrypt
from steward.store.tables import audit_events, people, person_identifiers

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
VISITORS = [f"visitor-{n:02d}-abcdefghijk" for n in range(5)]  # 22 characters


def test_visitors_are_found_after_the_keys_are_rotated(database_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=NOW)
    store = Store(create_store_engine(database_url), KeyFile(key_file))
    try:
        with store.unit_of_work(actor="test") as uow:
            before = {visitor: ensure_visitor(uow, visitor) for visitor in VISITORS}
            uow.commit()
        add_key_version(key_file, now=NOW)
        report = reencrypt(store, batch_size=2, actor="test")
        assert report.identifiers == len(VISITORS)
        with store.unit_of_work(actor="test", reads_only=True) as uow:
            after = {visitor: find_visitor(uow, visitor) for visitor in VISITORS}
            versions = set(
                uow.connection.execute(select(person_identifiers.c.key_version)).scalars()
            )
        assert after == before and versions == {2}
    finally:
        store.engine.dispose()


def test_a_visitor_is_created_once_and_audited_without_the_id(committed_store: Store) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        first = ensure_visitor(uow, VISITORS[0])
        again = ensure_visitor(uow, VISITORS[0])
        uow.commit()
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        actions = list(uow.connection.execute(select(audit_events.c.action)).scalars())
        subjects = list(uow.connection.execute(select(audit_events.c.subject)).scalars())
    assert first == again
    assert actions == ["person.created"]
    assert subjects == [f"person:{first}"]


def test_two_first_receipts_at_once_make_one_visitor(committed_store: Store) -> None:
    """The second waits on the first's identifier, then drops the person it began."""
    inserted = threading.Event()
    found: dict[str, PersonRef] = {}

    def first() -> None:
        with committed_store.unit_of_work(actor="first") as uow:
            found["first"] = ensure_visitor(uow, VISITORS[1])
            inserted.set()
            threading.Event().wait(0.3)  # hold the uncommitted row while the other arrives
            uow.commit()

    def second() -> None:
        inserted.wait(10)
        with committed_store.unit_of_work(actor="second") as uow:
            found["second"] = ensure_visitor(uow, VISITORS[1])
            uow.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert found["first"] == found["second"]
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        assert uow.connection.execute(select(func.count()).select_from(people)).scalar() == 1
