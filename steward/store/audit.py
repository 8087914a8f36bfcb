"""The hash-chained audit log: one event per state change that matters, in the same transaction.

UK GDPR Art 5(2) (accountability) and Art 30: Steward must be able to prove what it did. Each
event's hash covers its fields and the previous event's hash, so an edit, deletion, reordering or
insertion breaks the chain at a named sequence number. Appends are serialised on the one-row
``audit_head`` table (PostgreSQL: ``SELECT ... FOR UPDATE`` on that row; SQLite: the write lock
every transaction takes at ``BEGIN IMMEDIATE``), so concurrent writers still form one line, and
the head is moved in the same transaction as the link it points to. Subjects are references such
as ``person:<ref>``, never plaintext identifiers (DESIGN.md §3).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import RowMapping, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import ClauseElement

from steward.errors import InvalidInput
from steward.store.database import UnitOfWork
from steward.store.prepared import Prepared
from steward.store.tables import audit_events, audit_head

GENESIS_HASH = "0" * 64
_HEAD_ROW = 1
_SUBJECT = re.compile(r"^[a-z][a-z_]*:[A-Za-z0-9_.:-]{1,180}$")
_STREAM_BATCH = 1000

HEAD_FOR_UPDATE = (
    select(audit_head.c.sequence, audit_head.c.hash)
    .where(audit_head.c.id == _HEAD_ROW)
    .with_for_update()
)
"""Reads the head and holds it until commit; the ledger folds it into its own statement."""


@dataclass(frozen=True)
class ChainHead:
    """The last link's sequence and hash (0 and the genesis hash for an empty chain)."""

    sequence: int
    hash: str


def _restore_head(dialect: str) -> ClauseElement:
    """Rebuild a missing head row from the chain itself (a truncated table must not fork it).

    Concurrent restorers wait on the row's key; all but the first then do nothing.
    """
    last = select(audit_events).order_by(audit_events.c.sequence.desc()).limit(1)
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert_for(audit_head)
        .values(
            id=_HEAD_ROW,
            sequence=func.coalesce(
                last.with_only_columns(audit_events.c.sequence).scalar_subquery(), 0
            ),
            hash=func.coalesce(
                last.with_only_columns(audit_events.c.hash).scalar_subquery(), GENESIS_HASH
            ),
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )


def _add_link(dialect: str) -> ClauseElement:
    """Insert the link; on PostgreSQL move the head in the same statement (one round trip)."""
    link = insert(audit_events).values(
        {column.name: bindparam(column.name, type_=column.type) for column in audit_events.c}
    )
    if dialect != "postgresql":
        return link
    added = link.returning(audit_events.c.sequence, audit_events.c.hash).cte("link")
    return (
        update(audit_head)
        .where(audit_head.c.id == _HEAD_ROW)
        .values(sequence=added.c.sequence, hash=added.c.hash)
        .add_cte(added)
    )


_RECORDED_HEAD = select(audit_head.c.sequence, audit_head.c.hash).where(
    audit_head.c.id == _HEAD_ROW
)
_LOCK_HEAD = Prepared(lambda _dialect: HEAD_FOR_UPDATE)
_RESTORE_HEAD = Prepared(_restore_head)
_ADD_LINK = Prepared(_add_link)
_MOVE_HEAD = Prepared(
    lambda _dialect: (
        update(audit_head)
        .where(audit_head.c.id == _HEAD_ROW)
        .values(sequence=bindparam("sequence"), hash=bindparam("hash"))
    )
)


@dataclass(frozen=True)
class AuditEvent:
    sequence: int
    occurred_at: datetime
    actor: str
    action: str
    subject: str
    payload_digest: str
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the stored chain and the recomputed one disagree."""

    sequence: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    length: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def payload_digest(payload: Mapping[str, object]) -> str:
    """SHA-256 of the payload as canonical JSON; the payload itself is not stored here."""
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def link_hash(
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject: str,
    digest: str,
    previous_hash: str,
) -> str:
    fields = [sequence, _instant(occurred_at), actor, action, subject, digest, previous_hash]
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def lock_head(uow: UnitOfWork) -> ChainHead:
    """Read the head and hold it until the transaction ends."""
    row = _LOCK_HEAD.run(uow, {}).fetchone()
    if row is None:
        _RESTORE_HEAD.run(uow, {})
        row = _LOCK_HEAD.run(uow, {}).fetchone()
    return ChainHead(int(row[0]), str(row[1]))


def append(
    uow: UnitOfWork,
    *,
    action: str,
    subject: str,
    payload: Mapping[str, object],
    locked_head: ChainHead | None = None,
) -> AuditEvent:
    """Add the next link; call it last in a transaction so the head is held briefly.

    ``locked_head`` is the head this transaction already holds (read with ``HEAD_FOR_UPDATE``);
    without it the head is locked and read here.
    """
    if not _SUBJECT.match(subject):
        raise InvalidInput(
            f"audit subject {subject!r} is not a reference",
            where="audit subject",
            hint="use kind:reference such as person:3f2a…, never an email, phone or name",
        )
    head = lock_head(uow) if locked_head is None else locked_head
    sequence = head.sequence + 1
    occurred_at = uow.clock().astimezone(UTC)
    digest = payload_digest(payload)
    event = AuditEvent(
        sequence=sequence,
        occurred_at=occurred_at,
        actor=uow.actor,
        action=action,
        subject=subject,
        payload_digest=digest,
        previous_hash=head.hash,
        hash=link_hash(sequence, occurred_at, uow.actor, action, subject, digest, head.hash),
    )
    values = {
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor": event.actor,
        "action": action,
        "subject": subject,
        "payload_digest": digest,
        "previous_hash": head.hash,
        "hash": event.hash,
    }
    _ADD_LINK.run(uow, values)
    if uow.dialect != "postgresql":  # PostgreSQL moved the head in the same statement
        _MOVE_HEAD.run(uow, values)
    return event


def verify_chain(uow: UnitOfWork) -> ChainReport:
    """Recompute every link in sequence order; report the first break, or the head hash.

    The head row is read first, so links appended meanwhile cannot make it look ahead of the
    chain: the link it names must be in the chain, or events were cut off the end.
    """
    recorded = uow.connection.execute(_RECORDED_HEAD).first()
    expected_sequence = 1
    previous = GENESIS_HASH
    hash_at_head: str | None = None
    rows = uow.connection.execution_options(yield_per=_STREAM_BATCH).execute(
        select(audit_events).order_by(audit_events.c.sequence)
    )
    for row in rows:
        broken = _check(row._mapping, expected_sequence, previous)
        if broken is not None:
            rows.close()
            return ChainReport(expected_sequence - 1, previous, broken)
        previous = row.hash
        if recorded is not None and expected_sequence == recorded.sequence:
            hash_at_head = row.hash
        expected_sequence += 1
    length = expected_sequence - 1
    if recorded is None or recorded.sequence == 0 or hash_at_head == recorded.hash:
        return ChainReport(length, previous, None)
    if hash_at_head is None:
        reason = (
            f"audit_head records sequence {recorded.sequence} but the chain ends at "
            f"{length}: events were cut off the end"
        )
        return ChainReport(length, previous, BrokenLink(length + 1, reason))
    reason = "the hash here differs from the one audit_head recorded: the chain was rewritten"
    return ChainReport(length, previous, BrokenLink(recorded.sequence, reason))


def _check(row: RowMapping, expected: int, previous: str) -> BrokenLink | None:
    sequence = row["sequence"]
    if sequence != expected:
        return BrokenLink(
            expected,
            f"sequence {expected} is missing (next stored event is {sequence}): "
            "an event was deleted or renumbered",
        )
    if row["previous_hash"] != previous:
        return BrokenLink(
            expected,
            "previous_hash does not match the hash of the event before it: events were "
            "reordered, inserted or deleted here",
        )
    recomputed = link_hash(
        expected,
        row["occurred_at"],
        str(row["actor"]),
        str(row["action"]),
        str(row["subject"]),
        str(row["payload_digest"]),
        previous,
    )
    if recomputed != row["hash"]:
        return BrokenLink(expected, "the stored hash does not match the event's contents: edited")
    return None


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
