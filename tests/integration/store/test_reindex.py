"""Identifiers stored under the old normalisation rules are re-indexed after migration 0004, in
resumable batches, and two stored people that turn out to be one are merged without losing a
consent event (SQLite and PostgreSQL)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from alembic import command
from sqlalchemy import Engine, func, insert, select

from steward.cli.main import execute
from steward.cli.store_commands import register
from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.state import ConsentStatus
from steward.store import audit, ledger_check
from steward.store.crypto import KeyRing
from steward.store.database import Store, create_store_engine
from steward.store.keyfile import KeyFile, create_key_file
from steward.store.ledger import current_state, ensure_person, find_person, get_person, record
from steward.store.reindex import reindex, rows_pending
from steward.store.schema import alembic_config, upgrade
from steward.store.tables import consent_events, people, person_identifiers, person_merges

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
RENE_NFD = unicodedata.normalize("NFD", "rené@example.org")
ZOE_NFD = unicodedata.normalize("NFD", "zoë@example.org")


def legacy_person(engine: Engine, keys: KeyRing, stored: str, name: str | None = None) -> str:
    """A person as Steward wrote them before NFC: the stored form is whatever was typed."""
    ref = uuid.uuid4().hex
    sealed_name = keys.seal(name, context="name") if name else None
    sealed = keys.seal(stored, context="email")
    with engine.begin() as connection:
        connection.execute(
            insert(people).values(
                ref=ref,
                name_cipher=sealed_name.ciphertext if sealed_name else None,
                name_key_version=1 if sealed_name else None,
                created_at=NOW,
            )
        )
        connection.execute(
            insert(person_identifiers).values(
                person_ref=ref,
                kind="email",
                blind_index=keys.blind_index(stored, context="email"),
                ciphertext=sealed.ciphertext,
                key_version=sealed.key_version,
            )
        )
    return ref


def event(number: int, person: str, kind: ConsentEventKind, day: int) -> ConsentEvent:
    return ConsentEvent(
        event_id=f"e-{number}",
        person=PersonRef(person),
        kind=kind,
        purpose="newsletter",
        channel="email",
        source="web-form",
        wording="" if kind.is_refusal else "Send me news",
        wording_version="" if kind.is_refusal else "v1",
        occurred_at=datetime(2026, 11, day, tzinfo=UTC),
    )


@pytest.fixture
def legacy(empty_database_url: str, tmp_path: Path) -> tuple[Store, dict[str, str]]:
    """A database at 0003 holding NFD-stored people, one of whom gave consent; then upgraded,
    after which the same address typed in NFC unsubscribes (the bug this fixes)."""
    engine = create_store_engine(empty_database_url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "20261126_0003")
        connection.commit()
    key_file = tmp_path / "keys.json"
    keys = create_key_file(key_file, now=NOW)
    store = Store(engine, KeyFile(key_file))
    refs = {
        "rene_old": legacy_person(engine, keys, RENE_NFD, name="René"),
        "zoe": legacy_person(engine, keys, ZOE_NFD),
        "hidden": legacy_person(engine, keys, "ada\u200b@example.org"),
    }
    with store.unit_of_work(actor="test") as uow:
        record(uow, event(1, refs["rene_old"], ConsentEventKind.GIVEN, 1))
        uow.commit()
    upgrade(engine)
    with store.unit_of_work(actor="test") as uow:
        refs["rene_new"] = ensure_person(uow, email="rené@example.org")
        record(uow, event(2, refs["rene_new"], ConsentEventKind.UNSUBSCRIBED, 2))
        uow.commit()
    return store, refs


def test_the_migration_marks_only_rows_written_before_it(
    legacy: tuple[Store, dict[str, str]],
) -> None:
    store, _refs = legacy
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        assert rows_pending(uow.connection) == 3
    store.engine.dispose()


def test_reindexing_merges_the_two_renes_and_the_unsubscribe_wins(
    legacy: tuple[Store, dict[str, str]],
) -> None:
    store, refs = legacy
    report = reindex(store, batch_size=2, actor="test")
    assert report.merged == [(refs["rene_old"], refs["rene_new"])]
    assert (report.checked, report.reindexed, report.refused) == (3, 1, [refs["hidden"]])
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        found = find_person(uow, email=RENE_NFD)
        assert found == refs["rene_new"] == find_person(uow, email="rené@example.org")
        state = current_state(uow, found, "newsletter", "email")
        assert state is not None and state.status is ConsentStatus.UNSUBSCRIBED
        assert get_person(uow, found).name == "René"  # the name came over with the merge
        assert find_person(uow, email="ZOË@example.org") == refs["zoe"]
        owners = set(uow.connection.execute(select(consent_events.c.person_ref)).scalars())
        assert owners == {refs["rene_new"]}  # both events kept, on the one person
        assert uow.connection.execute(select(person_merges.c.into_ref)).scalars().all() == [
            refs["rene_new"]
        ]
        assert audit.verify_chain(uow).intact
        assert ledger_check.verify_ledger(uow).intact  # moved events still match their links
        assert rows_pending(uow.connection) == 0
    store.engine.dispose()


def test_an_interrupted_reindex_resumes_and_a_finished_one_changes_nothing(
    legacy: tuple[Store, dict[str, str]],
) -> None:
    store, _refs = legacy

    def stop(_rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reindex(store, batch_size=1, actor="test", on_batch=stop)
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        assert rows_pending(uow.connection) == 2
    rest = reindex(store, batch_size=1, actor="test")
    assert rest.checked == 2 and rest.batches == 2
    again = reindex(store, batch_size=1, actor="test")
    assert (again.checked, again.batches) == (0, 0)
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(people)).scalar_one() == 3
    store.engine.dispose()


def test_db_upgrade_reindexes_when_the_key_file_is_there(
    legacy: tuple[Store, dict[str, str]],
    tmp_path: Path,
    empty_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, refs = legacy
    monkeypatch.setenv("STEWARD_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(tmp_path / "keys.json"))
    app = typer.Typer()
    register(app)
    assert execute(app, ["db", "current"]) == 0
    assert "identifiers: 3 wait to be re-indexed" in capsys.readouterr().out
    assert execute(app, ["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "checked 3, re-indexed 1" in out and "merged 1 people" in out
    assert f"person:{refs['hidden']} holds an identifier the rules now refuse" in out
    assert execute(app, ["db", "reindex"]) == 0
    assert "index up to date" in capsys.readouterr().out
    store.engine.dispose()
