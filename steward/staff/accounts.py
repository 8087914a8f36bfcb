"""Staff accounts as the rest of Steward sees them: names, roles, states; never a secret.

A username is a short handle (``priya``, ``j.smith``), not an e-mail address, so it can name the
account in the audit chain and in lists without being a way to reach the person. The display
name is personal data and is sealed at rest (steward.store.staff).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from steward.errors import InvalidInput
from steward.staff.lockout import ACCOUNT_LOCKOUT, SOURCE_THROTTLE, LockoutPolicy
from steward.staff.passwords import RFC_9106_SECOND, PasswordHashing
from steward.staff.roles import Permission, Role, permissions_of
from steward.staff.sessions import SESSION_LIMITS, SessionPolicy

USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
DISPLAY_NAME_MAX = 100


def username_of(text: str, *, where: str = "username") -> str:
    """The username as stored (lower case), or InvalidInput saying what a username is."""
    name = text.strip().lower()
    if not USERNAME.fullmatch(name):
        raise InvalidInput(
            f"{text!r} is not a username",
            where=where,
            hint="2 to 64 characters: a letter first, then letters, digits, '.', '_' or '-' "
            "(a handle such as priya or j.smith, not an e-mail address)",
        )
    return name


def display_name_of(text: str, *, where: str = "display name") -> str:
    name = " ".join(text.split())
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(
            f"a display name is 1 to {DISPLAY_NAME_MAX} characters",
            where=where,
            hint="the name colleagues know the person by, e.g. 'Priya Shah'",
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidInput(
            "the display name holds control characters",
            where=where,
            hint="type the name as plain text",
        )
    return name


@dataclass(frozen=True)
class StaffPolicy:
    """Everything a deployment could tune about staff sign-in, with the documented defaults."""

    account_lockout: LockoutPolicy = ACCOUNT_LOCKOUT
    source_throttle: LockoutPolicy = SOURCE_THROTTLE
    sessions: SessionPolicy = SESSION_LIMITS
    hashing: PasswordHashing = RFC_9106_SECOND
    issuer: str = "Steward"
    """The name an authenticator app shows beside the account."""


DEFAULT_POLICY = StaffPolicy()


@dataclass(frozen=True)
class StaffAccount:
    """One account as listed: no password hash, no TOTP secret, no recovery code."""

    id: int
    username: str
    display_name: str
    role: Role
    created_at: datetime
    totp_confirmed_at: datetime | None
    locked_until: datetime | None
    disabled_at: datetime | None
    last_login_at: datetime | None
    recovery_codes_left: int

    def state(self, now: datetime) -> str:
        """ "disabled", "locked until <time>" or "active"."""
        if self.disabled_at is not None:
            return "disabled"
        if self.locked_until is not None and now < self.locked_until:
            return f"locked until {self.locked_until:%Y-%m-%d %H:%M} UTC"
        return "active"

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"

    def __repr__(self) -> str:
        return f"StaffAccount(id={self.id}, username={self.username!r}, role={self.role.value})"


@dataclass(frozen=True)
class SignedIn:
    """The member of staff behind a live session: who, their role, when the session ends, and
    the CSRF token for the forms of this session."""

    account_id: int
    username: str
    display_name: str
    role: Role
    session_expires_at: datetime
    csrf_token: str

    @property
    def actor(self) -> str:
        """How the audit chain names them (``staff:<account id>``)."""
        return f"staff:{self.account_id}"

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role)

    def __repr__(self) -> str:
        return (
            f"SignedIn(account_id={self.account_id}, username={self.username!r}, "
            f"role={self.role.value}, csrf_token=<hidden>)"
        )
