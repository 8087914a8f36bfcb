"""Every sealed column besides people's identifiers and names, for key rotation.

A request's identifiers, details and notes, a plan's subject, a step's keys and exported
records, a complaint's complainant, text and notes, a member of staff's display name and
authenticator secrets: each is sealed under the key version current when it was written, and
its ciphertext starts with that version's number. Rotation (``steward.store.rotation``) moves
each to the current version a batch at a time. A value is moved only if it is still the bytes
that were read (a compare-and-swap), so a row rewritten meanwhile by the service is left for a
later batch, which reads it again. A complaint's e-mail blind index is recomputed with its
complainant, so a lookup under the current key finds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, and_, func, select, tuple_, update

from steward.store import complaints as complaint_store
from steward.store import plans as plan_store
from steward.store import requests as request_store
from steward.store import staff as staff_store
from steward.store.crypto import KeyRing, version_of
from steward.store.database import UnitOfWork
from steward.store.tables import (
    complaint_events,
    complaints,
    plan_steps,
    request_events,
    request_plans,
    requests,
    staff_accounts,
)

Extra = Callable[[KeyRing, str], dict[str, Any]]
"""Other columns to rewrite from a value's plaintext under the current key (a blind index)."""


@dataclass(frozen=True)
class SealedColumn:
    table: Table
    column: str
    context: str
    version_column: str | None = None
    """The column recording the sealing key's version, where the table has one."""
    extra: Extra | None = None

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column}"

    def key_columns(self) -> list[Column[Any]]:
        return list(self.table.primary_key.columns)


def _complaint_email_index(keys: KeyRing, complainant_json: str) -> dict[str, Any]:
    return {"email_index": complaint_store.email_index(keys, complainant_json)}


SEALED: tuple[SealedColumn, ...] = (
    SealedColumn(requests, "identities_cipher", request_store.IDENTITIES),
    SealedColumn(requests, "details_cipher", request_store.DETAILS),
    SealedColumn(requests, "changes_cipher", request_store.CHANGES),
    SealedColumn(requests, "extension_reason_cipher", request_store.NOTE),
    SealedColumn(requests, "refusal_reason_cipher", request_store.NOTE),
    SealedColumn(requests, "outcome_cipher", request_store.NOTE),
    SealedColumn(request_events, "note_cipher", request_store.NOTE),
    SealedColumn(
        request_plans, "subject_cipher", plan_store.SUBJECT_CONTEXT, "subject_key_version"
    ),
    SealedColumn(plan_steps, "keys_cipher", plan_store.KEYS_CONTEXT, "keys_key_version"),
    SealedColumn(plan_steps, "exported_cipher", plan_store.EXPORT_CONTEXT, "exported_key_version"),
    SealedColumn(
        complaints,
        "complainant_cipher",
        complaint_store.COMPLAINANT,
        extra=_complaint_email_index,
    ),
    SealedColumn(complaints, "text_cipher", complaint_store.TEXT),
    SealedColumn(complaints, "outcome_cipher", complaint_store.OUTCOME),
    SealedColumn(complaint_events, "note_cipher", complaint_store.NOTE),
    SealedColumn(staff_accounts, "display_name_cipher", staff_store.DISPLAY_NAME),
    SealedColumn(staff_accounts, "totp_secret_cipher", staff_store.TOTP_SECRET),
    SealedColumn(staff_accounts, "totp_pending_cipher", staff_store.TOTP_SECRET),
)


@dataclass(frozen=True)
class Resealed:
    """One value moved to the current key: where it is, the bytes read, what to write."""

    sealed: SealedColumn
    key: tuple[Any, ...]
    was: bytes
    values: dict[str, Any]


Positions = dict[str, tuple[Any, ...]]
"""Where each key-order scan goes on from, by column, for one rotation run: a value it has
passed is on the current version (moved, or rewritten meanwhile by the service, which seals
under the current version), and so is every row written since the run began."""


def _older(
    uow: UnitOfWork, sealed: SealedColumn, limit: int, positions: Positions
) -> Iterator[tuple[Any, ...]]:
    """(key..., ciphertext) of up to ``limit`` values on an older key version. With a version
    column the database picks them; otherwise the values are read in key order from where the
    last batch stopped (``positions``), each version taken from its first bytes (tables of
    requests, complaints and staff, never of people)."""
    table, column, current = sealed.table, sealed.table.c[sealed.column], uow.keys.current
    keys = sealed.key_columns()
    if sealed.version_column is not None:
        version = table.c[sealed.version_column]
        query = select(*keys, column).where(column.is_not(None), version != current)
        yield from (tuple(row) for row in uow.connection.execute(query.limit(limit)))
        return
    found = 0
    after = positions.get(sealed.name)
    while found < limit:
        query = select(*keys, column).where(column.is_not(None)).order_by(*keys).limit(500)
        if after is not None:
            query = query.where(tuple_(*keys) > tuple_(*after))
        rows = uow.connection.execute(query).all()
        if not rows:
            return
        for row in rows:
            after = positions[sealed.name] = tuple(row[:-1])
            if version_of(row[-1]) != current:
                found += 1
                yield tuple(row)
                if found == limit:
                    return


def resealed(uow: UnitOfWork, limit: int, positions: Positions) -> list[Resealed]:
    """Up to ``limit`` values per sealed column still on an older key version, re-sealed under
    the current one (read here; written by ``move``); ``positions`` is the run's, kept from one
    batch to the next so no table is read from its start again."""
    keys = uow.keys
    found: list[Resealed] = []
    for sealed in SEALED:
        for row in _older(uow, sealed, limit, positions):
            *key, was = row
            plain = keys.open(was, context=sealed.context)
            moved = keys.seal(plain, context=sealed.context)
            values: dict[str, Any] = {sealed.column: moved.ciphertext}
            if sealed.version_column is not None:
                values[sealed.version_column] = moved.key_version
            if sealed.extra is not None:
                values.update(sealed.extra(keys, plain))
            found.append(Resealed(sealed, tuple(key), bytes(was), values))
    return found


def move(uow: UnitOfWork, batch: list[Resealed]) -> int:
    """Write the batch; a value changed since it was read is left for a later batch."""
    moved = 0
    for item in batch:
        table = item.sealed.table
        columns = item.sealed.key_columns()
        key_match = and_(*(c == v for c, v in zip(columns, item.key, strict=True)))
        still = table.c[item.sealed.column] == item.was
        result = uow.connection.execute(update(table).where(key_match, still).values(**item.values))
        moved += result.rowcount
    return moved


def count_older(
    uow: UnitOfWork, value: Column[Any], version: Column[Any], counts: dict[int, int]
) -> None:
    """Add to ``counts`` the values of ``value`` whose key version (``version``) is older."""
    grouped = uow.connection.execute(
        select(version, func.count())
        .where(value.is_not(None), version != uow.keys.current)
        .group_by(version)
    )
    for number, count in grouped:
        counts[number] = counts.get(number, 0) + count


def older_versions(uow: UnitOfWork) -> dict[int, int]:
    """How many values of the sealed columns each older key version still protects."""
    counts: dict[int, int] = {}
    current = uow.keys.current
    for sealed in SEALED:
        column = sealed.table.c[sealed.column]
        if sealed.version_column is not None:
            count_older(uow, column, sealed.table.c[sealed.version_column], counts)
            continue
        for cipher in uow.connection.execute(select(column).where(column.is_not(None))).scalars():
            number = version_of(cipher)
            if number != current:
                counts[number] = counts.get(number, 0) + 1
    return counts
