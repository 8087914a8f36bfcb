"""Where the rows go: a SQL database (in batches, so a million people fit in bounded memory), the
visitor log CSV and the SaaS servers' seed JSON (streamed to disk as they are generated).

Each SQL sink drops and recreates its tables, loads rows in batches of ``BATCH`` (PostgreSQL by
``COPY``, MariaDB and SQLite by ``executemany``), then adds indexes and foreign keys. The
files are written beside their target and moved over it when complete (steward.files).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

import psycopg
import pymysql
from sqlalchemy.engine import make_url

from examples.outserve.estate.schema import VISITOR_LOG_COLUMNS, Table, after_load, create_table
from steward.files import atomic_outputs

BATCH = 5_000
Row = tuple[Any, ...]


class _Database(Protocol):
    def execute(self, statement: str) -> None: ...

    def insert(self, table: Table, rows: Sequence[Row]) -> None: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


class _Postgres:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self._connection = psycopg.connect(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            dbname=parsed.database,
        )

    def execute(self, statement: str) -> None:
        self._connection.execute(statement)  # our own fixed DDL

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        columns = ", ".join(table.column_names)
        statement = f"COPY {table.name} ({columns}) FROM STDIN"
        with self._connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()


class _MariaDb:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self._connection = pymysql.connect(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 3306,
            user=parsed.username or "root",
            password=parsed.password or "",
            database=parsed.database,
            charset="utf8mb4",
        )

    def execute(self, statement: str) -> None:
        with self._connection.cursor() as cursor:
            cursor.execute(statement)

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        marks = ", ".join(["%s"] * len(table.columns))
        statement = f"INSERT INTO {table.name} ({', '.join(table.column_names)}) VALUES ({marks})"
        with self._connection.cursor() as cursor:
            cursor.executemany(statement, rows)

    def commit(self) -> None:
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()


class _Sqlite:
    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path)

    def execute(self, statement: str) -> None:
        self._connection.execute(statement)

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        marks = ", ".join(["?"] * len(table.columns))
        statement = f"INSERT INTO {table.name} ({', '.join(table.column_names)}) VALUES ({marks})"
        self._connection.executemany(statement, [tuple(map(_sqlite_value, row)) for row in rows])

    def commit(self) -> None:
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class SqlSink:
    """One SQL system: its tables recreated, rows buffered per table and loaded in batches."""

    def __init__(self, dialect: str, target: str, tables: Sequence[Table]) -> None:
        self.dialect = dialect
        self.tables = {table.name: table for table in tables}
        self._buffers: dict[str, list[Row]] = {table.name: [] for table in tables}
        self.counts: dict[str, int] = {table.name: 0 for table in tables}
        self._db: _Database
        if dialect == "postgresql":
            self._db = _Postgres(target)
        elif dialect == "mysql":
            self._db = _MariaDb(target)
        else:
            self._db = _Sqlite(target)
        if dialect == "mysql":
            self._db.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in reversed(tables):
            self._db.execute(f"DROP TABLE IF EXISTS {table.name}")
        if dialect == "mysql":
            self._db.execute("SET FOREIGN_KEY_CHECKS = 1")
        for table in tables:
            self._db.execute(create_table(table, dialect))

    def add(self, table: str, row: Row) -> None:
        buffer = self._buffers[table]
        buffer.append(row)
        if len(buffer) >= BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buffer = self._buffers[table]
        if buffer:
            self._db.insert(self.tables[table], buffer)
            self.counts[table] += len(buffer)
            buffer.clear()

    def finish(self) -> None:
        for name in self.tables:
            self._flush(name)
        for table in self.tables.values():
            for statement in after_load(table, self.dialect):
                self._db.execute(statement)
        self._db.commit()
        self._db.close()

    def abandon(self) -> None:
        self._db.close()


class VisitorLogSink:
    """``visitors.csv`` in the files folder: the visitor log of the ``visitor_log`` system."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        (handle,) = stack.enter_context(atomic_outputs(folder, ["visitors.csv"]))
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(VISITOR_LOG_COLUMNS)
        self.count = 0

    def add(self, row: Row) -> None:
        self._writer.writerow(row)
        self.count += 1


class JsonArray:
    """A JSON array written item by item: ``[`` on the first item, ``]`` on close."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.count = 0

    def add(self, item: Any) -> None:
        self._handle.write("\n  " if self.count == 0 else ",\n  ")
        self._handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True))
        self.count += 1

    def close(self) -> None:
        self._handle.write("\n]" if self.count else "]")


class SaasSink:
    """The three contract servers' seed files: hubspot.json, zendesk.json, mailchimp.json."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        names = ["hubspot.json", "zendesk.json", "mailchimp.json"]
        self._hubspot, self._zendesk, self._mailchimp = stack.enter_context(
            atomic_outputs(folder, names)
        )
        spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (the stack closes it)
        self._spool = stack.enter_context(spool)
        self._hubspot.write('{"contacts": [')
        self.contacts = JsonArray(self._hubspot)
        self._zendesk.write('{"users": [')
        self.users = JsonArray(self._zendesk)
        self._spool.write("[")
        self.tickets = JsonArray(self._spool)
        self._mailchimp.write('{"lists": {"outserve-clients": {"members": [')
        self.members = JsonArray(self._mailchimp)

    def finish(self) -> None:
        self.contacts.close()
        self._hubspot.write("}\n")
        self.users.close()
        self.tickets.close()
        self._zendesk.write(', "tickets": ')
        self._spool.seek(0)
        while chunk := self._spool.read(1 << 16):
            self._zendesk.write(chunk)
        self._zendesk.write("}\n")
        self.members.close()
        self._mailchimp.write("}}}\n")
