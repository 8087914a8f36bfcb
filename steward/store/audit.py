"""The hash-chained audit log: one event per state change that matters, in the same transaction.

UK GDPR Art 5(2) (accountability) and Art 30: Steward must be able to prove what it did. Each
event's hash covers its fields and the previous event's hash, so an edit, deletion, reordering or
insertion breaks the chain at a named sequence number. Appends are serialised (PostgreSQL advisory
transaction lock; SQLite's write lock) so concurrent writers still form one line. Subjects are
references such as ``person:<ref>``, never plaintext identifiers (DESIGN.md §3).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import RowMapping, insert, select, text

from steward.errors import InvalidInput
from steward.store.database import UnitOfWork
from steward.store.tables import audit_events

GENESIS_HASH = "0" * 64
CHAIN_LOCK_KEY = 0x5354_4557_4155_4400  # b"STEWAUD\0": the advisory lock guarding the head
_SUBJECT = re.compile(r"^[a-z][a-z_]*:[A-Za-z0-9_.:-]{1,180}$")
_STREAM_BATCH = 1000
_HEAD = (
    select(audit_events.c.sequence, audit_events.c.hash)
    .order_by(audit_events.c.sequence.desc())
    .limit(1)
)
_APPEND = insert(audit_events)
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


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


def append(
    uow: UnitOfWork, *, action: str, subject: str, payload: Mapping[str, object]
) -> AuditEvent:
    """Add the next link; call it last in a transaction so the chain lock is held briefly."""
    if not _SUBJECT.match(subject):
        raise InvalidInput(
            f"audit subject {subject!r} is not a reference",
            where="audit subject",
            hint="use kind:reference such as person:3f2a…, never an email, phone or name",
        )
    connection = uow.connection
    if uow.dialect == "postgresql":
        connection.execute(_LOCK, {"key": CHAIN_LOCK_KEY})
    head = connection.execute(_HEAD).first()
    sequence = 1 if head is None else head.sequence + 1
    previous = GENESIS_HASH if head is None else head.hash
    occurred_at = uow.clock().astimezone(UTC)
    digest = payload_digest(payload)
    event = AuditEvent(
        sequence=sequence,
        occurred_at=occurred_at,
        actor=uow.actor,
        action=action,
        subject=subject,
        payload_digest=digest,
        previous_hash=previous,
        hash=link_hash(sequence, occurred_at, uow.actor, action, subject, digest, previous),
    )
    connection.execute(
        _APPEND,
        {
            "sequence": sequence,
            "occurred_at": occurred_at,
            "actor": event.actor,
            "action": action,
            "subject": subject,
            "payload_digest": digest,
            "previous_hash": previous,
            "hash": event.hash,
        },
    )
    return event


def verify_chain(uow: UnitOfWork) -> ChainReport:
    """Recompute every link in sequence order; report the first break, or the head hash."""
    expected_sequence = 1
    previous = GENESIS_HASH
    rows = uow.connection.execution_options(yield_per=_STREAM_BATCH).execute(
        select(audit_events).order_by(audit_events.c.sequence)
    )
    for row in rows:
        broken = _check(row._mapping, expected_sequence, previous)
        if broken is not None:
            rows.close()
            return ChainReport(expected_sequence - 1, previous, broken)
        previous = row.hash
        expected_sequence += 1
    return ChainReport(expected_sequence - 1, previous, None)


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
