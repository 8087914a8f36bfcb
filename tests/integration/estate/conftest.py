"""A 200-person Outserve estate, generated once per test session into real systems.

SQLite, the visitor-log folder and the SaaS seeds are always generated; the CRM goes to a fresh
PostgreSQL database and HR to a fresh MariaDB database when those servers answer (under
CI=true a missing server fails loudly, elsewhere its tests are skipped).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pymysql
import pytest

from examples.outserve.estate.generate import Summary, Targets, generate
from tests.integration.conftest import (
    _require_postgres,
    create_postgres_database,
    drop_postgres_database,
)

PEOPLE = 200
SEED = 1
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": "", "connect_timeout": 3}


def _require_mariadb() -> None:
    try:
        pymysql.connect(**MARIADB).close()
    except pymysql.MySQLError as error:
        message = f"MariaDB on 127.0.0.1:3306 is not reachable: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@dataclass(frozen=True)
class Estate:
    folder: Path
    summary: Summary

    @property
    def support(self) -> Path:
        return self.folder / "support.sqlite3"

    @property
    def files(self) -> Path:
        return self.folder / "files"

    @property
    def saas(self) -> Path:
        return self.folder / "saas"


def local_targets(folder: Path) -> Targets:
    return Targets(sqlite=folder / "support.sqlite3", files=folder / "files", saas=folder / "saas")


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    """SQLite, files and SaaS seeds of the 200-person estate (read them, do not change them)."""
    folder = tmp_path_factory.mktemp("estate")
    return Estate(folder, generate(PEOPLE, SEED, local_targets(folder)))


@pytest.fixture(scope="session")
def crm_url() -> Iterator[str]:
    """A PostgreSQL database holding the estate's CRM."""
    _require_postgres()
    url = create_postgres_database()
    try:
        generate(PEOPLE, SEED, Targets(postgres=url))
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def hr_url() -> Iterator[str]:
    """A MariaDB database holding the estate's HR and payroll."""
    _require_mariadb()
    name = f"estate_test_{uuid.uuid4().hex[:12]}"
    with pymysql.connect(**MARIADB) as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    url = f"mysql+pymysql://root@127.0.0.1:3306/{name}"
    try:
        generate(PEOPLE, SEED, Targets(mariadb=url))
        yield url
    finally:
        with pymysql.connect(**MARIADB) as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")


def crm_rows(url: str, query: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        return list(connection.execute(query, params).fetchall())


def hr_rows(url: str, query: str, *params: object) -> list[tuple[object, ...]]:
    database = url.rsplit("/", 1)[1]
    with (
        pymysql.connect(**MARIADB, database=database) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(query, params)
        return list(cursor.fetchall())
