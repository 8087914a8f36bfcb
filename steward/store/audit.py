"""The hash-chained audit log: one event per state change that matters, in the same transaction.

UK GDPR Art 5(2) (accountability) and Art 30: Steward must be able to prove what it did. Each
event's hash covers its fields and the previous event's hash, so an edit, deletion, reordering or
insertion breaks the chain at a named sequence number. Appends are serialised on the one-row
``audit_head`` table (PostgreSQL: ``SELECT ... FOR UPDATE`` on that row; SQLite: the write lock
every transaction takes at ``BEGIN IMMEDIATE``), so concurrent writers still form one line, and
the head is moved in the same transaction as the link it points to. Subjects are references such
as ``person:<ref>``, never plaintext identifiers (DESIGN.md §3).

A link's hash covers its place in the chain (sequence, previous hash) as plain text followed by
its contents as canonical JSON, so PostgreSQL can finish the hash in the very statement that
locks the head (one round trip per append; ``chained_link``) and Python recomputes the same bytes
when verifying.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import RowMapping, Text, bindparam, func, insert, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import CTE, ClauseElement, FromClause

from steward.errors import IntegrityError, InvalidInput
from steward.store.database import UnitOfWork
from steward.store.prepared import Prepared
from steward.store.tables import audit_events, audit_head, consent_events, people

GENESIS_HASH = "0" * 64
_HEAD_ROW = 1
_SUBJECT = re.compile(r"^[a-z][a-z_]*:[A-Za-z0-9_.:-]{1,180}$")
_STREAM_BATCH = 1000
HEAD_RESTORED = "audit.head_restored"

HEAD = select(audit_head.c.sequence, audit_head.c.hash).where(audit_head.c.id == _HEAD_ROW)
"""The head as last moved; SQLite's ledger write reads it inside its own statement."""
_HEAD_FOR_UPDATE = HEAD.with_for_update()


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
        .returning(audit_head.c.sequence)
    )


def chained_link(gate: FromClause | None = None) -> tuple[CTE, CTE]:
    """PostgreSQL: lock the head, insert the next link with its hash computed in SQL, move the
    head, all in one statement. Returns (link, move): select from ``link`` and ``add_cte(move)``.

    Parameters are ``PendingLink.values()``. With a ``gate`` (a CTE), the link is written only if
    the gate yields a row: the ledger passes its inserted event, so a replay writes nothing.
    """
    head = _HEAD_FOR_UPDATE.cte("head")
    sequence = head.c.sequence + 1
    placed = func.concat(sequence, "\n", head.c.hash, "\n", bindparam("body", type_=Text))
    source = head if gate is None else head.join(gate, true())
    rows = select(
        sequence,
        *(bindparam(name, type_=audit_events.c[column].type) for name, column in _CONTENT),
        head.c.hash,
        func.encode(func.sha256(func.convert_to(placed, "UTF8")), "hex"),
    ).select_from(source)
    columns = ["sequence", *(column for _, column in _CONTENT), "previous_hash", "hash"]
    link = (
        insert(audit_events)
        .from_select(columns, rows)
        .returning(audit_events.c.sequence, audit_events.c.previous_hash, audit_events.c.hash)
        .cte("link")
    )
    move = (
        update(audit_head)
        .where(audit_head.c.id == _HEAD_ROW)
        .values(sequence=link.c.sequence, hash=link.c.hash)
        .cte("move")
    )
    return link, move


def _append_postgres(_dialect: str) -> ClauseElement:
    link, move = chained_link()
    return select(link.c.sequence, link.c.previous_hash, link.c.hash).add_cte(move)


_CONTENT = (
    ("audit_at", "occurred_at"),
    ("actor", "actor"),
    ("action", "action"),
    ("subject", "subject"),
    ("payload_digest", "payload_digest"),
)
"""(parameter in ``PendingLink.values``, column) of what a link holds besides its place."""

_LOCK_HEAD = Prepared(lambda _dialect: _HEAD_FOR_UPDATE)
_RESTORE_HEAD = Prepared(_restore_head)
_APPEND_POSTGRES = Prepared(_append_postgres)
_ADD_LINK = Prepared(
    lambda _dialect: insert(audit_events).values(
        {column.name: bindparam(column.name, type_=column.type) for column in audit_events.c}
    )
)
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
    witnessed: Mapping[int, str] = field(default_factory=dict)
    """The stored hash at each sequence asked for, when the chain reaches it intact."""
    head_restored: tuple[int, ...] = ()
    """Links recording that a lost ``audit_head`` row was rebuilt (always worth a look)."""

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
    """SHA-256 of "sequence\\nprevious hash\\n" then ``link_body``, as UTF-8."""
    body = link_body(occurred_at, actor, action, subject, digest)
    return placed_hash(sequence, previous_hash, body)


def placed_hash(sequence: int, previous_hash: str, body: str) -> str:
    """``link_hash`` from a body already built (``link_body``), for batches that build bodies
    before they take the chain's head."""
    return hashlib.sha256(f"{sequence}\n{previous_hash}\n{body}".encode()).hexdigest()


def link_body(occurred_at: datetime, actor: str, action: str, subject: str, digest: str) -> str:
    """What a link holds besides its place in the chain, as canonical JSON."""
    return _canonical([_instant(occurred_at), actor, action, subject, digest])


@dataclass(frozen=True)
class PendingLink:
    """A link whose contents are settled but whose place in the chain is not yet known."""

    occurred_at: datetime
    actor: str
    action: str
    subject: str
    payload_digest: str

    def values(self) -> dict[str, object]:
        """The parameters of ``chained_link``."""
        return {
            "audit_at": self.occurred_at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "payload_digest": self.payload_digest,
            "body": link_body(
                self.occurred_at, self.actor, self.action, self.subject, self.payload_digest
            ),
        }

    def placed(self, sequence: int, previous_hash: str) -> AuditEvent:
        return AuditEvent(
            sequence=sequence,
            occurred_at=self.occurred_at,
            actor=self.actor,
            action=self.action,
            subject=self.subject,
            payload_digest=self.payload_digest,
            previous_hash=previous_hash,
            hash=link_hash(
                sequence,
                self.occurred_at,
                self.actor,
                self.action,
                self.subject,
                self.payload_digest,
                previous_hash,
            ),
        )


def pending(
    uow: UnitOfWork,
    *,
    action: str,
    subject: str,
    payload: Mapping[str, object],
    at: datetime | None = None,
) -> PendingLink:
    """Settle a link's contents (time defaults to now); a subject must be a reference."""
    if not _SUBJECT.match(subject):
        raise InvalidInput(
            f"audit subject {subject!r} is not a reference",
            where="audit subject",
            hint="use kind:reference such as person:3f2a…, never an email, phone or name",
        )
    moment = uow.clock() if at is None else at
    return PendingLink(moment.astimezone(UTC), uow.actor, action, subject, payload_digest(payload))


def lock_head(uow: UnitOfWork) -> ChainHead:
    """Read the head and hold it until the transaction ends."""
    row = _LOCK_HEAD.run(uow, {}).fetchone()
    if row is None:
        _restore(uow)
        row = _LOCK_HEAD.run(uow, {}).fetchone()
    return ChainHead(int(row[0]), str(row[1]))


def _restore(uow: UnitOfWork) -> None:
    """Rebuild a lost head row; if the chain was not empty, say so in the chain itself.

    Nothing in Steward deletes the head row, so its loss is tampering or an accident, and events
    cut off the end before it was rebuilt could not be seen any more. Writes go on (a withdrawal
    must never wait for an investigation), but the rebuild is recorded as an
    ``audit.head_restored`` link that ``audit verify`` reports every time.
    """
    restored = _RESTORE_HEAD.run(uow, {}).fetchone()
    if restored is not None and int(restored[0]) > 0:
        write(
            uow,
            pending(
                uow,
                action=HEAD_RESTORED,
                subject="audit:head",
                payload={"rebuilt_from_sequence": int(restored[0])},
            ),
        )


def append(
    uow: UnitOfWork, *, action: str, subject: str, payload: Mapping[str, object]
) -> AuditEvent:
    """Add the next link; call it last in a transaction so the head is held briefly."""
    return write(uow, pending(uow, action=action, subject=subject, payload=payload))


def write(uow: UnitOfWork, link: PendingLink, head: ChainHead | None = None) -> AuditEvent:
    """Put ``link`` at the end of the chain and move the head.

    PostgreSQL does it in one statement. On SQLite ``head`` may be the head this transaction
    already read (its ``BEGIN IMMEDIATE`` keeps it current); otherwise it is read here.
    """
    if uow.dialect == "postgresql":
        row = _APPEND_POSTGRES.run(uow, link.values()).fetchone()
        if row is None:  # no head row: rebuild it from the chain, then append
            _restore(uow)
            row = _APPEND_POSTGRES.run(uow, link.values()).fetchone()
        event = link.placed(int(row[0]), str(row[1]))
        if event.hash != row[2]:
            raise IntegrityError(
                f"audit link {event.sequence} was hashed differently by the database",
                where="audit_events",
                hint="the database's sha256/convert_to must match Python's; report this",
            )
        return event
    current = lock_head(uow) if head is None else head
    event = link.placed(current.sequence + 1, current.hash)
    _ADD_LINK.run(uow, vars(event))
    _MOVE_HEAD.run(uow, vars(event))
    return event


def body_of(link: PendingLink) -> str:
    """The link's ``link_body``, to build before the head is taken (``write_many``)."""
    return link_body(link.occurred_at, link.actor, link.action, link.subject, link.payload_digest)


def write_many(
    uow: UnitOfWork, links: Sequence[PendingLink], bodies: Sequence[str] | None = None
) -> ChainHead | None:
    """Put ``links`` at the end of the chain in the given order and move the head once.

    For batches (``store.consent_bulk``): the head is locked (PostgreSQL) or held by ``BEGIN
    IMMEDIATE`` (SQLite) until the transaction ends, so the batch's links form one unbroken run.
    ``bodies`` are the links' ``body_of``, when the caller built them before taking the head.
    Returns the new head (None when there was nothing to write).
    """
    if not links:
        return None
    head = lock_head(uow)
    bodies = [body_of(link) for link in links] if bodies is None else bodies
    placed: list[dict[str, object]] = []
    sequence, previous = head.sequence, head.hash
    for link, body in zip(links, bodies, strict=True):
        sequence += 1
        hashed = placed_hash(sequence, previous, body)
        placed.append(
            {
                "sequence": sequence,
                "occurred_at": link.occurred_at,
                "actor": link.actor,
                "action": link.action,
                "subject": link.subject,
                "payload_digest": link.payload_digest,
                "previous_hash": previous,
                "hash": hashed,
            }
        )
        previous = hashed
    _ADD_LINK.run_many(uow, placed)
    _MOVE_HEAD.run(uow, placed[-1])
    return ChainHead(sequence, previous)


def verify_chain(uow: UnitOfWork, *, witnesses: Collection[int] = ()) -> ChainReport:
    """Recompute every link in sequence order; report the first break, or the head hash.

    The head row is read first, so links appended meanwhile cannot make it look ahead of the
    chain: the link it names must be in the chain, or events were cut off the end. A missing
    head row, or an empty chain while people or consent events exist, is a break too: deleting
    the head or wiping every event must not leave a chain that verifies. The hashes at the
    ``witnesses`` sequences are kept in the report (``steward audit verify --witness``).
    """
    recorded = uow.connection.execute(HEAD).first()
    expected_sequence = 1
    previous = GENESIS_HASH
    hash_at_head: str | None = None
    wanted = set(witnesses)
    seen: dict[int, str] = {}
    restored: list[int] = []
    rows = uow.connection.execute(
        select(audit_events).order_by(audit_events.c.sequence),
        execution_options={"yield_per": _STREAM_BATCH},
    )
    for row in rows:
        broken = _check(row._mapping, expected_sequence, previous)
        if broken is not None:
            rows.close()
            return ChainReport(expected_sequence - 1, previous, broken, seen, tuple(restored))
        previous = row.hash
        if recorded is not None and expected_sequence == recorded.sequence:
            hash_at_head = row.hash
        if expected_sequence in wanted:
            seen[expected_sequence] = row.hash
        if row.action == HEAD_RESTORED:
            restored.append(expected_sequence)
        expected_sequence += 1
    length = expected_sequence - 1
    unrecorded = _unrecorded_ledger(uow) if length == 0 else None
    if unrecorded is not None:
        reason = f"the audit chain is empty but {unrecorded} exist: every event was deleted"
        return ChainReport(0, previous, BrokenLink(1, reason), seen, tuple(restored))
    if recorded is None:
        if length == 0:
            return ChainReport(0, previous, None, seen, tuple(restored))
        reason = (
            "the audit_head row is missing: it was deleted, so events may have been cut off "
            "the end; compare with your last witness (steward audit verify --witness)"
        )
        return ChainReport(length, previous, BrokenLink(length + 1, reason), seen, tuple(restored))
    if recorded.sequence == 0 or hash_at_head == recorded.hash:
        if recorded.sequence == 0 and length > 0:
            reason = f"audit_head records an empty chain but the chain holds {length} events"
            return ChainReport(length, previous, BrokenLink(1, reason), seen, tuple(restored))
        return ChainReport(length, previous, None, seen, tuple(restored))
    if hash_at_head is None:
        reason = (
            f"audit_head records sequence {recorded.sequence} but the chain ends at "
            f"{length}: events were cut off the end"
        )
        return ChainReport(length, previous, BrokenLink(length + 1, reason), seen, tuple(restored))
    reason = "the hash here differs from the one audit_head recorded: the chain was rewritten"
    return ChainReport(
        length, previous, BrokenLink(recorded.sequence, reason), seen, tuple(restored)
    )


def _unrecorded_ledger(uow: UnitOfWork) -> str | None:
    """What exists that must have written audit events (people, consent events), if anything."""
    found = []
    for table, noun in ((people, "people"), (consent_events, "consent events")):
        if uow.connection.execute(select(literal(1)).select_from(table).limit(1)).first():
            found.append(noun)
    return " and ".join(found) or None


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
