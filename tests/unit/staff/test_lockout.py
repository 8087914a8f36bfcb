"""Five failures within fifteen minutes lock for fifteen minutes; the lock passes by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from steward.staff.lockout import ACCOUNT_LOCKOUT, SOURCE_THROTTLE, FailureRecord, LockoutPolicy

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def failures_at(minutes: list[float], policy: LockoutPolicy = ACCOUNT_LOCKOUT) -> FailureRecord:
    record = FailureRecord()
    for minute in minutes:
        record = record.after_failure(START + timedelta(minutes=minute), policy)
    return record


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes() -> None:
    record = failures_at([0, 1, 2, 3, 14])
    assert record.locked_until == START + timedelta(minutes=29)
    assert record.locked(START + timedelta(minutes=28, seconds=59))
    assert not record.locked(START + timedelta(minutes=29))


def test_four_failures_do_not_lock() -> None:
    record = failures_at([0, 1, 2, 3])
    assert (record.failures, record.locked_until) == (4, None)


def test_failures_spread_wider_than_the_window_start_the_count_again() -> None:
    record = failures_at([0, 1, 2, 3, 15])
    assert (record.failures, record.since, record.locked_until) == (
        1,
        START + timedelta(minutes=15),
        None,
    )


@given(st.lists(st.floats(min_value=0, max_value=600), max_size=40))
def test_no_lock_before_five_failures_fall_inside_one_window(minutes: list[float]) -> None:
    record = failures_at(sorted(minutes))
    if len(minutes) < ACCOUNT_LOCKOUT.failures:
        assert record.locked_until is None


@given(st.integers(min_value=0, max_value=30))
def test_failures_while_locked_do_not_extend_the_lock(extra: int) -> None:
    locked = failures_at([0, 0, 0, 0, 0])
    later = failures_at([0, 0, 0, 0, 0] + [1 + m / 3 for m in range(extra)])
    assert later.locked_until == locked.locked_until == START + timedelta(minutes=15)


def test_after_a_lock_passes_the_count_starts_from_nothing() -> None:
    record = failures_at([0, 0, 0, 0, 0, 16])
    assert (record.failures, record.locked_until) == (1, None)


def test_a_source_address_is_throttled_after_twenty_failures() -> None:
    assert failures_at([0] * 19, SOURCE_THROTTLE).locked_until is None
    assert failures_at([0] * 20, SOURCE_THROTTLE).locked_until == START + timedelta(minutes=15)
