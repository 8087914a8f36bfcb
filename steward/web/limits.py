"""Rate limits per source (an IP address, an account) for what the public can send: request
forms, one-time codes, the contact relay, sign-in attempts (issue 12 item 1).

A sliding window kept in the process's memory: each ``steward serve`` worker counts on its
own, so with N workers a source gets at most N times the limit; lockouts that must hold across
processes and restarts (staff sign-in) are kept in the database by their service instead.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime

from steward.web.problems import TooMany

_MAX_KEYS = 100_000


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for each key."""

    def __init__(self, name: str, limit: int, window: float, clock: Callable[[], datetime]):
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.name = name
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one hit for ``key``; raise TooMany (429, with Retry-After) over the limit."""
        now = self._clock().timestamp()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= _MAX_KEYS:
                    self._forget_idle(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                wait = max(1, math.ceil(hits[0] + self.window - now))
                raise TooMany(
                    f"too many {self.name} from here just now", retry_after=wait, where=self.name
                )
            hits.append(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]
