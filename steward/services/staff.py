"""Staff accounts for the console: create, list, set passwords, reset the second factor,
disable, enable, unlock, change roles; and what a signed-in member of staff may do.

This is the one module the web layer and the CLI call (sign-in and sessions come from
``steward.services.staff_signin``, changes to one's own sign-in from
``steward.services.staff_self``; both are re-exported here). Account changes are asked for
``by`` a signed-in member of staff, whose role must hold ``staff.manage``, or by an
``Operator`` at the server's terminal (``steward staff ...``), who already holds the database
and the key file. Each function is one unit of work ending in one commit; every change writes
one audit link in it (UK GDPR Art 5(2); DESIGN.md §2: "a staff login, a role change"). A TOTP
secret and recovery codes are returned once, when made, and kept only sealed or hashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.errors import Conflict, InvalidInput, NotFound, NotPermitted
from steward.services.staff_self import (
    PendingSecondFactor,
    begin_second_factor_change,
    change_own_password,
    confirm_second_factor_change,
)
from steward.services.staff_signin import (
    SIGN_IN_ACTOR,
    StaffSession,
    csrf_matches,
    csrf_token,
    login,
    logout,
    session,
    token_hash,
)
from steward.staff.accounts import (
    DEFAULT_POLICY,
    SignedIn,
    StaffAccount,
    StaffPolicy,
    display_name_of,
    username_of,
)
from steward.staff.passwords import check_password, hash_password
from steward.staff.roles import Decision, Permission, Role, allowed
from steward.staff.second_factor import (
    new_recovery_codes,
    new_totp_secret,
    provisioning_uri,
    recovery_code_key,
    spaced,
)
from steward.staff.sessions import SessionEnd
from steward.store import audit
from steward.store import staff as repository
from steward.store import staff_sessions as session_rows
from steward.store.database import Store, UnitOfWork

__all__ = [
    "SIGN_IN_ACTOR",
    "Enrolment",
    "NewAccount",
    "Operator",
    "PendingSecondFactor",
    "SignedIn",
    "StaffAccount",
    "StaffSession",
    "begin_second_factor_change",
    "change_own_password",
    "change_role",
    "check",
    "confirm_second_factor_change",
    "create_account",
    "csrf_matches",
    "csrf_token",
    "disable_account",
    "enable_account",
    "list_accounts",
    "login",
    "logout",
    "require",
    "reset_second_factor",
    "session",
    "set_password",
    "token_hash",
    "unlock_account",
]


@dataclass(frozen=True)
class Operator:
    """Someone at the server's terminal: ``name`` is the audit actor, e.g. ``cli:priya``."""

    name: str

    @property
    def actor(self) -> str:
        return self.name


Manager = SignedIn | Operator


@dataclass(frozen=True)
class Enrolment:
    """A new second factor, shown once: the URI (or the secret, typed by hand) goes into an
    authenticator app; the recovery codes are written down or printed and kept safe."""

    provisioning_uri: str
    secret: str
    recovery_codes: tuple[str, ...]

    @property
    def spaced_secret(self) -> str:
        return spaced(self.secret)

    def __repr__(self) -> str:
        return "Enrolment(<secret and recovery codes hidden>)"


@dataclass(frozen=True)
class NewAccount:
    account: StaffAccount
    enrolment: Enrolment


def check(who: SignedIn, permission: Permission) -> Decision:
    """May ``who`` do what ``permission`` covers? The decision says why (never raises)."""
    return allowed(who.role, permission)


def require(who: SignedIn, permission: Permission) -> Decision:
    """The decision when allowed; NotPermitted, with its reason, when not."""
    decision = check(who, permission)
    if not decision.allowed:
        raise NotPermitted(
            decision.reason,
            where=permission.value,
            hint="ask a privacy lead if your work needs this",
        )
    return decision


def create_account(
    store: Store,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    by: Manager,
    now: datetime,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> NewAccount:
    """A new account with its second factor (shown once, in the result)."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    shown = display_name_of(display_name)
    check_password(password, username=name, display_name=shown)
    password_hash = hash_password(password, policy.hashing)
    secret = new_totp_secret()
    codes = new_recovery_codes()
    with store.unit_of_work(by.actor) as uow:
        if repository.username_taken(uow, name):
            raise Conflict(
                f"there is already a staff account {name!r}",
                where="username",
                hint="choose another username; 'steward staff list' shows the accounts",
            )
        account_id = repository.add_account(
            uow,
            username=name,
            display_name=shown,
            role=role,
            password_hash=password_hash,
            totp_secret=secret,
            now=now,
        )
        repository.replace_recovery_codes(uow, account_id, _keys(codes), now)
        _audit(uow, "staff.account_created", account_id, now, {"role": role.value})
        created = _account(uow, name)
        uow.commit()
    return NewAccount(created, _enrolment(secret, codes, name, policy))


def list_accounts(store: Store, *, by: Manager) -> list[StaffAccount]:
    """Every account, by username (needs ``staff.read``)."""
    _authorise(by, Permission.staff_read)
    with store.unit_of_work(by.actor, reads_only=True) as uow:
        return repository.accounts(uow)


def set_password(
    store: Store,
    username: str,
    password: str,
    *,
    by: Manager,
    now: datetime,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> StaffAccount:
    """Set an account's password (a forgotten one); ends its sessions and lifts any lock."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    with store.unit_of_work(by.actor, reads_only=True) as uow:
        before = _account(uow, name)
    check_password(password, username=name, display_name=before.display_name)
    password_hash = hash_password(password, policy.hashing)
    with store.unit_of_work(by.actor) as uow:
        account = _account(uow, name)
        repository.set_password_hash(uow, account.id, password_hash, now)
        repository.clear_lock(uow, account.id, now)
        ended = session_rows.end_sessions_of(uow, account.id, SessionEnd.revoked, now)
        _audit(uow, "staff.password_set", account.id, now, {"sessions_ended": ended})
        uow.commit()
    return account


def reset_second_factor(
    store: Store,
    username: str,
    *,
    by: Manager,
    now: datetime,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> Enrolment:
    """A new TOTP secret and new recovery codes (a lost phone); the old ones stop working at
    once, the account's sessions end and any lock is lifted."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    secret = new_totp_secret()
    codes = new_recovery_codes()
    with store.unit_of_work(by.actor) as uow:
        account = _account(uow, name)
        repository.set_totp_secret(uow, account.id, secret, now)
        repository.replace_recovery_codes(uow, account.id, _keys(codes), now)
        repository.clear_lock(uow, account.id, now)
        ended = session_rows.end_sessions_of(uow, account.id, SessionEnd.revoked, now)
        _audit(uow, "staff.second_factor_reset", account.id, now, {"sessions_ended": ended})
        uow.commit()
    return _enrolment(secret, codes, name, policy)


def disable_account(store: Store, username: str, *, by: Manager, now: datetime) -> StaffAccount:
    """Stop an account signing in; its sessions end at once. The last enabled privacy lead
    cannot be disabled (someone must be able to manage accounts), nor can one's own account."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    with store.unit_of_work(by.actor) as uow:
        account = _account(uow, name)
        if account.disabled_at is not None:
            raise Conflict(
                f"the account {name!r} was already disabled on {account.disabled_at:%Y-%m-%d}",
                where="username",
                hint="nothing to do; 'steward staff enable' enables it again",
            )
        if isinstance(by, SignedIn) and by.account_id == account.id:
            raise InvalidInput(
                "you cannot disable your own account",
                where="username",
                hint="ask another privacy lead",
            )
        _keep_a_privacy_lead(uow, account, "disable")
        repository.set_disabled(uow, account.id, now, now)
        ended = session_rows.end_sessions_of(uow, account.id, SessionEnd.revoked, now)
        _audit(uow, "staff.account_disabled", account.id, now, {"sessions_ended": ended})
        changed = _account(uow, name)
        uow.commit()
    return changed


def enable_account(store: Store, username: str, *, by: Manager, now: datetime) -> StaffAccount:
    """Let a disabled account sign in again (with its existing password and second factor)."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    with store.unit_of_work(by.actor) as uow:
        account = _account(uow, name)
        if account.disabled_at is None:
            raise Conflict(
                f"the account {name!r} is not disabled", where="username", hint="nothing to do"
            )
        repository.set_disabled(uow, account.id, None, now)
        repository.clear_lock(uow, account.id, now)
        _audit(uow, "staff.account_enabled", account.id, now, {})
        changed = _account(uow, name)
        uow.commit()
    return changed


def unlock_account(store: Store, username: str, *, by: Manager, now: datetime) -> StaffAccount:
    """Lift a lock before it passes by itself (the member of staff was sure of a typo)."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    with store.unit_of_work(by.actor) as uow:
        account = _account(uow, name)
        if account.locked_until is None or account.locked_until <= now:
            raise Conflict(
                f"the account {name!r} is not locked", where="username", hint="nothing to do"
            )
        repository.clear_lock(uow, account.id, now)
        _audit(uow, "staff.account_unlocked", account.id, now, {})
        changed = _account(uow, name)
        uow.commit()
    return changed


def change_role(
    store: Store, username: str, role: Role, *, by: Manager, now: datetime
) -> StaffAccount:
    """Give an account another role; it applies to its next page (sessions read the role)."""
    _require_aware(now)
    _authorise(by, Permission.staff_manage)
    name = username_of(username)
    with store.unit_of_work(by.actor) as uow:
        account = _account(uow, name)
        if account.role is role:
            raise Conflict(
                f"the account {name!r} already has the role {role.value}",
                where="role",
                hint="nothing to do",
            )
        if role is not Role.privacy_lead:
            _keep_a_privacy_lead(uow, account, "change the role of")
        repository.set_role(uow, account.id, role, now)
        _audit(
            uow,
            "staff.role_changed",
            account.id,
            now,
            {"from": account.role.value, "to": role.value},
        )
        changed = _account(uow, name)
        uow.commit()
    return changed


def _keep_a_privacy_lead(uow: UnitOfWork, account: StaffAccount, verb: str) -> None:
    if account.role is not Role.privacy_lead or account.disabled_at is not None:
        return
    if repository.enabled_with_role(uow, Role.privacy_lead) <= 1:
        raise Conflict(
            f"cannot {verb} {account.username!r}: it is the only enabled privacy lead, and "
            "without one nobody can manage staff accounts",
            where="username",
            hint="add another privacy lead first (steward staff add --role privacy_lead); for a "
            "lost phone or password use 'steward staff reset-2fa' or 'steward staff passwd'",
        )


def _authorise(by: Manager, permission: Permission) -> None:
    if isinstance(by, SignedIn):
        require(by, permission)


def _account(uow: UnitOfWork, name: str) -> StaffAccount:
    found = repository.account(uow, name)
    if found is None:
        raise NotFound(
            f"there is no staff account {name!r}",
            where="username",
            hint="'steward staff list' shows the accounts",
        )
    return found


def _keys(codes: tuple[str, ...]) -> list[str]:
    keys = [recovery_code_key(code) for code in codes]
    return [key for key in keys if key is not None]


def _enrolment(
    secret: str, codes: tuple[str, ...], username: str, policy: StaffPolicy
) -> Enrolment:
    uri = provisioning_uri(secret, username=username, issuer=policy.issuer)
    return Enrolment(uri, secret, codes)


def _audit(
    uow: UnitOfWork, action: str, account_id: int, now: datetime, payload: dict[str, object]
) -> None:
    audit.write(
        uow,
        audit.pending(uow, action=action, subject=f"staff:{account_id}", payload=payload, at=now),
    )


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise InvalidInput("the time has no time zone", where="now", hint="give a time in UTC")
