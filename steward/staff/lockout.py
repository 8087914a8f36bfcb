"""Login throttling: an account locks after repeated failures, and so does a source address.

NCSC password guidance (throttle rather than rely on complexity) and UK GDPR Art 32(1)(b).
Per account: 5 failed sign-ins within 15 minutes lock it for 15 minutes, whatever is typed
meanwhile. Per source address: 20 failures within 15 minutes, across any accounts (or names that
are no account at all), block that source for 15 minutes, so spraying one password over many
names is slowed too. A lock passes by itself; a privacy lead can lift it early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)


ACCOUNT_LOCKOUT = LockoutPolicy()
SOURCE_THROTTLE = LockoutPolicy(failures=20)


@dataclass(frozen=True)
class FailureRecord:
    """Failures counted since ``since`` (the first in the current window), and any lock."""

    failures: int = 0
    since: datetime | None = None
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime, policy: LockoutPolicy) -> FailureRecord:
        """The record once one more failure at ``now`` is counted; it locks on the last one
        the policy allows (the count then starts again from nothing)."""
        if self.locked(now):
            return self
        fresh = self.since is None or not (self.since <= now < self.since + policy.window)
        failures = 1 if fresh else self.failures + 1
        since = now if fresh else self.since
        if failures >= policy.failures:
            return FailureRecord(0, None, now + policy.lock_for)
        return FailureRecord(failures, since, None)
