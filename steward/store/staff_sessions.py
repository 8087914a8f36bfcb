"""Staff sessions and sign-in failures per source address: rows in, values out.

A session is found by the SHA-256 of its token (the token itself is never stored, so a copy of
the table opens no session); a source address only by its blind index under the key ring.
Nothing here commits or audits: ``steward.services.staff_signin`` does, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from steward.staff.accounts import StaffAccount
from steward.staff.lockout import FailureRecord
from steward.staff.sessions import SessionEnd
from steward.store.database import UnitOfWork
from steward.store.staff import account_query, account_value
from steward.store.tables import staff_accounts, staff_login_sources, staff_sessions

LOGIN_SOURCE = "staff-login-source"
SOURCES_KEPT = timedelta(days=1)
"""A source's failure row is dropped once it has been quiet this long (its lock long over)."""


@dataclass(frozen=True)
class StoredSession:
    token_hash: str
    account: StaffAccount
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None


# --- sessions --------------------------------------------------------------------------------


def add_session(
    uow: UnitOfWork, *, token_hash: str, account_id: int, now: datetime, expires_at: datetime
) -> None:
    uow.connection.execute(
        insert(staff_sessions).values(
            token_hash=token_hash,
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            ended_at=None,
            end_reason=None,
        )
    )


def session(uow: UnitOfWork, token_hash: str) -> StoredSession | None:
    query = (
        account_query()
        .add_columns(
            staff_sessions.c.token_hash,
            staff_sessions.c.created_at.label("session_created_at"),
            staff_sessions.c.last_seen_at,
            staff_sessions.c.expires_at,
            staff_sessions.c.ended_at,
            staff_sessions.c.end_reason,
        )
        .join(staff_sessions, staff_sessions.c.account_id == staff_accounts.c.id)
        .where(staff_sessions.c.token_hash == token_hash)
    )
    row = uow.connection.execute(query).first()
    if row is None:
        return None
    return StoredSession(
        token_hash=row.token_hash,
        account=account_value(uow, row),
        created_at=row.session_created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        ended_at=row.ended_at,
        end_reason=row.end_reason,
    )


def touch_session(uow: UnitOfWork, token_hash: str, now: datetime) -> None:
    uow.connection.execute(
        update(staff_sessions)
        .where(
            staff_sessions.c.token_hash == token_hash,
            staff_sessions.c.ended_at.is_(None),
            staff_sessions.c.last_seen_at < now,
        )
        .values(last_seen_at=now)
    )


def end_session(uow: UnitOfWork, token_hash: str, reason: SessionEnd, now: datetime) -> bool:
    """End one live session; False if it had already ended."""
    ended = uow.connection.execute(
        update(staff_sessions)
        .where(staff_sessions.c.token_hash == token_hash, staff_sessions.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason.value)
    )
    return ended.rowcount == 1


def end_sessions_of(
    uow: UnitOfWork,
    account_id: int,
    reason: SessionEnd,
    now: datetime,
    *,
    keep: str | None = None,
) -> int:
    """End every live session of the account (but ``keep``); how many were ended."""
    query = update(staff_sessions).where(
        staff_sessions.c.account_id == account_id, staff_sessions.c.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(staff_sessions.c.token_hash != keep)
    ended = uow.connection.execute(query.values(ended_at=now, end_reason=reason.value))
    return int(ended.rowcount)


# --- failures per source address ------------------------------------------------------------


def source_key(uow: UnitOfWork, source: str) -> bytes:
    """The blind index of a source address: rows can be found by it, not read back."""
    return uow.keys.blind_index(source, context=LOGIN_SOURCE)


def source_failures(uow: UnitOfWork, key: bytes) -> FailureRecord:
    """The source's record as it stands (reading only)."""
    row = uow.connection.execute(
        select(staff_login_sources).where(staff_login_sources.c.source_hash == key)
    ).first()
    return _source_record(row)


def lock_source(uow: UnitOfWork, key: bytes, now: datetime) -> FailureRecord:
    """The source's record, held until the transaction ends (a row is made for a new source,
    so two first failures at once from one address both count). Rows quiet for a day go."""
    uow.connection.execute(
        delete(staff_login_sources).where(staff_login_sources.c.updated_at < now - SOURCES_KEPT)
    )
    insert_for = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    uow.connection.execute(
        insert_for(staff_login_sources)
        .values(source_hash=key, failures=0, failures_since=None, locked_until=None, updated_at=now)
        .on_conflict_do_nothing(index_elements=["source_hash"])
    )
    row = uow.connection.execute(
        select(staff_login_sources)
        .where(staff_login_sources.c.source_hash == key)
        .with_for_update()
    ).first()
    return _source_record(row)


def save_source_failures(uow: UnitOfWork, key: bytes, record: FailureRecord, now: datetime) -> None:
    """Write the record of a source ``lock_source`` holds."""
    uow.connection.execute(
        update(staff_login_sources)
        .where(staff_login_sources.c.source_hash == key)
        .values(
            failures=record.failures,
            failures_since=record.since,
            locked_until=record.locked_until,
            updated_at=now,
        )
    )


def _source_record(row: Row[Any] | None) -> FailureRecord:
    if row is None:
        return FailureRecord()
    return FailureRecord(int(row.failures), row.failures_since, row.locked_until)
