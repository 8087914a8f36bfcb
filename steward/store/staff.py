"""Staff accounts, recovery codes, sessions and sign-in failures: rows in, values out.

The display name and the TOTP secret are sealed with the key ring (UK GDPR Art 32(1)(a));
recovery codes are kept as HMACs under the ring's index key and session tokens as SHA-256, so
neither a copy of the database nor a copy of the key file alone opens an account. Nothing here
commits and nothing here audits: ``steward.services.staff`` writes the audit link in the same
transaction (UK GDPR Art 5(2)).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from steward.staff.accounts import StaffAccount
from steward.staff.lockout import FailureRecord
from steward.staff.roles import Role
from steward.staff.sessions import SessionEnd
from steward.store.database import UnitOfWork
from steward.store.tables import (
    staff_accounts,
    staff_login_sources,
    staff_recovery_codes,
    staff_sessions,
)

DISPLAY_NAME = "staff-display-name"
TOTP_SECRET = "staff-totp-secret"
RECOVERY_CODE = "staff-recovery-code"
LOGIN_SOURCE = "staff-login-source"
SOURCES_KEPT = timedelta(days=1)
"""A source's failure row is dropped once it has been quiet this long (its lock long over)."""


@dataclass(frozen=True)
class Credentials:
    """What sign-in needs of an account; never logged (its repr hides the secrets)."""

    account: StaffAccount
    password_hash: str
    totp_secret: str
    totp_last_step: int | None
    failures: FailureRecord

    def __repr__(self) -> str:
        return f"Credentials(account={self.account.id}, secrets=<hidden>)"


@dataclass(frozen=True)
class StoredSession:
    token_hash: str
    account: StaffAccount
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None


# --- accounts -------------------------------------------------------------------------------


def add_account(
    uow: UnitOfWork,
    *,
    username: str,
    display_name: str,
    role: Role,
    password_hash: str,
    totp_secret: str,
    now: datetime,
) -> int:
    keys = uow.keys
    new_id = uow.connection.execute(
        insert(staff_accounts)
        .values(
            username=username,
            display_name_cipher=keys.seal(display_name, context=DISPLAY_NAME).ciphertext,
            role=role.value,
            password_hash=password_hash,
            password_changed_at=now,
            totp_secret_cipher=keys.seal(totp_secret, context=TOTP_SECRET).ciphertext,
            totp_confirmed_at=None,
            totp_last_step=None,
            failures=0,
            failures_since=None,
            locked_until=None,
            last_login_at=None,
            disabled_at=None,
            created_at=now,
            updated_at=now,
        )
        .returning(staff_accounts.c.id)
    ).scalar_one()
    return int(new_id)


def username_taken(uow: UnitOfWork, username: str) -> bool:
    found = uow.connection.execute(
        select(staff_accounts.c.id).where(staff_accounts.c.username == username)
    ).first()
    return found is not None


def credentials(uow: UnitOfWork, username: str, *, for_update: bool = False) -> Credentials | None:
    """The account and its secrets; ``for_update`` holds the row until the transaction ends
    (PostgreSQL; SQLite's writing transaction already holds the whole database)."""
    query: Any = _accounts().where(staff_accounts.c.username == username)
    if for_update:
        query = query.with_for_update(of=staff_accounts)
    row = uow.connection.execute(query).first()
    if row is None:
        return None
    return Credentials(
        account=_account(uow, row),
        password_hash=row.password_hash,
        totp_secret=uow.keys.open(row.totp_secret_cipher, context=TOTP_SECRET),
        totp_last_step=None if row.totp_last_step is None else int(row.totp_last_step),
        failures=FailureRecord(int(row.failures), row.failures_since, row.locked_until),
    )


def account(uow: UnitOfWork, username: str) -> StaffAccount | None:
    row = uow.connection.execute(_accounts().where(staff_accounts.c.username == username)).first()
    return None if row is None else _account(uow, row)


def accounts(uow: UnitOfWork) -> list[StaffAccount]:
    rows = uow.connection.execute(_accounts().order_by(staff_accounts.c.username))
    return [_account(uow, row) for row in rows]


def enabled_with_role(uow: UnitOfWork, role: Role) -> int:
    return int(
        uow.connection.execute(
            select(func.count())
            .select_from(staff_accounts)
            .where(staff_accounts.c.role == role.value, staff_accounts.c.disabled_at.is_(None))
        ).scalar_one()
    )


def save_failures(uow: UnitOfWork, account_id: int, record: FailureRecord, now: datetime) -> None:
    _update(
        uow,
        account_id,
        now,
        failures=record.failures,
        failures_since=record.since,
        locked_until=record.locked_until,
    )


def record_login(uow: UnitOfWork, account_id: int, *, totp_step: int | None, now: datetime) -> None:
    """A good sign-in: failures cleared, last login noted; a TOTP step also confirms the app
    holds the secret and becomes the last step accepted."""
    values: dict[str, object] = {
        "failures": 0,
        "failures_since": None,
        "locked_until": None,
        "last_login_at": now,
    }
    if totp_step is not None:
        values["totp_last_step"] = totp_step
        values["totp_confirmed_at"] = func.coalesce(staff_accounts.c.totp_confirmed_at, now)
    _update(uow, account_id, now, **values)


def set_password_hash(uow: UnitOfWork, account_id: int, password_hash: str, now: datetime) -> None:
    _update(uow, account_id, now, password_hash=password_hash, password_changed_at=now)


def replace_password_hash(
    uow: UnitOfWork, account_id: int, *, was: str, now_hash: str, now: datetime
) -> None:
    """Re-hash with current parameters, only if nobody changed the password meanwhile."""
    uow.connection.execute(
        update(staff_accounts)
        .where(staff_accounts.c.id == account_id, staff_accounts.c.password_hash == was)
        .values(password_hash=now_hash, updated_at=now)
    )


def set_totp_secret(uow: UnitOfWork, account_id: int, secret: str, now: datetime) -> None:
    """A new secret, not yet confirmed; any step accepted before no longer matters."""
    sealed = uow.keys.seal(secret, context=TOTP_SECRET).ciphertext
    _update(
        uow,
        account_id,
        now,
        totp_secret_cipher=sealed,
        totp_confirmed_at=None,
        totp_last_step=None,
    )


def clear_lock(uow: UnitOfWork, account_id: int, now: datetime) -> None:
    _update(uow, account_id, now, failures=0, failures_since=None, locked_until=None)


def set_disabled(
    uow: UnitOfWork, account_id: int, disabled_at: datetime | None, now: datetime
) -> None:
    _update(uow, account_id, now, disabled_at=disabled_at)


def set_role(uow: UnitOfWork, account_id: int, role: Role, now: datetime) -> None:
    _update(uow, account_id, now, role=role.value)


def _update(uow: UnitOfWork, account_id: int, now: datetime, **values: object) -> None:
    uow.connection.execute(
        update(staff_accounts)
        .where(staff_accounts.c.id == account_id)
        .values(updated_at=now, **values)
    )


def _codes_left() -> Any:
    return (
        select(func.count())
        .select_from(staff_recovery_codes)
        .where(
            staff_recovery_codes.c.account_id == staff_accounts.c.id,
            staff_recovery_codes.c.used_at.is_(None),
        )
        .scalar_subquery()
    )


def _accounts() -> Any:
    return select(staff_accounts, _codes_left().label("codes_left"))


def _account(uow: UnitOfWork, row: Row[Any]) -> StaffAccount:
    return StaffAccount(
        id=int(row.id),
        username=row.username,
        display_name=uow.keys.open(row.display_name_cipher, context=DISPLAY_NAME),
        role=Role(row.role),
        created_at=row.created_at,
        totp_confirmed_at=row.totp_confirmed_at,
        locked_until=row.locked_until,
        disabled_at=row.disabled_at,
        last_login_at=row.last_login_at,
        recovery_codes_left=int(row.codes_left),
    )


# --- recovery codes --------------------------------------------------------------------------


def replace_recovery_codes(
    uow: UnitOfWork, account_id: int, keys_of_codes: Iterable[str], now: datetime
) -> None:
    """Forget every earlier code of the account and keep the keyed hashes of these."""
    uow.connection.execute(
        delete(staff_recovery_codes).where(staff_recovery_codes.c.account_id == account_id)
    )
    ring = uow.keys
    rows = [
        {
            "account_id": account_id,
            "code_hash": ring.blind_index(key, context=RECOVERY_CODE),
            "key_version": ring.current,
            "created_at": now,
            "used_at": None,
        }
        for key in keys_of_codes
    ]
    if rows:
        uow.connection.execute(insert(staff_recovery_codes), rows)


def use_recovery_code(uow: UnitOfWork, account_id: int, key: str, now: datetime) -> bool:
    """Mark the account's unused code ``key`` used; False if it has none such.

    Each stored hash is compared under the key version that made it (constant-time compare);
    the update is guarded by ``used_at IS NULL``, so two sign-ins racing with one code cannot
    both succeed.
    """
    rows = uow.connection.execute(
        select(
            staff_recovery_codes.c.id,
            staff_recovery_codes.c.code_hash,
            staff_recovery_codes.c.key_version,
        ).where(
            staff_recovery_codes.c.account_id == account_id,
            staff_recovery_codes.c.used_at.is_(None),
        )
    ).all()
    ring = uow.keys
    matched: int | None = None
    for row in rows:
        digest = ring.blind_index(key, context=RECOVERY_CODE, version=int(row.key_version))
        if hmac.compare_digest(digest, bytes(row.code_hash)) and matched is None:
            matched = int(row.id)
    if matched is None:
        return False
    used = uow.connection.execute(
        update(staff_recovery_codes)
        .where(staff_recovery_codes.c.id == matched, staff_recovery_codes.c.used_at.is_(None))
        .values(used_at=now)
    )
    return used.rowcount == 1


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
        _accounts()
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
        account=_account(uow, row),
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
    so two first failures at once from one address both count)."""
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
    """Write the record of a source ``lock_source`` holds; drop rows quiet for a day."""
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
    uow.connection.execute(
        delete(staff_login_sources).where(staff_login_sources.c.updated_at < now - SOURCES_KEPT)
    )


def _source_record(row: Row[Any] | None) -> FailureRecord:
    if row is None:
        return FailureRecord()
    return FailureRecord(int(row.failures), row.failures_since, row.locked_until)
