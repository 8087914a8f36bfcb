"""Key rotation: move every sealed identifier to the current key version, a batch at a time.

UK GDPR Art 32 (keep security appropriate over time). Each batch is its own short transaction,
so the service keeps working while rotation runs: readers accept every version in the ring and
lookups search the blind index under every version (steward.store.people). Rows locked by a
running transaction are skipped and picked up by a later batch (PostgreSQL SKIP LOCKED).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, func, select, update

from steward.store import audit
from steward.store.database import Store, UnitOfWork
from steward.store.people import NAME_CONTEXT
from steward.store.tables import people, person_identifiers


@dataclass(frozen=True)
class RotationReport:
    version: int
    identifiers: int
    names: int
    batches: int


def reencrypt(
    store: Store,
    *,
    batch_size: int,
    actor: str,
    on_batch: Callable[[int], None] = lambda _rows: None,
) -> RotationReport:
    """Re-seal and re-index rows still on older key versions until none remain."""
    identifiers = names = batches = 0
    while True:
        with store.unit_of_work(actor=actor) as uow:
            version = uow.keys.current
            moved_identifiers = _identifiers_batch(uow, batch_size)
            moved_names = _names_batch(uow, batch_size)
            if not moved_identifiers and not moved_names:
                return RotationReport(version, identifiers, names, batches)
            audit.append(
                uow,
                action="keys.reencrypted",
                subject=f"keyring:v{version}",
                payload={"identifiers": moved_identifiers, "names": moved_names},
            )
            uow.commit()
        identifiers += moved_identifiers
        names += moved_names
        batches += 1
        on_batch(moved_identifiers + moved_names)


def remaining(uow: UnitOfWork) -> dict[int, int]:
    """How many sealed values each older key version still protects."""
    current = uow.keys.current
    counts: dict[int, int] = {}
    for column in (person_identifiers.c.key_version, people.c.name_key_version):
        rows = uow.connection.execute(
            select(column, func.count())
            .where(column.is_not(None), column != current)
            .group_by(column)
        )
        for version, number in rows:
            counts[version] = counts.get(version, 0) + number
    return counts


def _identifiers_batch(uow: UnitOfWork, batch_size: int) -> int:
    keys = uow.keys
    table = person_identifiers
    query = select(table.c.id, table.c.kind, table.c.ciphertext).where(
        table.c.key_version != keys.current
    )
    rows = uow.connection.execute(_locked(uow, query, table, batch_size)).all()
    for row in rows:
        value = keys.open(row.ciphertext, context=row.kind)
        sealed = keys.seal(value, context=row.kind)
        uow.connection.execute(
            update(table)
            .where(table.c.id == row.id)
            .values(
                ciphertext=sealed.ciphertext,
                key_version=sealed.key_version,
                blind_index=keys.blind_index(value, context=row.kind),
            )
        )
    return len(rows)


def _names_batch(uow: UnitOfWork, batch_size: int) -> int:
    keys = uow.keys
    query = select(people.c.ref, people.c.name_cipher).where(
        people.c.name_key_version.is_not(None), people.c.name_key_version != keys.current
    )
    rows = uow.connection.execute(_locked(uow, query, people, batch_size)).all()
    for row in rows:
        sealed = keys.seal(keys.open(row.name_cipher, context=NAME_CONTEXT), context=NAME_CONTEXT)
        uow.connection.execute(
            update(people)
            .where(people.c.ref == row.ref)
            .values(name_cipher=sealed.ciphertext, name_key_version=sealed.key_version)
        )
    return len(rows)


def _locked(uow: UnitOfWork, query: Select[Any], table: Table, batch_size: int) -> Select[Any]:
    limited = query.limit(batch_size)
    if uow.dialect == "postgresql":
        return limited.with_for_update(skip_locked=True, of=table)
    return limited
