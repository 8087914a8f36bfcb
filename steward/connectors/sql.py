"""The SQL connector: SQLite, PostgreSQL and MariaDB/MySQL through SQLAlchemy Core.

Every statement is built from SQLAlchemy constructs on a table reflected from the database, so
table and column names come from the dataset map and are quoted by SQLAlchemy, and every value
is a bound parameter: nothing a person typed is ever formatted into SQL. Each call runs in one
transaction; each change is idempotent by key (a second erasure of the same keys reports
``affected=0``), which is what lets the engine resume a plan after a crash (UK GDPR Art 17 is
done once and proved once). Driver errors leave as ``SystemUnavailable`` or ``SystemRefused``
naming the system (``steward.connectors.sql_errors``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    URL,
    Column,
    Connection,
    Engine,
    Table,
    and_,
    create_engine,
    delete,
    make_url,
    or_,
    select,
    update,
)
from sqlalchemy.exc import ArgumentError

from steward.connectors.protocol import (
    Capability,
    ChangeReceipt,
    ConnectorContext,
    FieldValue,
    NotSupported,
    Record,
    RecordKey,
    SystemUnavailable,
)
from steward.connectors.sql_errors import translated
from steward.connectors.sql_tables import CHUNK, MappedTable, reflect_table
from steward.connectors.sql_values import (
    NotOfColumnType,
    from_column,
    masked,
    python_type,
    to_column,
)
from steward.errors import ConfigError
from steward.manifest.datasets import CollectionMap, Erase, RestrictBy
from steward.manifest.vocabulary import SystemKind

CONNECT_TIMEOUT = 10
_BACKENDS = {
    SystemKind.sqlite: ("sqlite",),
    SystemKind.postgresql: ("postgresql",),
    SystemKind.mysql: ("mysql", "mariadb"),
}
_DEFAULT_DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}


def open_sql(kind: SystemKind, context: ConnectorContext) -> SqlConnector:
    """A connector for the database at ``context.connection['url']`` (a SQLAlchemy URL)."""
    url = database_url(kind, context)
    engine = sql_engine(url)
    return SqlConnector(context.system_id, engine, url, context.pseudonym_key)


def database_url(kind: SystemKind, context: ConnectorContext) -> URL:
    """The system's URL, checked against its kind, with psycopg/PyMySQL as default drivers.

    A missing SQLite file is unavailable, never silently created empty: an erasure run against
    an empty stand-in would report every person gone."""
    where = f"system {context.system_id}"
    text = context.connection.get("url")
    if not text:
        raise ConfigError(
            "its connection has no 'url'",
            where=where,
            hint="add 'connection: {url: env:NAME}' to the system in the manifest, NAME holding "
            "a URL such as postgresql+psycopg://user@host/db",
        )
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as error:
        raise ConfigError(
            "its connection 'url' is not a database URL",
            where=where,
            hint="write it as dialect+driver://user:password@host:port/database",
        ) from error
    backend = url.get_backend_name()
    if backend not in _BACKENDS.get(kind, ()):
        raise ConfigError(
            f"its connection 'url' is a {backend} URL but the system's kind is {kind.value}",
            where=where,
            hint="correct the URL or the system's 'kind' in the manifest",
        )
    url = url.set(drivername=_DEFAULT_DRIVERS.get(url.drivername, url.drivername))
    database = url.database or ""
    in_file = database not in ("", ":memory:") and "uri" not in url.query
    if backend == "sqlite" and in_file and not Path(database).is_file():
        raise SystemUnavailable(
            context.system_id,
            f"the SQLite database {database} does not exist",
            hint="check the path in the system's connection URL (sqlite:///relative or "
            "sqlite:////absolute/path)",
        )
    return url


def sql_engine(url: URL) -> Engine:
    """An engine whose errors never carry a statement's values: they are people's identifiers,
    and an error may reach a log (DESIGN.md §3: no plaintext e-mail in a log line)."""
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=_timeouts(url))


def _timeouts(url: URL) -> dict[str, Any]:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return {"timeout": CONNECT_TIMEOUT}
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": CONNECT_TIMEOUT, "read_timeout": 120, "write_timeout": 120}
    return {"connect_timeout": CONNECT_TIMEOUT}


class SqlConnector:
    """One system's database. Build it with ``open_sql``; ``close()`` releases connections."""

    capabilities = frozenset(Capability)

    def __init__(self, system_id: str, engine: Engine, url: URL, pseudonym_key: bytes) -> None:
        self.system_id = system_id
        self._engine = engine
        self._url = url
        self._key = pseudonym_key
        self._tables: dict[str, Table] = {}

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        """Exact matches only: MariaDB's usual collations compare without case and trailing
        spaces, so its matches are checked again here (another person's record must never be
        taken for the requester's, UK GDPR Art 15(4))."""
        with translated(self.system_id, self._url), self._engine.connect() as connection:
            mapped = self._mapped(connection, collection)
            column = mapped.column(field_name)
            wanted = list(dict.fromkeys(_convertible(column, values)))
            exact = set(wanted)
            found: set[RecordKey] = set()
            for chunk in _chunks(wanted):
                query = select(*mapped.key_columns, column).where(column.in_(chunk))
                found.update(
                    mapped.key_of(row._mapping)
                    for row in connection.execute(query)
                    if row._mapping[column] in exact
                )
        return sorted(found)

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        with translated(self.system_id, self._url), self._engine.connect() as connection:
            mapped = self._mapped(connection, collection)
            columns = [mapped.column(f.name) for f in collection.fields]
            records: dict[RecordKey, Record] = {}
            for where in mapped.key_filters(keys):
                for row in connection.execute(select(*columns).where(where)):
                    values = row._mapping
                    key = mapped.key_of(values)
                    fields = {
                        f.name: from_column(values[c])
                        for f, c in zip(collection.fields, columns, strict=True)
                    }
                    records[key] = Record(key=key, fields=fields)
        return [records[k] for k in sorted(records)]

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt:
        with translated(self.system_id, self._url), self._engine.begin() as connection:
            mapped = self._mapped(connection, collection)
            values = mapped.rectification(changes)
            if not values:
                return ChangeReceipt(affected=0, detail="nothing to change")
            differs = or_(*(mapped.column(n).is_distinct_from(v) for n, v in values.items()))
            affected = 0
            for where in mapped.key_filters(keys):
                statement = update(mapped.table).where(where, differs).values(values)
                affected += connection.execute(statement).rowcount
        return ChangeReceipt(affected=affected, detail=f"updated {', '.join(sorted(values))}")

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        with translated(self.system_id, self._url), self._engine.begin() as connection:
            mapped = self._mapped(connection, collection)
            if collection.erase is Erase.delete:
                affected = sum(
                    connection.execute(delete(mapped.table).where(where)).rowcount
                    for where in mapped.key_filters(keys)
                )
                return ChangeReceipt(affected=affected, detail="deleted")
            affected = self._mask(connection, mapped, keys)
        return ChangeReceipt(affected=affected, detail="masked")

    def _mask(self, connection: Connection, mapped: MappedTable, keys: Sequence[RecordKey]) -> int:
        """Mask each personal field per its ``mask``; a record already masked is left alone."""
        fields = mapped.maskable_fields(self._key)
        if not fields:
            return 0
        columns = [mapped.column(f.name) for f in fields]
        affected = 0
        for where in mapped.key_filters(keys):
            query = select(*mapped.key_columns, *columns).where(where).with_for_update()
            for row in connection.execute(query).all():
                current = row._mapping
                changes = {
                    c.name: new
                    for f, c in zip(fields, columns, strict=True)
                    if (new := masked(f, c, current[c], self._key)) != current[c]
                }
                if changes:
                    match = and_(*(c == current[c] for c in mapped.key_columns))
                    connection.execute(update(mapped.table).where(match).values(changes))
                    affected += 1
        return affected

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        flag_name = collection.restrict.field
        if collection.restrict.by is not RestrictBy.field or flag_name is None:
            raise NotSupported(self.system_id, Capability.restrict)
        with translated(self.system_id, self._url), self._engine.begin() as connection:
            mapped = self._mapped(connection, collection)
            flag = mapped.column(flag_name)
            value = to_column(flag, on)
            affected = 0
            for where in mapped.key_filters(keys):
                statement = (
                    update(mapped.table)
                    .where(where, flag.is_distinct_from(value))
                    .values({flag.name: value})
                )
                affected += connection.execute(statement).rowcount
        return ChangeReceipt(affected=affected, detail=f"{flag_name} set to {on}")

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        if collection.date_field is None:
            raise NotSupported(self.system_id, Capability.list_past)
        with translated(self.system_id, self._url), self._engine.connect() as connection:
            mapped = self._mapped(connection, collection)
            column = mapped.column(collection.date_field)
            query = select(*mapped.key_columns).where(column < _bound(column, before))
            keys = {mapped.key_of(row._mapping) for row in connection.execute(query)}
        return sorted(keys)

    def close(self) -> None:
        self._engine.dispose()

    def _mapped(self, connection: Connection, collection: CollectionMap) -> MappedTable:
        """The collection's table as reflected; reflected again before a missing column is
        refused, as a worker keeps this connector while the schema (and the map) may change."""
        table = reflect_table(self.system_id, connection, collection, self._tables)
        if any(f.name not in table.c for f in collection.fields):
            self._tables.pop(collection.name, None)
            table = reflect_table(self.system_id, connection, collection, self._tables)
        return MappedTable.checked(self.system_id, table, collection)


def _bound(column: Column[Any], before: date) -> Any:
    kind = python_type(column)
    if kind is datetime:
        zone = UTC if getattr(column.type, "timezone", False) else None
        return datetime.combine(before, time(), tzinfo=zone)
    if kind is str:
        return before.isoformat()
    return before


def _convertible(column: Column[Any], values: Sequence[str]) -> Iterator[Any]:
    for value in values:
        try:
            yield to_column(column, value)
        except NotOfColumnType:
            continue


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
