"""Real databases for integration tests: every store test runs on SQLite and on PostgreSQL.

Each test run creates its own PostgreSQL database (steward_test_<random>) and builds the schema
once by running the migrations; SQLite tests get a copy of one migrated file. Under CI=true a
missing PostgreSQL server fails loudly; elsewhere those tests are skipped.

Two kinds of database, chosen by the fixture a test asks for:

- ``store``: a store bound to an outside transaction that is rolled back at the end of the
  test (each unit of work is a savepoint in it, so its own commit and rollback behave as in
  service). Nothing is committed, so nothing needs emptying. Use it unless something outside
  the store's own connection must see what it wrote.
- ``committed_store`` and ``database_url`` / ``engine``: a real database whose commits are
  real, for tests where other connections, processes or the CLI read or write the same data
  (concurrency, commands run through their settings). PostgreSQL's tables are emptied after
  such a test. A test cannot have both kinds: ``store`` refuses to run next to ``database_url``.

Other fixtures: ``keys``, ``clock``, and ``empty_database_url`` (no schema yet).

The organisation's own databases (the SQL connector's tests) are scratch databases, one per
run and backend, with no Steward schema: ``scratch_postgres_url`` and ``mariadb_url`` (MariaDB
on 127.0.0.1:3306, user root; marked ``mariadb``, and under CI=true a missing server fails).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pymysql
import pytest
from sqlalchemy import Engine

from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine
from steward.store.schema import upgrade

POSTGRES_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class ManualClock:
    """A clock tests set by hand; each reading moves on one millisecond so times stay ordered."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(POSTGRES_SERVER):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


def _require_postgres() -> None:
    problem = _postgres_available()
    if problem is None:
        return
    message = f"PostgreSQL on 127.0.0.1:5432 is not reachable: {problem}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def create_postgres_database() -> str:
    """A new empty database; returns its SQLAlchemy URL."""
    name = f"steward_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def scratch_postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database for this run (no Steward schema), dropped at the end."""
    _require_postgres()
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def _mariadb_server() -> pymysql.Connection[Any]:
    return pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=3)


def _mariadb_available() -> str | None:
    try:
        _mariadb_server().close()
    except pymysql.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def _require_mariadb() -> None:
    problem = _mariadb_available()
    if problem is None:
        return
    message = f"MariaDB on 127.0.0.1:3306 is not reachable: {problem}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """An empty MariaDB database for this run, dropped at the end; its SQLAlchemy URL."""
    _require_mariadb()
    name = f"steward_test_{uuid.uuid4().hex[:12]}"
    connection = _mariadb_server()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        yield f"mysql+pymysql://root@127.0.0.1:3306/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """This run's migrated PostgreSQL database (created once, dropped at the end)."""
    _require_postgres()
    url = create_postgres_database()
    engine = create_store_engine(url)
    try:
        upgrade(engine)
        yield url
    finally:
        engine.dispose()
        drop_postgres_database(url)


def _empty_postgres_tables(url: str) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        tables = [
            row[0]
            for row in c.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            c.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per run; each test copies it (migrating takes ~100x longer)."""
    path = tmp_path_factory.mktemp("template") / "steward.sqlite3"
    engine = create_store_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def migrated_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated database on ``backend``: a fresh SQLite file, or this run's PostgreSQL one."""
    if backend == "sqlite":
        path = tmp_path / "steward.sqlite3"
        if not path.exists():
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def database_url(migrated_url: str, backend: str) -> Iterator[str]:
    """A migrated database on each backend whose commits are real; empty at the start of the
    test (PostgreSQL's tables are emptied after it)."""
    yield migrated_url
    if backend == "postgresql":
        _empty_postgres_tables(migrated_url)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    _require_postgres()
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def keys() -> KeyRing:
    return KeyRing({1: KeyVersion.generate(1)}, current=1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))


@pytest.fixture
def committed_store(engine: Engine, keys: KeyRing, clock: ManualClock) -> Store:
    """A store whose commits are real (see the module's docstring)."""
    return Store(engine, FixedKeys(keys), clock)


@pytest.fixture
def store(
    request: pytest.FixtureRequest, migrated_url: str, keys: KeyRing, clock: ManualClock
) -> Iterator[Store]:
    """A store inside an outside transaction rolled back at the end of the test."""
    if "database_url" in request.fixturenames:
        pytest.fail(
            "this test uses database_url (other connections) and store (whose writes nobody "
            "else can see): ask for committed_store instead"
        )
    engine = create_store_engine(migrated_url)
    connection = engine.connect()
    outside = connection.begin()
    try:
        yield Store.bound_to(connection, FixedKeys(keys), clock)
    finally:
        outside.rollback()
        connection.close()
        engine.dispose()
