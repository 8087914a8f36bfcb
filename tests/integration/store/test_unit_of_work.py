"""A reading unit of work holds up no writer: a long list filter or audit verification must not
delay a withdrawal (RULES.md R2.8), on SQLite (deferred BEGIN) as on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from steward.store import audit
from steward.store.database import Store
from steward.store.tables import audit_events


def _append(store: Store, done: threading.Event) -> None:
    with store.unit_of_work(actor="test") as uow:
        audit.append(uow, action="consent.withdrawn", subject="person:p1", payload={})
        uow.commit()
    done.set()


def test_a_writer_commits_while_a_reading_unit_of_work_is_open(store: Store) -> None:
    written = threading.Event()
    with store.unit_of_work(actor="test", reads_only=True) as reader:
        before = reader.connection.execute(select(func.count()).select_from(audit_events))
        assert before.scalar_one() == 0
        writer = threading.Thread(target=_append, args=(store, written))
        writer.start()
        writer.join(timeout=10)
        assert written.is_set(), "the writer waited for the reader"
    assert audit_verified_length(store) == 1


def test_a_reading_unit_of_work_still_reads_one_snapshot_of_the_chain(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        audit.append(uow, action="test.done", subject="thing:1", payload={})
        uow.commit()
    with store.unit_of_work(actor="test", reads_only=True) as reader:
        report = audit.verify_chain(reader)
    assert report.intact and report.length == 1


def audit_verified_length(store: Store) -> int:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        report = audit.verify_chain(uow)
    assert report.intact
    return report.length
