"""What a signed-in member of staff changes about their own sign-in: their password, and the
authenticator app their codes come from (a new phone); imported through
``steward.services.staff``.

Each needs a live session and proof it is still them: the current password for either change,
and a code from the new app before that app replaces the old one, so a half-done change never
locks anyone out. A wrong current password or code counts towards the account's lock, so a
session left open on someone's desk cannot be used to guess. Every step writes one audit link;
the commit comes before any refusal is raised, so a failed try always counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.errors import Conflict, InvalidInput, SignInRefused
from steward.services.staff_signin import session, token_hash
from steward.staff.accounts import DEFAULT_POLICY, SignedIn, StaffPolicy
from steward.staff.passwords import check_password, hash_password, verify_password
from steward.staff.second_factor import (
    check_totp,
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
from steward.store.staff import Credentials


@dataclass(frozen=True)
class PendingSecondFactor:
    """A new authenticator secret to add to the app, waiting for a code from it."""

    provisioning_uri: str
    secret: str

    @property
    def spaced_secret(self) -> str:
        return spaced(self.secret)

    def __repr__(self) -> str:
        return "PendingSecondFactor(<secret hidden>)"


def change_own_password(
    store: Store,
    token: str,
    current_password: str,
    new_password: str,
    now: datetime,
    *,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> SignedIn:
    """Change one's own password, giving the current one; one's other sessions end."""
    who = _live(store, token, now, policy)
    check_password(new_password, username=who.username, display_name=who.display_name)
    checked = _password_checked(store, who, current_password, policy)
    new_hash = hash_password(new_password, policy.hashing)
    with store.unit_of_work(who.actor) as uow:
        current = _proven(uow, who, checked, now, policy, "password_change")
        repository.set_password_hash(uow, who.account_id, new_hash, now)
        ended = session_rows.end_sessions_of(
            uow, who.account_id, SessionEnd.revoked, now, keep=token_hash(token)
        )
        _audit(uow, "staff.password_changed", current, now, {"sessions_ended": ended})
        uow.commit()
    return who


def begin_second_factor_change(
    store: Store,
    token: str,
    password: str,
    now: datetime,
    *,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> PendingSecondFactor:
    """A new authenticator secret for one's own account, shown once; the old app goes on
    working until ``confirm_second_factor_change`` is given a code from the new one."""
    who = _live(store, token, now, policy)
    secret = new_totp_secret()
    checked = _password_checked(store, who, password, policy)
    with store.unit_of_work(who.actor) as uow:
        current = _proven(uow, who, checked, now, policy, "second_factor_change")
        repository.set_pending_totp(uow, who.account_id, secret, now)
        _audit(uow, "staff.second_factor_change_started", current, now, {})
        uow.commit()
    uri = provisioning_uri(secret, username=who.username, issuer=policy.issuer)
    return PendingSecondFactor(uri, secret)


def confirm_second_factor_change(
    store: Store,
    token: str,
    code: str,
    now: datetime,
    *,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> tuple[str, ...]:
    """Confirm the new app with a code it shows: it replaces the old one, ten new recovery codes
    replace the old ones (returned, shown once) and one's other sessions end."""
    who = _live(store, token, now, policy)
    codes = new_recovery_codes()
    with store.unit_of_work(who.actor) as uow:
        current = _locked_credentials(uow, who)
        pending = current.pending_secret
        if pending is None:
            raise Conflict(
                "no new authenticator app is waiting to be confirmed",
                where="code",
                hint="start again: add a new authenticator app",
            )
        checked = check_totp(pending, code, now, last_step=None)
        if checked.step is None:
            _count_failure(uow, current, now, policy, "staff.second_factor_change_failed")
            uow.commit()
            raise InvalidInput(
                "the code is not the one the new authenticator app shows",
                where="code",
                hint="type the six digits the new app shows now, before they change",
            )
        repository.adopt_pending_totp(uow, who.account_id, pending, step=checked.step, now=now)
        keys = [key for key in map(recovery_code_key, codes) if key is not None]
        repository.replace_recovery_codes(uow, who.account_id, keys, now)
        ended = session_rows.end_sessions_of(
            uow, who.account_id, SessionEnd.revoked, now, keep=token_hash(token)
        )
        _audit(uow, "staff.second_factor_changed", current, now, {"sessions_ended": ended})
        uow.commit()
    return codes


def _live(store: Store, token: str, now: datetime, policy: StaffPolicy) -> SignedIn:
    who = session(store, token, now, policy=policy)
    if who is None:
        raise SignInRefused("the session has ended", where="session", hint="sign in again")
    return who


def _locked_credentials(uow: UnitOfWork, who: SignedIn) -> Credentials:
    current = repository.credentials(uow, who.username, for_update=True)
    if current is None or current.account.id != who.account_id:
        raise SignInRefused("the session has ended", where="session", hint="sign in again")
    return current


def _password_checked(
    store: Store, who: SignedIn, password: str, policy: StaffPolicy
) -> tuple[str | None, bool]:
    """(the hash checked, whether ``password`` matches it): the slow argon2id check runs before
    any write transaction takes its lock."""
    with store.unit_of_work(who.actor, reads_only=True) as reading:
        seen = repository.credentials(reading, who.username)
    if seen is None:
        return None, False
    return seen.password_hash, verify_password(seen.password_hash, password, policy.hashing).matches


def _proven(
    uow: UnitOfWork,
    who: SignedIn,
    checked: tuple[str | None, bool],
    now: datetime,
    policy: StaffPolicy,
    step: str,
) -> Credentials:
    """The account's credentials, held, when the password checked is right and still current;
    else the failure is counted and committed, and InvalidInput raised."""
    seen_hash, matches = checked
    current = _locked_credentials(uow, who)
    if not matches or current.password_hash != seen_hash:
        _count_failure(uow, current, now, policy, f"staff.{step}_failed")
        uow.commit()
        raise InvalidInput(
            "the current password is not right",
            where="current password",
            hint="type the password you signed in with",
        )
    return current


def _count_failure(
    uow: UnitOfWork, current: Credentials, now: datetime, policy: StaffPolicy, action: str
) -> None:
    record = current.failures.after_failure(now, policy.account_lockout)
    repository.save_failures(uow, current.account.id, record, now)
    _audit(uow, action, current, now, {})
    if record.locked(now):
        _audit(
            uow,
            "staff.account_locked",
            current,
            now,
            {"until": record.locked_until.isoformat() if record.locked_until else None},
        )


def _audit(
    uow: UnitOfWork, action: str, current: Credentials, now: datetime, payload: dict[str, object]
) -> None:
    subject = f"staff:{current.account.id}"
    audit.write(uow, audit.pending(uow, action=action, subject=subject, payload=payload, at=now))
