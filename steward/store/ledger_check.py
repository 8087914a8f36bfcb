"""Check the consent ledger against the audit chain: every event has its link, every link its
event, and every current state is what its events say.

The audit chain proves its own links (steward.store.audit.verify_chain); this proves the ledger
rows they stand for (UK GDPR Art 7(1) "demonstrate consent", Art 5(2) accountability). Each
recorded consent event wrote one link whose payload digest covers the event id, purpose, channel
and the event's content digest, which covers everything the client said. So:

- an edited event no longer reproduces its content digest, or no longer matches any link;
- a deleted event leaves a ``consent.*`` link with no event;
- an edited or deleted ``consent_states`` row differs from the state its latest event sets.

People merged by ``steward db reindex`` keep their old reference in ``person_merges``; an event
moved to the surviving person is checked against the reference it was recorded under.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.state import order_key, state_after
from steward.errors import InvalidInput
from steward.store.audit import payload_digest
from steward.store.database import UnitOfWork
from steward.store.tables import audit_events, consent_events, consent_states, person_merges

_BATCH = 1000
_SHOWN = 20


@dataclass(frozen=True)
class LedgerProblem:
    """One row that does not agree with the audit chain: where it is, and what is wrong."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class LedgerReport:
    events: int
    states: int
    problems: tuple[LedgerProblem, ...]
    more: int
    """Problems found beyond the first ``_SHOWN`` (counted, not listed)."""

    @property
    def intact(self) -> bool:
        return not self.problems


def payload_of(event_id: str, purpose: str, channel: str, content_digest: str) -> str:
    """The digest of a consent event's audit payload, as ``ledger.record`` writes it."""
    return payload_digest(
        {
            "event_id": event_id,
            "purpose": purpose,
            "channel": channel,
            "content_digest": content_digest,
        }
    )


def verify_ledger(uow: UnitOfWork) -> LedgerReport:
    """Stream events and states once each; memory grows with the number of consent links."""
    problems = _Problems()
    links = _consent_links(uow)
    recorded_as = _merged_into(uow)
    latest: dict[tuple[str, str, str], tuple[bytes, Any]] = {}
    events = 0
    for row in _stream(uow, select(consent_events).order_by(consent_events.c.sequence)):
        events += 1
        where = f"consent_events sequence {row.sequence} (event {row.event_id!r})"
        event = _rebuild(row, recorded_as.get(row.person_ref, ()))
        if event is None:
            problems.add(where, "its content no longer matches its content digest: edited")
        key = _link_key(payload_of(row.event_id, row.purpose, row.channel, row.content_digest))
        if links.pop(key, None) is None:
            problems.add(where, "no audit link records this event: added or edited outside Steward")
        if event is not None:
            place = (row.person_ref, row.purpose, row.channel)
            rank = order_key(event)
            if place not in latest or rank > latest[place][0]:
                latest[place] = (rank, state_after(event))
    for sequence in sorted(links.values()):
        problems.add(
            f"audit_events sequence {sequence}",
            "this consent link has no event in consent_events: the event was deleted",
        )
    states = 0
    for row in _stream(uow, select(consent_states)):
        states += 1
        place = (row.person_ref, row.purpose, row.channel)
        where = f"consent_states person:{row.person_ref} {row.purpose}/{row.channel}"
        expected = latest.pop(place, None)
        if expected is None:
            problems.add(where, "a current state with no consent event behind it")
            continue
        differs = _differences(row, expected)
        if differs:
            problems.add(where, f"edited: {differs} differ from the latest event's")
    for person, purpose, channel in sorted(latest):
        problems.add(
            f"consent_states person:{person} {purpose}/{channel}",
            "missing: consent events exist but the current state row was deleted",
        )
    return LedgerReport(events, states, tuple(problems.shown), problems.more)


class _Problems:
    def __init__(self) -> None:
        self.shown: list[LedgerProblem] = []
        self.more = 0

    def add(self, where: str, reason: str) -> None:
        if len(self.shown) < _SHOWN:
            self.shown.append(LedgerProblem(where, reason))
        else:
            self.more += 1


def _link_key(digest: str) -> int:
    """64 bits of a payload digest: a chance collision is 1 in 2**64, and memory stays small."""
    return int(digest[:16], 16)


def _consent_links(uow: UnitOfWork) -> dict[int, int]:
    query = select(audit_events.c.sequence, audit_events.c.payload_digest).where(
        audit_events.c.action.like("consent.%")
    )
    return {_link_key(row.payload_digest): row.sequence for row in _stream(uow, query)}


def _merged_into(uow: UnitOfWork) -> dict[str, tuple[str, ...]]:
    """For each surviving person, every reference merged into them (directly or in turn)."""
    direct: dict[str, list[str]] = defaultdict(list)
    for row in uow.connection.execute(select(person_merges)):
        direct[row.into_ref].append(row.merged_ref)
    resolved: dict[str, tuple[str, ...]] = {}
    for survivor in direct:
        found: list[str] = []
        pending = list(direct[survivor])
        while pending:
            ref = pending.pop()
            if ref not in found:
                found.append(ref)
                pending.extend(direct.get(ref, ()))
        resolved[survivor] = tuple(found)
    return resolved


def _rebuild(row: Any, merged: tuple[str, ...]) -> ConsentEvent | None:
    """The event as the client sent it, under the reference it was recorded with."""
    for person in (row.person_ref, *merged):
        try:
            event = ConsentEvent(
                event_id=row.event_id,
                person=PersonRef(person),
                kind=ConsentEventKind(row.kind),
                purpose=row.purpose,
                channel=row.channel,
                source=row.source,
                wording=row.wording,
                wording_version=row.wording_version,
                occurred_at=row.occurred_at,
                evidence=json.loads(row.evidence),
                opted_in=row.opted_in,
            )
        except (InvalidInput, ValueError, TypeError, AttributeError):
            return None
        if event.content_digest() == row.content_digest:
            return event
    return None


def _differences(row: Any, expected: tuple[bytes, Any]) -> str:
    rank, state = expected
    wanted = {
        "status": state.status.value,
        "kind": state.kind.value,
        "event_id": state.event_id,
        "occurred_at": state.occurred_at,
        "source": state.source,
        "wording_version": state.wording_version,
        "order_key": rank,
    }
    found = {name: getattr(row, name) for name in wanted}
    found["order_key"] = bytes(found["order_key"])
    return ", ".join(name for name in wanted if found[name] != wanted[name])


def _stream(uow: UnitOfWork, query: Any) -> Iterator[Any]:
    yield from uow.connection.execute(query, execution_options={"yield_per": _BATCH})
