"""What Steward keeps about its Mailchimp syncs: pull watermarks and the record of each run.

A watermark says every change made in an audience at or before it has been recorded in the
ledger for a purpose. It only moves forward, and only in the transaction that committed the
events it covers, so a pull interrupted at any point resumes without a gap. A run record keeps
what a push or pull did in readable form; its audit link (written in the same transaction)
chains the digest of the same summary, so the record cannot be edited unnoticed (UK GDPR
Art 5(2)). Subjects are ``mailchimp_list:<audience id>``, never an address.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, case, insert, select, update

from steward.store import audit
from steward.store.database import UnitOfWork
from steward.store.tables import mailchimp_runs, mailchimp_watermarks


@dataclass(frozen=True)
class RunRecord:
    id: int
    kind: str
    list_id: str
    purpose: str
    outcome: str
    summary: Mapping[str, object]
    finished_at: datetime
    audit_sequence: int


def watermark(uow: UnitOfWork, list_id: str, purpose: str) -> datetime | None:
    found = uow.connection.execute(
        select(mailchimp_watermarks.c.changed_through).where(
            mailchimp_watermarks.c.list_id == list_id,
            mailchimp_watermarks.c.purpose == purpose,
        )
    ).scalar_one_or_none()
    return None if found is None else found


def advance_watermark(uow: UnitOfWork, list_id: str, purpose: str, through: datetime) -> None:
    """Move the watermark to ``through`` unless it is already there or later."""
    now = uow.clock()
    moved = uow.connection.execute(
        update(mailchimp_watermarks)
        .where(
            mailchimp_watermarks.c.list_id == list_id,
            mailchimp_watermarks.c.purpose == purpose,
        )
        .values(
            changed_through=_greatest(through),
            updated_at=now,
        )
    )
    if moved.rowcount == 0:
        uow.connection.execute(
            insert(mailchimp_watermarks).values(
                list_id=list_id, purpose=purpose, changed_through=through, updated_at=now
            )
        )


def _greatest(through: datetime) -> ColumnElement[datetime]:
    """The later of the stored time and ``through`` (compared as stored: UTC on both backends)."""
    given = bindparam("through", through, type_=mailchimp_watermarks.c.changed_through.type)
    column = mailchimp_watermarks.c.changed_through
    return case((column < given, given), else_=column)


def record_run(
    uow: UnitOfWork,
    *,
    kind: str,
    list_id: str,
    purpose: str,
    outcome: str,
    summary: Mapping[str, object],
) -> RunRecord:
    """Keep the run's summary and chain its audit event (action ``mailchimp.<kind>ed`` when it
    completed, ``mailchimp.<kind>_failed`` when it stopped)."""
    action = f"mailchimp.{kind}ed" if outcome == "completed" else f"mailchimp.{kind}_failed"
    payload = {"purpose": purpose, "outcome": outcome, **summary}
    link = audit.append(uow, action=action, subject=f"mailchimp_list:{list_id}", payload=payload)
    text = json.dumps(payload, sort_keys=True, default=str)
    row_id = uow.connection.execute(
        insert(mailchimp_runs)
        .values(
            kind=kind,
            list_id=list_id,
            purpose=purpose,
            outcome=outcome,
            summary=text,
            finished_at=link.occurred_at,
            audit_sequence=link.sequence,
        )
        .returning(mailchimp_runs.c.id)
    ).scalar_one()
    return RunRecord(
        int(row_id), kind, list_id, purpose, outcome, payload, link.occurred_at, link.sequence
    )


def runs(uow: UnitOfWork, list_id: str, *, limit: int = 20) -> list[RunRecord]:
    """The latest runs for an audience, newest first."""
    rows = uow.connection.execute(
        select(mailchimp_runs)
        .where(mailchimp_runs.c.list_id == list_id)
        .order_by(mailchimp_runs.c.id.desc())
        .limit(limit)
    )
    return [
        RunRecord(
            int(row.id),
            row.kind,
            row.list_id,
            row.purpose,
            row.outcome,
            json.loads(row.summary),
            row.finished_at,
            int(row.audit_sequence),
        )
        for row in rows
    ]
