"""The one contract every connector keeps: find, read, rectify, erase, restrict, list past a date.

A connector reaches one system of the manifest (a SQL database, a folder of files, a SaaS API,
Steward's own store) through its dataset map (``steward.manifest.datasets``). It works on
*record keys*: the engine finds keys first, records them in the plan, then acts on exactly
those keys, so a resumed plan touches the same records and no others. Every change is
idempotent by key: erasing a record that is already gone, or masking a masked one, changes
nothing and reports ``affected=0`` (that is what lets a plan resume after a crash without a
destructive step taking effect twice).

Errors: a system that cannot be reached, or keeps failing after retries, raises
``SystemUnavailable`` (the request stays open and says which system); a system that refuses a
call (4xx other than 404/429, a constraint) raises ``SystemRefused``. Both are
``ConnectorError`` and carry the system id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol, runtime_checkable

from steward.errors import ConnectorError
from steward.manifest.datasets import CollectionMap

FieldValue = str | int | float | bool | None
"""Values cross the border as JSON scalars; dates and times as ISO 8601 text."""


class Capability(StrEnum):
    find_records = "find"
    read = "read"
    rectify = "rectify"
    erase = "erase"
    restrict = "restrict"
    list_past = "list_past"


@dataclass(frozen=True, order=True)
class RecordKey:
    """A record's primary key values, as text, in the order of the map's ``primary_key``."""

    collection: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.collection}[{','.join(self.values)}]"


@dataclass(frozen=True)
class Record:
    key: RecordKey
    fields: Mapping[str, FieldValue]


@dataclass(frozen=True)
class ChangeReceipt:
    """What a change did: how many records it changed and the ids the system gave back."""

    affected: int
    system_ids: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class ConnectorContext:
    """What a connector is built with. ``connection`` holds resolved values (env refs read by
    the composition root); ``pseudonym_key`` keys ``mask: pseudonym``."""

    system_id: str
    connection: Mapping[str, str]
    options: Mapping[str, str] = field(default_factory=dict)
    pseudonym_key: bytes = b""


@runtime_checkable
class Connector(Protocol):
    system_id: str
    capabilities: frozenset[Capability]

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        """Keys of records whose ``field_name`` equals one of ``values`` (exact match)."""
        ...

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        """The records with these keys, every mapped field; absent keys are skipped."""
        ...

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt: ...

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        """Delete, or mask per field, as the map's ``erase`` and each field's ``mask`` say."""
        ...

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt: ...

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        """Keys of records whose ``date_field`` is before ``before`` (retention)."""
        ...

    def close(self) -> None:
        """Release connections and files. Until then a worker may lend the connector to one
        job after another (``steward.connectors.pool``): it must not keep one request's state
        beyond a call, only what stays true of the system (connections, reflected tables, an
        index that checks the file it describes)."""
        ...


class SystemUnavailable(ConnectorError):
    """The system could not be reached or kept failing; the same call may work later."""

    def __init__(self, system_id: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, where=f"system {system_id}", hint=hint)
        self.system_id = system_id


class SystemRefused(ConnectorError):
    """The system refused the call as made; retrying unchanged will not help."""

    def __init__(self, system_id: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, where=f"system {system_id}", hint=hint)
        self.system_id = system_id


class NotSupported(ConnectorError):
    """The connector cannot do this; the engine records it as a manual step."""

    def __init__(self, system_id: str, capability: Capability) -> None:
        super().__init__(
            f"the {system_id} connector cannot {capability.value}",
            where=f"system {system_id}",
            hint="the plan lists it as a manual step for staff",
        )
        self.system_id = system_id
        self.capability = capability
