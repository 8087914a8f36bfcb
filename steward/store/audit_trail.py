"""Reading the audit chain by subject: the links about one request, complaint or person, in
chain order, for staff to see who did what and when (UK GDPR Art 5(2)).

A link holds no personal data (its subject is a reference, its payload only a digest), so a
trail can be shown to anyone who may read the thing it is about. The index on (subject,
sequence) keeps this a short range read however long the chain grows.
"""

from __future__ import annotations

from sqlalchemy import select

from steward.store.audit import AuditEvent
from steward.store.database import UnitOfWork
from steward.store.tables import audit_events

TRAIL_LIMIT = 500
"""The most links one trail returns (the latest); a request rarely has more than a few dozen."""


def links_about(uow: UnitOfWork, subject: str, *, limit: int = TRAIL_LIMIT) -> list[AuditEvent]:
    """The latest ``limit`` links whose subject is ``subject``, oldest first."""
    rows = uow.connection.execute(
        select(audit_events)
        .where(audit_events.c.subject == subject)
        .order_by(audit_events.c.sequence.desc())
        .limit(limit)
    ).all()
    return [
        AuditEvent(
            sequence=row.sequence,
            occurred_at=row.occurred_at,
            actor=row.actor,
            action=row.action,
            subject=row.subject,
            payload_digest=row.payload_digest,
            previous_hash=row.previous_hash,
            hash=row.hash,
        )
        for row in reversed(rows)
    ]
