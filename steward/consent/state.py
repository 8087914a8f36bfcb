"""The current state per person × purpose × channel, and the order that decides it.

Ordering rule (docs/consent.md): the event with the latest *event time* wins, whatever order the
events arrive in. At exactly the same instant the more protective event wins (objected >
unsubscribed > withdrawn and opt-out preference > given and opt-in preference > soft opt-in), so a
tie never lets marketing through (RULES.md R2.6: objection and unsubscribe always win). A tie
that remains is broken by the larger event id, byte for byte, so every database agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef


class ConsentStatus(StrEnum):
    """What the latest event leaves in force (PECR reg 22; UK GDPR Arts 7(3), 21)."""

    GIVEN = "given"
    SOFT_OPT_IN = "soft_opt_in"
    WITHDRAWN = "withdrawn"
    UNSUBSCRIBED = "unsubscribed"
    OBJECTED = "objected"

    @property
    def is_refusal(self) -> bool:
        return self in (ConsentStatus.WITHDRAWN, ConsentStatus.UNSUBSCRIBED, ConsentStatus.OBJECTED)


_STATUS_OF_KIND = {
    ConsentEventKind.GIVEN: ConsentStatus.GIVEN,
    ConsentEventKind.SOFT_OPT_IN_ESTABLISHED: ConsentStatus.SOFT_OPT_IN,
    ConsentEventKind.WITHDRAWN: ConsentStatus.WITHDRAWN,
    ConsentEventKind.UNSUBSCRIBED: ConsentStatus.UNSUBSCRIBED,
    ConsentEventKind.OBJECTED: ConsentStatus.OBJECTED,
}

_TIE_RANK = {
    ConsentStatus.SOFT_OPT_IN: 1,
    ConsentStatus.GIVEN: 2,
    ConsentStatus.WITHDRAWN: 3,
    ConsentStatus.UNSUBSCRIBED: 4,
    ConsentStatus.OBJECTED: 5,
}


@dataclass(frozen=True)
class ConsentState:
    """The status in force for one person, purpose and channel, and the event that set it."""

    person: PersonRef
    purpose: str
    channel: str
    status: ConsentStatus
    kind: ConsentEventKind
    event_id: str
    occurred_at: datetime
    source: str
    wording_version: str


def status_after(event: ConsentEvent) -> ConsentStatus:
    """A preference change is an opt-in (given) or an opt-out (withdrawn)."""
    if event.kind is ConsentEventKind.PREFERENCE_CHANGED:
        return ConsentStatus.GIVEN if event.opted_in else ConsentStatus.WITHDRAWN
    return _STATUS_OF_KIND[event.kind]


def order_key(event: ConsentEvent) -> bytes:
    """A byte string whose order is the ledger's order: time, then protectiveness, then id.

    Fixed-width time first, so comparing keys byte for byte (as both databases do for binary
    columns) compares the tuple (event time, tie rank, event id).
    """
    moment = event.occurred_at_utc.replace(tzinfo=None).isoformat(timespec="microseconds")
    rank = _TIE_RANK[status_after(event)]
    return f"{moment}\x00{rank}\x00".encode() + event.event_id.encode()


def state_after(event: ConsentEvent) -> ConsentState:
    return ConsentState(
        person=event.person,
        purpose=event.purpose,
        channel=event.channel,
        status=status_after(event),
        kind=event.kind,
        event_id=event.event_id,
        occurred_at=event.occurred_at_utc,
        source=event.source,
        wording_version=event.wording_version,
    )
