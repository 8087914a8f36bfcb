"""The organisation's systems as one SQLite file, for the real-process crash test.

Each change and a row in the append-only ``effects`` table are written in one transaction, and
only when the change takes effect (a record erased, masked, flagged or held for the first
time), so the table lists every effect that happened, exactly as often as it happened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from steward.connectors.masking import fields_masked, masked
from steward.connectors.protocol import (
    Capability,
    ChangeReceipt,
    FieldValue,
    Record,
    RecordKey,
)
from steward.manifest.datasets import CollectionMap, Erase, RestrictBy
from tests.unit.engine.estate import crm_rows, support_rows

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, phone TEXT, name TEXT, held INTEGER);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total INTEGER);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, order_id INTEGER, amount INTEGER, issued_on TEXT,
                       held INTEGER);
CREATE TABLE tickets (id INTEGER PRIMARY KEY, customer_ref INTEGER, requester TEXT, body TEXT,
                      opened_on TEXT, status TEXT, masked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE native_holds (collection TEXT, key TEXT, PRIMARY KEY (collection, key));
CREATE TABLE effects (seq INTEGER PRIMARY KEY, op TEXT, collection TEXT, key TEXT);
"""


def create_estate(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        for table, rows in {**crm_rows(), **support_rows()}.items():
            for row in rows:
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
        db.commit()
    finally:
        db.close()


def contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the effects log's sequence numbers, for comparing two estates."""
    db = sqlite3.connect(path)
    try:
        state = {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("customers", "orders", "invoices", "tickets", "native_holds")
        }
        state["effects"] = db.execute("SELECT op, collection, key FROM effects").fetchall()
    finally:
        db.close()
    return state


class SqliteFileConnector:
    def __init__(self, system_id: str, path: Path, pseudonym_key: bytes = b"k" * 32) -> None:
        self.system_id = system_id
        self.capabilities = frozenset(Capability)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._key = pseudonym_key

    @staticmethod
    def _where(collection: CollectionMap) -> str:
        return " AND ".join(f"{k} = ?" for k in collection.primary_key)

    def _effect(self, op: str, key: RecordKey) -> None:
        self._db.execute(
            "INSERT INTO effects (op, collection, key) VALUES (?, ?, ?)",
            (op, key.collection, ",".join(key.values)),
        )

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        marks = ", ".join("?" for _ in values)
        pk = ", ".join(collection.primary_key)
        rows = self._db.execute(
            f"SELECT {pk} FROM {collection.name} WHERE {field_name} IN ({marks})", list(values)
        ).fetchall()
        return sorted(RecordKey(collection.name, tuple(str(v) for v in row)) for row in rows)

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        names = [f.name for f in collection.fields]
        found = []
        for key in keys:
            row = self._db.execute(
                f"SELECT {', '.join(names)} FROM {collection.name} WHERE {self._where(collection)}",
                key.values,
            ).fetchone()
            if row is not None:
                found.append(Record(key, dict(zip(names, row, strict=True))))
        return found

    def _change(self, keys: Sequence[RecordKey], op: str, statement: str) -> ChangeReceipt:
        affected = 0
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for key in keys:
                if self._db.execute(statement, key.values).rowcount:
                    affected += 1
                    self._effect(op, key)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return ChangeReceipt(affected)

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt:
        sets = ", ".join(f"{name} = ?" for name in changes)
        differs = " OR ".join(f"{name} IS NOT ?" for name in changes)
        statement = (
            f"UPDATE {collection.name} SET {sets} WHERE {self._where(collection)} AND ({differs})"
        )
        affected = 0
        self._db.execute("BEGIN IMMEDIATE")
        for key in keys:
            params = [*changes.values(), *key.values, *changes.values()]
            if self._db.execute(statement, params).rowcount:
                affected += 1
                self._effect("rectify", key)
        self._db.execute("COMMIT")
        return ChangeReceipt(affected)

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        if collection.erase is Erase.delete:
            statement = f"DELETE FROM {collection.name} WHERE {self._where(collection)}"
            return self._change(keys, "erase", statement)
        affected = 0
        targets = fields_masked(collection)
        self._db.execute("BEGIN IMMEDIATE")
        for record in self.read(collection, keys):
            sets = ", ".join([*(f"{f.name} = ?" for f in targets), "masked = 1"])
            params = [masked(f, record.fields[f.name], self._key) for f in targets]
            statement = (
                f"UPDATE {collection.name} SET {sets} "
                f"WHERE {self._where(collection)} AND masked = 0"
            )
            if self._db.execute(statement, [*params, *record.key.values]).rowcount:
                affected += 1
                self._effect("mask", record.key)
        self._db.execute("COMMIT")
        return ChangeReceipt(affected)

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        if collection.restrict.by is RestrictBy.field:
            flag = collection.restrict.field
            statement = (
                f"UPDATE {collection.name} SET {flag} = 1 "
                f"WHERE {self._where(collection)} AND {flag} IS NOT 1"
            )
            return self._change(keys, "restrict", statement)
        affected = 0
        self._db.execute("BEGIN IMMEDIATE")
        for key in keys:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO native_holds VALUES (?, ?)",
                (key.collection, ",".join(key.values)),
            ).rowcount
            if inserted:
                affected += 1
                self._effect("restrict", key)
        self._db.execute("COMMIT")
        return ChangeReceipt(affected)

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        return []

    def close(self) -> None:
        self._db.close()
