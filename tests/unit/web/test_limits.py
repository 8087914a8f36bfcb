"""Rate limits: a sliding window per key, Retry-After from the oldest hit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward.web.limits import RateLimit
from steward.web.problems import TooMany


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_the_limit_holds_per_key_and_says_when_to_try_again() -> None:
    clock = _Clock()
    limit = RateLimit("code requests", 3, 60, clock)
    for _ in range(3):
        limit.hit("198.51.100.7")
    limit.hit("203.0.113.9")  # another source has its own count
    clock.now += timedelta(seconds=20)
    with pytest.raises(TooMany) as refused:
        limit.hit("198.51.100.7")
    assert refused.value.retry_after == 40
    assert "code requests" in refused.value.message


def test_hits_leave_the_window_as_time_passes() -> None:
    clock = _Clock()
    limit = RateLimit("forms", 2, 10, clock)
    limit.hit("a")
    limit.hit("a")
    clock.now += timedelta(seconds=10)
    limit.hit("a")  # both earlier hits are now outside the window


def test_a_nonsense_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        RateLimit("x", 0, 10, _Clock())
