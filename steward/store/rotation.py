"""Key rotation: move every sealed value to the current key version, a batch at a time.

People's identifiers (re-sealed and re-indexed) and names here; every other sealed column
(requests, plans, complaints, staff) through ``steward.store.sealed_columns``.

UK GDPR Art 32 (keep security appropriate over time). The service keeps working while rotation
runs: readers accept every version in the ring and lookups search the blind index under every
version (steward.store.people). Each batch is read and re-sealed outside any write transaction,
then written in one short transaction whose size ``store.pacing`` keeps near 0.2 s, so no batch
holds the write lock for more than about half a second (issue 9 item 2). A row is only moved if
it is still on the version it was read at; a row moved meanwhile by someone else is left alone,
and a row not moved is read again by a later batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select, update

from steward.store import audit, sealed_columns
from steward.store.crypto import KeyRing
from steward.store.database import Store, UnitOfWork
from steward.store.pacing import BatchPacer
from steward.store.people import NAME_CONTEXT
from steward.store.prepared import Prepared
from steward.store.tables import people, person_identifiers


@dataclass(frozen=True)
class RotationReport:
    version: int
    identifiers: int
    names: int
    batches: int
    longest_write_seconds: float = 0.0
    other: int = 0
    """Values of the other sealed columns (requests, plans, complaints, staff) moved."""


def reencrypt(
    store: Store,
    *,
    batch_size: int,
    actor: str,
    on_batch: Callable[[int], None] = lambda _rows: None,
) -> RotationReport:
    """Re-seal and re-index rows still on older key versions until none remain.

    ``batch_size`` is the most rows a batch takes of each kind; batches start smaller and grow
    only while their write transactions stay inside the time budget.
    """
    pacer = BatchPacer(start=min(batch_size, 500), floor=min(batch_size, 50), ceiling=batch_size)
    identifiers = names = other = batches = 0
    positions: sealed_columns.Positions = {}
    while True:
        with store.unit_of_work(actor=actor, reads_only=True) as uow:
            keys = uow.keys
            resealed_identifiers = _resealed_identifiers(uow, keys, pacer.size)
            resealed_names = _resealed_names(uow, keys, pacer.size)
            resealed_other = sealed_columns.resealed(uow, pacer.size, positions)
        if not resealed_identifiers and not resealed_names and not resealed_other:
            return RotationReport(keys.current, identifiers, names, batches, pacer.longest, other)
        started = time.perf_counter()
        with store.unit_of_work(actor=actor) as uow:
            moved_identifiers = _MOVE_IDENTIFIER.run_counted(uow, resealed_identifiers)
            moved_names = _MOVE_NAME.run_counted(uow, resealed_names)
            moved_other = sealed_columns.move(uow, resealed_other)
            audit.append(
                uow,
                action="keys.reencrypted",
                subject=f"keyring:v{keys.current}",
                payload={
                    "identifiers": moved_identifiers,
                    "names": moved_names,
                    "other": moved_other,
                },
            )
            uow.commit()
        pacer.observe(
            len(resealed_identifiers) + len(resealed_names) + len(resealed_other),
            time.perf_counter() - started,
        )
        identifiers += moved_identifiers
        names += moved_names
        other += moved_other
        batches += 1
        on_batch(moved_identifiers + moved_names + moved_other)


def remaining(uow: UnitOfWork) -> dict[int, int]:
    """How many sealed values each older key version still protects."""
    counts: dict[int, int] = {}
    sealed_columns.count_older(
        uow, person_identifiers.c.ciphertext, person_identifiers.c.key_version, counts
    )
    sealed_columns.count_older(uow, people.c.name_cipher, people.c.name_key_version, counts)
    for version, number in sealed_columns.older_versions(uow).items():
        counts[version] = counts.get(version, 0) + number
    return counts


def _resealed_identifiers(uow: UnitOfWork, keys: KeyRing, limit: int) -> list[dict[str, Any]]:
    table = person_identifiers
    rows = uow.connection.execute(
        select(table.c.id, table.c.kind, table.c.ciphertext, table.c.key_version)
        .where(table.c.key_version != keys.current)
        .limit(limit)
    ).all()
    resealed = []
    for row in rows:
        value = keys.open(row.ciphertext, context=row.kind)
        sealed = keys.seal(value, context=row.kind)
        resealed.append(
            {
                "row_id": row.id,
                "was": row.key_version,
                "ciphertext": sealed.ciphertext,
                "key_version": sealed.key_version,
                "blind_index": keys.blind_index(value, context=row.kind),
            }
        )
    return resealed


def _resealed_names(uow: UnitOfWork, keys: KeyRing, limit: int) -> list[dict[str, Any]]:
    rows = uow.connection.execute(
        select(people.c.ref, people.c.name_cipher, people.c.name_key_version)
        .where(people.c.name_key_version.is_not(None), people.c.name_key_version != keys.current)
        .limit(limit)
    ).all()
    resealed = []
    for row in rows:
        sealed = keys.seal(keys.open(row.name_cipher, context=NAME_CONTEXT), context=NAME_CONTEXT)
        resealed.append(
            {
                "row_ref": row.ref,
                "was": row.name_key_version,
                "name_cipher": sealed.ciphertext,
                "name_key_version": sealed.key_version,
            }
        )
    return resealed


_MOVE_IDENTIFIER = Prepared(
    lambda _dialect: (
        update(person_identifiers)
        .where(
            and_(
                person_identifiers.c.id == bindparam("row_id"),
                person_identifiers.c.key_version == bindparam("was"),
            )
        )
        .values(
            ciphertext=bindparam("ciphertext"),
            key_version=bindparam("key_version"),
            blind_index=bindparam("blind_index"),
        )
    )
)
_MOVE_NAME = Prepared(
    lambda _dialect: (
        update(people)
        .where(
            and_(
                people.c.ref == bindparam("row_ref"), people.c.name_key_version == bindparam("was")
            )
        )
        .values(
            name_cipher=bindparam("name_cipher"), name_key_version=bindparam("name_key_version")
        )
    )
)
