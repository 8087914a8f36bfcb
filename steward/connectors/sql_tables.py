"""A collection of a dataset map matched to the table the database really has.

The table is reflected from the database (once per connector), and every name the map uses
(the table, each field, the primary key, the restriction flag, the date field) is checked
against it before a statement runs: a map that has drifted from the schema is refused naming
the map's entry to correct, never run against the wrong column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    MetaData,
    String,
    Table,
    and_,
    or_,
)
from sqlalchemy.exc import NoSuchTableError

from steward.connectors.protocol import FieldValue, RecordKey, SystemRefused
from steward.connectors.sql_values import NotOfColumnType, key_text, python_type, to_column
from steward.manifest.datasets import CollectionMap, FieldMap, Mask

CHUNK = 500
"""Keys per statement: well inside every backend's limit on bound parameters."""


def _map_entry(system_id: str, collection: CollectionMap, entry: str) -> str:
    return f"{entry} of collection '{collection.name}' in the dataset map of system {system_id}"


def reflect_table(
    system_id: str, connection: Connection, collection: CollectionMap, cache: dict[str, Table]
) -> Table:
    """The database's own description of the collection's table (``schema.table`` allowed)."""
    cached = cache.get(collection.name)
    if cached is not None:
        return cached
    schema, _, name = collection.name.rpartition(".")
    try:
        table = Table(name, MetaData(), schema=schema or None, autoload_with=connection)
    except NoSuchTableError as error:
        raise SystemRefused(
            system_id,
            f"the database has no table '{collection.name}'",
            hint=f"correct 'name' ({_map_entry(system_id, collection, 'the name')}) to the "
            "table's name as the database spells it",
        ) from error
    cache[collection.name] = table
    return table


@dataclass(frozen=True)
class MappedTable:
    """A reflected table and the collection of the map that describes it."""

    system_id: str
    table: Table
    collection: CollectionMap

    @classmethod
    def checked(cls, system_id: str, table: Table, collection: CollectionMap) -> MappedTable:
        wanted = [(f.name, f"fields[].name '{f.name}'") for f in collection.fields]
        for name, entry in wanted:
            if name not in table.c:
                raise SystemRefused(
                    system_id,
                    f"table '{collection.name}' has no column '{name}'",
                    hint=f"correct or remove {_map_entry(system_id, collection, entry)}; the "
                    f"table's columns are: {', '.join(table.c.keys())}",
                )
        return cls(system_id, table, collection)

    def column(self, name: str) -> Column[Any]:
        if name not in {f.name for f in self.collection.fields}:
            raise SystemRefused(
                self.system_id,
                f"'{name}' is not a field of collection '{self.collection.name}'",
                hint=f"map it under {_map_entry(self.system_id, self.collection, 'fields')}",
            )
        column: Column[Any] = self.table.c[name]
        return column

    @property
    def key_columns(self) -> list[Column[Any]]:
        return [self.column(name) for name in self.collection.primary_key]

    def key_of(self, values: Mapping[Any, Any]) -> RecordKey:
        """The key of a row, given as ``row._mapping``."""
        return RecordKey(self.collection.name, tuple(key_text(values[c]) for c in self.key_columns))

    def key_filters(self, keys: Sequence[RecordKey]) -> Iterator[ColumnElement[bool]]:
        """WHERE clauses matching ``keys``, a chunk at a time; a key whose text cannot be a
        value of its column matches no record, so it is left out."""
        columns = self.key_columns
        converted: list[tuple[Any, ...]] = []
        for key in dict.fromkeys(keys):
            if key.collection != self.collection.name or len(key.values) != len(columns):
                raise SystemRefused(
                    self.system_id,
                    f"{key} is not a key of collection '{self.collection.name}'",
                    hint=f"its primary key is ({', '.join(self.collection.primary_key)})",
                )
            try:
                converted.append(
                    tuple(to_column(c, v) for c, v in zip(columns, key.values, strict=True))
                )
            except NotOfColumnType:
                continue
        for start in range(0, len(converted), CHUNK):
            chunk = converted[start : start + CHUNK]
            if len(columns) == 1:
                yield columns[0].in_([values[0] for values in chunk])
            else:
                yield or_(
                    *(
                        and_(*(c == v for c, v in zip(columns, values, strict=True)))
                        for values in chunk
                    )
                )

    def rectification(self, changes: Mapping[str, FieldValue]) -> dict[str, Any]:
        """The changes as column values; a field the map keeps from rectification is refused."""
        values: dict[str, Any] = {}
        for name, value in changes.items():
            column = self.column(name)
            if not self.collection.field(name).rectifiable:
                raise SystemRefused(
                    self.system_id,
                    f"field '{name}' of collection '{self.collection.name}' is not rectifiable",
                    hint="the dataset map says 'rectifiable: false'; change it by hand if it must",
                )
            try:
                values[column.name] = to_column(column, value)
            except NotOfColumnType as error:
                raise SystemRefused(
                    self.system_id,
                    f"the new value of '{name}' is not of its column's type ({column.type})",
                    hint="give it in the column's form (numbers as digits, dates as YYYY-MM-DD)",
                ) from error
        return values

    def maskable_fields(self, pseudonym_key: bytes) -> list[FieldMap]:
        """The personal fields masked on erasure; the primary key stays (the record is kept and
        found by it), and each mask is checked to fit its column before anything changes."""
        key = self.collection.primary_key
        fields = [f for f in self.collection.personal_fields if f.name not in key]
        for field in fields:
            column = self.column(field.name)
            entry = _map_entry(self.system_id, self.collection, f"field '{field.name}'")
            if field.mask is Mask.pseudonym:
                if not isinstance(column.type, String) and python_type(column) is not str:
                    raise SystemRefused(
                        self.system_id,
                        f"column '{field.name}' holds no text, so it cannot take a pseudonym",
                        hint=f"use 'mask: null' or 'mask: fixed' for {entry}",
                    )
                if not pseudonym_key:
                    raise SystemRefused(
                        self.system_id,
                        "no pseudonym key is configured, so 'mask: pseudonym' cannot be applied",
                        hint="the composition root gives the connector the deployment's key",
                    )
            if field.mask is Mask.fixed:
                try:
                    to_column(column, field.mask_value)
                except NotOfColumnType as error:
                    raise SystemRefused(
                        self.system_id,
                        f"'{field.mask_value}' cannot be written to column '{field.name}'",
                        hint=f"choose a 'mask_value' of the column's type for {entry}",
                    ) from error
            if field.mask in (None, Mask.null) and not column.nullable:
                raise SystemRefused(
                    self.system_id,
                    f"column '{field.name}' may not be empty, so it cannot be masked with null",
                    hint=f"give {entry} 'mask: fixed' with a 'mask_value', or 'mask: pseudonym'",
                )
        return fields
