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
from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.errors import InvalidInput
from steward.store import audit, ledger_check
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine
from steward.store.keyfile import create_key_file
from steward.store.ledger import ensure_person, record
from steward.store.tables import audit_events, audit_head, consent_events, consent_states

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
    assert report.intact and report.length == 6  # 3 + the rebuild's own link + 2
    assert report.head_restored == (4,)
    assert head_row(store) == (6, report.head_hash)


def test_verify_warns_about_a_rebuilt_head_every_time(
    cli_env: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(cli_env, 2)
    with cli_env.engine.begin() as connection:
        connection.execute(delete(audit_head))
    write_events(cli_env, 1)
    assert execute(cli(), ["audit", "verify"]) == 0
    assert "audit_head was lost and rebuilt from the chain (link 3)" in capsys.readouterr().err
    cli_env.engine.dispose()


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


# --- an audit chain nobody can quietly empty ---


def seed_ledger(store: Store) -> PersonRef:
    """One person who gave consent and then withdrew it, another who only gave it."""
    with store.unit_of_work(actor="test") as uow:
        ada = ensure_person(uow, email="ada@example.org")
        bob = ensure_person(uow, email="bob@example.org")
        for number, (person, kind, day) in enumerate(
            [
                (ada, ConsentEventKind.GIVEN, 1),
                (ada, ConsentEventKind.WITHDRAWN, 2),
                (bob, ConsentEventKind.GIVEN, 3),
            ]
        ):
            record(
                uow,
                ConsentEvent(
                    event_id=f"e-{number}",
                    person=person,
                    kind=kind,
                    purpose="newsletter",
                    channel="email",
                    source="web-form",
                    wording="" if kind.is_refusal else "Send me news",
                    wording_version="" if kind.is_refusal else "v1",
                    occurred_at=datetime(2026, 11, day, tzinfo=UTC),
                ),
            )
        uow.commit()
    return ada


def check_ledger(store: Store) -> ledger_check.LedgerReport:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        return ledger_check.verify_ledger(uow)


def test_deleting_the_head_row_is_reported(committed_store: Store) -> None:
    store = committed_store
    write_events(store, 3)
    with store.engine.begin() as connection:
        connection.execute(delete(audit_head))
    report = verify(store)
    assert report.broken is not None and "audit_head row is missing" in report.broken.reason


@pytest.mark.parametrize("keep_head", [True, False], ids=["head-reset", "head-deleted"])
def test_wiping_every_event_is_reported_while_people_exist(
    committed_store: Store, keep_head: bool
) -> None:
    store = committed_store
    seed_ledger(store)
    with store.engine.begin() as connection:
        connection.execute(delete(audit_events))
        if keep_head:
            connection.execute(update(audit_head).values(sequence=0, hash=audit.GENESIS_HASH))
        else:
            connection.execute(delete(audit_head))
    report = verify(store)
    assert report.broken is not None and "every event was deleted" in report.broken.reason
    assert "people and consent events" in report.broken.reason


def test_an_untouched_ledger_matches_its_audit_links(store: Store) -> None:
    seed_ledger(store)
    report = check_ledger(store)
    assert report.intact and (report.events, report.states) == (3, 2)


def test_an_edited_current_state_is_reported_with_where_and_what(committed_store: Store) -> None:
    store = committed_store
    ada = seed_ledger(store)
    with store.engine.begin() as connection:
        connection.execute(
            update(consent_states)
            .where(consent_states.c.person_ref == ada)
            .values(status="given", kind="given")
        )
    (problem,) = check_ledger(store).problems
    assert problem.where == f"consent_states person:{ada} newsletter/email"
    assert "edited: status, kind differ" in problem.reason


def test_a_deleted_state_row_is_reported(committed_store: Store) -> None:
    store = committed_store
    ada = seed_ledger(store)
    with store.engine.begin() as connection:
        connection.execute(delete(consent_states).where(consent_states.c.person_ref == ada))
    (problem,) = check_ledger(store).problems
    assert "missing" in problem.reason and ada in problem.where


def test_a_deleted_consent_event_is_reported_at_its_audit_link(committed_store: Store) -> None:
    store = committed_store
    seed_ledger(store)
    with store.engine.begin() as connection:
        link = connection.execute(
            select(audit_events.c.sequence).where(audit_events.c.action == "consent.withdrawn")
        ).scalar_one()
        connection.execute(delete(consent_events).where(consent_events.c.event_id == "e-1"))
    problems = check_ledger(store).problems
    assert f"audit_events sequence {link}" in [problem.where for problem in problems]
    assert any("the event was deleted" in problem.reason for problem in problems)
    assert any("edited" in problem.reason for problem in problems)  # the state outlived it


def test_an_edited_consent_event_is_reported(committed_store: Store) -> None:
    store = committed_store
    seed_ledger(store)
    with store.engine.begin() as connection:
        connection.execute(
            update(consent_events)
            .where(consent_events.c.event_id == "e-2")
            .values(wording="Send me news and offers from partners")
        )
    problem, *_ = check_ledger(store).problems
    assert "(event 'e-2')" in problem.where and "content digest" in problem.reason


def test_audit_verify_reports_ledger_problems_and_exits_1(
    cli_env: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    ada = seed_ledger(cli_env)
    with cli_env.engine.begin() as connection:
        connection.execute(delete(consent_states).where(consent_states.c.person_ref == ada))
    assert execute(cli(), ["audit", "verify"]) == 1
    assert f"consent ledger: consent_states person:{ada}" in capsys.readouterr().err
    cli_env.engine.dispose()


def test_audit_head_prints_a_witness_line_that_verify_then_finds(
    cli_env: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(cli_env, 3)
    assert execute(cli(), ["audit", "head"]) == 0
    line = capsys.readouterr().out.strip()
    prefix, link, moment = line.split(" ")
    assert prefix == "steward-audit" and link == f"3:{verify(cli_env).head_hash}"
    assert moment.endswith("Z")
    write_events(cli_env, 2)
    assert execute(cli(), ["audit", "verify", "--witness", link]) == 0
    assert "witness 3:" in capsys.readouterr().out
    assert execute(cli(), ["audit", "verify", "--witness", line]) == 0  # the whole line works too
    cli_env.engine.dispose()


def test_a_rewritten_chain_no_longer_holds_the_witness_and_exits_1(
    cli_env: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(cli_env, 3)
    witness = f"2:{verify(cli_env).witnessed.get(2) or _hash_at(cli_env, 2)}"
    with cli_env.engine.begin() as connection:  # rewrite 2 and 3 consistently, head included
        _rewrite_from(connection, 2, "someone-else")
        _rechain_from(connection, 3)
    assert verify(cli_env).intact  # the chain alone cannot tell
    assert execute(cli(), ["audit", "verify", "--witness", witness]) == 1
    assert f"witness {witness} not found" in capsys.readouterr().err
    cli_env.engine.dispose()


@pytest.mark.parametrize("text", ["3", "3:abc", "x:" + "0" * 64, "steward-audit 3"])
def test_a_malformed_witness_exits_2(
    cli_env: Store, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert execute(cli(), ["audit", "verify", "--witness", text]) == 2
    assert "is not a witness" in capsys.readouterr().err
    cli_env.engine.dispose()


def _hash_at(store: Store, sequence: int) -> str:
    with store.engine.connect() as connection:
        return str(
            connection.execute(
                select(audit_events.c.hash).where(audit_events.c.sequence == sequence)
            ).scalar_one()
        )


def _rechain_from(connection: Connection, sequence: int) -> None:
    """Re-link every event from ``sequence`` on to the one before it, and move the head."""
    last = None
    for row in connection.execute(
        select(audit_events)
        .where(audit_events.c.sequence >= sequence)
        .order_by(audit_events.c.sequence)
    ).all():
        previous = connection.execute(
            select(audit_events.c.hash).where(audit_events.c.sequence == row.sequence - 1)
        ).scalar_one()
        digest = audit.link_hash(
            row.sequence,
            row.occurred_at,
            row.actor,
            row.action,
            row.subject,
            row.payload_digest,
            previous,
        )
        connection.execute(
            update(audit_events)
            .where(audit_events.c.sequence == row.sequence)
            .values(previous_hash=previous, hash=digest)
        )
        last = (row.sequence, digest)
    assert last is not None
    connection.execute(update(audit_head).values(sequence=last[0], hash=last[1]))
