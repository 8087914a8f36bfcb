"""When a complaint's next step is due, and whether it is at risk or overdue on a given day.

The 30-day acknowledgement is ``steward.law.deadlines.complaint_ack_due`` (RULES.md R7.2: the
ICO method, counted from the day after receipt and rolled to a working day); nothing here counts
those days again. A complaint received before s.164A came into force (19 June 2026) is outside
the statutory clock (R7.1): it gets the same date as a good-practice target, marked as such.
The outcome has no statutory deadline ("without undue delay"); Steward's target is three
calendar months from receipt, an internal target shown as one. Every date carries its reason
and citation, so a person can check it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from steward.complaints.lifecycle import Complaint, ComplaintStatus
from steward.law.calendar import Nation, RolledDay, add_months
from steward.law.deadlines import COMPLAINTS_DUTY_FROM, complaint_ack_due

AT_RISK_DAYS = 7
"""An open complaint due within this many days is flagged at risk (an internal warning)."""
OUTCOME_TARGET_MONTHS = 3
"""Steward's target for telling the outcome; the law says only "without undue delay"."""

ACK_CITATION = "DPA 2018 s.164A(3); ICO, How to deal with data protection complaints (2026)"
OUTSIDE_CITATION = "DPA 2018 s.164A; SI 2026/82 regs 3 and 7 (transitional rule UNCONFIRMED)"
OUTCOME_CITATION = "DPA 2018 s.164A (respond and tell the outcome without undue delay)"


class Step(StrEnum):
    """What is owed next."""

    acknowledge = "acknowledge"
    outcome = "outcome"


@dataclass(frozen=True)
class Coverage:
    """Whether s.164A's duties apply to the complaint, and why."""

    statutory: bool
    reason: str
    citation: str


@dataclass(frozen=True)
class Due:
    """A step's date, whether the law sets it or it is a target, and how it was reached."""

    step: Step
    day: date
    statutory: bool
    reason: str
    citation: str


@dataclass(frozen=True)
class ComplaintClock:
    """Where a complaint stands on ``today``. ``next`` is what is owed next (None once the
    outcome is given or the complaint closed); the marks apply to it."""

    today: date
    coverage: Coverage
    acknowledgement: Due
    internal_target: date | None  # received + 29 days, no roll (R7.2); statutory only
    outcome: Due
    next: Due | None
    overdue: bool
    at_risk: bool
    days_left: int | None
    acknowledged_in_time: bool | None  # None until acknowledged
    outcome_in_time: bool | None  # None until the outcome is given; against the target


def coverage(received: date, *, duty_from: date = COMPLAINTS_DUTY_FROM) -> Coverage:
    """s.164A applies to complaints received on or after it came into force (RULES.md R7.1)."""
    if received >= duty_from:
        return Coverage(
            True,
            f"received {received}, on or after {duty_from}: s.164A applies",
            "DPA 2018 s.164A (in force 19 June 2026, SI 2026/82 reg 3)",
        )
    return Coverage(
        False,
        f"received {received}, before s.164A came into force on {duty_from}: outside the "
        "statutory clock; Steward keeps a good-practice target only",
        OUTSIDE_CITATION,
    )


def _rolled(days: tuple[RolledDay, ...] | list[RolledDay], nation: Nation) -> str:
    return "".join(
        f"; {day.day} ({day.day:%A}) is not a working day in {nation.value}: {day.reason}"
        for day in days
    )


def acknowledgement_due(
    received: date, nation: Nation, *, duty_from: date = COMPLAINTS_DUTY_FROM
) -> tuple[Due, date | None]:
    """The acknowledgement date (and the conservative internal target, when statutory)."""
    legal = complaint_ack_due(received, nation, duty_from=duty_from)
    if legal is not None:
        raw = legal.rolled[0].day if legal.rolled else legal.legal_due
        reason = (
            f"30 days counted from the day after receipt ({received}) end on "
            f"{raw}{_rolled(legal.rolled, nation)}; "
            f"due {legal.legal_due} (end of the day, Europe/London)"
        )
        return Due(Step.acknowledge, legal.legal_due, True, reason, ACK_CITATION), (
            legal.internal_target
        )
    practice = complaint_ack_due(received, nation, duty_from=received)
    assert practice is not None  # duty_from == received: never before the duty
    reason = (
        f"outside s.164A (received {received}, before {duty_from}); the same 30-day method is "
        f"kept as a good-practice target: {practice.legal_due}"
    )
    return Due(Step.acknowledge, practice.legal_due, False, reason, OUTSIDE_CITATION), None


def outcome_target(received: date) -> Due:
    """Three calendar months from receipt (month-end rule), not rolled: a target, not law."""
    day = add_months(received, OUTCOME_TARGET_MONTHS)
    reason = (
        f"no statutory deadline: the outcome is owed without undue delay; Steward's target is "
        f"{OUTCOME_TARGET_MONTHS} calendar months from receipt ({received}): {day} (the ICO's "
        "draft guidance reportedly suggests three months; UNCONFIRMED)"
    )
    return Due(Step.outcome, day, False, reason, OUTCOME_CITATION)


def complaint_clock(
    complaint: Complaint,
    nation: Nation,
    today: date,
    *,
    duty_from: date = COMPLAINTS_DUTY_FROM,
) -> ComplaintClock:
    """Overdue once today is past the next step's day (a due date means the end of that day);
    at risk when due within ``AT_RISK_DAYS``. A complaint with nothing owed is neither."""
    acknowledgement, internal = acknowledgement_due(complaint.received, nation, duty_from=duty_from)
    outcome = outcome_target(complaint.received)
    next_due = {
        ComplaintStatus.received: acknowledgement,
        ComplaintStatus.acknowledged: outcome,
    }.get(complaint.status)
    days_left = None if next_due is None else (next_due.day - today).days
    acknowledged = complaint.acknowledged_on
    told = complaint.outcome_told_on
    return ComplaintClock(
        today=today,
        coverage=coverage(complaint.received, duty_from=duty_from),
        acknowledgement=acknowledgement,
        internal_target=internal,
        outcome=outcome,
        next=next_due,
        overdue=days_left is not None and days_left < 0,
        at_risk=days_left is not None and 0 <= days_left <= AT_RISK_DAYS,
        days_left=days_left,
        acknowledged_in_time=None if acknowledged is None else acknowledged <= acknowledgement.day,
        outcome_in_time=None if told is None else told <= outcome.day,
    )


def queue_order(complaint: Complaint, clock: ComplaintClock) -> tuple[date, str]:
    """The staff queue's order: what is owed soonest first; nothing owed last."""
    return (clock.next.day if clock.next else date.max, complaint.reference)
