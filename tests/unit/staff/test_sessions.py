"""Sessions end after 30 idle minutes or 12 hours, whichever comes first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from steward.staff.sessions import SESSION_LIMITS, SessionEnd, expires_at, needs_touch, session_end

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_a_session_used_within_thirty_minutes_is_live() -> None:
    assert session_end(START, at(100), at(129), SESSION_LIMITS) is None


def test_thirty_idle_minutes_end_a_session() -> None:
    assert session_end(START, at(100), at(130), SESSION_LIMITS) is SessionEnd.idle


def test_twelve_hours_end_a_session_however_recently_it_was_used() -> None:
    assert session_end(START, at(719), at(720), SESSION_LIMITS) is SessionEnd.absolute


@given(st.floats(min_value=0, max_value=720), st.floats(min_value=0, max_value=1000))
def test_a_session_is_live_exactly_until_it_expires(seen: float, later: float) -> None:
    ends = expires_at(START, at(seen), SESSION_LIMITS)
    now = at(seen + later)
    assert (session_end(START, at(seen), now, SESSION_LIMITS) is None) is (now < ends)


def test_last_use_is_written_at_most_once_a_minute() -> None:
    assert not needs_touch(START, START + timedelta(seconds=59), SESSION_LIMITS)
    assert needs_touch(START, START + timedelta(seconds=60), SESSION_LIMITS)
