"""Legal holds staff enter: rows of ``legal_holds`` in, ``StaffHold`` values out.

A hold names a person by reference only (their identifiers stay sealed in ``person_identifiers``;
DESIGN.md §3). Nothing here commits and nothing here audits: ``steward.services.holds`` writes
the audit link in the same transaction (UK GDPR Art 5(2)).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, or_, select, update

from steward.errors import Conflict, NotFound
from steward.requests.hold_rules import HoldScope, StaffHold, StaffHoldKind
from steward.store.database import UnitOfWork
from steward.store.tables import legal_holds


def add(uow: UnitOfWork, hold: StaffHold) -> StaffHold:
    """Insert ``hold`` (its ``id`` is ignored) and return it with the id the database gave."""
    values = {
        "scope": hold.scope.value,
        "person_ref": hold.person_ref,
        "system": hold.system,
        "collection": hold.collection,
        "source": hold.kind.value,
        "reason": hold.reason,
        "citation": hold.citation,
        "created_by": hold.created_by,
        "created_at": hold.created_at,
        "until": hold.until,
    }
    new_id = uow.connection.execute(
        insert(legal_holds).values(values).returning(legal_holds.c.id)
    ).scalar_one()
    return get(uow, int(new_id))


def get(uow: UnitOfWork, hold_id: int) -> StaffHold:
    row = uow.connection.execute(select(legal_holds).where(legal_holds.c.id == hold_id)).first()
    if row is None:
        raise NotFound(
            f"no legal hold {hold_id}", where="hold", hint="'steward hold list' shows the holds"
        )
    return _hold(row)


def release(
    uow: UnitOfWork, hold_id: int, *, released_by: str, released_at: datetime, reason: str
) -> StaffHold:
    """Mark the hold released; a hold already released is a Conflict (it says by whom, when)."""
    current = get(uow, hold_id)
    if current.released_at is not None:
        raise Conflict(
            f"legal hold {hold_id} was already released on {current.released_at.date()} "
            f"by {current.released_by}",
            where="hold",
            hint="nothing to do; 'steward hold list --all' shows released holds",
        )
    uow.connection.execute(
        update(legal_holds)
        .where(legal_holds.c.id == hold_id, legal_holds.c.released_at.is_(None))
        .values(released_by=released_by, released_at=released_at, release_reason=reason)
    )
    return get(uow, hold_id)


def listed(
    uow: UnitOfWork,
    *,
    in_force_on: date | None = None,
    person_ref: str | None = None,
    system: str | None = None,
) -> list[StaffHold]:
    """Holds, oldest first. ``in_force_on``: only unreleased holds whose ``until`` has not
    passed that day. ``person_ref`` / ``system``: only holds that could reach them (a person's
    own holds, and every system-wide or collection hold)."""
    query: Any = select(legal_holds).order_by(legal_holds.c.id)
    if in_force_on is not None:
        query = query.where(
            legal_holds.c.released_at.is_(None),
            or_(legal_holds.c.until.is_(None), legal_holds.c.until >= in_force_on),
        )
    if person_ref is not None:
        query = query.where(
            or_(
                legal_holds.c.person_ref == person_ref,
                legal_holds.c.scope != HoldScope.person.value,
            )
        )
    if system is not None:
        query = query.where(
            or_(legal_holds.c.system == system, legal_holds.c.scope == HoldScope.person.value)
        )
    return [_hold(row) for row in uow.connection.execute(query)]


def _hold(row: Row[Any]) -> StaffHold:
    return StaffHold(
        id=int(row.id),
        scope=HoldScope(row.scope),
        person_ref=row.person_ref,
        system=row.system,
        collection=row.collection,
        kind=StaffHoldKind(row.source),
        reason=row.reason,
        citation=row.citation,
        created_by=row.created_by,
        created_at=row.created_at,
        until=row.until,
        released_by=row.released_by,
        released_at=row.released_at,
        release_reason=row.release_reason,
    )
