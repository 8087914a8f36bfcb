"""Re-index identifiers stored under older normalisation rules, a short batch at a time.

Migration 20261203_0004 made identifiers normalise with NFC (steward.consent.identifiers). A
migration cannot read the key file, so it only notes which rows were indexed under the old rules
(ids up to the largest at the time); this module decrypts each, normalises it again and rewrites
its blind index. Each batch is its own transaction and moves the task's cursor with it, so an
interrupted run resumes where it stopped and a finished one changes nothing (docs/security.md,
"Re-indexing after a normalisation change").

When a re-normalised identifier is already held by another person (``rene`` + combining accent
stored beside ``rené``), the two are one person: this one is merged into the holder. Their
consent events move to the holder, the current state per purpose and channel becomes the one
the latest event sets (so an unsubscribe recorded against the duplicate takes effect: UK GDPR
Art 21(3), PECR reg 22), the merge is kept in ``person_merges`` so ``audit verify`` still checks
each moved event against the link it was recorded with, and a ``person.merged`` audit event is
written. No consent event is ever dropped. A stored value the new rules refuse (a hidden
character) is left as it is and reported by person reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select, update

from steward.consent.identifiers import NORMALISATION_VERSION, IdentifierKind, normalise
from steward.errors import InvalidInput
from steward.store import audit
from steward.store.database import Store, UnitOfWork
from steward.store.tables import (
    CONSENT_STATE_FIELDS,
    consent_events,
    consent_states,
    identifier_reindex,
    people,
    person_identifiers,
    person_merges,
)


@dataclass
class ReindexReport:
    """What a run did; ``merged`` pairs are (merged reference, surviving reference)."""

    checked: int = 0
    reindexed: int = 0
    duplicates_removed: int = 0
    merged: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    batches: int = 0


def rows_pending(connection: Connection) -> int:
    """How many stored identifiers (at most) still wait to be re-indexed; needs no keys."""
    task = connection.execute(
        select(identifier_reindex).where(
            identifier_reindex.c.normalisation == NORMALISATION_VERSION
        )
    ).first()
    if task is None or task.after_id >= task.up_to_id:
        return 0
    return int(
        connection.execute(
            select(func.count()).where(
                person_identifiers.c.id > task.after_id, person_identifiers.c.id <= task.up_to_id
            )
        ).scalar_one()
    )


def reindex(
    store: Store,
    *,
    batch_size: int,
    actor: str,
    on_batch: Callable[[int], None] = lambda _rows: None,
) -> ReindexReport:
    """Run batches until no row indexed under older rules remains."""
    report = ReindexReport()
    while True:
        with store.unit_of_work(actor=actor) as uow:
            done = _batch(uow, batch_size, report)
            uow.commit()
        if done is None:
            return report
        report.batches += 1
        on_batch(done)


def _batch(uow: UnitOfWork, batch_size: int, report: ReindexReport) -> int | None:
    """One batch in the caller's transaction: the number of rows looked at, or None when done."""
    task_query = select(identifier_reindex).where(
        identifier_reindex.c.normalisation == NORMALISATION_VERSION
    )
    if uow.dialect == "postgresql":
        task_query = task_query.with_for_update()
    task = uow.connection.execute(task_query).first()
    if task is None or task.after_id >= task.up_to_id:
        return None
    table = person_identifiers
    rows = uow.connection.execute(
        select(table.c.id, table.c.person_ref, table.c.kind, table.c.ciphertext)
        .where(table.c.id > task.after_id, table.c.id <= task.up_to_id)
        .order_by(table.c.id)
        .limit(batch_size)
    ).all()
    last = rows[-1].id if rows else task.up_to_id
    moved: dict[str, str] = {}
    before = (report.reindexed, report.duplicates_removed, len(report.merged))
    for row in rows:
        person = row.person_ref
        while person in moved:
            person = moved[person]
        _reindex_row(uow, row.id, person, IdentifierKind(row.kind), row.ciphertext, report, moved)
    report.checked += len(rows)
    uow.connection.execute(
        update(identifier_reindex)
        .where(identifier_reindex.c.normalisation == NORMALISATION_VERSION)
        .values(after_id=last)
    )
    audit.append(
        uow,
        action="identifiers.reindexed",
        subject=f"normalisation:v{NORMALISATION_VERSION}",
        payload={
            "through_id": last,
            "checked": len(rows),
            "reindexed": report.reindexed - before[0],
            "duplicates_removed": report.duplicates_removed - before[1],
            "merged": len(report.merged) - before[2],
        },
    )
    return len(rows)


def _reindex_row(
    uow: UnitOfWork,
    row_id: int,
    person: str,
    kind: IdentifierKind,
    ciphertext: bytes,
    report: ReindexReport,
    moved: dict[str, str],
) -> None:
    keys = uow.keys
    stored = keys.open(ciphertext, context=kind)
    try:
        value = normalise(kind, stored)
    except InvalidInput:
        report.refused.append(person)
        return
    if value == stored:
        return  # same text, same index
    table = person_identifiers
    holder = uow.connection.execute(
        select(table.c.person_ref).where(
            table.c.kind == kind.value,
            table.c.blind_index.in_(keys.blind_indexes(value, context=kind)),
            table.c.id != row_id,
        )
    ).scalar()
    if holder is None:
        sealed = keys.seal(value, context=kind)
        uow.connection.execute(
            update(table)
            .where(table.c.id == row_id)
            .values(
                ciphertext=sealed.ciphertext,
                key_version=sealed.key_version,
                blind_index=keys.blind_index(value, context=kind),
            )
        )
        report.reindexed += 1
        return
    uow.connection.execute(delete(table).where(table.c.id == row_id))
    if holder == person:
        report.duplicates_removed += 1
        return
    merge_person(uow, duplicate=person, survivor=holder)
    moved[person] = holder
    report.merged.append((person, holder))


def merge_person(uow: UnitOfWork, *, duplicate: str, survivor: str) -> None:
    """Make ``duplicate`` part of ``survivor``: events, states, identifiers and name move over."""
    connection = uow.connection
    connection.execute(
        update(consent_events)
        .where(consent_events.c.person_ref == duplicate)
        .values(person_ref=survivor)
    )
    states = consent_states
    for theirs in connection.execute(select(states).where(states.c.person_ref == duplicate)).all():
        place = (
            states.c.purpose == theirs.purpose,
            states.c.channel == theirs.channel,
        )
        ours = connection.execute(
            select(states.c.order_key).where(states.c.person_ref == survivor, *place)
        ).first()
        if ours is None:
            connection.execute(
                update(states)
                .where(states.c.person_ref == duplicate, *place)
                .values(person_ref=survivor)
            )
            continue
        if bytes(theirs.order_key) > bytes(ours.order_key):
            connection.execute(
                update(states)
                .where(states.c.person_ref == survivor, *place)
                .values({name: getattr(theirs, name) for name in CONSENT_STATE_FIELDS})
            )
        connection.execute(delete(states).where(states.c.person_ref == duplicate, *place))
    connection.execute(
        update(person_identifiers)
        .where(person_identifiers.c.person_ref == duplicate)
        .values(person_ref=survivor)
    )
    _keep_a_name(uow, duplicate, survivor)
    connection.execute(
        insert(person_merges).values(merged_ref=duplicate, into_ref=survivor, merged_at=uow.clock())
    )
    connection.execute(delete(people).where(people.c.ref == duplicate))
    audit.append(
        uow,
        action="person.merged",
        subject=f"person:{survivor}",
        payload={"merged": duplicate, "reason": "identifier normalisation"},
    )


def _keep_a_name(uow: UnitOfWork, duplicate: str, survivor: str) -> None:
    names = {
        row.ref: row
        for row in uow.connection.execute(
            select(people.c.ref, people.c.name_cipher, people.c.name_key_version).where(
                people.c.ref.in_([duplicate, survivor])
            )
        )
    }
    if names[survivor].name_cipher is None and names[duplicate].name_cipher is not None:
        uow.connection.execute(
            update(people)
            .where(people.c.ref == survivor)
            .values(
                name_cipher=names[duplicate].name_cipher,
                name_key_version=names[duplicate].name_key_version,
            )
        )
