"""Engines and the unit of work: the caller owns the transaction, repositories never commit.

DESIGN.md §5 item 3. SQLite runs every writing transaction as ``BEGIN IMMEDIATE`` (one writer at
a time, so the audit chain stays linear and upserts never deadlock) and a reading one as a plain
deferred ``BEGIN``, which takes no write lock: in WAL mode a long read (a list filter, an audit
verification) sees one snapshot and never holds up a withdrawal (RULES.md R2.8: it takes effect
at once). PostgreSQL uses psycopg 3; its readers never block writers.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from steward.errors import ConfigError
from steward.store.crypto import KeyRing
from steward.store.driver_errors import translated

Clock = Callable[[], datetime]
SQLITE_BUSY_TIMEOUT_MS = 30_000
_READS_ONLY = "steward_reads_only"
_TEMPORARY_TABLES = "steward_temporary_tables"
_log = logging.getLogger("steward.store")


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
        engine = create_engine(
            parsed.set(drivername="postgresql+psycopg"), pool_recycle=1800, future=True
        )
        event.listen(engine, "begin", _begin_postgresql)
        return engine
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
        engine = create_engine(parsed, future=True)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
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


def _begin_sqlite(connection: Connection) -> None:
    """Straight to the driver: this runs once per transaction, so it is on every write path."""
    reads_only = connection.get_execution_options().get(_READS_ONLY, False)
    statement = "BEGIN" if reads_only else "BEGIN IMMEDIATE"
    connection.connection.driver_connection.execute(statement)  # type: ignore[union-attr]


def _begin_postgresql(connection: Connection) -> None:
    """A reading transaction is declared read-only as its first statement, so the server
    refuses any write in it (psycopg opens the transaction with this statement). PostgreSQL
    also refuses ``CREATE TEMPORARY TABLE`` there, so a reading unit that fills temporary tables
    is left read-write (the SQLite authorizer still guards it there)."""
    options = connection.get_execution_options()
    if options.get(_READS_ONLY, False) and not options.get(_TEMPORARY_TABLES, False):
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "SET TRANSACTION READ ONLY"
        )


_SQLITE_WRITES = frozenset(
    {
        sqlite3.SQLITE_INSERT,
        sqlite3.SQLITE_UPDATE,
        sqlite3.SQLITE_DELETE,
        sqlite3.SQLITE_CREATE_TABLE,
        sqlite3.SQLITE_CREATE_INDEX,
        sqlite3.SQLITE_CREATE_TRIGGER,
        sqlite3.SQLITE_CREATE_VIEW,
        sqlite3.SQLITE_DROP_TABLE,
        sqlite3.SQLITE_DROP_INDEX,
        sqlite3.SQLITE_DROP_TRIGGER,
        sqlite3.SQLITE_DROP_VIEW,
        sqlite3.SQLITE_ALTER_TABLE,
    }
)


def _refuse_writes_to_main(
    action: int, _arg1: str | None, _arg2: str | None, database: str | None, _trigger: str | None
) -> int:
    """SQLite authorizer for a reading unit: Steward's tables are read-only, temporary tables
    (a list filter's lookup table) stay writable."""
    if action in _SQLITE_WRITES and database == "main":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _set_reads_only(connection: Connection, on: bool) -> None:
    """SQLite's enforcement is per connection, not per transaction: set it for a reading unit
    of work and clear it before the connection goes back to the pool. ``PRAGMA query_only``
    would also refuse temporary tables, so an authorizer refuses writes to the database file
    instead (https://sqlite.org/c3ref/set_authorizer.html); PostgreSQL's is per transaction
    (``SET TRANSACTION READ ONLY`` in the begin hook) and needs nothing here."""
    if connection.dialect.name == "sqlite":
        driver: Any = connection.connection.driver_connection
        driver.set_authorizer(_refuse_writes_to_main if on else None)


def database_name(engine: Engine) -> str:
    """The database as error messages name it: its URL without the password."""
    return engine.url.render_as_string(hide_password=True)


AfterCommit = Callable[[], object]


class UnitOfWork:
    """One unit of work: its transactions plus what repositories need in them (keys, the
    clock and the actor). The contract, the same on SQLite and PostgreSQL (docs/architecture.md):

    - every statement runs inside a transaction: the first one opens it (``BEGIN IMMEDIATE`` on
      SQLite for a writing unit, so the write lock is held only while there is work to do);
    - ``commit()`` makes everything written so far durable and ends that transaction; the next
      statement opens a fresh one, so work after a commit is again all-or-nothing;
    - ``rollback()`` undoes everything written since the last commit;
    - leaving the ``with`` block undoes everything not committed, on every path;
    - ``after_commit(fn)`` runs ``fn`` once the commit that made it true has succeeded (jobs,
      mail); a rollback drops it.
    """

    def __init__(
        self,
        connection: Connection,
        keys: KeySource,
        clock: Clock,
        actor: str,
        *,
        reads_only: bool = False,
        nested: bool = False,
    ) -> None:
        self.connection = connection
        self.key_source = keys
        self.clock = clock
        self.actor = actor
        self.reads_only = reads_only
        self._nested = nested
        self._savepoint: Any = connection.begin_nested() if nested else None
        self._after_commit: list[AfterCommit] = []
        self._cursor: Any = None
        self._where = database_name(connection.engine)

    @property
    def keys(self) -> KeyRing:
        return self.key_source.ring()

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def cursor(self) -> Any:
        """The driver's cursor on this unit's connection, for ``store.prepared``; a transaction
        is open whenever it is handed out."""
        if not self._nested and not self.connection.in_transaction():
            self.connection.begin()
        if self._cursor is None:
            self._cursor = self.connection.connection.cursor()
        return self._cursor

    def after_commit(self, callback: AfterCommit) -> None:
        """Run ``callback`` after the next successful ``commit()``; dropped on rollback.

        A callback that raises does not undo the commit (it has happened): the remaining
        callbacks still run, each failure is logged, and the first is re-raised to the caller
        with a note that the commit stands.
        """
        self._after_commit.append(callback)

    def commit(self) -> None:
        callbacks, self._after_commit = self._after_commit, []
        with translated(self._where, reads_only=self.reads_only):
            if self._nested:
                self._savepoint.commit()
                self._savepoint = self.connection.begin_nested()
            else:
                self.connection.commit()
        _run_after_commit(callbacks)

    def rollback(self) -> None:
        self._after_commit = []
        with translated(self._where, reads_only=self.reads_only):
            if self._nested:
                self._savepoint.rollback()
                self._savepoint = self.connection.begin_nested()
            else:
                self.connection.rollback()

    def _discard(self) -> None:
        """Undo what was not committed: the end of every unit of work, on every path."""
        self._after_commit = []
        if self._nested:
            if self._savepoint.is_active:
                self._savepoint.rollback()
        elif self.connection.in_transaction():
            self.connection.rollback()


def _run_after_commit(callbacks: list[AfterCommit]) -> None:
    failures: list[Exception] = []
    for callback in callbacks:
        try:
            callback()
        except Exception as error:
            _log.exception("after-commit callback %r failed; the commit stands", callback)
            failures.append(error)
    if failures:
        first = failures[0]
        first.add_note(
            f"the transaction was committed; {len(failures)} of {len(callbacks)} "
            "after-commit callbacks failed (see the log)"
        )
        raise first


class Store:
    """The database, the key source and the clock, as built once by ``steward.bootstrap``.

    ``Store.bound_to(connection, ...)`` runs every unit of work as a savepoint inside a
    transaction someone else owns (tests roll that back at the end of each test). On
    PostgreSQL a bound reading unit is not made read-only: the outside transaction's mode rules.
    """

    def __init__(self, engine: Engine, keys: KeySource, clock: Clock = system_clock) -> None:
        self.engine = engine
        self.keys = keys
        self.clock = clock
        self._bound: Connection | None = None

    @classmethod
    def bound_to(
        cls, connection: Connection, keys: KeySource, clock: Clock = system_clock
    ) -> Store:
        """A store whose units of work are savepoints in ``connection``'s open transaction."""
        store = cls(connection.engine, keys, clock)
        store._bound = connection
        return store

    def with_keys(self, keys: KeySource) -> Store:
        """The same database (and binding) and clock with another key source."""
        store = Store(self.engine, keys, self.clock)
        store._bound = self._bound
        return store

    @contextmanager
    def unit_of_work(
        self, actor: str, *, reads_only: bool = False, temporary_tables: bool = False
    ) -> Iterator[UnitOfWork]:
        """One unit of work (see ``UnitOfWork``). Driver errors from the block come out as
        StewardErrors (``steward.store.driver_errors``).

        ``reads_only`` is for work that writes nothing to Steward's tables: the database itself
        refuses a write in it (SQLite: an authorizer; PostgreSQL: ``SET TRANSACTION READ
        ONLY``), and on SQLite it takes no write lock. ``temporary_tables`` says the reading
        work fills temporary tables (a list filter): PostgreSQL cannot then mark it read-only.
        """
        where = database_name(self.engine)
        with _connection(
            self.engine, self._bound, where, reads_only, temporary_tables
        ) as connection:
            uow = UnitOfWork(
                connection,
                self.keys,
                self.clock,
                actor,
                reads_only=reads_only,
                nested=self._bound is not None,
            )
            try:
                with translated(where, reads_only=reads_only):
                    yield uow
            finally:
                with translated(where):  # a connection lost mid-unit is Unavailable, too
                    uow._discard()


@contextmanager
def _connection(
    engine: Engine,
    bound: Connection | None,
    where: str,
    reads_only: bool,
    temporary_tables: bool = False,
) -> Iterator[Connection]:
    if bound is not None:
        connection = bound
    else:
        with translated(where):
            connection = engine.connect()
        if reads_only:
            connection.execution_options(**{_READS_ONLY: True, _TEMPORARY_TABLES: temporary_tables})
    try:
        with translated(where, reads_only=reads_only):
            if reads_only:
                _set_reads_only(connection, True)
            if bound is None:
                connection.begin()
        yield connection
    finally:
        try:
            if reads_only:
                _set_reads_only(connection, False)
        except Exception:
            if bound is None:
                connection.invalidate()  # never hand a read-only connection to a writer
            raise
        finally:
            if bound is None:
                connection.close()


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection in a reading transaction, for work that needs no keys: the schema check on
    start-up, which must not wait for (or hold up) a writer."""
    where = database_name(engine)
    with _connection(engine, None, where, True) as connection:
        try:
            with translated(where, reads_only=True):
                yield connection
        finally:
            if connection.in_transaction():
                connection.rollback()
