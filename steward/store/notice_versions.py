"""The published versions of the privacy and cookie notices (repository; no commit here).

A version is added when the digest of what a notice says differs from the latest version of
its kind, so a notice changed and changed back has three entries, in order. ``position`` counts
each kind's versions from 1 and is unique per kind: two processes that publish at once cannot
both add the next position; the second is told (``add`` returns None) and reads again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from steward.store.database import UnitOfWork
from steward.store.tables import notice_versions


@dataclass(frozen=True)
class StoredVersion:
    kind: str
    position: int
    digest: str
    last_updated: dt.date
    first_published_at: dt.datetime
    summary: str
    outline: str
    markdown: str


def _version(row: Any) -> StoredVersion:
    return StoredVersion(
        kind=row.kind,
        position=int(row.position),
        digest=row.digest,
        last_updated=row.last_updated,
        first_published_at=row.first_published_at,
        summary=row.summary,
        outline=row.outline,
        markdown=row.markdown,
    )


def latest(uow: UnitOfWork, kind: str) -> StoredVersion | None:
    row = uow.connection.execute(
        select(notice_versions)
        .where(notice_versions.c.kind == kind)
        .order_by(notice_versions.c.position.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _version(row)


def add(uow: UnitOfWork, version: StoredVersion) -> StoredVersion | None:
    """Add ``version`` at its position; None when another writer took that position first."""
    values = {
        "kind": version.kind,
        "position": version.position,
        "digest": version.digest,
        "last_updated": version.last_updated,
        "first_published_at": version.first_published_at,
        "summary": version.summary,
        "outline": version.outline,
        "markdown": version.markdown,
    }
    dialect = postgresql if uow.dialect == "postgresql" else sqlite
    statement = (
        dialect.insert(notice_versions)
        .values(values)
        .on_conflict_do_nothing(index_elements=["kind", "position"])
        .returning(notice_versions.c.id)
    )
    added = uow.connection.execute(statement).first()
    return None if added is None else version


def history(uow: UnitOfWork, kind: str) -> list[StoredVersion]:
    """Every version of ``kind``, newest first."""
    rows = uow.connection.execute(
        select(notice_versions)
        .where(notice_versions.c.kind == kind)
        .order_by(notice_versions.c.position.desc())
    )
    return [_version(row) for row in rows]


def with_digest(uow: UnitOfWork, kind: str, digest: str) -> StoredVersion | None:
    """The first version of ``kind`` that said exactly this (the digest names its words)."""
    row = uow.connection.execute(
        select(notice_versions)
        .where(notice_versions.c.kind == kind, notice_versions.c.digest == digest)
        .order_by(notice_versions.c.position)
        .limit(1)
    ).one_or_none()
    return None if row is None else _version(row)
