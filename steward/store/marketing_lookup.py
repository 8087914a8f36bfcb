"""Set-based lookup of a whole marketing list against the ledger's current state.

One query for the whole list, not one per address: the list's blind indexes go into a temporary
table (PostgreSQL ``COPY``; SQLite batched inserts), one join reads every matching state, and the
rows stream back in whatever order the database finds them (no sort). Each line keeps only a small
id of its *situation* (the states bearing on the purpose), so a million lines take a few
megabytes, and equal situations share one id, so the law is asked once per situation. Plaintext
addresses never reach the database, only their keyed blind indexes (DESIGN.md §3).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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

from steward.consent.events import ConsentEventKind, PersonRef
from steward.consent.identifiers import IdentifierKind
from steward.consent.marketing_facts import (
    EVIDENCE_OBTAINED_FROM,
    EVIDENCE_OPT_OUT,
    EVIDENCE_RELATIONSHIP,
    StateFact,
    london_date,
)
from steward.consent.state import ConsentStatus
from steward.law.pecr import DetailsSource, ListSource
from steward.store.database import UnitOfWork
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


@dataclass(frozen=True)
class ListStates:
    """What the ledger holds for each line of a list.

    ``situations[of_line[line]]`` are the line's states that bear on the purpose, in a fixed
    order; situation 0 is ``()`` (no person, no relevant state, or a line never looked up).
    ``people`` holds each line's person, when asked for (unsubscribe tokens name one).
    """

    situations: Sequence[tuple[StateFact, ...]]
    of_line: array[int]
    people: Mapping[int, PersonRef] = field(default_factory=dict)

    def situation(self, line: int) -> int:
        return self.of_line[line] if line < len(self.of_line) else 0


class _Situations:
    """Hands out one id per distinct situation and records each line's."""

    def __init__(self, last_line: int) -> None:
        self.facts: list[tuple[StateFact, ...]] = [()]
        self.of_line = array("I", [0]) * (last_line + 1)
        self._ids: dict[tuple[StateFact, ...], int] = {(): 0}
        self._joined: dict[tuple[int, int], int] = {}

    def of(self, facts: tuple[StateFact, ...]) -> int:
        known = self._ids.get(facts)
        if known is None:
            known = self._ids[facts] = len(self.facts)
            self.facts.append(facts)
        return known

    def joined(self, held: int, more: int) -> int:
        """A line matching several states (several purposes, or one address under several key
        versions): the union, in one total order so the same states are the same situation."""
        key = (held, more)
        known = self._joined.get(key)
        if known is None:
            union = sorted(self.facts[held] + self.facts[more], key=_fact_order)
            known = self._joined[key] = self.of(tuple(union))
        return known

    def result(self, people: Mapping[int, PersonRef]) -> ListStates:
        return ListStates(self.facts, self.of_line, people)


def _fact_order(fact: StateFact) -> tuple[str, str, str, dt.date, str, str, bool]:
    return (
        fact.purpose,
        fact.channel,
        fact.status.value,
        fact.on,
        fact.relationship or "",
        fact.obtained_from or "",
        fact.opt_out_at_collection,
    )


def matched_states(
    uow: UnitOfWork, entries: Iterable[Entry], purpose: str, *, people: bool = False
) -> ListStates:
    """The situation of every line of ``entries`` for ``purpose`` (and, with ``people``, the
    person each line's address belongs to, from a second set-based join of the same table).

    ``entries`` must come in ascending line order. Relevant states: any state for ``purpose``,
    and objections for any purpose (RULES.md R2.6).
    """
    connection = uow.connection
    _list.drop(connection, checkfirst=True)
    _list.create(connection)
    # On an error (a bad line in the list stops ``entries``) the table is left to the unit of
    # work's rollback, which removes it: PostgreSQL refuses any statement, a DROP included, in
    # a transaction a failed COPY has aborted, and that error would hide the real one.
    if uow.dialect == "postgresql":
        situations = _Situations(_copy_in(uow, entries))
        _copy_out(uow, purpose, situations)
    else:
        situations = _Situations(_insert(uow, entries))
        _select(uow, purpose, situations)
    persons = _people(uow) if people else {}
    _list.drop(connection, checkfirst=True)
    return situations.result(persons)


def _people(uow: UnitOfWork) -> dict[int, PersonRef]:
    query = select(_list.c.line, person_identifiers.c.person_ref).join(
        person_identifiers,
        and_(
            person_identifiers.c.kind == IdentifierKind.EMAIL.value,
            person_identifiers.c.blind_index == _list.c.blind_index,
        ),
    )
    found: dict[int, PersonRef] = {}
    for line, ref in uow.connection.execute(query.execution_options(yield_per=_INSERT_BATCH)):
        found.setdefault(line, PersonRef(ref))
    return found


def _insert(uow: UnitOfWork, entries: Iterable[Entry]) -> int:
    """SQLite: batched inserts; returns the last line."""
    last = 0
    iterator = iter(entries)
    for batch in iter(lambda: list(islice(iterator, _INSERT_BATCH)), []):
        uow.connection.execute(
            insert(_list), [{"line": line, "blind_index": index} for line, index in batch]
        )
        last = batch[-1][0]
    return last


def _select(uow: UnitOfWork, purpose: str, situations: _Situations) -> None:
    solo: dict[tuple[Any, ...], int] = {}
    of_line = situations.of_line
    for row in uow.connection.execute(
        _query(purpose, postgres=False), execution_options={"yield_per": _INSERT_BATCH}
    ):
        line, *values = row
        key = tuple(values)
        situation = solo.get(key)
        if situation is None:
            situation = solo[key] = situations.of(
                (
                    _fact(
                        row.purpose,
                        row.channel,
                        row.status,
                        london_date(row.occurred_at),
                        row.relationship,
                        row.obtained_from,
                        bool(row.opt_out),
                    ),
                )
            )
        held = of_line[line]
        of_line[line] = situation if held == 0 else situations.joined(held, situation)


def _query(purpose: str, *, postgres: bool) -> Any:
    evidence = _postgres_evidence if postgres else _sqlite_evidence
    soft_opt_in = consent_states.c.status == ConsentStatus.SOFT_OPT_IN.value
    occurred: ColumnElement[Any] = (
        cast(func.timezone("Europe/London", consent_states.c.occurred_at), postgresql.DATE)
        if postgres
        else consent_states.c.occurred_at
    )
    return (
        select(
            _list.c.line,
            consent_states.c.purpose,
            consent_states.c.channel,
            consent_states.c.status,
            occurred.label("occurred_at"),
            _known(evidence(EVIDENCE_RELATIONSHIP), DetailsSource).label("relationship"),
            _known(evidence(EVIDENCE_OBTAINED_FROM), ListSource).label("obtained_from"),
            (evidence(EVIDENCE_OPT_OUT) == (literal("true") if postgres else literal(1))).label(
                "opt_out"
            ),
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
            and_(
                soft_opt_in,
                # only a soft-opt-in event sets that status: lets the database hash just those
                consent_events.c.kind == ConsentEventKind.SOFT_OPT_IN_ESTABLISHED.value,
                consent_events.c.event_id == consent_states.c.event_id,
            ),
        )
    )


def _postgres_evidence(key: str) -> ColumnElement[Any]:
    field: ColumnElement[Any] = cast(consent_events.c.evidence, JSONB)[key].astext
    return field


def _sqlite_evidence(key: str) -> ColumnElement[Any]:
    return func.json_extract(consent_events.c.evidence, f"$.{key}")


def _known(value: ColumnElement[Any], kind: type[DetailsSource] | type[ListSource]) -> Any:
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
        obtained_from=None if obtained_from is None else ListSource(obtained_from),
        opt_out_at_collection=opt_out,
    )


def _driver(uow: UnitOfWork) -> Any:
    return uow.connection.connection.driver_connection


def _copy_in(uow: UnitOfWork, entries: Iterable[Entry]) -> int:
    """PostgreSQL: one binary ``COPY``; returns the last line."""
    statement = f"COPY {LIST_TABLE} (line, blind_index) FROM STDIN (FORMAT BINARY)"
    entry: Entry = (0, b"")
    with _driver(uow).cursor() as cursor:
        with cursor.copy(statement) as copy:
            copy.set_types(["int4", "bytea"])
            for entry in entries:
                copy.write_row(entry)
        cursor.execute(f"ANALYZE {LIST_TABLE}")
    return entry[0]


def _copy_out(uow: UnitOfWork, purpose: str, situations: _Situations) -> None:
    """Stream the join as COPY text: every value is an int, slug, enum value, date or boolean,
    and most rows repeat a few situations, so each distinct text is parsed once."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    statement = str(
        _query(purpose, postgres=True).compile(
            dialect=dialect, compile_kwargs={"literal_binds": True}
        )
    )
    solo: dict[bytes, int] = {}
    of_line = situations.of_line
    with _driver(uow).cursor() as cursor, cursor.copy(f"COPY ({statement}) TO STDOUT") as copy:
        for block in copy:  # libpq's PQgetCopyData hands over one whole row per block
            line, _, rest = bytes(block).partition(b"\t")
            situation = solo.get(rest)
            if situation is None:
                situation = solo[rest] = situations.of((_copied(rest),))
            at = int(line)
            held = of_line[at]
            of_line[at] = situation if held == 0 else situations.joined(held, situation)


def _copied(rest: bytes) -> StateFact:
    fields = rest.decode().rstrip("\n").split("\t")
    purpose, channel, status, on, relationship, obtained_from, opt_out = fields
    return _fact(
        purpose,
        channel,
        status,
        dt.date.fromisoformat(on),
        None if relationship == "\\N" else relationship,
        None if obtained_from == "\\N" else obtained_from,
        opt_out == "t",
    )
