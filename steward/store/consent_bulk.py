"""Recording a batch of consent events in one short transaction: the set-based ``record``.

A list import writes hundreds of thousands of events. One ``ledger.record`` per row is correct but
pays a round trip per statement and, in one transaction, held the write lock for minutes (issue 9
item 2). Here a batch is written with one statement per table (``executemany``): new people and
their sealed identifiers, the events not recorded before, the current states they move, and the
audit links in row order. The rows and links are the ones ``ledger.record`` and
``people.ensure_person`` write (``consent_rows``, ``people.identifier_row``), so an imported
event cannot be told from one recorded alone, the audit chain stays one line, and a retried batch
records nothing twice (docs/consent.md, "Idempotency"; UK GDPR Art 5(2), Art 7(1)).

Everything that needs no database (digests, order keys, sealing, blind indexes) is computed
before the transaction by ``prepare`` and ``newcomer``, so the write lock is held for the writes
alone. The caller owns the transaction and commits it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from steward.consent.events import ConsentEvent, PersonRef
from steward.consent.identifiers import IdentifierKind
from steward.errors import Conflict
from steward.store import audit, consent_rows
from steward.store.crypto import KeyRing
from steward.store.database import UnitOfWork
from steward.store.people import find_people_by_email, identifier_row, identifiers_link
from steward.store.prepared import Prepared
from steward.store.tables import (
    CONSENT_STATE_FIELDS,
    consent_events,
    consent_states,
    people,
    person_identifiers,
)

_STORED = select(consent_events.c.event_id, consent_events.c.content_digest).where(
    consent_events.c.event_id.in_(bindparam("ids", expanding=True))
)


_TAKEN = select(person_identifiers.c.person_ref).where(
    person_identifiers.c.kind == IdentifierKind.EMAIL.value,
    person_identifiers.c.blind_index.in_(bindparam("indexes", expanding=True)),
)
Link = tuple[audit.PendingLink, str]
"""An audit link and its body, built before the chain's head is taken."""


class StaleBatch(Exception):
    """Someone else created one of the batch's new people since it was prepared: prepare the
    batch again (its events name the person, so their ids change). Nothing was written."""


@dataclass(frozen=True)
class Newcomer:
    """A person the batch creates: a fresh reference and the sealed, indexed email."""

    ref: PersonRef
    email: str
    identifier: dict[str, object]


@dataclass(frozen=True)
class PreparedEvent:
    """One event's rows, bound for the driver, and its audit link, before the write lock."""

    event_id: str
    digest: str
    state_key: tuple[str, str, str]
    order_key: bytes
    row: Any
    state_row: Any
    link: Link


@dataclass(frozen=True)
class PreparedBatch:
    """Everything a batch writes that does not depend on what the write transaction finds."""

    newcomers: tuple[Newcomer, ...]
    people_rows: list[Any]
    identifier_rows: list[Any]
    person_links: dict[PersonRef, Link]
    events: tuple[PreparedEvent, ...]


@dataclass(frozen=True)
class BatchResult:
    recorded: int
    replayed: int
    people_created: int


def newcomer(keys: KeyRing, email: str) -> Newcomer:
    """A new person for a normalised email (not yet written)."""
    ref = PersonRef(uuid.uuid4().hex)
    return Newcomer(ref, email, identifier_row(keys, ref, IdentifierKind.EMAIL, email))


def people_by_email(uow: UnitOfWork, emails: Sequence[str]) -> dict[str, PersonRef]:
    """Who already holds each normalised email (the lookup ``ensure_person`` makes)."""
    return find_people_by_email(uow, emails)


def prepare(
    uow: UnitOfWork, events: Sequence[ConsentEvent], newcomers: Sequence[Newcomer]
) -> PreparedBatch:
    """Digests, rows, state rows and audit links for a batch, received now; ``uow`` may be a
    reading one (nothing is written here)."""
    received_at = uow.clock()
    values = [
        consent_rows.event_values(event, digest, received_at)
        for event, digest in ((event, event.content_digest()) for event in events)
    ]
    rows = _INSERT_EVENTS.bind_many(uow, values)
    state_rows = _UPSERT_STATES.bind_many(uow, values)
    prepared = tuple(
        PreparedEvent(
            event_id=event.event_id,
            digest=row_values["content_digest"],
            state_key=(event.person, event.purpose, event.channel),
            order_key=row_values["order_key"],
            row=row,
            state_row=state_row,
            link=_with_body(
                consent_rows.event_link(uow, event, row_values["content_digest"], received_at)
            ),
        )
        for event, row_values, row, state_row in zip(events, values, rows, state_rows, strict=True)
    )
    return PreparedBatch(
        newcomers=tuple(newcomers),
        people_rows=_INSERT_PEOPLE.bind_many(
            uow, [{"ref": person.ref, "created_at": received_at} for person in newcomers]
        ),
        identifier_rows=_INSERT_IDENTIFIERS.bind_many(
            uow, [person.identifier for person in newcomers]
        ),
        person_links={
            person.ref: _with_body(
                identifiers_link(uow, person.ref, [IdentifierKind.EMAIL], created=True)
            )
            for person in newcomers
        },
        events=prepared,
    )


def record_batch(uow: UnitOfWork, batch: PreparedBatch) -> BatchResult:
    """Create the batch's new people, append the events not recorded before, move their states,
    and chain the audit links in the batch's order: a person's creation just before their first
    event.

    Raises StaleBatch when a new person's email now belongs to someone (nothing written), and
    Conflict when an event id was recorded before with other content.
    """
    if batch.newcomers and _taken(uow, batch.newcomers):
        raise StaleBatch
    _create(uow, batch)
    audit.lock_head(uow)  # PostgreSQL: one ledger writer at a time from here to commit
    fresh = _not_yet_recorded(uow, batch.events)
    _INSERT_EVENTS.run_bound(uow, [item.row for item in fresh])
    _UPSERT_STATES.run_bound(uow, _latest_per_state(fresh))
    waiting = dict(batch.person_links)
    links: list[Link] = []
    for item in fresh:
        person = PersonRef(item.state_key[0])
        if person in waiting:
            links.append(waiting.pop(person))
        links.append(item.link)
    links = [*waiting.values(), *links]
    audit.write_many(uow, [link for link, _ in links], [body for _, body in links])
    return BatchResult(len(fresh), len(batch.events) - len(fresh), len(batch.newcomers))


def _taken(uow: UnitOfWork, newcomers: Sequence[Newcomer]) -> bool:
    """Whether any newcomer's email was indexed since the batch was prepared. The preparing
    lookup searched every key version; anyone created since was indexed under the current one,
    which the newcomers' rows already hold."""
    indexes = [person.identifier["blind_index"] for person in newcomers]
    return uow.connection.execute(_TAKEN, {"indexes": indexes}).first() is not None


def _with_body(link: audit.PendingLink) -> Link:
    return link, audit.body_of(link)


def _create(uow: UnitOfWork, batch: PreparedBatch) -> None:
    try:
        _INSERT_PEOPLE.run_bound(uow, batch.people_rows)
        _INSERT_IDENTIFIERS.run_bound(uow, batch.identifier_rows)
    except uow.connection.dialect.loaded_dbapi.IntegrityError as error:
        # PostgreSQL: another transaction created one of these people after the check above
        # (the blind index is unique); SQLite's write lock rules that out.
        raise StaleBatch from error


def _not_yet_recorded(uow: UnitOfWork, events: Sequence[PreparedEvent]) -> list[PreparedEvent]:
    """The events whose ids the ledger does not hold, once each; a held id must hold the same
    content (a retry), else the batch is refused."""
    ids = [item.event_id for item in events]
    seen: dict[str, str] = dict(
        (str(row[0]), str(row[1])) for row in uow.connection.execute(_STORED, {"ids": ids})
    )
    fresh: list[PreparedEvent] = []
    for item in events:
        known = seen.get(item.event_id)
        if known is None:
            seen[item.event_id] = item.digest
            fresh.append(item)
        elif known != item.digest:
            raise Conflict(
                f"event id {item.event_id!r} was already recorded with different content",
                constraint="consent_events.event_id",
                where="event_id",
                hint="a retry must resend exactly the same event; a new event needs a new id",
            )
    return fresh


def _latest_per_state(events: Sequence[PreparedEvent]) -> list[Any]:
    """One state row per person × purpose × channel: the batch's latest event by the ledger's
    order (``consent.state.order_key``), so one statement never touches a state twice."""
    latest: dict[tuple[str, str, str], PreparedEvent] = {}
    for item in events:
        held = latest.get(item.state_key)
        if held is None or item.order_key > held.order_key:
            latest[item.state_key] = item
    return [item.state_row for item in latest.values()]


def _values(table: Table, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of ``table`` as a named parameter; ``updated_at`` takes ``received_at``
    (the names ``consent_rows.event_values`` uses)."""
    return {
        column.name: bindparam(
            "received_at" if column.name == "updated_at" else column.name, type_=column.type
        )
        for column in table.c
        if column.name not in skip
    }


def _upsert_state(dialect: str) -> Any:
    """Insert each state, or overwrite one only if the event orders after the one in force
    (the rule ``ledger.record`` applies, docs/consent.md "Order and the current state")."""
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    state = insert_for(consent_states).values(_values(consent_states))
    return state.on_conflict_do_update(
        index_elements=["person_ref", "purpose", "channel"],
        set_={name: state.excluded[name] for name in CONSENT_STATE_FIELDS},
        where=state.excluded.order_key > consent_states.c.order_key,
    )


_INSERT_PEOPLE = Prepared(
    lambda _dialect: insert(people).values(
        ref=bindparam("ref", type_=people.c.ref.type),
        created_at=bindparam("created_at", type_=people.c.created_at.type),
    )
)
_INSERT_IDENTIFIERS = Prepared(
    lambda _dialect: insert(person_identifiers).values(_values(person_identifiers, skip=("id",)))
)
_INSERT_EVENTS = Prepared(
    lambda _dialect: insert(consent_events).values(_values(consent_events, skip=("sequence",)))
)
_UPSERT_STATES = Prepared(_upsert_state)
