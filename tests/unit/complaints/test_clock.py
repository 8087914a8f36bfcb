"""When a complaint's next step is due: the acknowledgement from law.deadlines (RULES.md R7.2
worked examples), the outcome target, and the at-risk and overdue marks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.complaints import lifecycle
from steward.complaints.clock import (
    AT_RISK_DAYS,
    Step,
    acknowledgement_due,
    complaint_clock,
    coverage,
    outcome_target,
    queue_order,
)
from steward.complaints.lifecycle import AckMethod, Complaint, ComplaintChannel
from steward.law.calendar import Nation, is_working_day
from steward.law.deadlines import COMPLAINTS_DUTY_FROM, complaint_ack_due

ENGLAND = Nation.england
STATUTORY_DAYS = st.dates(min_value=COMPLAINTS_DUTY_FROM, max_value=date(2030, 12, 31))
NATIONS = st.sampled_from(list(Nation))
FEW = settings(max_examples=150, deadline=None)


def received(on: date, reference: str = "C-2026-ABC234") -> Complaint:
    return lifecycle.receive(reference, ComplaintChannel.email, on)[0]


@pytest.mark.parametrize(
    ("on", "due", "target"),
    [
        (date(2026, 6, 25), date(2026, 7, 27), date(2026, 7, 24)),
        (date(2026, 6, 19), date(2026, 7, 20), date(2026, 7, 18)),
        (date(2026, 7, 1), date(2026, 7, 31), date(2026, 7, 30)),
        (date(2026, 11, 26), date(2026, 12, 29), date(2026, 12, 25)),
    ],
)
def test_the_acknowledgement_follows_the_worked_examples(on: date, due: date, target: date) -> None:
    step, internal = acknowledgement_due(on, ENGLAND)
    assert (step.step, step.day, step.statutory, internal) == (Step.acknowledge, due, True, target)
    assert "s.164A(3)" in step.citation


def test_the_reason_names_each_day_rolled_past() -> None:
    step, _ = acknowledgement_due(date(2026, 11, 26), ENGLAND)
    assert "end on 2026-12-26" in step.reason
    assert "2026-12-28 (Monday) is not a working day in england" in step.reason
    assert step.reason.endswith("due 2026-12-29 (end of the day, Europe/London)")


def test_a_complaint_before_commencement_is_outside_the_statutory_clock() -> None:
    scope = coverage(date(2026, 6, 18))
    assert not scope.statutory
    assert "before s.164A came into force on 2026-06-19" in scope.reason
    step, internal = acknowledgement_due(date(2026, 6, 18), ENGLAND)
    assert (step.statutory, internal) == (False, None)
    assert step.day == date(2026, 7, 20)  # the same method, as a good-practice target
    assert "good-practice target" in step.reason


def test_the_outcome_target_is_three_calendar_months_and_not_law() -> None:
    target = outcome_target(date(2026, 11, 30))
    assert (target.step, target.day, target.statutory) == (Step.outcome, date(2027, 2, 28), False)
    assert "without undue delay" in target.reason


def test_a_received_complaint_owes_its_acknowledgement_next() -> None:
    clock = complaint_clock(received(date(2026, 11, 2)), ENGLAND, date(2026, 11, 10))
    assert clock.next is not None
    assert (clock.next.step, clock.next.day, clock.days_left) == (
        Step.acknowledge,
        date(2026, 12, 2),
        22,
    )
    assert (clock.overdue, clock.at_risk) == (False, False)


def test_within_seven_days_of_the_acknowledgement_deadline_is_at_risk() -> None:
    complaint = received(date(2026, 11, 2))
    assert complaint_clock(complaint, ENGLAND, date(2026, 11, 25)).at_risk
    assert not complaint_clock(complaint, ENGLAND, date(2026, 11, 24)).at_risk
    last_day = complaint_clock(complaint, ENGLAND, date(2026, 12, 2))
    assert (last_day.at_risk, last_day.overdue, last_day.days_left) == (True, False, 0)


def test_the_day_after_the_deadline_is_overdue() -> None:
    clock = complaint_clock(received(date(2026, 11, 2)), ENGLAND, date(2026, 12, 3))
    assert (clock.overdue, clock.at_risk, clock.days_left) == (True, False, -1)


def test_an_acknowledged_complaint_owes_its_outcome_and_says_if_it_was_in_time() -> None:
    done = lifecycle.acknowledge(
        received(date(2026, 11, 2)), AckMethod.email, date(2026, 12, 3), sent_by_steward=True
    )[0]
    clock = complaint_clock(done, ENGLAND, date(2026, 12, 3))
    assert clock.next is not None
    assert (clock.next.step, clock.next.day) == (Step.outcome, date(2027, 2, 2))
    assert clock.acknowledged_in_time is False


def test_nothing_is_owed_once_the_outcome_is_given() -> None:
    done = lifecycle.acknowledge(
        received(date(2026, 11, 2)), AckMethod.email, date(2026, 11, 3), sent_by_steward=True
    )[0]
    decided = lifecycle.record_outcome(done, "upheld", date(2027, 3, 1))[0]
    clock = complaint_clock(decided, ENGLAND, date(2027, 6, 1))
    assert (clock.next, clock.overdue, clock.at_risk, clock.days_left) == (None, False, False, None)
    assert (clock.acknowledged_in_time, clock.outcome_in_time) == (True, False)


def test_the_queue_puts_the_soonest_due_first_and_nothing_owed_last() -> None:
    later = received(date(2026, 11, 20), "C-2026-BBBBBB")
    sooner = received(date(2026, 11, 2), "C-2026-CCCCCC")
    decided = replace(
        received(date(2026, 10, 1), "C-2026-AAAAAA"),
        status=lifecycle.ComplaintStatus.outcome_recorded,
    )
    day = date(2026, 11, 25)
    ordered = sorted(
        [later, decided, sooner],
        key=lambda c: queue_order(c, complaint_clock(c, ENGLAND, day)),
    )
    assert [c.reference for c in ordered] == ["C-2026-CCCCCC", "C-2026-BBBBBB", "C-2026-AAAAAA"]


@FEW
@given(STATUTORY_DAYS, NATIONS)
def test_the_acknowledgement_date_is_the_law_modules_and_a_working_day(
    on: date, nation: Nation
) -> None:
    step, internal = acknowledgement_due(on, nation)
    legal = complaint_ack_due(on, nation)
    assert legal is not None
    assert (step.day, internal) == (legal.legal_due, legal.internal_target)
    assert is_working_day(step.day, nation)
    assert on + timedelta(days=30) <= step.day <= on + timedelta(days=35)
    assert internal is not None and internal < step.day


@FEW
@given(st.dates(min_value=date(2018, 5, 25), max_value=COMPLAINTS_DUTY_FROM - timedelta(days=1)))
def test_every_complaint_before_commencement_has_no_statutory_date(on: date) -> None:
    step, internal = acknowledgement_due(on, ENGLAND)
    assert (step.statutory, internal, coverage(on).statutory) == (False, None, False)


@FEW
@given(STATUTORY_DAYS, NATIONS)
def test_the_outcome_target_always_falls_after_the_acknowledgement(
    on: date, nation: Nation
) -> None:
    assert outcome_target(on).day > acknowledgement_due(on, nation)[0].day


@FEW
@given(STATUTORY_DAYS, st.integers(-10, 60))
def test_a_complaint_is_never_both_overdue_and_at_risk(on: date, offset: int) -> None:
    clock = complaint_clock(received(on), ENGLAND, on + timedelta(days=offset))
    assert not (clock.overdue and clock.at_risk)
    assert clock.days_left is not None and clock.next is not None
    assert clock.overdue == (clock.days_left < 0)
    assert clock.at_risk == (0 <= clock.days_left <= AT_RISK_DAYS)
