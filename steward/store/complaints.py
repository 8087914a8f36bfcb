"""Complaints and their timelines: rows in, frozen values out.

Every write of a complaint also writes its timeline line and one audit link, in the caller's
transaction (DESIGN.md §2). Who complained (name, e-mail, postal address, phone), what they
said, the outcome and every note are sealed with the key ring (UK GDPR Art 32(1)(a)); the audit
payload names the complaint, its channel, status and due day, never the person. The e-mail is
also kept as a keyed blind index (its own context), so staff can find a person's complaints.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from steward.complaints.intake import Complainant, ComplaintText
from steward.complaints.lifecycle import (
    AckMethod,
    ClosureReason,
    Complaint,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintStatus,
)
from steward.consent.identifiers import normalise_email
from steward.errors import NotFound
from steward.store import audit
from steward.store.crypto import KeyRing
from steward.store.database import UnitOfWork
from steward.store.references import unused_reference
from steward.store.tables import complaint_events, complaints

COMPLAINANT = "complainant"
TEXT = "complaint-text"
OUTCOME = "complaint-outcome"
NOTE = "complaint-note"
EMAIL_INDEX = "complaint-email"


def new_reference(uow: UnitOfWork, received: date) -> str:
    """``C-<year>-<six characters>``, one no stored complaint has (``steward.store.references``)."""
    return unused_reference(uow, complaints.c.reference, "C", received)


@dataclass(frozen=True)
class ComplaintTimelineEntry:
    at: datetime
    actor: str
    action: str
    note: str | None
    told_on: date | None


def email_index(keys: KeyRing, complainant_json: str) -> bytes | None:
    """The blind index of the complainant's e-mail under the current key (None: no e-mail)."""
    email = json.loads(complainant_json).get("email")
    return None if email is None else keys.blind_index(email, context=EMAIL_INDEX)


def _seal(uow: UnitOfWork, text: str | None, context: str) -> bytes | None:
    return None if text is None else uow.keys.seal(text, context=context).ciphertext


def _open(uow: UnitOfWork, cipher: bytes | None, context: str) -> str | None:
    return None if cipher is None else uow.keys.open(cipher, context=context)


def _lifecycle_values(uow: UnitOfWork, complaint: Complaint, due: date | None) -> dict[str, Any]:
    return {
        "status": complaint.status.value,
        "acknowledged_on": complaint.acknowledged_on,
        "acknowledged_by": complaint.acknowledged_by.value if complaint.acknowledged_by else None,
        "progress_updates": complaint.progress_updates,
        "last_told_on": complaint.last_told_on,
        "outcome_cipher": _seal(uow, complaint.outcome, OUTCOME),
        "outcome_told_on": complaint.outcome_told_on,
        "closed_on": complaint.closed_on,
        "closure": complaint.closure.value if complaint.closure else None,
        "due": due,
        "updated_at": uow.clock(),
    }


def add(
    uow: UnitOfWork,
    complaint: Complaint,
    event: ComplaintEvent,
    *,
    complainant: Complainant,
    text: ComplaintText,
    due: date | None,
    audit_details: Mapping[str, object] | None = None,
) -> None:
    """Record a new complaint, its first timeline line and its audit link."""
    who = json.dumps(
        {
            "name": complainant.name,
            "email": complainant.email,
            "postal_address": complainant.postal_address,
            "phone": complainant.phone,
        }
    )
    index = email_index(uow.keys, who)
    uow.connection.execute(
        insert(complaints).values(
            reference=complaint.reference,
            channel=complaint.channel.value,
            received=complaint.received,
            request_ref=complaint.request_ref,
            complainant_cipher=_seal(uow, who, COMPLAINANT),
            email_index=index,
            text_cipher=_seal(uow, text.text, TEXT),
            created_at=uow.clock(),
            **_lifecycle_values(uow, complaint, due),
        )
    )
    _record(uow, complaint, event, due, audit_details)


def save(
    uow: UnitOfWork,
    complaint: Complaint,
    event: ComplaintEvent,
    *,
    due: date | None,
    audit_details: Mapping[str, object] | None = None,
) -> None:
    """Write a transition: the complaint's new facts, a timeline line and an audit link."""
    uow.connection.execute(
        update(complaints)
        .where(complaints.c.reference == complaint.reference)
        .values(**_lifecycle_values(uow, complaint, due))
    )
    _record(uow, complaint, event, due, audit_details)


def _record(
    uow: UnitOfWork,
    complaint: Complaint,
    event: ComplaintEvent,
    due: date | None,
    details: Mapping[str, object] | None,
) -> None:
    uow.connection.execute(
        insert(complaint_events).values(
            complaint_ref=complaint.reference,
            at=uow.clock(),
            actor=uow.actor,
            action=event.action,
            note_cipher=_seal(uow, event.note, NOTE),
            told_on=event.told_on,
        )
    )
    audit.append(
        uow,
        action=f"complaint.{event.action}",
        subject=f"complaint:{complaint.reference}",
        payload={
            "channel": complaint.channel.value,
            "status": complaint.status.value,
            "received": complaint.received.isoformat(),
            "due": due.isoformat() if due else None,
            "told_on": event.told_on.isoformat() if event.told_on else None,
            "request": complaint.request_ref,
            **(details or {}),
        },
    )


def _row(uow: UnitOfWork, reference: str, *, lock: bool = False) -> Row[Any]:
    query = select(complaints).where(complaints.c.reference == reference)
    if lock and uow.dialect == "postgresql":
        query = query.with_for_update()
    row = uow.connection.execute(query).first()
    if row is None:
        raise NotFound(
            f"no complaint {reference}",
            where="complaint",
            hint="references look like C-2026-ABC234; list them with: steward complaint list",
        )
    return row


def _complaint(uow: UnitOfWork, row: Row[Any]) -> Complaint:
    values = row._mapping
    return Complaint(
        reference=values["reference"],
        channel=ComplaintChannel(values["channel"]),
        received=values["received"],
        status=ComplaintStatus(values["status"]),
        request_ref=values["request_ref"],
        acknowledged_on=values["acknowledged_on"],
        acknowledged_by=AckMethod(values["acknowledged_by"]) if values["acknowledged_by"] else None,
        progress_updates=values["progress_updates"],
        last_told_on=values["last_told_on"],
        outcome=_open(uow, values["outcome_cipher"], OUTCOME),
        outcome_told_on=values["outcome_told_on"],
        closed_on=values["closed_on"],
        closure=ClosureReason(values["closure"]) if values["closure"] else None,
    )


def get(uow: UnitOfWork, reference: str, *, for_update: bool = False) -> Complaint:
    """The complaint, locked against a concurrent transition when ``for_update`` (PostgreSQL;
    SQLite's writing transactions already hold the write lock)."""
    return _complaint(uow, _row(uow, reference, lock=for_update))


def complainant(uow: UnitOfWork, reference: str) -> Complainant:
    """Who complained, decrypted: to acknowledge them and to show staff."""
    values = json.loads(_open(uow, _row(uow, reference).complainant_cipher, COMPLAINANT) or "{}")
    return Complainant(
        name=values.get("name"),
        email=values.get("email"),
        postal_address=values.get("postal_address"),
        phone=values.get("phone"),
    )


def text(uow: UnitOfWork, reference: str) -> ComplaintText:
    """What the complaint says, decrypted."""
    return ComplaintText(_open(uow, _row(uow, reference).text_cipher, TEXT) or "")


def listed(
    uow: UnitOfWork, *, include_closed: bool = False, email: str | None = None
) -> list[Complaint]:
    """Complaints (open ones unless ``include_closed``; of one e-mail address if given), by
    stored due day then reference; the caller orders by the day it is asked about."""
    query: Any = select(complaints).order_by(complaints.c.due, complaints.c.reference)
    if not include_closed:
        query = query.where(complaints.c.status != ComplaintStatus.closed.value)
    if email is not None:
        address = normalise_email(email)
        query = query.where(
            complaints.c.email_index.in_(uow.keys.blind_indexes(address, context=EMAIL_INDEX))
        )
    return [_complaint(uow, row) for row in uow.connection.execute(query)]


def timeline(uow: UnitOfWork, reference: str) -> list[ComplaintTimelineEntry]:
    rows = uow.connection.execute(
        select(complaint_events)
        .where(complaint_events.c.complaint_ref == reference)
        .order_by(complaint_events.c.id)
    )
    return [
        ComplaintTimelineEntry(
            row.at, row.actor, row.action, _open(uow, row.note_cipher, NOTE), row.told_on
        )
        for row in rows
    ]
