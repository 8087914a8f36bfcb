"""Driver errors are translated by their codes into the StewardError tree, and only those whose
code says what happened; anything else is a bug and stays one. Real drivers raise every error
here (SQLite files in a temporary folder, a PostgreSQL port nobody listens on)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from steward.errors import ConfigError, Conflict, StewardError, StoreError, Unavailable
from steward.store.driver_errors import SQLITE_UNNAMED_FOREIGN_KEY, translate, translated

WHERE = "sqlite:///steward.sqlite3"


def raised_by(connection: sqlite3.Connection, statement: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        connection.execute(statement)
    return raised.value


@pytest.fixture
def database(tmp_path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("CREATE TABLE people (ref TEXT PRIMARY KEY)")
    connection.execute("CREATE TABLE events (person_ref TEXT REFERENCES people(ref))")
    connection.execute("INSERT INTO people VALUES ('p1')")
    return connection


def test_a_unique_constraint_is_a_conflict_naming_what_sqlite_names(
    database: sqlite3.Connection,
) -> None:
    error = translate(raised_by(database, "INSERT INTO people VALUES ('p1')"), where=WHERE)
    assert isinstance(error, Conflict) and error.constraint == "people.ref"


def test_a_failed_foreign_key_on_sqlite_is_a_conflict_on_the_unnamed_reference(
    database: sqlite3.Connection,
) -> None:
    error = translate(raised_by(database, "INSERT INTO events VALUES ('nobody')"), where=WHERE)
    assert isinstance(error, Conflict) and error.constraint == SQLITE_UNNAMED_FOREIGN_KEY


def test_a_database_still_locked_after_the_busy_timeout_is_unavailable_with_a_hint(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    database.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None, timeout=0.05)
    error = translate(raised_by(other, "BEGIN IMMEDIATE"), where=WHERE)
    assert isinstance(error, Unavailable) and error.message == "the database is locked"
    assert error.hint is not None and "busy timeout" in error.hint


def test_a_database_file_that_cannot_be_opened_is_a_setting_to_fix(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.Error) as raised:
        sqlite3.connect(tmp_path / "missing" / "db.sqlite3")
    error = translate(raised.value, where=WHERE)
    assert isinstance(error, ConfigError) and "STEWARD_DATA_DIR" in (error.hint or "")


def test_a_read_only_file_is_a_setting_but_a_write_in_a_reading_unit_is_steward_s_own(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    read_only = sqlite3.connect(f"file:{tmp_path / 'db.sqlite3'}?mode=ro", uri=True)
    error = raised_by(read_only, "INSERT INTO people VALUES ('p2')")
    assert isinstance(translate(error, where=WHERE), ConfigError)
    in_reading_unit = translate(error, where=WHERE, reads_only=True)
    assert type(in_reading_unit) is StoreError
    assert "reading unit" in in_reading_unit.message


def test_a_bug_is_not_translated(database: sqlite3.Connection) -> None:
    assert translate(raised_by(database, "SELEC 1"), where=WHERE) is None
    assert translate(raised_by(database, "SELECT * FROM nowhere"), where=WHERE) is None
    with pytest.raises(sqlite3.OperationalError), translated(WHERE):
        database.execute("SELEC 1")


def test_a_refused_connection_is_unavailable_and_names_the_server() -> None:
    with pytest.raises(psycopg.OperationalError) as raised:
        psycopg.connect("host=127.0.0.1 port=5999 user=nobody dbname=x connect_timeout=2")
    error = translate(raised.value, where="postgresql+psycopg://nobody@127.0.0.1:5999/x")
    assert isinstance(error, Unavailable) and "cannot connect" in error.message
    assert "127.0.0.1:5999" in str(error)


def test_translated_raises_the_steward_error_from_the_driver_error(
    database: sqlite3.Connection,
) -> None:
    with pytest.raises(StewardError) as raised, translated(WHERE):
        database.execute("INSERT INTO people VALUES ('p1')")
    assert isinstance(raised.value.__cause__, sqlite3.IntegrityError)
