"""Legal deadlines: data-subject requests, extension notices, breach reports, complaint receipts.

RULES.md §1 (R1.9 is the request algorithm in one place), §6 and §7. Every date is a
parameter; a due date means the end of that day, Europe/London (RULES.md C-2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from steward.errors import InvalidInput
from steward.law.calendar import Nation, RolledDay, add_months, next_working_day_on_or_after

LONDON = ZoneInfo("Europe/London")
BREACH_REPORT_WINDOW = timedelta(hours=72)
COMPLAINTS_DUTY_FROM = date(2026, 6, 19)
"""DPA 2018 s.164A in force (SI 2026/82 reg 3); earlier complaints are outside the clock (R7.1)."""
COMPLAINT_ACK_DAYS = 30

Clarification = tuple[date, date]
"""A clarification of an access request: (asked, answered), both days paused (RULES.md R1.4)."""


@dataclass(frozen=True)
class Deadline:
    """A request's response date and how it was reached, step by step (RULES.md R1.9)."""

    start: date
    start_reason: str
    months: int
    raw_date: date
    paused_days: int
    due: date
    notice_by: date
    extension_valid: bool
    rolled: tuple[RolledDay, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class _ClockStart:
    day: date
    reason: str


def _clock_start(
    received: date,
    id_received: date | None,
    authority_received: date | None,
    fee_paid: date | None,
) -> _ClockStart:
    """The latest of receipt, identity, authority and fee: a restart, not a pause (R1.1)."""
    start = _ClockStart(received, "request received")
    for day, what, argument in (
        (id_received, "identity information received", "id_received"),
        (authority_received, "evidence of authority received", "authority_received"),
        (fee_paid, "fee paid", "fee_paid"),
    ):
        if day is None:
            continue
        if day < received:
            raise InvalidInput(
                f"{argument} {day} is before the request was received ({received})",
                where=argument,
                hint="give the day it arrived, on or after the request's receipt",
            )
        if day > start.day:
            start = _ClockStart(day, what)
    return start


def _merged_pauses(
    clarifications: Iterable[Clarification], received: date, start: date
) -> list[tuple[date, date]]:
    """Validated pauses, clipped to days on or after the start and merged (RULES.md R1.4)."""
    spans: list[tuple[date, date]] = []
    for asked, answered in clarifications:
        if answered < asked:
            raise InvalidInput(
                f"clarification answered {answered} before it was asked {asked}",
                where="clarification",
                hint="write each clarification as ASKED:ANSWERED with ASKED on or before ANSWERED",
            )
        if asked < received:
            raise InvalidInput(
                f"clarification asked {asked} before the request was received ({received})",
                where="clarification",
                hint="a clarification can only be asked once the request has arrived",
            )
        if answered >= start:
            spans.append((max(asked, start), answered))
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _days(span: tuple[date, date]) -> int:
    return (span[1] - span[0]).days + 1


def response_due(
    received: date,
    nation: Nation,
    *,
    id_received: date | None = None,
    authority_received: date | None = None,
    fee_paid: date | None = None,
    clarifications: Iterable[Clarification] = (),
    extension_notice_sent: date | None = None,
    access_request: bool = True,
) -> Deadline:
    """When a data-subject request must be answered (RULES.md R1.1-R1.6, R1.9; UK GDPR Art 12A).

    The clock starts on the latest of receipt, identity, authority and fee; one calendar month
    (three if the extension notice was sent by `notice_by`) plus the days paused while an access
    request was being clarified; then rolled to the nation's next working day. The stop-the-clock
    is limited to access requests (UNCONFIRMED for Art 12A; P for DPA 2018 s.54(3C)).
    """
    clock = _clock_start(received, id_received, authority_received, fee_paid)
    pauses_given = tuple(clarifications)
    if pauses_given and not access_request:
        raise InvalidInput(
            "the clock stops for clarification only for access (Art 15) requests",
            where="clarification",
            hint="for other rights, a request for identity or a fee restarts the clock instead",
        )
    pauses = _merged_pauses(pauses_given, received, clock.day)
    paused = sum(_days(span) for span in pauses)
    one_month = add_months(clock.day, 1)
    notice_by = one_month + timedelta(days=paused)
    if extension_notice_sent is not None and extension_notice_sent < received:
        raise InvalidInput(
            f"extension notice {extension_notice_sent} is before the request ({received})",
            where="extension_notice_sent",
            hint="give the day the person was told of the extension",
        )
    extension_valid = extension_notice_sent is not None and extension_notice_sent <= notice_by
    months = 3 if extension_valid else 1
    extended_from = extension_notice_sent if extension_valid else None
    _check_pauses_in_time(pauses, clock.day, extended_from, nation)
    calendar_date = add_months(clock.day, months)
    raw = calendar_date + timedelta(days=paused)
    due, rolled = next_working_day_on_or_after(raw, nation)
    steps = _explain(
        received,
        clock,
        months,
        calendar_date,
        pauses,
        raw,
        rolled,
        due,
        nation,
        extension_notice_sent,
        notice_by,
    )
    return Deadline(
        start=clock.day,
        start_reason=clock.reason,
        months=months,
        raw_date=raw,
        paused_days=paused,
        due=due,
        notice_by=notice_by,
        extension_valid=extension_valid,
        rolled=tuple(rolled),
        steps=steps,
    )


def _check_pauses_in_time(
    pauses: list[tuple[date, date]],
    start: date,
    extended_from: date | None,
    nation: Nation,
) -> None:
    """A pause must begin by the deadline as it stands then; an expired clock cannot stop [I]."""
    paused_before = 0
    for first, last in pauses:
        months_then = 3 if extended_from is not None and extended_from <= first else 1
        standing = add_months(start, months_then) + timedelta(days=paused_before)
        standing_due, _ = next_working_day_on_or_after(standing, nation)
        if first > standing_due:
            raise InvalidInput(
                f"clarification asked {first} after the deadline had passed ({standing_due})",
                where="clarification",
                hint="a clock that has already expired cannot be stopped (RULES.md R1.4)",
            )
        paused_before += _days((first, last))


def _explain(
    received: date,
    clock: _ClockStart,
    months: int,
    calendar_date: date,
    pauses: list[tuple[date, date]],
    raw: date,
    rolled: list[RolledDay],
    due: date,
    nation: Nation,
    extension_notice_sent: date | None,
    notice_by: date,
) -> tuple[str, ...]:
    """Each step a person needs to check the date by hand (RULES.md R1.9)."""
    start = clock.day
    steps = [f"clock starts {start}: {clock.reason}; the start day counts as day one"]
    if start != received:
        steps[0] += f" (request received {received}; a restart, not a pause)"
    if extension_notice_sent is not None:
        verdict = "valid: three months in all" if months == 3 else "too late: one month applies"
        steps.append(
            f"extension notice sent {extension_notice_sent}, due by {notice_by}: {verdict}"
        )
    unit = "month" if months == 1 else "months"
    steps.append(f"{months} calendar {unit} from {start} is {calendar_date}")
    if calendar_date.day != start.day:
        steps.append(
            f"month-end rule: day {start.day} does not exist in that month, so its last day "
            f"({calendar_date}) is used"
        )
    for first, last in pauses:
        steps.append(
            f"clock stopped {first} to {last} for clarification: {_days((first, last))} days"
        )
    if pauses:
        steps.append(f"raw date {calendar_date} + {(raw - calendar_date).days} paused days = {raw}")
    for day in rolled:
        steps.append(
            f"{day.day} ({day.day:%A}) is not a working day in {nation.value}: {day.reason}"
        )
    steps.append(f"due {due} (end of the day, Europe/London)")
    return tuple(steps)


def extension_notice_due(
    received: date,
    *,
    id_received: date | None = None,
    authority_received: date | None = None,
    fee_paid: date | None = None,
    clarifications: Iterable[Clarification] = (),
) -> date:
    """Last day to tell the person of an extension, with reasons: one month + pauses, no roll.

    RULES.md R1.6 [I conservative: neither Art 12A nor the ICO applies the roll to the notice].
    """
    clock = _clock_start(received, id_received, authority_received, fee_paid)
    pauses = _merged_pauses(tuple(clarifications), received, clock.day)
    return add_months(clock.day, 1) + timedelta(days=sum(_days(span) for span in pauses))


def breach_report_due(aware_at: datetime) -> datetime:
    """72 elapsed hours from awareness, shown in Europe/London (UK GDPR Art 33(1); RULES.md R6.1).

    Hours run through nights, weekends and holidays; the sum is taken in UTC so a clock change
    shifts only the wall-clock time shown.
    """
    if aware_at.tzinfo is None or aware_at.utcoffset() is None:
        raise InvalidInput(
            f"awareness time {aware_at.isoformat()} has no time zone",
            where="aware_at",
            hint="give a time zone, e.g. 2026-03-27T10:00+00:00 or a Europe/London time",
        )
    return (aware_at.astimezone(UTC) + BREACH_REPORT_WINDOW).astimezone(LONDON)


@dataclass(frozen=True)
class ComplaintAcknowledgement:
    """When a complaint must be acknowledged (DPA 2018 s.164A(3); RULES.md R7.2).

    `legal_due` follows the ICO method (received + 30 days, rolled to a working day);
    `internal_target` is the conservative received + 29 days, not rolled.
    """

    received: date
    legal_due: date
    internal_target: date
    rolled: tuple[RolledDay, ...]


def complaint_ack_due(
    received: date, nation: Nation, *, duty_from: date = COMPLAINTS_DUTY_FROM
) -> ComplaintAcknowledgement | None:
    """The 30-day acknowledgement date, or None for complaints before the duty began (R7.1-R7.2).

    `duty_from` defaults to 19 June 2026; the transitional rule (SI 2026/82 reg 7) is UNCONFIRMED.
    """
    if received < duty_from:
        return None
    legal, rolled = next_working_day_on_or_after(
        received + timedelta(days=COMPLAINT_ACK_DAYS), nation
    )
    return ComplaintAcknowledgement(
        received=received,
        legal_due=legal,
        internal_target=received + timedelta(days=COMPLAINT_ACK_DAYS - 1),
        rolled=tuple(rolled),
    )
