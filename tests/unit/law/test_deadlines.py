"""Request, extension-notice, breach and complaint deadlines follow RULES.md §1, §6 and §7."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from steward.errors import InvalidInput
from steward.law.calendar import Nation
from steward.law.deadlines import (
    breach_report_due,
    complaint_ack_due,
    extension_notice_due,
    response_due,
)

ENG = Nation.england
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("received", "restart", "start"),
    [
        (date(2026, 3, 3), {}, date(2026, 3, 3)),
        (date(2026, 3, 2), {"id_received": date(2026, 3, 20)}, date(2026, 3, 20)),
        (date(2026, 2, 3), {"fee_paid": date(2026, 2, 27)}, date(2026, 2, 27)),
        (date(2026, 8, 1), {}, date(2026, 8, 1)),
    ],
)
def test_clock_start_examples_of_r1_1(
    received: date, restart: dict[str, date], start: date
) -> None:
    assert response_due(received, ENG, **restart).start == start


def test_the_latest_of_identity_authority_and_fee_starts_the_clock() -> None:
    deadline = response_due(
        date(2026, 3, 2),
        ENG,
        id_received=date(2026, 3, 10),
        authority_received=date(2026, 3, 12),
        fee_paid=date(2026, 3, 5),
    )
    assert (deadline.start, deadline.start_reason) == (
        date(2026, 3, 12),
        "evidence of authority received",
    )


@pytest.mark.parametrize(
    ("received", "raw"),
    [
        (date(2026, 3, 3), date(2026, 4, 3)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 30), date(2028, 2, 29)),
        (date(2026, 4, 30), date(2026, 5, 30)),
    ],
)
def test_raw_date_examples_of_r1_2(received: date, raw: date) -> None:
    assert response_due(received, ENG).raw_date == raw


@pytest.mark.parametrize(
    ("received", "nation", "due"),
    [
        (date(2026, 3, 3), Nation.england, date(2026, 4, 7)),
        (date(2026, 1, 31), Nation.england, date(2026, 3, 2)),
        (date(2028, 1, 29), Nation.england, date(2028, 2, 29)),
        (date(2026, 11, 26), Nation.england, date(2026, 12, 29)),
        (date(2024, 11, 25), Nation.england, date(2024, 12, 27)),
        (date(2026, 5, 15), Nation.england, date(2026, 6, 15)),
        (date(2026, 5, 15), Nation.scotland, date(2026, 6, 16)),
        (date(2026, 10, 30), Nation.england, date(2026, 11, 30)),
        (date(2026, 10, 30), Nation.scotland, date(2026, 12, 1)),
        (date(2026, 6, 12), Nation.england, date(2026, 7, 13)),
        (date(2026, 6, 12), Nation.northern_ireland, date(2026, 7, 14)),
        (date(2026, 3, 6), Nation.england, date(2026, 4, 7)),
        (date(2026, 3, 6), Nation.scotland, date(2026, 4, 6)),
        (date(2026, 12, 1), Nation.scotland, date(2027, 1, 5)),
        (date(2027, 1, 1), Nation.england, date(2027, 2, 1)),
    ],
)
def test_due_date_examples_of_r1_3(received: date, nation: Nation, due: date) -> None:
    assert response_due(received, nation).due == due


@pytest.mark.parametrize(
    ("pauses", "notice", "due"),
    [
        ([(date(2026, 9, 4), date(2026, 9, 10))], None, date(2026, 10, 8)),
        (
            [(date(2026, 9, 4), date(2026, 9, 10)), (date(2026, 9, 20), date(2026, 9, 21))],
            None,
            date(2026, 10, 12),
        ),
        (
            [(date(2026, 9, 4), date(2026, 9, 10)), (date(2026, 9, 8), date(2026, 9, 12))],
            None,
            date(2026, 10, 12),
        ),
        ([(date(2026, 9, 4), date(2026, 9, 10))], date(2026, 9, 15), date(2026, 12, 8)),
    ],
)
def test_clarification_examples_of_r1_4(
    pauses: list[tuple[date, date]], notice: date | None, due: date
) -> None:
    deadline = response_due(
        date(2026, 9, 1), ENG, clarifications=pauses, extension_notice_sent=notice
    )
    assert deadline.due == due


def test_clarification_example_of_r1_4_across_february() -> None:
    deadline = response_due(
        date(2026, 1, 30), ENG, clarifications=[(date(2026, 2, 2), date(2026, 2, 3))]
    )
    assert (deadline.paused_days, deadline.due) == (2, date(2026, 3, 2))


def test_overlapping_pauses_are_counted_once() -> None:
    deadline = response_due(
        date(2026, 9, 1),
        ENG,
        clarifications=[
            (date(2026, 9, 4), date(2026, 9, 10)),
            (date(2026, 9, 8), date(2026, 9, 12)),
        ],
    )
    assert deadline.paused_days == 9


def test_a_same_day_ask_and_answer_pauses_one_day() -> None:
    deadline = response_due(date(2026, 9, 1), ENG, clarifications=[(date(2026, 9, 4),) * 2])
    assert deadline.raw_date == date(2026, 10, 2)


def test_pause_days_before_the_clock_start_do_not_count() -> None:
    deadline = response_due(
        date(2026, 3, 2),
        ENG,
        id_received=date(2026, 3, 10),
        clarifications=[(date(2026, 3, 5), date(2026, 3, 12))],
    )
    assert deadline.paused_days == 3


@pytest.mark.parametrize(
    ("received", "notice", "pauses", "due", "valid"),
    [
        (date(2026, 11, 30), date(2026, 12, 10), [], date(2027, 3, 1), True),
        (date(2027, 11, 30), date(2027, 12, 1), [], date(2028, 2, 29), True),
        (
            date(2026, 9, 1),
            date(2026, 9, 2),
            [(date(2026, 9, 4), date(2026, 9, 10))],
            date(2026, 12, 8),
            True,
        ),
        (date(2026, 11, 30), date(2027, 1, 4), [], date(2026, 12, 30), False),
    ],
)
def test_extension_examples_of_r1_5(
    received: date, notice: date, pauses: list[tuple[date, date]], due: date, valid: bool
) -> None:
    deadline = response_due(received, ENG, extension_notice_sent=notice, clarifications=pauses)
    assert (deadline.due, deadline.extension_valid) == (due, valid)


@pytest.mark.parametrize(
    ("received", "pauses", "notice_by"),
    [
        (date(2026, 11, 30), [], date(2026, 12, 30)),
        (date(2026, 1, 31), [], date(2026, 2, 28)),
        (date(2026, 9, 1), [(date(2026, 9, 4), date(2026, 9, 10))], date(2026, 10, 8)),
    ],
)
def test_extension_notice_examples_of_r1_6(
    received: date, pauses: list[tuple[date, date]], notice_by: date
) -> None:
    assert extension_notice_due(received, clarifications=pauses) == notice_by
    assert response_due(received, ENG, clarifications=pauses).notice_by == notice_by


def test_a_notice_sent_on_the_last_day_is_in_time() -> None:
    assert response_due(
        date(2026, 11, 30), ENG, extension_notice_sent=date(2026, 12, 30)
    ).extension_valid


def test_fee_example_of_r1_8() -> None:
    assert response_due(date(2026, 2, 3), ENG, fee_paid=date(2026, 2, 27)).due == date(2026, 3, 27)


def test_explanation_names_start_month_end_rule_pauses_and_each_holiday() -> None:
    steps = response_due(
        date(2026, 1, 31), ENG, clarifications=[(date(2026, 2, 2), date(2026, 2, 3))]
    ).steps
    text = "\n".join(steps)
    assert "clock starts 2026-01-31: request received" in steps[0]
    assert "month-end rule" in text
    assert "clock stopped 2026-02-02 to 2026-02-03 for clarification: 2 days" in text
    assert "raw date 2026-02-28 + 2 paused days = 2026-03-02" in text
    assert steps[-1] == "due 2026-03-02 (end of the day, Europe/London)"


def test_explanation_names_each_rolled_day_and_holiday() -> None:
    text = "\n".join(response_due(date(2026, 3, 3), ENG).steps)
    assert "2026-04-03 (Friday) is not a working day in england: Good Friday" in text
    assert "2026-04-04 (Saturday) is not a working day in england: Saturday" in text
    assert "2026-04-06 (Monday) is not a working day in england: Easter Monday" in text


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"id_received": date(2026, 3, 1)}, "id_received"),
        ({"fee_paid": date(2026, 3, 1)}, "fee_paid"),
        ({"authority_received": date(2026, 3, 1)}, "authority_received"),
        ({"clarifications": [(date(2026, 3, 10), date(2026, 3, 9))]}, "clarification"),
        ({"clarifications": [(date(2026, 3, 1), date(2026, 3, 9))]}, "clarification"),
        ({"clarifications": [(date(2026, 4, 20), date(2026, 4, 21))]}, "clarification"),
        ({"extension_notice_sent": date(2026, 3, 1)}, "extension_notice_sent"),
        (
            {"clarifications": [(date(2026, 3, 5), date(2026, 3, 6))], "access_request": False},
            "clarification",
        ),
    ],
)
def test_impossible_inputs_are_rejected_naming_the_argument(
    kwargs: dict[str, object], where: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        response_due(date(2026, 3, 3), ENG, **kwargs)
    assert raised.value.where == where
    assert raised.value.hint


def test_a_pause_may_begin_on_the_last_day_and_moves_the_raw_date_not_the_rolled_one() -> None:
    deadline = response_due(date(2026, 3, 3), ENG, clarifications=[(date(2026, 4, 7),) * 2])
    assert (deadline.raw_date, deadline.due) == (date(2026, 4, 4), date(2026, 4, 7))


def test_a_later_pause_is_judged_against_the_deadline_moved_by_earlier_pauses() -> None:
    deadline = response_due(
        date(2026, 3, 3),
        ENG,
        clarifications=[(date(2026, 3, 5), date(2026, 3, 14)), (date(2026, 4, 13),) * 2],
    )
    assert deadline.paused_days == 11
    with pytest.raises(InvalidInput, match="after the deadline had passed"):
        response_due(
            date(2026, 3, 3),
            ENG,
            clarifications=[(date(2026, 3, 5), date(2026, 3, 14)), (date(2026, 4, 14),) * 2],
        )


def test_a_pause_after_a_valid_extension_is_judged_against_three_months() -> None:
    deadline = response_due(
        date(2026, 3, 3),
        ENG,
        extension_notice_sent=date(2026, 3, 20),
        clarifications=[(date(2026, 5, 1), date(2026, 5, 2))],
    )
    assert deadline.due == date(2026, 6, 5)


@pytest.mark.parametrize(
    ("aware_at", "report_by"),
    [
        (datetime(2026, 12, 24, 16, 30, tzinfo=LONDON), datetime(2026, 12, 27, 16, 30)),
        (datetime(2026, 3, 27, 10, 0, tzinfo=LONDON), datetime(2026, 3, 30, 11, 0)),
        (datetime(2026, 10, 23, 9, 15, tzinfo=LONDON), datetime(2026, 10, 26, 8, 15)),
        (datetime(2026, 11, 26, 23, 59, tzinfo=LONDON), datetime(2026, 11, 29, 23, 59)),
    ],
)
def test_breach_examples_of_r6_1(aware_at: datetime, report_by: datetime) -> None:
    due = breach_report_due(aware_at)
    assert due.tzinfo == LONDON
    assert due.replace(tzinfo=None) == report_by
    assert due.astimezone(UTC) - aware_at.astimezone(UTC) == timedelta(hours=72)


def test_breach_time_given_in_utc_is_shown_in_london() -> None:
    due = breach_report_due(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    assert (due.hour, due.utcoffset()) == (9, timedelta(hours=1))


def test_breach_time_without_a_time_zone_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="no time zone"):
        breach_report_due(datetime(2026, 3, 27, 10, 0))


@pytest.mark.parametrize(
    ("received", "legal_due", "target"),
    [
        (date(2026, 6, 25), date(2026, 7, 27), date(2026, 7, 24)),
        (date(2026, 6, 19), date(2026, 7, 20), date(2026, 7, 18)),
        (date(2026, 7, 1), date(2026, 7, 31), date(2026, 7, 30)),
        (date(2026, 11, 26), date(2026, 12, 29), date(2026, 12, 25)),
    ],
)
def test_complaint_examples_of_r7_2(received: date, legal_due: date, target: date) -> None:
    ack = complaint_ack_due(received, ENG)
    assert ack is not None
    assert (ack.legal_due, ack.internal_target) == (legal_due, target)


def test_complaints_before_19_june_2026_have_no_statutory_clock() -> None:
    assert complaint_ack_due(date(2026, 6, 18), ENG) is None


def test_complaint_duty_start_is_configurable() -> None:
    assert complaint_ack_due(date(2026, 6, 18), ENG, duty_from=date(2026, 6, 1)) is not None
