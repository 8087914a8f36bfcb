"""Banner visitors and their receipts in the store.

A visitor is a person known only by the banner's anonymous id: an online identifier (UK GDPR
Art 4(1), Recital 30), so it is sealed and found by blind index like an email address
(``IdentifierKind.VISITOR``; DESIGN.md §3), rotated and re-indexed with the rest. The receipt
itself lives in the consent ledger as one event per category (``steward.consent.
cookie_receipts``); this module only finds those events again. Nothing here commits.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from steward.consent.cookie_receipts import every_event_id
from steward.consent.events import EvidenceValue, PersonRef
from steward.consent.identifiers import IdentifierKind, normalise_visitor_id
from steward.store import audit
from steward.store.database import UnitOfWork
from steward.store.people import identifier_row, identifiers_link
from steward.store.tables import consent_events, people, person_identifiers

_KIND = IdentifierKind.VISITOR


def find_visitor(uow: UnitOfWork, visitor_id: str) -> PersonRef | None:
    """The person behind a banner visitor id (under every key version), if any."""
    value = normalise_visitor_id(visitor_id)
    rows = uow.connection.execute(
        select(person_identifiers.c.person_ref).where(
            person_identifiers.c.kind == _KIND.value,
            person_identifiers.c.blind_index.in_(uow.keys.blind_indexes(value, context=_KIND)),
        )
    ).first()
    return None if rows is None else PersonRef(rows.person_ref)


def ensure_visitor(uow: UnitOfWork, visitor_id: str) -> PersonRef:
    """Find the visitor or create them (audited as ``person.created``, never the id itself).

    Two first receipts of one visitor at once both end with one person: the identifier insert
    is ``ON CONFLICT DO NOTHING``, and the one that loses drops the person it was creating.
    """
    value = normalise_visitor_id(visitor_id)
    found = find_visitor(uow, value)
    if found is not None:
        return found
    ref = PersonRef(uuid.uuid4().hex)
    uow.connection.execute(insert(people).values(ref=ref, created_at=uow.clock()))
    insert_for = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    written = uow.connection.execute(
        insert_for(person_identifiers)
        .values(identifier_row(uow.keys, ref, _KIND, value))
        .on_conflict_do_nothing(index_elements=["kind", "blind_index"])
        .returning(person_identifiers.c.id)
    ).first()
    if written is None:
        uow.connection.execute(people.delete().where(people.c.ref == ref))
        holder = find_visitor(uow, value)
        assert holder is not None  # the conflicting row is committed and visible now
        return holder
    audit.write(uow, identifiers_link(uow, ref, [_KIND], created=True))
    return ref


@dataclass(frozen=True)
class RecordedChoice:
    """One category of a recorded receipt, as the ledger holds it."""

    category: str
    kind: str
    occurred_at: datetime
    evidence: dict[str, EvidenceValue]


@dataclass(frozen=True)
class RecordedReceipt:
    receipt_id: str
    person: PersonRef
    occurred_at: datetime
    choices: tuple[RecordedChoice, ...]


def recorded_receipt(uow: UnitOfWork, receipt_id: str) -> RecordedReceipt | None:
    """The receipt's events, found by their ids (an index lookup, never a scan)."""
    rows = uow.connection.execute(
        select(
            consent_events.c.person_ref,
            consent_events.c.purpose,
            consent_events.c.kind,
            consent_events.c.occurred_at,
            consent_events.c.evidence,
        )
        .where(consent_events.c.event_id.in_(every_event_id(receipt_id)))
        .order_by(consent_events.c.purpose)
    ).all()
    if not rows:
        return None
    choices = tuple(
        RecordedChoice(row.purpose, row.kind, row.occurred_at, json.loads(row.evidence))
        for row in rows
    )
    return RecordedReceipt(receipt_id, PersonRef(rows[0].person_ref), rows[0].occurred_at, choices)
