"""Real databases for integration tests: every store test runs on SQLite and on PostgreSQL.

Each test run creates its own PostgreSQL database (steward_test_<random>), builds the schema by
running the migrations, empties the tables after every test and drops the database at the end.
Under CI=true a missing PostgreSQL server fails loudly; elsewhere those tests are skipped.

Fixtures for other test modules: ``database_url`` (migrated, both backends), ``engine``,
``keys``, ``clock``, ``store``, and ``empty_database_url`` (no schema yet).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
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


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database on each backend, empty at the start of the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'steward.sqlite3'}"
        engine = create_store_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    _empty_postgres_tables(url)


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
def store(engine: Engine, keys: KeyRing, clock: ManualClock) -> Store:
    return Store(engine, FixedKeys(keys), clock)
