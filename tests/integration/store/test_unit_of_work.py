"""The transaction contract, the same on SQLite and PostgreSQL (docs/architecture.md).

A unit of work commits what ``commit()`` covers and nothing else; work after a commit is again
all-or-nothing; callbacks run only after the commit that made them true; a reading unit is
read-only by the database's own rule and holds up no writer (RULES.md R2.8: a withdrawal takes
effect at once); driver errors come out as StewardErrors that say what happened.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import Engine, func, insert, select, text, update

from steward.errors import Conflict, InvalidInput, StewardError, StoreError, Unavailable
from steward.store import audit, database
from steward.store.crypto import KeyRing
from steward.store.database import FixedKeys, Store, UnitOfWork, create_store_engine
from steward.store.schema import require_current, schema_version
from steward.store.tables import audit_events, people

CREATED = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["committed", "bound"])
def any_store(request: pytest.FixtureRequest, backend: str) -> Store:
    """The contract holds for a store on its own engine and for one bound to a test's
    outside transaction alike."""
    name = "committed_store" if request.param == "committed" else "store"
    found: Store = request.getfixturevalue(name)
    return found


def add_event(uow: UnitOfWork, number: int) -> None:
    audit.append(uow, action="test.done", subject=f"thing:{number}", payload={"n": number})


def add_person(uow: UnitOfWork, ref: str) -> None:
    uow.connection.execute(insert(people).values(ref=ref, created_at=CREATED))


def counts(store: Store) -> tuple[int, int]:
    """(audit events, people) as a fresh reading unit of work sees them."""
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        events = uow.connection.execute(select(func.count()).select_from(audit_events))
        persons = uow.connection.execute(select(func.count()).select_from(people))
        return events.scalar_one(), persons.scalar_one()


def test_work_after_a_commit_is_undone_when_the_block_ends_without_another(
    any_store: Store,
) -> None:
    with any_store.unit_of_work(actor="test") as uow:
        add_event(uow, 1)
        add_person(uow, "p1")
        uow.commit()
        add_event(uow, 2)  # the driver's own cursor (store.prepared)
        add_person(uow, "p2")  # SQLAlchemy Core
    assert counts(any_store) == (1, 1)


def test_an_error_in_the_block_undoes_the_work_since_the_last_commit(any_store: Store) -> None:
    with pytest.raises(RuntimeError), any_store.unit_of_work(actor="test") as uow:
        add_event(uow, 1)
        uow.commit()
        add_event(uow, 2)
        raise RuntimeError("a bug half way")
    assert counts(any_store) == (1, 0)


def test_rollback_undoes_what_was_written_since_the_last_commit(any_store: Store) -> None:
    with any_store.unit_of_work(actor="test") as uow:
        add_person(uow, "kept")
        uow.commit()
        add_person(uow, "undone")
        uow.rollback()
        add_person(uow, "after")
        uow.commit()
    with any_store.unit_of_work(actor="test", reads_only=True) as uow:
        refs = uow.connection.execute(select(people.c.ref).order_by(people.c.ref)).scalars()
        assert list(refs) == ["after", "kept"]


def test_an_after_commit_callback_runs_only_once_the_commit_succeeded(any_store: Store) -> None:
    seen: list[tuple[int, int]] = []
    with any_store.unit_of_work(actor="test") as uow:
        add_person(uow, "p1")
        uow.after_commit(lambda: seen.append(counts(any_store)))
        assert seen == []
        uow.commit()
        assert seen == [(0, 1)]
        uow.commit()  # a second commit does not run it again
    assert seen == [(0, 1)]


def test_after_commit_callbacks_are_dropped_by_rollback_and_by_leaving(any_store: Store) -> None:
    seen: list[str] = []
    with any_store.unit_of_work(actor="test") as uow:
        uow.after_commit(lambda: seen.append("rolled back"))
        uow.rollback()
        uow.commit()
        uow.after_commit(lambda: seen.append("never committed"))
    assert seen == []


def test_a_failing_callback_never_undoes_the_commit_and_the_others_still_run(
    any_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    def broken() -> None:
        raise Unavailable("the mail server is down")

    with pytest.raises(Unavailable) as raised, any_store.unit_of_work(actor="test") as uow:
        add_person(uow, "p1")
        uow.after_commit(broken)
        uow.after_commit(lambda: seen.append("mail queued"))
        uow.commit()
    assert seen == ["mail queued"]
    assert counts(any_store) == (0, 1)
    assert "the transaction was committed" in " ".join(raised.value.__notes__)
    assert "after-commit callback" in caplog.text


@pytest.mark.parametrize("write", ["core", "driver cursor"])
def test_a_write_in_a_reading_unit_is_refused_by_the_database(
    committed_store: Store, write: str
) -> None:
    with (
        pytest.raises(StoreError, match="reading unit of work tried to write"),
        committed_store.unit_of_work(actor="test", reads_only=True) as uow,
    ):
        if write == "core":
            add_person(uow, "p1")
        else:
            add_event(uow, 1)
    assert counts(committed_store) == (0, 0)


def test_a_reading_unit_leaves_its_connection_writable_for_the_next_unit(
    committed_store: Store,
) -> None:
    for number in range(3):  # the pool hands the same connection back each time
        assert counts(committed_store)[0] == number
        with committed_store.unit_of_work(actor="test") as uow:
            add_event(uow, number)
            uow.commit()


def test_a_reading_unit_may_fill_temporary_tables(committed_store: Store) -> None:
    with committed_store.unit_of_work(actor="test", reads_only=True, temporary_tables=True) as uow:
        uow.connection.execute(text("CREATE TEMPORARY TABLE scratch (n integer)"))
        uow.connection.execute(text("INSERT INTO scratch (n) VALUES (1), (2)"))
        total = uow.connection.execute(text("SELECT sum(n) FROM scratch")).scalar_one()
    assert total == 3


def _append(store: Store, done: threading.Event) -> None:
    with store.unit_of_work(actor="test") as uow:
        audit.append(uow, action="consent.withdrawn", subject="person:p1", payload={})
        uow.commit()
    done.set()


def test_a_writer_commits_while_a_reading_unit_of_work_is_open(committed_store: Store) -> None:
    written = threading.Event()
    with committed_store.unit_of_work(actor="test", reads_only=True) as reader:
        before = reader.connection.execute(select(func.count()).select_from(audit_events))
        assert before.scalar_one() == 0
        writer = threading.Thread(target=_append, args=(committed_store, written))
        writer.start()
        writer.join(timeout=10)
        assert written.is_set(), "the writer waited for the reader"
    assert audit_verified_length(committed_store) == 1


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


@pytest.fixture
def writer_holding_the_lock(database_url: str) -> Iterator[None]:
    """Another connection in the middle of a writing transaction (SQLite: BEGIN IMMEDIATE,
    which holds the write lock; PostgreSQL: a row written and not yet committed)."""
    if database_url.startswith("sqlite"):
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO people (ref, created_at) VALUES ('held', '2026-11-26')")
        yield
        other.execute("ROLLBACK")
        other.close()
        return
    held = psycopg.connect(database_url.replace("postgresql+psycopg", "postgresql"))
    held.execute("INSERT INTO people (ref, created_at) VALUES ('held', now())")
    yield
    held.rollback()
    held.close()


def test_the_start_up_schema_check_neither_waits_for_nor_blocks_a_writer(
    engine: Engine, writer_holding_the_lock: None
) -> None:
    started = time.monotonic()
    require_current(engine)
    assert schema_version(engine).up_to_date
    assert time.monotonic() - started < 2.0


def test_a_unique_constraint_comes_out_as_a_conflict_naming_it(any_store: Store) -> None:
    with pytest.raises(Conflict) as raised, any_store.unit_of_work(actor="test") as uow:
        add_person(uow, "p1")
        add_person(uow, "p1")
    assert raised.value.constraint in ("pk_people", "people.ref")  # PostgreSQL, SQLite
    assert raised.value.constraint in str(raised.value)


def test_a_write_that_waits_too_long_for_a_lock_is_unavailable_and_says_retry(
    committed_store: Store,
    writer_holding_the_lock: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 100)
    committed_store.engine.dispose()  # new connections pick up the shorter busy timeout
    with pytest.raises(Unavailable) as raised, committed_store.unit_of_work(actor="t") as uow:
        if uow.dialect == "postgresql":
            uow.connection.execute(text("SET LOCAL lock_timeout = '100ms'"))
            uow.connection.execute(update(people).values(created_at=CREATED))
            uow.connection.execute(insert(people).values(ref="held", created_at=CREATED))
        else:
            add_person(uow, "p1")
    assert raised.value.hint is not None and "retry" in raised.value.hint


def test_an_unreachable_server_is_unavailable_not_a_traceback(keys: KeyRing) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:5999/x?connect_timeout=2"
    store = Store(create_store_engine(url), FixedKeys(keys))
    with (
        pytest.raises(Unavailable, match="cannot connect") as raised,
        store.unit_of_work(actor="test", reads_only=True),
    ):
        pass
    assert "127.0.0.1:5999" in str(raised.value)


@pytest.mark.postgres
def test_a_nul_character_on_postgresql_is_invalid_input_naming_the_field(
    postgres_url: str, keys: KeyRing
) -> None:
    engine = create_store_engine(postgres_url)
    try:
        with (
            pytest.raises(InvalidInput, match="NUL") as raised,
            Store(engine, FixedKeys(keys)).unit_of_work(actor="test") as uow,
        ):
            add_person(uow, "p\x001")
        assert raised.value.where == "ref"
    finally:
        engine.dispose()


def test_a_bug_in_a_statement_is_not_dressed_up_as_a_user_error(any_store: Store) -> None:
    with pytest.raises(Exception) as raised, any_store.unit_of_work(actor="test") as uow:
        uow.connection.execute(text("SELEC 1"))
    assert not isinstance(raised.value, StewardError)
