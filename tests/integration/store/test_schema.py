"""Schema only by migrations: models and migrations agree, and a stale database is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text

from steward.bootstrap import open_store
from steward.cli.main import execute
from steward.cli.store_commands import register
from steward.config import load_settings
from steward.errors import StoreError
from steward.store import audit
from steward.store.database import create_store_engine
from steward.store.keyfile import create_key_file
from steward.store.schema import alembic_config, head_revisions, schema_version, upgrade
from steward.store.tables import audit_head, metadata


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_migrations_build_exactly_the_tables_the_code_declares(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), metadata
        )
    assert differences == []


def test_the_audit_head_migration_starts_from_the_existing_chain(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "20261126_0001")
        connection.commit()
    links = [(1, audit.GENESIS_HASH, "1" * 64), (2, "1" * 64, "2" * 64)]
    with engine.begin() as connection:
        for sequence, previous, digest in links:
            connection.execute(
                text(
                    "INSERT INTO audit_events (sequence, occurred_at, actor, action, subject, "
                    "payload_digest, previous_hash, hash) VALUES (:s, '2026-11-26 09:00:00', "
                    "'test', 'x.y', 'thing:1', :d, :p, :d)"
                ),
                {"s": sequence, "d": digest, "p": previous},
            )
    upgrade(engine)
    with engine.connect() as connection:
        head = connection.execute(select(audit_head.c.sequence, audit_head.c.hash)).one()
    engine.dispose()
    assert tuple(head) == (2, "2" * 64)


def test_the_lean_states_migration_keeps_every_state_and_can_be_undone(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "20261126_0002")
        connection.commit()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO people (ref, created_at) VALUES ('p1', :at)"), _AT)
        connection.execute(
            text(
                "INSERT INTO consent_states (person_ref, purpose, channel, status, kind, event_id, "
                "occurred_at, source, wording_version, order_key, updated_at) VALUES ('p1', "
                "'newsletter', 'email', 'given', 'given', 'e1', :at, 'web', 'v1', :key, :at)"
            ),
            {**_AT, "key": b"k1"},
        )
    upgrade(engine)
    assert _state_layout(engine) == ([("p1", "e1")], set())
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "20261126_0002")
        connection.commit()
    assert _state_layout(engine) == ([("p1", "e1")], {"ix_consent_states_purpose_channel_status"})
    engine.dispose()


_AT = {"at": datetime(2026, 11, 26, 9, tzinfo=UTC)}


def _state_layout(engine: Engine) -> tuple[list[tuple[str, str]], set[str]]:
    """The state rows and the names of the table's secondary indexes; on SQLite also checks
    that the table is ``WITHOUT ROWID`` exactly when the status index is gone (migration 0003)."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT person_ref, event_id FROM consent_states")).all()
        indexes = {
            index["name"]
            for index in inspect(connection).get_indexes("consent_states")
            if index["name"] is not None
        }
        if engine.dialect.name == "sqlite":
            ddl = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'consent_states'")
            ).scalar_one()
            assert ("WITHOUT ROWID" in ddl) == (not indexes)
    return [(row.person_ref, row.event_id) for row in rows], indexes


def test_a_migrated_database_is_at_the_single_head(engine: Engine) -> None:
    version = schema_version(engine)
    assert version.up_to_date and len(head_revisions()) == 1


def test_opening_an_unmigrated_database_says_to_run_db_upgrade(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = load_settings(database_url=empty_database_url, key_file=tmp_path / "k.json")
    with pytest.raises(StoreError) as raised:
        open_store(settings)
    assert "no Steward schema" in str(raised.value)
    assert "steward db upgrade" in str(raised.value)


def test_a_database_from_an_unknown_revision_is_refused(
    empty_database_url: str, tmp_path: Path
) -> None:
    engine = create_store_engine(empty_database_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '29990101_0001'"))
    engine.dispose()
    with pytest.raises(StoreError) as raised:
        open_store(load_settings(database_url=empty_database_url, key_file=tmp_path / "k"))
    assert "does not know" in str(raised.value)


def test_db_upgrade_then_current_reports_up_to_date(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", empty_database_url)
    assert execute(cli(), ["db", "current"]) == 0
    assert "(empty)" in capsys.readouterr().out
    assert execute(cli(), ["db", "upgrade"]) == 0
    assert "upgraded (empty) ->" in capsys.readouterr().out
    assert execute(cli(), ["db", "current"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_store_opens_once_migrated_and_keyed(empty_database_url: str, tmp_path: Path) -> None:
    engine = create_store_engine(empty_database_url)
    upgrade(engine)
    engine.dispose()
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=datetime(2026, 11, 26, tzinfo=UTC))
    store = open_store(load_settings(database_url=empty_database_url, key_file=key_file))
    with store.unit_of_work(actor="test") as uow:
        assert uow.keys.current == 1
    store.engine.dispose()


@pytest.mark.postgres
def test_a_migration_blocked_by_a_lock_gives_up_after_the_lock_timeout(
    empty_database_url: str,
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("lock timeouts apply to PostgreSQL")
    engine = create_store_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        )
    blocker = create_store_engine(empty_database_url)
    try:
        with blocker.connect() as holding:
            holding.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(StoreError) as raised:
                upgrade(engine, lock_timeout_ms=200)
            holding.rollback()
        assert "STEWARD_MIGRATION_LOCK_TIMEOUT_MS" in str(raised.value)
        assert schema_version(engine).current == ()
    finally:
        blocker.dispose()
        engine.dispose()
