"""Set-based lookup of a whole marketing list against the ledger's current state.

One query for the whole list, not one per address: the list's blind indexes go into a temporary
table (PostgreSQL ``COPY``; SQLite batched inserts), one join reads every matching state in list
order, and the rows stream back, so memory stays bounded whatever the list's length. Plaintext
addresses never reach the database, only their keyed blind indexes (DESIGN.md §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB

from steward.consent.marketing_facts import (
    EVIDENCE_OBTAINED_FROM,
    EVIDENCE_OPT_OUT,
    EVIDENCE_RELATIONSHIP,
    ObtainedFrom,
    StateFact,
    london_date,
)
from steward.consent.state import ConsentStatus
from steward.law.pecr import DetailsSource
from steward.store.database import UnitOfWork
from steward.store.identifiers import IdentifierKind
from steward.store.tables import consent_events, consent_states, person_identifiers

LIST_TABLE = "steward_marketing_list"
_INSERT_BATCH = 5_000
_list = Table(
    LIST_TABLE,
    MetaData(),
    Column("line", Integer, nullable=False),
    Column("blind_index", LargeBinary, nullable=False),
    prefixes=["TEMPORARY"],
)
Entry = tuple[int, bytes]
"""A list line number and one blind index of its address (one per key version in the ring)."""


def matched_states(
    uow: UnitOfWork, entries: Iterable[Entry], purpose: str
) -> Iterator[tuple[int, StateFact]]:
    """Yield (line, state) for every state that bears on ``purpose``, in ascending line order.

    ``entries`` must come in ascending line order. A line with no person, or a person with no
    relevant state, yields nothing. Relevant: any state for ``purpose``, and objections for any
    purpose (RULES.md R2.6).
    """
    connection = uow.connection
    postgres = uow.dialect == "postgresql"
    _list.drop(connection, checkfirst=True)
    _list.create(connection)
    try:
        if postgres:
            _copy_in(uow, entries)
            yield from _copy_out(uow, purpose)
        else:
            for batch in iter(lambda: list(islice(entries, _INSERT_BATCH)), []):
                connection.execute(
                    insert(_list), [{"line": line, "blind_index": index} for line, index in batch]
                )
            for row in connection.execution_options(yield_per=_INSERT_BATCH).execute(
                _query(purpose, postgres=False)
            ):
                yield row.line, _fact(row.purpose, row.channel, row.status,
                                      london_date(row.occurred_at), row.relationship,
                                      row.obtained_from, bool(row.opt_out))
    finally:
        _list.drop(connection, checkfirst=True)


def _query(purpose: str, *, postgres: bool) -> Any:
    evidence = _postgres_evidence if postgres else _sqlite_evidence
    soft_opt_in = consent_states.c.status == ConsentStatus.SOFT_OPT_IN.value
    occurred: ColumnElement[Any] = (
        cast(func.timezone("Europe/London", consent_states.c.occurred_at), postgresql.DATE)
        if postgres else consent_states.c.occurred_at
    )
    return (
        select(
            _list.c.line,
            consent_states.c.purpose,
            consent_states.c.channel,
            consent_states.c.status,
            occurred.label("occurred_at"),
            _known(evidence(EVIDENCE_RELATIONSHIP), DetailsSource).label("relationship"),
            _known(evidence(EVIDENCE_OBTAINED_FROM), ObtainedFrom).label("obtained_from"),
            (evidence(EVIDENCE_OPT_OUT) == (literal("true") if postgres else literal(1)))
            .label("opt_out"),
        )
        .select_from(_list)
        .join(
            person_identifiers,
            and_(
                person_identifiers.c.kind == IdentifierKind.EMAIL.value,
                person_identifiers.c.blind_index == _list.c.blind_index,
            ),
        )
        .join(
            consent_states,
            and_(
                consent_states.c.person_ref == person_identifiers.c.person_ref,
                or_(
                    consent_states.c.purpose == purpose,
                    consent_states.c.status == ConsentStatus.OBJECTED.value,
                ),
            ),
        )
        .outerjoin(
            consent_events,
            and_(soft_opt_in, consent_events.c.event_id == consent_states.c.event_id),
        )
        .order_by(_list.c.line)
    )


def _postgres_evidence(key: str) -> ColumnElement[Any]:
    field: ColumnElement[Any] = cast(consent_events.c.evidence, JSONB)[key].astext
    return field


def _sqlite_evidence(key: str) -> ColumnElement[Any]:
    return func.json_extract(consent_events.c.evidence, f"$.{key}")


def _known(value: ColumnElement[Any], kind: type[DetailsSource] | type[ObtainedFrom]) -> Any:
    """Only values the enum knows leave the database, so nothing needs unescaping."""
    return case((value.in_([member.value for member in kind]), value), else_=None)


def _fact(
    purpose: str,
    channel: str,
    status: str,
    on: dt.date,
    relationship: str | None,
    obtained_from: str | None,
    opt_out: bool,
) -> StateFact:
    return StateFact(
        purpose=purpose,
        channel=channel,
        status=ConsentStatus(status),
        on=on,
        relationship=None if relationship is None else DetailsSource(relationship),
        obtained_from=None if obtained_from is None else ObtainedFrom(obtained_from),
        opt_out_at_collection=opt_out,
    )


def _driver(uow: UnitOfWork) -> Any:
    return uow.connection.connection.driver_connection


def _copy_in(uow: UnitOfWork, entries: Iterable[Entry]) -> None:
    statement = f"COPY {LIST_TABLE} (line, blind_index) FROM STDIN (FORMAT BINARY)"
    with _driver(uow).cursor() as cursor:
        with cursor.copy(statement) as copy:
            copy.set_types(["int4", "bytea"])
            for entry in entries:
                copy.write_row(entry)
        cursor.execute(f"ANALYZE {LIST_TABLE}")


def _copy_out(uow: UnitOfWork, purpose: str) -> Iterator[tuple[int, StateFact]]:
    """Stream the join as COPY text: every value is an int, slug, enum value, date or boolean."""
    statement = str(
        _query(purpose, postgres=True).compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}  # type: ignore[no-untyped-call]
        )
    )
    pending = b""
    known: dict[bytes, StateFact] = {}  # most rows repeat a few situations: parse each once
    with _driver(uow).cursor() as cursor, cursor.copy(f"COPY ({statement}) TO STDOUT") as copy:
        for block in copy:
            lines = (pending + bytes(block)).split(b"\n")
            pending = lines.pop()
            for raw in lines:
                line, _, rest = raw.partition(b"\t")
                fact = known.get(rest)
                if fact is None:
                    fact = known[rest] = _copied(rest)
                yield int(line), fact
    if pending:
        line, _, rest = pending.partition(b"\t")
        yield int(line), _copied(rest)


def _copied(rest: bytes) -> StateFact:
    purpose, channel, status, on, relationship, obtained_from, opt_out = rest.decode().split("\t")
    return _fact(
        purpose, channel, status, dt.date.fromisoformat(on),
        None if relationship == "\\N" else relationship,
        None if obtained_from == "\\N" else obtained_from,
        opt_out == "t",
    )
