"""Recording a consent event reported by another system (``POST /api/consent/events``): a
website's sign-up form, a shop's checkout, a call centre's tool.

The person is named by an identifier (email or phone), found or added through the blind index
(identifiers are stored only encrypted); the event is the ledger's (``steward.consent.events``,
docs/consent.md): idempotent on its ``event_id``, refused when it names a purpose the manifest
does not declare (or a channel that purpose does not market on), when it holds an identifier in
free text, or when it happened after it was received. The caller is an API key (``client``), kept
in the event's evidence so every event names the system that reported it; the audit chain's
actor is the key too. The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from steward.consent.events import ConsentEvent, ConsentEventKind, EvidenceValue
from steward.consent.marketing_facts import OBJECTION_PURPOSE
from steward.consent.purposes import PurposeCatalogue
from steward.consent.state import ConsentStatus
from steward.errors import ConfigError, Conflict, InvalidInput
from steward.store import ledger
from steward.store.database import UnitOfWork

CLIENT_EVIDENCE = "api_key"


@dataclass(frozen=True)
class ReportedEvent:
    """An event as another system reports it; ``email`` and/or ``phone`` name the person."""

    event_id: str
    kind: ConsentEventKind
    purpose: str
    channel: str
    source: str
    occurred_at: dt.datetime
    email: str | None = None
    phone: str | None = None
    wording: str = ""
    wording_version: str = ""
    evidence: Mapping[str, EvidenceValue] | None = None
    opted_in: bool | None = None


@dataclass(frozen=True)
class RecordedEvent:
    event_id: str
    sequence: int
    received_at: dt.datetime
    replayed: bool
    state_changed: bool
    status: ConsentStatus


def _check_purpose(event: ReportedEvent, purposes: PurposeCatalogue | None) -> None:
    if event.kind is ConsentEventKind.OBJECTED and event.purpose == OBJECTION_PURPOSE:
        return  # an objection to all direct marketing names no declared purpose
    if purposes is None:
        raise ConfigError(
            "no manifest was given, so no purpose can be checked",
            where="STEWARD_MANIFEST",
            hint="name the deployment's manifest (docs/configuration.md)",
        )
    declared = purposes.declared(event.purpose)
    if declared.is_marketing:
        purposes.marketing(event.purpose, channel=event.channel)


def record_reported_event(
    uow: UnitOfWork, event: ReportedEvent, *, purposes: PurposeCatalogue | None, client: str
) -> RecordedEvent:
    """Record ``event`` for the person its identifiers name (added if new: a refusal for an
    address not yet known is kept as a suppression entry, RULES.md R2.7)."""
    if event.email is None and event.phone is None:
        raise InvalidInput(
            "the event does not say whose it is",
            where="email",
            hint="give the person's email or phone (or both)",
        )
    if event.evidence is not None and CLIENT_EVIDENCE in event.evidence:
        raise InvalidInput(
            f"evidence.{CLIENT_EVIDENCE} is set by Steward",
            where=f"evidence.{CLIENT_EVIDENCE}",
            hint="leave it out: the API key's name is recorded there",
        )
    _check_purpose(event, purposes)
    person = ledger.ensure_person(uow, email=event.email, phone=event.phone)
    recorded = ConsentEvent(
        event_id=event.event_id,
        person=person,
        kind=event.kind,
        purpose=event.purpose,
        channel=event.channel,
        source=event.source,
        wording=event.wording,
        wording_version=event.wording_version,
        occurred_at=event.occurred_at,
        evidence={**(event.evidence or {}), CLIENT_EVIDENCE: client},
        opted_in=event.opted_in,
    )
    try:
        result = ledger.record(uow, recorded)
    except ledger.ConflictingEvent as error:
        raise Conflict(error.message, where=error.where, hint=error.hint) from error
    return RecordedEvent(
        result.event_id,
        result.sequence,
        result.received_at,
        result.replayed,
        result.state_changed,
        result.state.status,
    )
