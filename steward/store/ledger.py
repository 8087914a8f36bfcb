"""The consent ledger: append-only events, idempotent on the client's event id, with the current
state per person × purpose × channel and an audit event written in the same transaction.

UK GDPR Art 7(1) (demonstrate consent), Art 7(3) and Art 21(3) (withdrawal and objection take
effect at once: RULES.md R2.8 "same transaction, before any further send"), Art 5(2)
(accountability, via the audit chain). The caller owns the transaction: nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, select, true
from sqlalchemy.dialects import postgresql, sqlite

from steward.consent.events import (
    ConsentEvent,
    ConsentEventKind,
    PersonRef,
    require_occurred_by,
)
from steward.consent.state import ConsentState, ConsentStatus, state_after
from steward.errors import Conflict, InvalidInput, NotFound
from steward.store import audit, consent_rows
from steward.store.database import UnitOfWork
from steward.store.driver_errors import SQLITE_UNNAMED_FOREIGN_KEY, translate
from steward.store.people import ensure_person, find_people_by_email, find_person, get_person
from steward.store.prepared import Prepared
from steward.store.tables import CONSENT_STATE_FIELDS, consent_events, consent_states

__all__ = [
    "ConflictingEvent",
    "RecordResult",
    "current_state",
    "current_states",
    "ensure_person",
    "find_people_by_email",
    "find_person",
    "get_person",
    "record",
    "states_of",
    "states_with",
]

_BATCH = 500
_CURRENT = select(consent_states).where(
    consent_states.c.person_ref == bindparam("person"),
    consent_states.c.purpose == bindparam("purpose"),
    consent_states.c.channel == bindparam("channel"),
)

_PERSON_REFERENCE = frozenset(
    {
        "fk_consent_events_person_ref_people",
        "fk_consent_states_person_ref_people",
        SQLITE_UNNAMED_FOREIGN_KEY,  # the only foreign keys these statements check
    }
)


class ConflictingEvent(InvalidInput):
    """An event id reused for different content: a client bug, never silently accepted."""


@dataclass(frozen=True)
class RecordResult:
    """What ``record`` did. A replayed retry returns the original sequence and time, and
    ``state_changed`` False (the retry itself changed nothing)."""

    event_id: str
    sequence: int
    received_at: datetime
    replayed: bool
    state_changed: bool
    state: ConsentState


def record(uow: UnitOfWork, event: ConsentEvent) -> RecordResult:
    """Append the event, move the current state if the event is now the latest, audit it."""
    digest = event.content_digest()
    received_at = uow.clock()
    require_occurred_by(event.occurred_at, received_at)
    state = state_after(event)
    link = consent_rows.event_link(uow, event, digest, received_at)
    values = consent_rows.event_values(event, digest, received_at)
    try:
        written = _write(uow, values, link)
    except uow.connection.dialect.loaded_dbapi.IntegrityError as error:
        conflict = translate(error, where="consent_events")
        if not isinstance(conflict, Conflict) or conflict.constraint not in _PERSON_REFERENCE:
            raise
        raise NotFound(
            f"no person {event.person}",
            where="event.person",
            hint="create or find the person first with ensure_person/find_person",
        ) from error
    if written is None:
        return _replay(uow, event, digest)
    sequence, changed = written
    current = state if changed else current_state(uow, event.person, event.purpose, event.channel)
    assert current is not None  # the upsert guarantees a row for this key
    return RecordResult(event.event_id, sequence, received_at, False, changed, current)


def _write(
    uow: UnitOfWork, values: dict[str, Any], link: audit.PendingLink
) -> tuple[int, bool] | None:
    """Insert the event, upsert the state and chain the audit link: (event sequence, state
    changed), or None when the event id was recorded before (then nothing is written).

    PostgreSQL does all of it in one statement (one round trip). On SQLite the event insert also
    reads the audit head, which ``BEGIN IMMEDIATE`` keeps current until commit.
    """
    if uow.dialect == "postgresql":
        row = _RECORD.run(uow, values | link.values()).fetchone()
        if row is None:
            return None
        if row[2] is None:  # no audit head row to chain onto: the slow path rebuilds it
            audit.write(uow, link)
        return int(row[0]), bool(row[1])
    inserted = _INSERT_EVENT.run(uow, values).fetchone()
    if inserted is None:
        return None
    changed = _UPSERT_STATE.run(uow, values).fetchone() is not None
    head = None if inserted[1] is None else audit.ChainHead(int(inserted[1]), str(inserted[2]))
    audit.write(uow, link, head)
    return int(inserted[0]), changed


def current_state(
    uow: UnitOfWork, person: PersonRef, purpose: str, channel: str
) -> ConsentState | None:
    """The state in force, or None when the ledger holds nothing for this combination."""
    row = uow.connection.execute(
        _CURRENT, {"person": person, "purpose": purpose, "channel": channel}
    ).first()
    return None if row is None else _state(row)


def current_states(
    uow: UnitOfWork, persons: Collection[PersonRef], purpose: str, channel: str
) -> dict[PersonRef, ConsentState]:
    """Set-based ``current_state`` for many people at once (list filtering)."""
    found: dict[PersonRef, ConsentState] = {}
    ordered = list(persons)
    for start in range(0, len(ordered), _BATCH):
        rows = uow.connection.execute(
            select(consent_states).where(
                consent_states.c.purpose == purpose,
                consent_states.c.channel == channel,
                consent_states.c.person_ref.in_(ordered[start : start + _BATCH]),
            )
        )
        found.update((PersonRef(row.person_ref), _state(row)) for row in rows)
    return found


def states_of(uow: UnitOfWork, person: PersonRef) -> list[ConsentState]:
    """Every purpose and channel the ledger holds for one person (objections span channels)."""
    rows = uow.connection.execute(
        select(consent_states)
        .where(consent_states.c.person_ref == person)
        .order_by(consent_states.c.purpose, consent_states.c.channel)
    )
    return [_state(row) for row in rows]


def states_with(
    uow: UnitOfWork,
    *,
    channel: str,
    statuses: Collection[ConsentStatus],
    purpose: str | None = None,
) -> Iterator[ConsentState]:
    """Stream the states in the given statuses (e.g. every refusal on email, for suppression)."""
    query = select(consent_states).where(
        consent_states.c.channel == channel,
        consent_states.c.status.in_([status.value for status in statuses]),
    )
    if purpose is not None:
        query = query.where(consent_states.c.purpose == purpose)
    rows = uow.connection.execute(
        query.order_by(consent_states.c.person_ref, consent_states.c.purpose),
        execution_options={"yield_per": _BATCH},
    )
    for row in rows:
        yield _state(row)


def _replay(uow: UnitOfWork, event: ConsentEvent, digest: str) -> RecordResult:
    original = uow.connection.execute(
        select(
            consent_events.c.sequence,
            consent_events.c.content_digest,
            consent_events.c.received_at,
        ).where(consent_events.c.event_id == event.event_id)
    ).one()
    if original.content_digest != digest:
        raise ConflictingEvent(
            f"event id {event.event_id!r} was already recorded with different content",
            where="event_id",
            hint="a retry must resend exactly the same event; a new event needs a new id",
        )
    state = current_state(uow, event.person, event.purpose, event.channel)
    assert state is not None  # the original recording created it
    return RecordResult(event.event_id, original.sequence, original.received_at, True, False, state)


def _insert_event(dialect: str) -> Any:
    """Append-or-nothing on the client's event id, returning the new sequence (on SQLite also
    the audit head, read in the same statement)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = [column for column in consent_events.c if column.name != "sequence"]
    returned: list[Any] = [consent_events.c.sequence]
    if dialect != "postgresql":
        returned += [
            audit.HEAD.with_only_columns(column).scalar_subquery()
            for column in audit.HEAD.selected_columns
        ]
    return (
        insert(consent_events)
        .values({column.name: bindparam(column.name, type_=column.type) for column in columns})
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(*returned)
    )


def _state_values() -> dict[str, Any]:
    """The state row's values, named as in ``record``'s values (updated_at is received_at)."""
    return {
        column.name: bindparam(
            "received_at" if column.name == "updated_at" else column.name, type_=column.type
        )
        for column in consent_states.c
    }


def _upsert_state(dialect: str, rows: Any = None) -> Any:
    """Insert the state, or overwrite it only if this event orders after the one in force;
    returns a row only when it wrote. ``rows`` is a select to insert from instead of values."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = _state_values()
    state = insert(consent_states)
    state = state.values(values) if rows is None else state.from_select(list(values), rows)
    return state.on_conflict_do_update(
        index_elements=["person_ref", "purpose", "channel"],
        set_={name: state.excluded[name] for name in CONSENT_STATE_FIELDS},
        where=state.excluded.order_key > consent_states.c.order_key,
    ).returning(consent_states.c.event_id)


def _record_postgres(_dialect: str) -> Any:
    """Event insert, state upsert and audit link as one statement.

    Yields (event sequence, states written, link sequence), or no row for a replay (then nothing
    was written). The link is chained only when the event was inserted.
    """
    event = _insert_event("postgresql").cte("event")
    rows = select(*_state_values().values()).select_from(event)
    state = _upsert_state("postgresql", rows).cte("state")
    link, move = audit.chained_link(gate=event)
    written = select(func.count()).select_from(state).scalar_subquery()
    return (
        select(event.c.sequence, written, link.c.sequence)
        .select_from(event.outerjoin(link, true()))
        .add_cte(move)
    )


_INSERT_EVENT = Prepared(_insert_event)
_UPSERT_STATE = Prepared(_upsert_state)
_RECORD = Prepared(_record_postgres)


def _state(row: Row[Any]) -> ConsentState:
    return ConsentState(
        person=PersonRef(row.person_ref),
        purpose=row.purpose,
        channel=row.channel,
        status=ConsentStatus(row.status),
        kind=ConsentEventKind(row.kind),
        event_id=row.event_id,
        occurred_at=row.occurred_at,
        source=row.source,
        wording_version=row.wording_version,
    )
