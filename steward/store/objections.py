"""Art 21(1) balancings as staff recorded them: rows of ``objection_balancings``.

The audit chain holds only a digest of each decision; this table holds what was weighed, so the
organisation can show it (UK GDPR Art 5(2); Art 21(1) "demonstrates compelling legitimate
grounds"). Nothing here commits or audits: ``steward.services.objection`` does both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from steward.requests.objection import Balancing, ObjectionDecision, ObjectionOutcome
from steward.store.database import UnitOfWork
from steward.store.tables import objection_balancings


@dataclass(frozen=True)
class RecordedBalancing:
    id: int
    request_ref: str
    person_ref: str
    balancing: Balancing
    outcome: str
    citation: str
    decided_at: datetime


def add(
    uow: UnitOfWork,
    *,
    request_ref: str,
    person_ref: str,
    balancing: Balancing,
    outcome: ObjectionOutcome,
) -> int:
    new_id = uow.connection.execute(
        insert(objection_balancings)
        .values(
            request_ref=request_ref,
            person_ref=person_ref,
            purposes=",".join(balancing.purposes),
            grounds=balancing.grounds,
            decision=balancing.decision.value,
            reasons=balancing.reasons,
            outcome=outcome.reason,
            citation=outcome.citation,
            decided_by=balancing.decided_by,
            decided_at=uow.clock(),
        )
        .returning(objection_balancings.c.id)
    ).scalar_one()
    return int(new_id)


def for_request(uow: UnitOfWork, request_ref: str) -> list[RecordedBalancing]:
    rows = uow.connection.execute(
        select(objection_balancings)
        .where(objection_balancings.c.request_ref == request_ref)
        .order_by(objection_balancings.c.id)
    )
    return [
        RecordedBalancing(
            id=int(row.id),
            request_ref=row.request_ref,
            person_ref=row.person_ref,
            balancing=Balancing(
                purposes=tuple(row.purposes.split(",")),
                grounds=row.grounds,
                decision=ObjectionDecision(row.decision),
                reasons=row.reasons,
                decided_by=row.decided_by,
            ),
            outcome=row.outcome,
            citation=row.citation,
            decided_at=row.decided_at,
        )
        for row in rows
    ]
