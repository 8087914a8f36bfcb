"""An in-memory system: the ``Connector`` contract over a dict of collections of rows.

The stand-in implementation every outside dependency has (DESIGN.md §5 item 5): engine tests run
on it, and the connector contract suite holds it to the same behaviour as the SQL, file and SaaS
drivers. It honours the map's semantics exactly: erase deletes or masks per field (null, fixed
text, keyed pseudonym, date truncated to the first of the month), restriction sets the map's
flag field or a native hold, and every change is idempotent by key, so a resumed plan's second
attempt reports ``affected=0``. ``fail_next(n)`` makes the next ``n`` calls raise
``SystemUnavailable``, to test what an unreachable system does to a request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from steward.connectors.masking import fields_masked, masked
from steward.connectors.protocol import (
    Capability,
    ChangeReceipt,
    FieldValue,
    Record,
    RecordKey,
    SystemUnavailable,
)
from steward.errors import InvalidInput
from steward.manifest.datasets import CollectionMap, Erase, RestrictBy

Row = dict[str, FieldValue]


class MemoryConnector:
    """One system held in memory. ``data`` maps a collection name to its rows (each row a dict
    of field name to value); the connector changes those rows in place."""

    def __init__(
        self,
        system_id: str,
        data: Mapping[str, list[Row]] | None = None,
        *,
        pseudonym_key: bytes = b"",
        capabilities: frozenset[Capability] = frozenset(Capability),
    ) -> None:
        self.system_id = system_id
        self.capabilities = capabilities
        self.data: dict[str, list[Row]] = {name: list(rows) for name, rows in (data or {}).items()}
        self.pseudonym_key = pseudonym_key
        self.calls: list[tuple[str, str]] = []  # (operation, collection), for tests to read
        self.changes: list[tuple[str, RecordKey]] = []  # each change that took effect
        self._failures = 0
        self._failing: str | None = None
        self._masked: set[RecordKey] = set()
        self._held: set[RecordKey] = set()  # restriction by the system's own mechanism
        self.closed = False

    def fail_next(self, calls: int, operation: str | None = None) -> None:
        """The next ``calls`` calls (of ``operation`` only, e.g. "erase", if given) raise
        SystemUnavailable, as a system that is down."""
        self._failures = calls
        self._failing = operation

    def held(self, key: RecordKey) -> bool:
        return key in self._held

    def _enter(self, operation: str, collection: CollectionMap) -> list[Row]:
        if self._failures > 0 and self._failing in (None, operation):
            self._failures -= 1
            raise SystemUnavailable(
                self.system_id,
                f"{operation} on {collection.name} failed: the system is not reachable",
                hint="check the system is up, then run the request again",
            )
        self.calls.append((operation, collection.name))
        return self.data.setdefault(collection.name, [])

    @staticmethod
    def _key(collection: CollectionMap, row: Row) -> RecordKey:
        return RecordKey(collection.name, tuple(str(row.get(k)) for k in collection.primary_key))

    def _rows(
        self, collection: CollectionMap, rows: list[Row], keys: Sequence[RecordKey]
    ) -> list[Row]:
        wanted = set(keys)
        return [row for row in rows if self._key(collection, row) in wanted]

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        rows = self._enter("find", collection)
        collection.field(field_name)
        wanted = set(values)
        return sorted(
            {
                self._key(collection, row)
                for row in rows
                if row.get(field_name) is not None and str(row.get(field_name)) in wanted
            }
        )

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        rows = self._enter("read", collection)
        names = [f.name for f in collection.fields]
        return [
            Record(self._key(collection, row), {name: row.get(name) for name in names})
            for row in self._rows(collection, rows, keys)
        ]

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt:
        rows = self._enter("rectify", collection)
        for name in changes:
            if not collection.field(name).rectifiable or name in collection.primary_key:
                raise InvalidInput(
                    f"{collection.name}.{name} may not be rectified",
                    where=f"system {self.system_id}",
                    hint="it is a key or mapped 'rectifiable: false'",
                )
        affected = 0
        for row in self._rows(collection, rows, keys):
            if any(row.get(name) != value for name, value in changes.items()):
                row.update(changes)
                affected += 1
                self.changes.append(("rectify", self._key(collection, row)))
        return ChangeReceipt(affected)

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        rows = self._enter("erase", collection)
        chosen = self._rows(collection, rows, keys)
        if collection.erase is Erase.delete:
            self.data[collection.name] = [row for row in rows if row not in chosen]
            for row in chosen:
                self.changes.append(("erase", self._key(collection, row)))
            return ChangeReceipt(len(chosen))
        affected = 0
        targets = fields_masked(collection)
        for row in chosen:
            key = self._key(collection, row)
            if key in self._masked:
                continue  # masked already: a pseudonym of a pseudonym would change it again
            for field in targets:
                row[field.name] = masked(field, row.get(field.name), self.pseudonym_key)
            self._masked.add(key)
            self.changes.append(("mask", key))
            affected += 1
        return ChangeReceipt(affected)

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        rows = self._enter("restrict", collection)
        affected = 0
        for row in self._rows(collection, rows, keys):
            key = self._key(collection, row)
            if collection.restrict.by is RestrictBy.field and collection.restrict.field:
                if row.get(collection.restrict.field) is not on:
                    row[collection.restrict.field] = on
                    affected += 1
            elif collection.restrict.by is RestrictBy.native:
                if (key in self._held) != on:
                    (self._held.add if on else self._held.discard)(key)
                    affected += 1
            else:
                return ChangeReceipt(0, detail="no restriction mechanism; Steward records it")
            self.changes.append(("restrict" if on else "release", key))
        return ChangeReceipt(affected)

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        rows = self._enter("past", collection)
        if collection.date_field is None:
            return []
        cutoff = before.isoformat()
        return sorted(
            self._key(collection, row)
            for row in rows
            if row.get(collection.date_field) is not None
            and str(row.get(collection.date_field))[:10] < cutoff
        )

    def close(self) -> None:
        self.closed = True
