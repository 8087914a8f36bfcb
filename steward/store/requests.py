"""Requests, their timelines and their one-time codes: rows in, frozen values out.

Every write of a request also writes its timeline line and one audit link, in the caller's
transaction (DESIGN.md §2). Identifiers, details, changes and every free-text note are sealed
with the key ring (UK GDPR Art 32(1)(a)); the audit payload names the request and its status,
never the person. A request is linked to a person the ledger already knows through the blind
index; that link is never shown at intake (the same answer whether or not Steward knows them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update

from steward.errors import NotFound
from steward.manifest.datasets import IdentityKind
from steward.requests.hold_rules import OpenRequest
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import (
    Channel,
    Extension,
    Pause,
    Request,
    RequestEvent,
    RequestStatus,
    VerificationMethod,
)
from steward.requests.subject import Identities, RequestSubject
from steward.requests.verification import IssuedCode
from steward.store import audit
from steward.store.database import UnitOfWork
from steward.store.people import find_person
from steward.store.references import unused_reference
from steward.store.tables import request_events, requests, verification_codes

IDENTITIES = "request-identities"
DETAILS = "request-details"
CHANGES = "request-changes"
NOTE = "request-note"


def new_reference(uow: UnitOfWork, received: date) -> str:
    """``R-<year>-<six characters>``, one no stored request has (``steward.store.references``)."""
    return unused_reference(uow, requests.c.reference, "R", received)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    note: str | None


def _seal(uow: UnitOfWork, text: str | None, context: str) -> bytes | None:
    return None if text is None else uow.keys.seal(text, context=context).ciphertext


def _open(uow: UnitOfWork, cipher: bytes | None, context: str) -> str | None:
    return None if cipher is None else uow.keys.open(cipher, context=context)


def _pauses_json(pauses: tuple[Pause, ...]) -> str:
    return json.dumps(
        [[p.asked.isoformat(), p.answered.isoformat() if p.answered else None] for p in pauses]
    )


def _pauses(text: str) -> tuple[Pause, ...]:
    return tuple(
        Pause(date.fromisoformat(asked), date.fromisoformat(answered) if answered else None)
        for asked, answered in json.loads(text)
    )


def _lifecycle_values(uow: UnitOfWork, request: Request, due: date) -> dict[str, object]:
    extension = request.extension
    return {
        "status": request.status.value,
        "resume_to": request.resume_to.value if request.resume_to else None,
        "id_received": request.id_received,
        "verified_by": request.verified_by.value if request.verified_by else None,
        "authority_received": request.authority_received,
        "fee_paid": request.fee_paid,
        "pauses": _pauses_json(request.pauses),
        "extension_reason_cipher": _seal(uow, extension.reason if extension else None, NOTE),
        "extension_told_on": extension.told_on if extension else None,
        "refusal_reason_cipher": _seal(uow, request.refusal_reason, NOTE),
        "assigned_to": request.assigned_to,
        "due": due,
        "closed_on": request.closed_on,
        "outcome_cipher": _seal(uow, request.outcome, NOTE),
        "updated_at": uow.clock(),
    }


def linked_person(uow: UnitOfWork, identities: Identities) -> str | None:
    """The person the ledger holds under one of these addresses or numbers, if any."""
    for email in identities.get(IdentityKind.email, ()):
        found = find_person(uow, email=email)
        if found is not None:
            return str(found)
    for phone in identities.get(IdentityKind.phone, ()):
        found = find_person(uow, phone=phone)
        if found is not None:
            return str(found)
    return None


def add(
    uow: UnitOfWork,
    request: Request,
    event: RequestEvent,
    *,
    identities: Identities,
    details: str | None,
    changes: dict[str, str],
    due: date,
) -> None:
    """Record a new request, its first timeline line and its audit link."""
    plain_identities = json.dumps({kind.value: list(values) for kind, values in identities.items()})
    now = uow.clock()
    uow.connection.execute(
        insert(requests).values(
            reference=request.reference,
            kind=request.kind.value,
            channel=request.channel.value,
            received=request.received,
            person_ref=linked_person(uow, identities),
            identities_cipher=_seal(uow, plain_identities, IDENTITIES),
            details_cipher=_seal(uow, details, DETAILS),
            changes_cipher=_seal(uow, json.dumps(changes), CHANGES) if changes else None,
            created_at=now,
            **_lifecycle_values(uow, request, due),
        )
    )
    _record(uow, request, event, due)


def save(uow: UnitOfWork, request: Request, event: RequestEvent, *, due: date) -> None:
    """Write a transition: the request's new facts, a timeline line and an audit link."""
    uow.connection.execute(
        update(requests)
        .where(requests.c.reference == request.reference)
        .values(**_lifecycle_values(uow, request, due))
    )
    _record(uow, request, event, due)


def _record(uow: UnitOfWork, request: Request, event: RequestEvent, due: date) -> None:
    uow.connection.execute(
        insert(request_events).values(
            request_ref=request.reference,
            at=uow.clock(),
            actor=uow.actor,
            action=event.action,
            note_cipher=_seal(uow, event.note, NOTE),
        )
    )
    audit.append(
        uow,
        action=f"request.{event.action}",
        subject=f"request:{request.reference}",
        payload={
            "kind": request.kind.value,
            "status": request.status.value,
            "due": due.isoformat(),
            "assigned_to": request.assigned_to,
        },
    )


def _row(uow: UnitOfWork, reference: str, *, lock: bool = False) -> Row[Any]:
    query = select(requests).where(requests.c.reference == reference)
    if lock and uow.dialect == "postgresql":
        query = query.with_for_update()
    row = uow.connection.execute(query).first()
    if row is None:
        raise NotFound(
            f"no request {reference}",
            where="request",
            hint="references look like R-2026-ABC234; list them with: steward request list",
        )
    return row


def _request(uow: UnitOfWork, row: Row[Any]) -> Request:
    values = row._mapping
    extension = None
    if values["extension_told_on"] is not None:
        reason = _open(uow, values["extension_reason_cipher"], NOTE) or ""
        extension = Extension(reason, values["extension_told_on"])
    return Request(
        reference=values["reference"],
        kind=RequestKind(values["kind"]),
        status=RequestStatus(values["status"]),
        channel=Channel(values["channel"]),
        received=values["received"],
        id_received=values["id_received"],
        verified_by=VerificationMethod(values["verified_by"]) if values["verified_by"] else None,
        authority_received=values["authority_received"],
        fee_paid=values["fee_paid"],
        pauses=_pauses(values["pauses"]),
        resume_to=RequestStatus(values["resume_to"]) if values["resume_to"] else None,
        extension=extension,
        refusal_reason=_open(uow, values["refusal_reason_cipher"], NOTE),
        assigned_to=values["assigned_to"],
        closed_on=values["closed_on"],
        outcome=_open(uow, values["outcome_cipher"], NOTE),
    )


def get(uow: UnitOfWork, reference: str, *, for_update: bool = False) -> Request:
    """The request, locked against a concurrent transition when ``for_update`` (PostgreSQL;
    SQLite's writing transactions already hold the write lock)."""
    return _request(uow, _row(uow, reference, lock=for_update))


def _identities(uow: UnitOfWork, values: Any) -> dict[IdentityKind, tuple[str, ...]]:
    found = json.loads(_open(uow, values["identities_cipher"], IDENTITIES) or "{}")
    return {IdentityKind(kind): tuple(given) for kind, given in found.items()}


def identities(uow: UnitOfWork, reference: str) -> Identities:
    """The identifiers a request carries, decrypted: where a code is sent, and which kinds
    staff see. Unlike ``subject`` it reads a request the engine could not yet act on (a
    rectification whose corrections staff have still to map)."""
    return _identities(uow, _row(uow, reference)._mapping)


def subject(uow: UnitOfWork, reference: str) -> RequestSubject:
    """Who the request is about, decrypted, for the engine."""
    values = _row(uow, reference)._mapping
    changes = json.loads(_open(uow, values["changes_cipher"], CHANGES) or "{}")
    return RequestSubject(
        request_id=reference,
        kind=RequestKind(values["kind"]),
        identities=_identities(uow, values),
        changes=changes,
        details=_open(uow, values["details_cipher"], DETAILS),
        received=values["received"],
        due=values["due"],
        person_ref=values["person_ref"],
    )


_FINISHED = tuple(status.value for status in RequestStatus if status.finished)


def open_requests_of(uow: UnitOfWork, person_ref: str) -> list[OpenRequest]:
    """The person's requests still open (not completed, refused or closed), oldest first."""
    rows = uow.connection.execute(
        select(requests.c.reference, requests.c.kind)
        .where(requests.c.person_ref == person_ref, requests.c.status.not_in(_FINISHED))
        .order_by(requests.c.received, requests.c.created_at, requests.c.reference)
    )
    return [OpenRequest(row.reference, RequestKind(row.kind), person_ref) for row in rows]


def all_requests(uow: UnitOfWork, status: RequestStatus | None = None) -> list[Request]:
    """Every request (of one status, if given), earliest stored due date first."""
    query = select(requests).order_by(requests.c.due, requests.c.reference)
    if status is not None:
        query = query.where(requests.c.status == status.value)
    return [_request(uow, row) for row in uow.connection.execute(query)]


def timeline(uow: UnitOfWork, reference: str) -> list[TimelineEntry]:
    rows = uow.connection.execute(
        select(request_events)
        .where(request_events.c.request_ref == reference)
        .order_by(request_events.c.id)
    )
    return [
        TimelineEntry(row.at, row.actor, row.action, _open(uow, row.note_cipher, NOTE))
        for row in rows
    ]


def add_code(uow: UnitOfWork, code: IssuedCode) -> None:
    """Keep the new code's digest; an earlier code for the request stops counting."""
    uow.connection.execute(
        insert(verification_codes).values(
            request_ref=code.reference,
            code_hash=code.digest,
            key_version=code.key_version,
            issued_at=code.issued_at,
            expires_at=code.expires_at,
            attempts=code.attempts,
            used_at=code.used_at,
        )
    )


def latest_code(uow: UnitOfWork, reference: str) -> tuple[int, IssuedCode] | None:
    """The last code sent for the request (the only one that counts), with its row id."""
    row = uow.connection.execute(
        select(verification_codes)
        .where(verification_codes.c.request_ref == reference)
        .order_by(verification_codes.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return row.id, IssuedCode(
        reference=row.request_ref,
        digest=row.code_hash,
        key_version=row.key_version,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        attempts=row.attempts,
        used_at=row.used_at,
    )


def codes_sent_since(uow: UnitOfWork, reference: str, since: datetime) -> int:
    """How many codes were sent for the request at or after ``since``."""
    count = uow.connection.execute(
        select(func.count())
        .select_from(verification_codes)
        .where(verification_codes.c.request_ref == reference)
        .where(verification_codes.c.issued_at >= since)
    ).scalar_one()
    return int(count)


def save_code(uow: UnitOfWork, row_id: int, code: IssuedCode) -> None:
    """Count a try (and mark the code used when it was right)."""
    uow.connection.execute(
        update(verification_codes)
        .where(verification_codes.c.id == row_id)
        .values(attempts=code.attempts, used_at=code.used_at)
    )
