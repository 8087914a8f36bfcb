"""Which holds keep a record today: retention rules, staff holds and other open requests.

Pure rules (no store, no I/O); ``steward.services.holds`` feeds them from Steward's store. A held
record is restricted, not erased, and the reason given here is what the person and staff read
(UK GDPR Art 17(3)(b) and (e); Art 18(1)(c); ICO right to erasure guidance: "tell the individual
why"). Three sources, as ``steward.requests.holds.HoldSource`` names them:

- **retention**: a collection whose dataset map names a manifest retention rule keeps each record
  until that rule's period, counted from the record's ``date_field``, has ended
  (``steward.law.retention``; RULES.md R5.2). A rule Steward cannot compute (no fixed period,
  criteria only, combined criteria, a record without its date) holds the record until staff have
  reviewed it: the protective reading, and the reason says so.
- **dispute**: a dispute, claim or investigation staff entered, scoped to a person, a whole
  system, or one collection of a system, until a date or until released.
- **request**: another open request about the same person (an access request must be answered
  from the data as it stood; a restriction pending verification keeps the data, Art 18(1)(a)).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from steward.connectors.protocol import Record
from steward.errors import InvalidInput
from steward.law.retention import (
    AccountingYearEnd,
    Action,
    MissingTriggerEvent,
    Period,
    retention_due,
)
from steward.law.retention import RetentionRule as LawRule
from steward.manifest.datasets import CollectionMap
from steward.manifest.schema import RetentionRule
from steward.requests.holds import Hold, HoldSource
from steward.requests.kinds import RequestKind

RETENTION_CITATION = "UK GDPR Art 17(3)(b)"
STAFF_CITATION = "UK GDPR Art 17(3)(e); Art 18(1)(c)"
REQUEST_CITATION = "UK GDPR Art 12(2); Art 18(1)(a)"
_REVIEW = "held until staff review it"


class HoldScope(StrEnum):
    """What a staff hold covers."""

    person = "person"  # every record of one person, in every system
    system = "system"  # every record in one system
    collection = "collection"  # every record in one collection of one system


class StaffHoldKind(StrEnum):
    """Why staff entered a hold; all are ``HoldSource.dispute`` to the engine (Art 17(3)(e))."""

    dispute = "dispute"
    claim = "claim"
    investigation = "investigation"


@dataclass(frozen=True)
class StaffHold:
    """A hold staff entered, as Steward's store keeps it (``legal_holds``)."""

    id: int
    scope: HoldScope
    person_ref: str | None
    system: str | None
    collection: str | None
    kind: StaffHoldKind
    reason: str
    citation: str
    created_by: str
    created_at: datetime
    until: date | None = None
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None

    def __post_init__(self) -> None:
        wanted = {
            HoldScope.person: (True, False, False),
            HoldScope.system: (False, True, False),
            HoldScope.collection: (False, True, True),
        }[self.scope]
        given = (bool(self.person_ref), bool(self.system), bool(self.collection))
        if given != wanted:
            raise InvalidInput(
                f"a {self.scope.value} hold names "
                + {
                    HoldScope.person: "a person only",
                    HoldScope.system: "a system only",
                    HoldScope.collection: "a system and one of its collections",
                }[self.scope],
                where="hold scope",
                hint="give a person (--email), or --system, or --system with --collection",
            )
        if not self.reason.strip():
            raise InvalidInput(
                "a hold needs a reason", where="reason", hint="say what the dispute or claim is"
            )

    @property
    def reference(self) -> str:
        return f"hold-{self.id}"

    def in_force(self, today: date) -> bool:
        """Not released, and ``until`` (the last day it holds) not yet past."""
        return self.released_at is None and (self.until is None or today <= self.until)

    def covers(self, person_ref: str | None, system: str, collection: str) -> bool:
        """Whether this hold reaches a record of ``person_ref`` in ``system.collection``."""
        if self.scope is HoldScope.person:
            return person_ref is not None and person_ref == self.person_ref
        if self.scope is HoldScope.system:
            return system == self.system
        return system == self.system and collection == self.collection

    def as_hold(self) -> Hold:
        return Hold(
            source=HoldSource.dispute,
            reason=f"{self.kind.value}: {self.reason}",
            citation=self.citation,
            until=self.until,
            reference=self.reference,
        )


def staff_holds_on(
    holds: Iterable[StaffHold], person_ref: str | None, system: str, collection: str, today: date
) -> tuple[Hold, ...]:
    """The staff holds in force today that reach this person's records in this collection."""
    return tuple(
        hold.as_hold()
        for hold in holds
        if hold.in_force(today) and hold.covers(person_ref, system, collection)
    )


@dataclass(frozen=True)
class OpenRequest:
    """Another request still open: its reference, kind and the person it is about."""

    reference: str
    kind: RequestKind
    person_ref: str


_BLOCKING = frozenset(
    {RequestKind.access, RequestKind.portability, RequestKind.restriction, RequestKind.objection}
)
"""Open requests that need the data kept: access and portability are answered from it, and a
contested restriction or objection keeps it restricted until decided (Art 18(1)(a), (d))."""


def open_request_holds(
    person_ref: str, open_requests: Sequence[OpenRequest], *, answering: str | None = None
) -> tuple[Hold, ...]:
    """Holds from the person's other open requests (not ``answering``, the one being run)."""
    return tuple(
        Hold(
            source=HoldSource.request,
            reason=(
                f"kept while your {request.kind.value} request {request.reference} is open; "
                "it will be dealt with when that request is answered"
            ),
            citation=REQUEST_CITATION,
            until=None,
            reference=request.reference,
        )
        for request in open_requests
        if request.person_ref == person_ref
        and request.reference != answering
        and request.kind in _BLOCKING
    )


def retention_hold(
    rule: RetentionRule,
    collection: CollectionMap,
    record: Record,
    today: date,
    *,
    accounting_period_end: AccountingYearEnd | None = None,
) -> Hold | None:
    """The hold the collection's retention rule puts on ``record`` today, or None once its
    period has ended (``retention_due``: kept through ``retained_until``)."""
    period = rule.period
    if period is None or rule.also:
        how = "its period is decided case by case" if period is None else "it combines criteria"
        return _review_hold(rule, f"{how}, so Steward cannot compute when it ends")
    recorded = _record_date(collection, record)
    if recorded is None:
        return _review_hold(rule, f"this record has no usable {collection.date_field!r} date")
    law_rule = LawRule(
        trigger_event=rule.trigger_event,
        period=period,
        anchor=rule.anchor,
        action=rule.action or Action.delete,
        citation=rule.citation,
    )
    try:
        due = retention_due(
            law_rule, {rule.trigger_event: recorded}, accounting_period_end=accounting_period_end
        )
    except MissingTriggerEvent:
        return _review_hold(rule, "the record's date is missing")
    except InvalidInput as error:
        return _review_hold(rule, str(error))
    if today > due.retained_until:
        return None
    return Hold(
        source=HoldSource.retention,
        reason=(
            f"kept for {_words(period)} under our retention rule "
            f"\u201c{_sentence(rule.description)}\u201d"
            f"{f' ({rule.citation})' if rule.citation else ''}, "
            f"until {due.retained_until.isoformat()}"
        ),
        citation=_citation(rule),
        until=due.retained_until,
        reference=rule.id,
    )


def _review_hold(rule: RetentionRule, why: str) -> Hold:
    return Hold(
        source=HoldSource.retention,
        reason=(
            f"kept under our retention rule \u201c{_sentence(rule.description)}\u201d"
            f"{f' ({rule.citation})' if rule.citation else ''}; {why}: {_REVIEW}"
        ),
        citation=_citation(rule),
        until=None,
        reference=rule.id,
    )


def _citation(rule: RetentionRule) -> str:
    return f"{RETENTION_CITATION}; {rule.citation}" if rule.citation else RETENTION_CITATION


def _record_date(collection: CollectionMap, record: Record) -> date | None:
    """The record's ``date_field`` as a date (ISO date, or the date part of a date-time)."""
    if collection.date_field is None:
        return None
    value = record.fields.get(collection.date_field)
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


_NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)


def _words(period: Period) -> str:
    """ "6 years" as "six years": how a reason reads to a person."""
    parts = [(period.years, "year"), (period.months, "month"), (period.days, "day")]
    said = [
        f"{_NUMBERS[n] if n < len(_NUMBERS) else n} {unit}{'s' if n != 1 else ''}"
        for n, unit in parts
        if n
    ]
    return " and ".join(said)


def _sentence(text: str) -> str:
    return " ".join(text.split()).rstrip(".")
