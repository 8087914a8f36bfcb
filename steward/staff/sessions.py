"""How long a staff session lasts: 30 minutes idle, 12 hours at most, whatever happens.

UK GDPR Art 32(1)(b): a console left open on an unattended desk, or a session cookie copied
from a machine, stops working on its own. The idle clock restarts on use; the absolute limit
never moves, so a session used all day still ends and the person signs in (with their second
factor) again. Last use is written at most once a minute (``needs_touch``), so the idle limit is
exact to that minute and reading a page does not always write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(minutes=1)


SESSION_LIMITS = SessionPolicy()


class SessionEnd(StrEnum):
    """Why a session ended."""

    idle = "idle"
    absolute = "absolute"
    logout = "logout"
    revoked = "revoked"
    """The account was disabled, its password set or its second factor reset."""


def session_end(
    created_at: datetime, last_seen_at: datetime, now: datetime, policy: SessionPolicy
) -> SessionEnd | None:
    """Why the session has expired at ``now``, or None while it is live."""
    if now >= created_at + policy.absolute:
        return SessionEnd.absolute
    if now >= last_seen_at + policy.idle:
        return SessionEnd.idle
    return None


def expires_at(created_at: datetime, last_seen_at: datetime, policy: SessionPolicy) -> datetime:
    """When the session ends if it is not used again."""
    return min(last_seen_at + policy.idle, created_at + policy.absolute)


def needs_touch(last_seen_at: datetime, now: datetime, policy: SessionPolicy) -> bool:
    return now - last_seen_at >= policy.touch_every
