"""Engines and the unit of work: the caller owns the transaction, repositories never commit.

DESIGN.md §5 item 3. SQLite runs every writing transaction as ``BEGIN IMMEDIATE`` (one writer at
a time, so the audit chain stays linear and upserts never deadlock) and a reading one as a plain
deferred ``BEGIN``, which takes no write lock: in WAL mode a long read (a list filter, an audit
verification) sees one snapshot and never holds up a withdrawal (RULES.md R2.8: it takes effect
at once). PostgreSQL uses psycopg 3; its readers never block writers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from steward.errors import ConfigError, StoreError
from steward.store.crypto import KeyRing

Clock = Callable[[], datetime]
SQLITE_BUSY_TIMEOUT_MS = 30_000
_READS_ONLY = "steward_reads_only"


def system_clock() -> datetime:
    return datetime.now(UTC)


class KeySource(Protocol):
    """Where the current key ring comes from (a key file, or a fixed ring in tests)."""

    def ring(self) -> KeyRing: ...


@dataclass(frozen=True)
class FixedKeys:
    """A key ring held in memory: for tests and one-off tools."""

    keys: KeyRing

    def ring(self) -> KeyRing:
        return self.keys


def create_store_engine(url: str) -> Engine:
    """Build (not connect) an engine for SQLite or PostgreSQL (psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "the database URL cannot be parsed",
            where="STEWARD_DATABASE_URL",
            hint="use postgresql+psycopg://user@host:5432/dbname, or unset it for SQLite",
        ) from None
    if parsed.drivername in ("postgresql", "postgresql+psycopg"):
        return create_engine(
            parsed.set(drivername="postgresql+psycopg"), pool_recycle=1800, future=True
        )
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
        engine = create_engine(parsed, future=True)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin)
        return engine
    raise ConfigError(
        f"unsupported database driver {parsed.drivername!r}",
        where="STEWARD_DATABASE_URL",
        hint="Steward runs on SQLite (default) or PostgreSQL (postgresql+psycopg://...)",
    )


def _create_private(database: Path) -> None:
    """The folder 0700 and the file 0600 when Steward creates them (identifiers are encrypted,
    but the ledger and audit chain are still personal data: UK GDPR Art 32). SQLite gives its
    -wal and -shm files the database file's mode. Existing ones are left as they are."""
    try:
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as error:
        raise ConfigError(
            f"cannot create the SQLite database: {error.strerror or type(error).__name__}",
            where=str(database),
            hint="set STEWARD_DATA_DIR to a folder the service account can write",
        ) from error


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" hook issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _begin(connection: Connection) -> None:
    """Straight to the driver: this runs once per unit of work, so it is on every write path."""
    reads_only = connection.get_execution_options().get(_READS_ONLY, False)
    statement = "BEGIN" if reads_only else "BEGIN IMMEDIATE"
    connection.connection.driver_connection.execute(statement)  # type: ignore[union-attr]


class UnitOfWork:
    """One transaction plus what repositories need inside it: keys, the clock and the actor.

    Leaving the ``with`` block without ``commit()`` rolls everything back.
    """

    def __init__(self, connection: Connection, keys: KeySource, clock: Clock, actor: str) -> None:
        self.connection = connection
        self.key_source = keys
        self.clock = clock
        self.actor = actor
        self._cursor: Any = None

    @property
    def keys(self) -> KeyRing:
        return self.key_source.ring()

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def cursor(self) -> Any:
        """The driver's cursor on this transaction's connection, for ``store.prepared``."""
        if self._cursor is None:
            self._cursor = self.connection.connection.cursor()
        return self._cursor

    def commit(self) -> None:
        self.connection.commit()


class Store:
    """The database, the key source and the clock, as built once by ``steward.bootstrap``."""

    def __init__(self, engine: Engine, keys: KeySource, clock: Clock = system_clock) -> None:
        self.engine = engine
        self.keys = keys
        self.clock = clock

    @contextmanager
    def unit_of_work(self, actor: str, *, reads_only: bool = False) -> Iterator[UnitOfWork]:
        """One transaction. ``reads_only`` is for work that writes nothing to the database's
        tables (temporary tables are fine): on SQLite it then takes no write lock."""
        try:
            connection = self.engine.connect()
        except OperationalError as error:
            raise StoreError(
                "cannot connect to the database",
                where=self.engine.url.render_as_string(hide_password=True),
                hint="check STEWARD_DATABASE_URL and that the server is running",
            ) from error
        with connection:
            if reads_only:
                connection.execution_options(**{_READS_ONLY: True})
            connection.begin()
            yield UnitOfWork(connection, self.keys, self.clock, actor)
