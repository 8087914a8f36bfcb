"""Consent-API keys, kept only as SHA-256 hashes (repository; no commit here).

A key is a bearer secret given once to the system that calls the API (a website's sign-up
form); only its hash is stored, so a copy of the database yields no working key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from steward.store.database import UnitOfWork
from steward.store.tables import api_keys


@dataclass(frozen=True)
class StoredKey:
    name: str
    created_at: datetime
    revoked_at: datetime | None


def add(uow: UnitOfWork, *, name: str, key_hash: str, created_at: datetime) -> StoredKey:
    uow.connection.execute(
        insert(api_keys).values(
            name=name, key_hash=key_hash, created_at=created_at, revoked_at=None
        )
    )
    return StoredKey(name, created_at, None)


def named(uow: UnitOfWork, name: str) -> StoredKey | None:
    row = uow.connection.execute(select(api_keys).where(api_keys.c.name == name)).one_or_none()
    return None if row is None else StoredKey(row.name, row.created_at, row.revoked_at)


def active_with_hash(uow: UnitOfWork, key_hash: str) -> StoredKey | None:
    row = uow.connection.execute(
        select(api_keys).where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
    ).one_or_none()
    return None if row is None else StoredKey(row.name, row.created_at, row.revoked_at)


def revoke(uow: UnitOfWork, name: str, at: datetime) -> None:
    uow.connection.execute(
        update(api_keys)
        .where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )


def all_keys(uow: UnitOfWork) -> list[StoredKey]:
    rows = uow.connection.execute(select(api_keys).order_by(api_keys.c.name))
    return [StoredKey(r.name, r.created_at, r.revoked_at) for r in rows]
