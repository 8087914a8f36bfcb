"""Staff accounts and their recovery codes: rows in, values out (sessions and failures per
source address are in ``steward.store.staff_sessions``).

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
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update

from steward.staff.accounts import StaffAccount
from steward.staff.lockout import FailureRecord
from steward.staff.roles import Role
from steward.store.database import UnitOfWork
from steward.store.tables import (
    staff_accounts,
    staff_recovery_codes,
)

DISPLAY_NAME = "staff-display-name"
TOTP_SECRET = "staff-totp-secret"
RECOVERY_CODE = "staff-recovery-code"


@dataclass(frozen=True)
class Credentials:
    """What sign-in needs of an account; never logged (its repr hides the secrets)."""

    account: StaffAccount
    password_hash: str
    totp_secret: str
    totp_last_step: int | None
    failures: FailureRecord
    pending_secret: str | None = None
    """A new TOTP secret the member of staff has been shown but not yet confirmed."""

    def __repr__(self) -> str:
        return f"Credentials(account={self.account.id}, secrets=<hidden>)"


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
    query: Any = account_query().where(staff_accounts.c.username == username)
    if for_update:
        query = query.with_for_update(of=staff_accounts)
    row = uow.connection.execute(query).first()
    if row is None:
        return None
    return Credentials(
        account=account_value(uow, row),
        password_hash=row.password_hash,
        totp_secret=uow.keys.open(row.totp_secret_cipher, context=TOTP_SECRET),
        totp_last_step=None if row.totp_last_step is None else int(row.totp_last_step),
        failures=FailureRecord(int(row.failures), row.failures_since, row.locked_until),
        pending_secret=(
            None
            if row.totp_pending_cipher is None
            else uow.keys.open(row.totp_pending_cipher, context=TOTP_SECRET)
        ),
    )


def account(uow: UnitOfWork, username: str) -> StaffAccount | None:
    row = uow.connection.execute(
        account_query().where(staff_accounts.c.username == username)
    ).first()
    return None if row is None else account_value(uow, row)


def accounts(uow: UnitOfWork) -> list[StaffAccount]:
    rows = uow.connection.execute(account_query().order_by(staff_accounts.c.username))
    return [account_value(uow, row) for row in rows]


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
        totp_pending_cipher=None,
        totp_confirmed_at=None,
        totp_last_step=None,
    )


def set_pending_totp(uow: UnitOfWork, account_id: int, secret: str, now: datetime) -> None:
    """Keep (sealed) a new secret the member of staff is adding to their app; the current one
    goes on working until the new one is confirmed with a code (``adopt_pending_totp``)."""
    sealed = uow.keys.seal(secret, context=TOTP_SECRET).ciphertext
    _update(uow, account_id, now, totp_pending_cipher=sealed)


def adopt_pending_totp(
    uow: UnitOfWork, account_id: int, secret: str, *, step: int, now: datetime
) -> None:
    """The confirmed new secret replaces the old one; ``step`` is the code that confirmed it."""
    sealed = uow.keys.seal(secret, context=TOTP_SECRET).ciphertext
    _update(
        uow,
        account_id,
        now,
        totp_secret_cipher=sealed,
        totp_pending_cipher=None,
        totp_confirmed_at=now,
        totp_last_step=step,
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


def account_query() -> Any:
    """Accounts with their count of unused recovery codes (``account_value`` reads a row)."""
    return select(staff_accounts, _codes_left().label("codes_left"))


def account_value(uow: UnitOfWork, row: Row[Any]) -> StaffAccount:
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
