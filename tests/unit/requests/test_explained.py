"""The rights and a request's progress in plain words: every kind and status has them."""

from __future__ import annotations

from datetime import date

from steward.requests.explained import RIGHTS, STATUSES, day_in_words, days_left_in_words
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import RequestStatus


def test_every_right_and_every_status_is_explained() -> None:
    assert set(RIGHTS) == set(RequestKind)
    assert set(STATUSES) == set(RequestStatus)
    assert all(right.article == kind.article for kind, right in RIGHTS.items())


def test_a_due_date_is_written_so_nobody_can_misread_it() -> None:
    assert day_in_words(date(2027, 1, 4)) == "Monday 4 January 2027"
    assert day_in_words(date(2026, 12, 29)) == "Tuesday 29 December 2026"


def test_days_left_read_as_words() -> None:
    assert days_left_in_words(33) == "in 33 days"
    assert days_left_in_words(1) == "tomorrow"
    assert days_left_in_words(0) == "today"
    assert days_left_in_words(-1) == "1 day ago"
    assert days_left_in_words(-3) == "3 days ago"
