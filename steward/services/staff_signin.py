"""Staff sign-in, sessions and sign-out (docs/staff.md); imported through
``steward.services.staff``.

A sign-in needs the password and a second factor (a TOTP code, or one recovery code). Every
refusal is the same ``SignInRefused``, whatever failed and whether or not the account exists,
and takes about the same time: the password is checked against a stored hash or, for a name
that is no account, against a dummy one (one argon2id verification either way). The slow check
runs outside any write transaction (SQLite holds one writer at a time); the decision is then
taken in a short transaction that holds the account's row, so parallel guesses are each counted
and a TOTP code can be accepted once only. Each success, failure, lock and refusal writes one
audit link in that transaction, and the transaction is committed before the refusal is raised,
so a failed attempt always counts. No password, code or token reaches the audit chain or a log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from steward.errors import InvalidInput, SignInRefused
from steward.staff.accounts import DEFAULT_POLICY, SignedIn, StaffPolicy, username_of
from steward.staff.lockout import FailureRecord
from steward.staff.passwords import (
    MAX_LENGTH,
    PasswordCheck,
    dummy_verify,
    hash_password,
    verify_password,
)
from steward.staff.second_factor import check_totp, looks_like_totp, recovery_code_key
from steward.staff.sessions import SessionEnd, expires_at, needs_touch, session_end
from steward.store import audit
from steward.store import staff as repository
from steward.store import staff_sessions as session_rows
from steward.store.database import Store, UnitOfWork
from steward.store.staff import Credentials

SIGN_IN_ACTOR = "public:staff-sign-in"
TOKEN_BYTES = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_CSRF_LABEL = b"steward staff console form"
_SOURCE_MAX = 200
_log = logging.getLogger("steward.staff")


@dataclass(frozen=True)
class StaffSession:
    """A new session: ``token`` goes to the browser (cookie) once; only its hash is stored."""

    token: str
    signed_in: SignedIn
    recovery_codes_left: int
    used_recovery_code: bool = False

    def __repr__(self) -> str:
        return f"StaffSession(token=<hidden>, signed_in={self.signed_in!r})"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session's forms: an HMAC keyed by the session token, so nothing more
    is stored and it cannot be made without the cookie (OWASP "HMAC-based token" pattern)."""
    digest = hmac.new(session_token.encode("ascii"), _CSRF_LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def csrf_matches(session_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(session_token).encode(), given.encode("utf-8", "replace"))


def login(
    store: Store,
    username: str,
    password: str,
    code: str,
    source: str,
    now: datetime,
    *,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> StaffSession:
    """Sign in with a password and a TOTP code or a recovery code, from ``source`` (the client
    address). Returns the new session, or raises ``SignInRefused`` after recording why."""
    _require_aware(now)
    address = _source(source)
    name = _username_or_none(username)
    with store.unit_of_work(SIGN_IN_ACTOR, reads_only=True) as uow:
        key = session_rows.source_key(uow, address)
        throttled = session_rows.source_failures(uow, key).locked(now)
        seen = repository.credentials(uow, name) if name is not None else None
    opened: StaffSession | None = None
    if not throttled:  # its start is in the audit chain; attempts meanwhile write nothing
        check, new_hash = _check_password(seen, password, policy=policy)
        with store.unit_of_work(SIGN_IN_ACTOR) as uow:
            opened = _decide(uow, key, name, seen, check, new_hash, code, now, policy)
            uow.commit()
    if opened is None:
        minutes = int(policy.account_lockout.lock_for.total_seconds()) // 60
        raise SignInRefused(
            "the username, password or code is not right, or sign-in is paused after "
            "repeated failures",
            where="sign-in",
            hint=f"check them and try again (after repeated failures, wait {minutes} minutes); "
            "if it still fails, ask your privacy lead",
        )
    return opened


def _check_password(
    seen: Credentials | None, password: str, *, policy: StaffPolicy
) -> tuple[PasswordCheck, str | None]:
    """One argon2id verification, against the account's hash or a dummy (and, the first time
    after the parameters change, the new hash)."""
    if len(password) > MAX_LENGTH:  # never a password anyone could have set
        return PasswordCheck(False), None
    if seen is None:
        dummy_verify(password, policy.hashing)
        return PasswordCheck(False), None
    check = verify_password(seen.password_hash, password, policy.hashing)
    rehashed = hash_password(password, policy.hashing) if check.needs_rehash else None
    return check, rehashed


def _decide(
    uow: UnitOfWork,
    key: bytes,
    name: str | None,
    seen: Credentials | None,
    check: PasswordCheck,
    new_hash: str | None,
    code: str,
    now: datetime,
    policy: StaffPolicy,
) -> StaffSession | None:
    source = session_rows.lock_source(uow, key, now)
    if source.locked(now):  # throttled since the check before the password was verified
        return None
    current = repository.credentials(uow, name, for_update=True) if name is not None else None
    if current is None:
        _fail_source(uow, key, source, now, policy)
        _audit(uow, "staff.sign_in_failed", None, now, {"reason": "no such account"})
        return None
    account = current.account
    if account.disabled_at is not None or current.failures.locked(now):
        reason = "disabled" if account.disabled_at is not None else "locked"
        _fail_source(uow, key, source, now, policy)
        _audit(uow, "staff.sign_in_refused", account.id, now, {"reason": reason})
        return None
    failed: str | None = None
    if seen is None or not check.matches or current.password_hash != seen.password_hash:
        failed = "password"  # (no hash was checked, or the one checked has since changed)
    step: int | None = None
    recovery = False
    if failed is None:
        failed, step, recovery = _second_factor(uow, current, code, now)
    if failed is not None:
        _fail_account(uow, current, failed, now, policy)
        _fail_source(uow, key, source, now, policy)
        return None
    repository.record_login(uow, account.id, totp_step=step, now=now)
    if new_hash is not None:
        repository.replace_password_hash(
            uow, account.id, was=current.password_hash, now_hash=new_hash, now=now
        )
    return _open_session(uow, current, recovery, now, policy)


def _second_factor(
    uow: UnitOfWork, current: Credentials, code: str, now: datetime
) -> tuple[str | None, int | None, bool]:
    """(what failed or None, the TOTP step accepted, whether a recovery code was used)."""
    if looks_like_totp(code):
        totp = check_totp(current.totp_secret, code, now, last_step=current.totp_last_step)
        if totp.replayed:
            return "code used before", None, False
        return (None, totp.step, False) if totp.accepted else ("code", None, False)
    recovery_key = recovery_code_key(code)
    if recovery_key is None or not repository.use_recovery_code(
        uow, current.account.id, recovery_key, now
    ):
        return "recovery code", None, False
    return None, None, True


def _fail_account(
    uow: UnitOfWork, current: Credentials, failed: str, now: datetime, policy: StaffPolicy
) -> None:
    record = current.failures.after_failure(now, policy.account_lockout)
    repository.save_failures(uow, current.account.id, record, now)
    _audit(uow, "staff.sign_in_failed", current.account.id, now, {"failed": failed})
    if record.locked(now):
        _audit(
            uow,
            "staff.account_locked",
            current.account.id,
            now,
            {"until": _iso(record.locked_until), "failures": policy.account_lockout.failures},
        )
        _log.warning(
            "staff account %s locked until %s after repeated failed sign-ins",
            current.account.id,
            _iso(record.locked_until),
        )


def _fail_source(
    uow: UnitOfWork, key: bytes, record: FailureRecord, now: datetime, policy: StaffPolicy
) -> None:
    after = record.after_failure(now, policy.source_throttle)
    session_rows.save_source_failures(uow, key, after, now)
    if after.locked(now):
        reference = f"login_source:{key.hex()[:16]}"
        audit.write(
            uow,
            audit.pending(
                uow,
                action="staff.source_throttled",
                subject=reference,
                payload={"until": _iso(after.locked_until)},
                at=now,
            ),
        )
        _log.warning("sign-in source %s throttled until %s", reference, _iso(after.locked_until))


def _open_session(
    uow: UnitOfWork, current: Credentials, recovery: bool, now: datetime, policy: StaffPolicy
) -> StaffSession:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    hashed = token_hash(token)
    rules = policy.sessions
    session_rows.add_session(
        uow,
        token_hash=hashed,
        account_id=current.account.id,
        now=now,
        expires_at=now + rules.absolute,
    )
    account = current.account
    left = account.recovery_codes_left - (1 if recovery else 0)
    method = "recovery code" if recovery else "totp"
    _audit(uow, "staff.signed_in", account.id, now, {"method": method, "session": hashed[:16]})
    if recovery:
        _audit(uow, "staff.recovery_code_used", account.id, now, {"left": left})
    signed_in = SignedIn(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        session_expires_at=expires_at(now, now, rules),
        csrf_token=csrf_token(token),
    )
    return StaffSession(token, signed_in, left, recovery)


def session(
    store: Store, token: str, now: datetime, *, policy: StaffPolicy = DEFAULT_POLICY
) -> SignedIn | None:
    """Who holds this session token now, or None (unknown, ended, expired, account disabled).

    An expired session is ended (and audited) when it is next presented; a live one has its
    last use moved on at most once a minute.
    """
    _require_aware(now)
    if not _TOKEN.fullmatch(token):
        return None
    hashed = token_hash(token)
    with store.unit_of_work(SIGN_IN_ACTOR, reads_only=True) as uow:
        found = session_rows.session(uow, hashed)
    if found is None or found.ended_at is not None:
        return None
    account = found.account
    rules = policy.sessions
    if account.disabled_at is not None:
        end: SessionEnd | None = SessionEnd.revoked
    else:
        end = session_end(found.created_at, found.last_seen_at, now, rules)
    if end is not None:
        with store.unit_of_work(account.actor) as uow:
            if session_rows.end_session(uow, hashed, end, now):
                _audit(
                    uow,
                    "staff.session_ended",
                    account.id,
                    now,
                    {"reason": end.value, "session": hashed[:16]},
                )
            uow.commit()
        return None
    last_seen = found.last_seen_at
    if needs_touch(last_seen, now, rules):
        with store.unit_of_work(account.actor) as uow:
            session_rows.touch_session(uow, hashed, now)
            uow.commit()
        last_seen = now
    return SignedIn(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        session_expires_at=expires_at(found.created_at, last_seen, rules),
        csrf_token=csrf_token(token),
    )


def logout(store: Store, token: str, now: datetime) -> bool:
    """End the session (sign out); False if there was no live session for this token."""
    _require_aware(now)
    if not _TOKEN.fullmatch(token):
        return False
    hashed = token_hash(token)
    with store.unit_of_work(SIGN_IN_ACTOR) as uow:
        found = session_rows.session(uow, hashed)
        if found is None or not session_rows.end_session(uow, hashed, SessionEnd.logout, now):
            return False
        _audit(
            uow,
            "staff.session_ended",
            found.account.id,
            now,
            {"reason": SessionEnd.logout.value, "session": hashed[:16]},
        )
        uow.commit()
    return True


def _audit(
    uow: UnitOfWork,
    action: str,
    account_id: int | None,
    now: datetime,
    payload: dict[str, object],
) -> None:
    subject = "staff:unknown" if account_id is None else f"staff:{account_id}"
    audit.write(uow, audit.pending(uow, action=action, subject=subject, payload=payload, at=now))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _username_or_none(text: str) -> str | None:
    try:
        return username_of(text)
    except InvalidInput:
        return None


def _source(source: str) -> str:
    address = source.strip()
    if not address or len(address) > _SOURCE_MAX:
        raise InvalidInput(
            "the sign-in's source address is missing or too long",
            where="source",
            hint="pass the client's address as the web server saw it",
        )
    return address


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise InvalidInput("the time has no time zone", where="now", hint="give a time in UTC")
