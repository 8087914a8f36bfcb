"""The audit chain detects edits, deletions, reordering and insertions, and stays one line under
concurrent writers (8 processes on PostgreSQL)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import Connection, delete, insert, select, update

from steward.cli.main import execute
from steward.cli.store_commands import register
from steward.errors import InvalidInput
from steward.store import audit
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine
from steward.store.keyfile import create_key_file
from steward.store.tables import audit_events, audit_head

Tamper = Callable[[Connection], None]


def write_events(store: Store, count: int) -> None:
    for number in range(count):
        with store.unit_of_work(actor="test") as uow:
            audit.append(uow, action="test.done", subject=f"thing:{number}", payload={"n": number})
            uow.commit()


@contextmanager
def tampering(store: Store) -> Iterator[Connection]:
    """Someone with write access to the database, going round Steward."""
    with store.unit_of_work(actor="tamperer") as uow:
        yield uow.connection
        uow.commit()


def verify(store: Store) -> audit.ChainReport:
    with store.unit_of_work(actor="test") as uow:
        return audit.verify_chain(uow)


def test_an_untouched_chain_verifies_and_reports_its_head(store: Store) -> None:
    write_events(store, 5)
    report = verify(store)
    with store.unit_of_work(actor="test") as uow:
        last = uow.connection.execute(
            select(audit_events.c.hash).where(audit_events.c.sequence == 5)
        )
        assert report.head_hash == last.scalar_one()
    assert report.intact and report.length == 5


def test_the_stored_link_is_the_one_append_returns_whatever_the_characters(
    store: Store,
) -> None:
    """On PostgreSQL the database hashes the link; Python must get the same bytes (UTF-8)."""
    with store.unit_of_work(actor="staff:Zoë Ó'Brien ✓") as uow:
        written = audit.append(uow, action="test.done", subject="thing:1", payload={"n": "é"})
        uow.commit()
    with store.unit_of_work(actor="test") as uow:
        row = uow.connection.execute(select(audit_events)).one()
    assert (row.sequence, row.previous_hash, row.hash) == (1, audit.GENESIS_HASH, written.hash)
    assert verify(store).intact


def test_an_empty_chain_verifies_with_the_genesis_hash(store: Store) -> None:
    assert verify(store) == audit.ChainReport(0, audit.GENESIS_HASH, None)


def _edit(connection: Connection) -> None:
    connection.execute(
        update(audit_events).where(audit_events.c.sequence == 3).values(actor="someone-else")
    )


def _delete(connection: Connection) -> None:
    connection.execute(delete(audit_events).where(audit_events.c.sequence == 3))


def _reorder(connection: Connection) -> None:
    connection.execute(update(audit_events).where(audit_events.c.sequence == 3).values(sequence=-3))
    connection.execute(update(audit_events).where(audit_events.c.sequence == 4).values(sequence=3))
    connection.execute(update(audit_events).where(audit_events.c.sequence == -3).values(sequence=4))


def _insert(connection: Connection) -> None:
    """A forged event slipped in after event 2 with a correctly computed hash of its own."""
    for sequence in range(5, 2, -1):
        connection.execute(
            update(audit_events)
            .where(audit_events.c.sequence == sequence)
            .values(sequence=sequence + 1)
        )
    previous = connection.execute(
        select(audit_events.c.hash).where(audit_events.c.sequence == 2)
    ).scalar_one()
    moment = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    digest = audit.payload_digest({"forged": True})
    connection.execute(
        insert(audit_events).values(
            sequence=3,
            occurred_at=moment,
            actor="intruder",
            action="consent.given",
            subject="person:x",
            payload_digest=digest,
            previous_hash=previous,
            hash=audit.link_hash(
                3, moment, "intruder", "consent.given", "person:x", digest, previous
            ),
        )
    )


@pytest.mark.parametrize(
    ("tamper", "broken_at", "words"),
    [
        (_edit, 3, "edited"),
        (_delete, 3, "missing"),
        (_reorder, 3, "previous_hash"),
        (_insert, 4, "previous_hash"),
    ],
    ids=["edit", "delete", "reorder", "insert"],
)
def test_tampering_is_detected_at_the_first_broken_link(
    store: Store, tamper: Tamper, broken_at: int, words: str
) -> None:
    write_events(store, 5)
    with tampering(store) as connection:
        tamper(connection)
    report = verify(store)
    assert report.broken is not None
    assert report.broken.sequence == broken_at and words in report.broken.reason
    assert report.length == broken_at - 1


def head_row(store: Store) -> tuple[int, str] | None:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        row = uow.connection.execute(select(audit_head.c.sequence, audit_head.c.hash)).first()
    return None if row is None else (row.sequence, row.hash)


def test_the_head_row_points_at_the_last_link(store: Store) -> None:
    assert head_row(store) in (None, (0, audit.GENESIS_HASH))  # PostgreSQL runs truncate it
    write_events(store, 3)
    report = verify(store)
    assert head_row(store) == (3, report.head_hash)


def test_a_lost_head_row_is_rebuilt_from_the_chain_without_forking_it(store: Store) -> None:
    write_events(store, 3)
    with tampering(store) as connection:
        connection.execute(delete(audit_head))
    write_events(store, 2)
    report = verify(store)
    assert report.intact and report.length == 5
    assert head_row(store) == (5, report.head_hash)


def test_events_cut_off_the_end_are_detected_through_the_head_row(store: Store) -> None:
    write_events(store, 5)
    with tampering(store) as connection:
        connection.execute(delete(audit_events).where(audit_events.c.sequence > 3))
    report = verify(store)
    assert report.broken is not None
    assert report.broken.sequence == 4 and "cut off the end" in report.broken.reason


def test_a_rewritten_end_of_the_chain_is_detected_through_the_head_row(store: Store) -> None:
    write_events(store, 3)
    with tampering(store) as connection:
        _rewrite_from(connection, 3, "someone-else")
    report = verify(store)
    assert report.broken is not None
    assert report.broken.sequence == 3 and "rewritten" in report.broken.reason


def _rewrite_from(connection: Connection, sequence: int, actor: str) -> None:
    """Re-hash one link consistently, as someone with write access could."""
    row = connection.execute(select(audit_events).where(audit_events.c.sequence == sequence)).one()
    connection.execute(
        update(audit_events)
        .where(audit_events.c.sequence == sequence)
        .values(
            actor=actor,
            hash=audit.link_hash(
                sequence,
                row.occurred_at,
                actor,
                row.action,
                row.subject,
                row.payload_digest,
                row.previous_hash,
            ),
        )
    )


def test_a_subject_that_looks_like_an_identifier_is_refused(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow, pytest.raises(InvalidInput):
        audit.append(uow, action="x.y", subject="person:ada@example.org", payload={})


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    key_file = tmp_path / "keys.json"
    ring = create_key_file(key_file, now=datetime(2026, 11, 26, tzinfo=UTC))
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    return Store(create_store_engine(database_url), FixedKeys(ring))


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_audit_verify_prints_the_head_hash_and_exits_0(
    cli_env: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(cli_env, 3)
    head = verify(cli_env).head_hash
    assert execute(cli(), ["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"head hash: {head}" in out and "3 events" in out
    cli_env.engine.dispose()


def test_audit_verify_names_the_broken_link_and_exits_1(
    cli_env: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(cli_env, 3)
    with cli_env.engine.begin() as connection:
        _edit(connection)
    assert execute(cli(), ["audit", "verify"]) == 1
    assert "broken at sequence 3" in capsys.readouterr().err
    cli_env.engine.dispose()


WRITERS = 8
EVENTS_PER_WRITER = 25


def _writer(url: str, writer: int) -> None:
    store = Store(
        create_store_engine(url), FixedKeys(KeyRing({1: KeyVersion.generate(1)}, current=1))
    )
    for number in range(EVENTS_PER_WRITER):
        with store.unit_of_work(actor=f"writer:{writer}") as uow:
            audit.append(
                uow,
                action="test.concurrent",
                subject=f"thing:{writer}.{number}",
                payload={"writer": writer, "n": number},
            )
            uow.commit()
    store.engine.dispose()


@pytest.mark.slow
def test_concurrent_writer_processes_form_one_linear_chain(
    database_url: str, committed_store: Store
) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_writer, args=(database_url, w)) for w in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * WRITERS
    report = verify(committed_store)
    assert report.intact and report.length == WRITERS * EVENTS_PER_WRITER
