"""A request's due date comes from law.deadlines with the request's own facts (RULES.md §1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from steward.law.calendar import Nation
from steward.requests import lifecycle
from steward.requests.clock import clock_state, deadline, extension_notice_by
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, Request, VerificationMethod

ENGLAND = Nation.england


def request(kind: RequestKind = RequestKind.access, on: date = date(2026, 9, 1)) -> Request:
    return lifecycle.receive("R-2026-ABC234", kind, Channel.email, on, today=on)[0]


def test_a_received_request_is_due_one_calendar_month_later_rolled_to_a_working_day() -> None:
    assert deadline(request(on=date(2026, 3, 3)), ENGLAND, date(2026, 3, 3)).due == date(2026, 4, 7)


def test_the_nation_decides_the_bank_holidays() -> None:
    received = request(on=date(2026, 5, 15))
    assert deadline(received, Nation.scotland, date(2026, 5, 15)).due == date(2026, 6, 16)


def test_identity_received_after_asking_restarts_the_clock() -> None:
    asked, _ = lifecycle.ask_identity(request(on=date(2026, 3, 2)))
    verified, _ = lifecycle.verify(asked, VerificationMethod.code, date(2026, 3, 20))
    assert deadline(verified, ENGLAND, date(2026, 3, 20)).due == date(2026, 4, 20)


def test_a_clarification_stops_the_clock_for_its_days() -> None:
    paused, _ = lifecycle.pause(request(), date(2026, 9, 4), "which mailbox?")
    resumed, _ = lifecycle.resume(paused, date(2026, 9, 10))
    assert deadline(resumed, ENGLAND, date(2026, 9, 20)).due == date(2026, 10, 8)


def test_an_unanswered_clarification_keeps_the_clock_stopped_until_today() -> None:
    paused, _ = lifecycle.pause(request(), date(2026, 9, 4), "which mailbox?")
    assert deadline(paused, ENGLAND, date(2026, 9, 10)).due == date(2026, 10, 8)
    assert deadline(paused, ENGLAND, date(2026, 9, 11)).due == date(2026, 10, 9)


def test_an_extension_told_in_time_gives_three_months() -> None:
    received = request(on=date(2026, 11, 30))
    notice_by = extension_notice_by(received, date(2026, 12, 10))
    extended, _ = lifecycle.extend(received, "complex", date(2026, 12, 10), notice_by)
    assert deadline(extended, ENGLAND, date(2026, 12, 10)).due == date(2027, 3, 1)


def test_the_extension_notice_deadline_counts_paused_days() -> None:
    paused, _ = lifecycle.pause(request(), date(2026, 9, 4), "which mailbox?")
    resumed, _ = lifecycle.resume(paused, date(2026, 9, 10))
    assert extension_notice_by(resumed, date(2026, 9, 20)) == date(2026, 10, 8)


def test_a_refused_request_keeps_its_due_date_for_the_refusal_notice() -> None:
    refused, _ = lifecycle.refuse(request(on=date(2026, 3, 3)), "excessive", date(2026, 3, 4))
    assert deadline(refused, ENGLAND, date(2026, 3, 4)).due == date(2026, 4, 7)


def test_the_explanation_steps_come_from_the_law_module() -> None:
    steps = deadline(request(on=date(2026, 3, 3)), ENGLAND, date(2026, 3, 3)).steps
    assert steps[0].startswith("clock starts 2026-03-03")
    assert steps[-1] == "due 2026-04-07 (end of the day, Europe/London)"


def test_an_open_request_past_its_due_day_is_overdue() -> None:
    state = clock_state(request(on=date(2026, 3, 3)), ENGLAND, date(2026, 4, 8))
    assert (state.overdue, state.at_risk, state.days_left) == (True, False, -1)


def test_an_open_request_due_within_a_week_is_at_risk() -> None:
    state = clock_state(request(on=date(2026, 3, 3)), ENGLAND, date(2026, 3, 31))
    assert (state.overdue, state.at_risk) == (False, True)


def test_the_due_day_itself_is_not_overdue() -> None:
    assert not clock_state(request(on=date(2026, 3, 3)), ENGLAND, date(2026, 4, 7)).overdue


def test_a_finished_request_is_never_overdue() -> None:
    closed = replace(request(on=date(2026, 3, 3)), status=lifecycle.RequestStatus.closed)
    state = clock_state(closed, ENGLAND, date(2026, 6, 1))
    assert (state.overdue, state.at_risk) == (False, False)


def test_a_fee_paid_restarts_the_clock() -> None:
    paid, _ = lifecycle.receive_fee(
        request(on=date(2026, 2, 3)), date(2026, 2, 27), "manifestly excessive: fee charged"
    )
    assert deadline(paid, ENGLAND, date(2026, 2, 27)).due == date(2026, 3, 27)


def test_authority_received_restarts_the_clock() -> None:
    authorised, _ = lifecycle.receive_authority(
        request(on=date(2026, 3, 2)), date(2026, 3, 20), "solicitor's signed authority"
    )
    assert deadline(authorised, ENGLAND, date(2026, 3, 20)).due == date(2026, 4, 20)
