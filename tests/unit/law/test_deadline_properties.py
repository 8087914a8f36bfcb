"""Properties every response date has, whatever the inputs (RULES.md R1.9)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.law.calendar import Nation, add_months, is_working_day
from steward.law.deadlines import response_due

DAYS = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31))
NATIONS = st.sampled_from(list(Nation))
FEW = settings(max_examples=150, deadline=None)


@FEW
@given(DAYS, NATIONS)
def test_due_date_is_a_working_day_of_that_nation(received: date, nation: Nation) -> None:
    assert is_working_day(response_due(received, nation).due, nation)


@FEW
@given(DAYS, NATIONS, st.integers(0, 40))
def test_due_date_is_never_before_the_calendar_month(
    received: date, nation: Nation, id_delay: int
) -> None:
    deadline = response_due(received, nation, id_received=received + timedelta(days=id_delay))
    assert deadline.due >= add_months(deadline.start, 1)


@FEW
@given(DAYS, NATIONS, st.integers(1, 40))
def test_due_date_never_decreases_as_receipt_gets_later(
    received: date, nation: Nation, later_by: int
) -> None:
    earlier = response_due(received, nation).due
    later = response_due(received + timedelta(days=later_by), nation).due
    assert later >= earlier


@FEW
@given(DAYS, NATIONS)
def test_extended_due_date_is_never_earlier(received: date, nation: Nation) -> None:
    normal = response_due(received, nation)
    extended = response_due(received, nation, extension_notice_sent=normal.notice_by)
    assert extended.extension_valid
    assert extended.due >= normal.due


@FEW
@given(DAYS, NATIONS, st.integers(0, 20), st.integers(0, 20))
def test_each_clarification_day_moves_the_raw_date_by_one_day(
    received: date, nation: Nation, offset: int, length: int
) -> None:
    asked = received + timedelta(days=offset)
    paused = response_due(received, nation, clarifications=[(asked, asked + timedelta(length))])
    plain = response_due(received, nation)
    assert paused.paused_days == length + 1
    assert paused.raw_date - plain.raw_date == timedelta(days=length + 1)
