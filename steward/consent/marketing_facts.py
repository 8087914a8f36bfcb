"""The ledger's current state, translated into the facts ``law.pecr.may_send`` decides on.

This is the one contract between what Steward records (ledger states and the evidence imports
write) and what the law reads. It decides nothing itself: every send or don't-send, and its
reason, comes from ``steward.law.pecr`` (RULES.md R2.3-R2.6).

Mapping (docs/consent.md, "Marketing and unsubscribe"):
- ``objected`` for any purpose or channel: an Art 21(2) objection to direct marketing, all
  purposes; which channels it covers is the law module's policy (R2.6 [I]).
- ``unsubscribed`` for this purpose on any channel: an objection for this purpose.
- ``given`` / ``withdrawn`` for this purpose and channel: consent to us, in force or withdrawn.
- ``soft_opt_in`` for this purpose and channel: the relationship recorded in the event's
  evidence; evidence that does not say how the details were obtained counts as "other".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from steward.consent.events import EvidenceValue
from steward.consent.state import ConsentStatus
from steward.law.pecr import (
    Channel,
    Consent,
    DetailsSource,
    ListSource,
    Objection,
    Relationship,
)

LONDON = ZoneInfo("Europe/London")
OBJECTION_PURPOSE = "direct_marketing"
"""Purpose recorded for an objection to all direct marketing (UK GDPR Art 21(2))."""

EVIDENCE_RELATIONSHIP = "relationship"
EVIDENCE_OBTAINED_FROM = "obtained_from"
EVIDENCE_OPT_OUT = "opt_out_at_collection"


@dataclass(frozen=True)
class StateFact:
    """One current-state row of a person, reduced to what the law needs (hashable, so equal
    situations share one decision)."""

    purpose: str
    channel: str
    status: ConsentStatus
    on: dt.date
    relationship: DetailsSource | None = None
    obtained_from: ListSource | None = None
    opt_out_at_collection: bool = False


@dataclass(frozen=True)
class LawFacts:
    consent: Consent | None
    relationship: Relationship | None
    objections: tuple[Objection, ...]


def london_date(moment: dt.datetime) -> dt.date:
    """Calendar rules use the Europe/London date of a timestamp (RULES.md C-1)."""
    return moment.astimezone(LONDON).date()


def soft_opt_in_evidence(
    *, relationship: DetailsSource, obtained_from: ListSource, opt_out_at_collection: bool
) -> dict[str, EvidenceValue]:
    """The evidence keys a soft opt-in event must carry for the filter to rely on it."""
    return {
        EVIDENCE_RELATIONSHIP: relationship.value,
        EVIDENCE_OBTAINED_FROM: obtained_from.value,
        EVIDENCE_OPT_OUT: opt_out_at_collection,
    }


def relationship_of(
    relationship: DetailsSource | None,
    obtained_from: ListSource | None,
    opt_out: bool,
    on: dt.date,
) -> Relationship:
    """Details we did not collect ourselves never keep their sale or negotiation (R2.3)."""
    if obtained_from is ListSource.directly and relationship is not None:
        source = relationship
    elif obtained_from is ListSource.bought_list:
        source = DetailsSource.bought_list
    elif obtained_from is not None and obtained_from is not ListSource.directly:
        source = DetailsSource.third_party
    else:
        source = DetailsSource.other
    return Relationship(source=source, obtained_on=on, opt_out_offered_at_collection=opt_out)


def law_facts(facts: tuple[StateFact, ...], purpose: str, channel: str) -> LawFacts:
    """Consent, relationship and objections for one send of ``purpose`` on ``channel``
    (``channel`` must be a ``law.pecr.Channel`` value)."""
    consent: Consent | None = None
    relationship: Relationship | None = None
    objections: list[Objection] = []
    for fact in facts:
        if fact.status is ConsentStatus.OBJECTED:
            objections.append(Objection(fact.on, channel=_channel(fact.channel)))
        elif fact.purpose != purpose:
            continue
        elif fact.status is ConsentStatus.UNSUBSCRIBED:
            objections.append(Objection(fact.on, channel=_channel(fact.channel), purpose=purpose))
        elif fact.channel != channel:
            continue
        elif fact.status is ConsentStatus.GIVEN:
            consent = Consent(
                fact.on,
                names_sender=True,
                channels=frozenset({Channel(channel)}),
                purposes=frozenset({purpose}),
            )
        elif fact.status is ConsentStatus.WITHDRAWN:
            consent = Consent(fact.on, names_sender=True, withdrawn_on=fact.on)
        else:
            relationship = relationship_of(
                fact.relationship, fact.obtained_from, fact.opt_out_at_collection, fact.on
            )
    return LawFacts(consent, relationship, tuple(objections))


def _channel(name: str) -> Channel | None:
    """A channel the law does not know is read as "every channel" (the protective reading)."""
    try:
        return Channel(name)
    except ValueError:
        return None
