"""Retention rules and the date on which a retention action may run.

A rule is a trigger event, an anchor, a period and an action (RULES.md R5.1-R5.2; UK GDPR
Art 5(1)(e)). The computed action date is the first day the action may run; the day before
it is the last day the data must be kept.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from steward.errors import InvalidInput
from steward.law.calendar import add_months

_UNITS = {"year": "years", "month": "months", "week": "weeks", "day": "days"}
_PHRASE = re.compile(r"(\d+)\s*(years?|months?|weeks?|days?)", re.IGNORECASE)
_JOINERS = re.compile(r"^[\s,]*(?:and[\s,]*)?$", re.IGNORECASE)
_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$", re.IGNORECASE)
_PERIOD_HINT = 'write e.g. "6 years", "3 months", "30 days", "1 year 6 months" or ISO "P6Y"'


class InvalidPeriod(InvalidInput, ValueError):
    """A period that cannot be read; also a ValueError so Pydantic validators report it."""


@dataclass(frozen=True)
class Period:
    """A retention period in calendar years, months and days (RULES.md R5.2).

    Years and months are calendar arithmetic with the month-end rule (C-5, C-6); days are added
    after them. Weeks are read as seven days.
    """

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0:
            raise InvalidPeriod(f"a period cannot be negative: {self!r}", where="period")
        if self.years == self.months == self.days == 0:
            raise InvalidPeriod(
                "a retention period must be longer than zero", where="period", hint=_PERIOD_HINT
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read "6 years", "1 year 6 months", "30 days", "2 weeks" or ISO 8601 "P1Y6M"."""
        cleaned = text.strip()
        iso = _ISO.match(cleaned)
        if iso and any(iso.groups()):
            years, months, weeks, days = (int(g) if g else 0 for g in iso.groups())
            return cls(years, months, days + 7 * weeks)
        amounts: dict[str, int] = {}
        position = 0
        for match in _PHRASE.finditer(cleaned):
            if not _JOINERS.match(cleaned[position : match.start()]):
                break
            unit = match.group(2).lower()
            unit = _UNITS.get(unit, unit)
            if unit in amounts:
                raise InvalidPeriod(
                    f"period {text!r} gives {unit} twice", where="period", hint=_PERIOD_HINT
                )
            amounts[unit] = int(match.group(1))
            position = match.end()
        if not amounts or cleaned[position:].strip():
            raise InvalidPeriod(
                f"cannot read {text!r} as a period", where="period", hint=_PERIOD_HINT
            )
        return cls(
            amounts.get("years", 0),
            amounts.get("months", 0),
            amounts.get("days", 0) + 7 * amounts.get("weeks", 0),
        )

    def after(self, d: date) -> date:
        """The date this period after d: months first (month-end rule), then days (C-5, C-6)."""
        return add_months(d, 12 * self.years + self.months) + timedelta(days=self.days)

    @property
    def iso(self) -> str:
        """ISO 8601 duration form, e.g. P1Y6M."""
        parts = [(self.years, "Y"), (self.months, "M"), (self.days, "D")]
        return "P" + "".join(f"{n}{unit}" for n, unit in parts if n)

    def __str__(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.days, "day")]
        return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


class Anchor(StrEnum):
    """The date a retention period counts from (RULES.md R5.2)."""

    event_date = "event_date"
    end_of_tax_year = "end_of_tax_year"
    end_of_accounting_period = "end_of_accounting_period"
    beginning_with = "beginning_with"


class Action(StrEnum):
    """What happens when retention ends (RULES.md R5.1; ICO audit framework, records management)."""

    delete = "delete"
    anonymise = "anonymise"
    archive_restrict = "archive_restrict"
    review = "review"


@dataclass(frozen=True)
class RetentionRule:
    """Keep data for `period` after `trigger_event` (as anchored), then take `action` (R5.2)."""

    trigger_event: str
    period: Period
    anchor: Anchor
    action: Action
    citation: str | None = None


@dataclass(frozen=True)
class AccountingYearEnd:
    """An organisation's accounting reference date as month and day (RULES.md R5.2).

    A day past the month's end (e.g. 29 February) means the month's last day in that year.
    """

    month: int
    day: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.day <= 31:
            raise InvalidInput(
                f"accounting year end {self.month:02d}-{self.day:02d} is not a calendar day",
                where="accounting_period_end",
                hint="give the month (1-12) and day (1-31) of the accounting year end",
            )

    def period_end_containing(self, d: date) -> date:
        """The end of the accounting period that d falls in: the first year end on or after d."""
        candidate = self._in_year(d.year)
        return candidate if candidate >= d else self._in_year(d.year + 1)

    def _in_year(self, year: int) -> date:
        return date(year, self.month, min(self.day, monthrange(year, self.month)[1]))


class MissingTriggerEvent(InvalidInput):
    """The rule's trigger event has no date yet, so no retention date can be computed."""


@dataclass(frozen=True)
class RetentionDue:
    """The last day data must be kept and the first day the action may run (RULES.md R5.2)."""

    retained_until: date
    action_on: date
    counted_from: date
    held_by_legal_hold: bool = False


def end_of_tax_year(d: date) -> date:
    """5 April ending the UK tax year (6 April - 5 April) that contains d (RULES.md R5.2)."""
    return date(d.year, 4, 5) if d <= date(d.year, 4, 5) else date(d.year + 1, 4, 5)


def retention_due(
    rule: RetentionRule,
    events: Mapping[str, date],
    *,
    accounting_period_end: AccountingYearEnd | date | None = None,
    legal_hold_release: date | None = None,
) -> RetentionDue:
    """When retention under `rule` ends and its action may run (RULES.md R5.2, R5.4).

    "N after X" keeps through X + N and acts the day after; "N beginning with X" keeps through
    X + N - 1 day and acts on X + N (HMRC NMWM12040 method). `accounting_period_end` is the
    organisation's year end, or the exact end date of the period containing the event. A legal
    hold released on a day moves the action to at least the day after release [I].
    """
    event = events.get(rule.trigger_event)
    if event is None:
        known = ", ".join(sorted(events)) or "none"
        raise MissingTriggerEvent(
            f"no date for trigger event {rule.trigger_event!r}",
            where=f"events.{rule.trigger_event}",
            hint=f"record when {rule.trigger_event!r} happened (events given: {known})",
        )
    counted_from = _anchor_date(rule.anchor, event, accounting_period_end)
    end = rule.period.after(counted_from)
    action_on = end if rule.anchor is Anchor.beginning_with else end + timedelta(days=1)
    held = legal_hold_release is not None and legal_hold_release + timedelta(days=1) > action_on
    if held and legal_hold_release is not None:
        action_on = legal_hold_release + timedelta(days=1)
    return RetentionDue(
        retained_until=action_on - timedelta(days=1),
        action_on=action_on,
        counted_from=counted_from,
        held_by_legal_hold=held,
    )


def _anchor_date(
    anchor: Anchor, event: date, accounting_period_end: AccountingYearEnd | date | None
) -> date:
    if anchor is Anchor.end_of_tax_year:
        return end_of_tax_year(event)
    if anchor is Anchor.end_of_accounting_period:
        if accounting_period_end is None:
            raise InvalidInput(
                "this rule counts from the end of an accounting period, but none was given",
                where="accounting_period_end",
                hint="set the organisation's accounting year end (e.g. 03-31)",
            )
        if isinstance(accounting_period_end, AccountingYearEnd):
            return accounting_period_end.period_end_containing(event)
        if accounting_period_end < event:
            raise InvalidInput(
                f"accounting period end {accounting_period_end} is before the event {event}",
                where="accounting_period_end",
                hint="give the end of the accounting period that contains the event",
            )
        return accounting_period_end
    return event
