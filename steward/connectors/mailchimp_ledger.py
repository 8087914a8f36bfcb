"""The consent ledger as the Mailchimp sync needs it (``SuppressionLedger``).

Who is suppressed for a purpose on email follows the ledger-to-law mapping of docs/consent.md
(RULES.md R2.6, objection and unsubscribe always win, no balancing): an objection for any
purpose, an unsubscribe for this purpose, or a withdrawal for this purpose on email. Objections
and unsubscribes made on another channel count too while ``law.pecr``'s policy says an objection
covers every channel (the default), and always when the channel is one the law does not know.

The sync is a job that talks to Mailchimp for minutes, so it must not hold a database
transaction meanwhile (SQLite has one writer; a held lock would stall one-click unsubscribes).
Each ledger read or write here is therefore its own short unit of work: a batch of pulled
changes is committed with the watermark that covers it (RULES.md R2.8: effective immediately).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence

from steward.connectors.mailchimp_sync import (
    EMAIL,
    SOURCE,
    ExternalChange,
    PullCounts,
    Suppression,
    SyncRun,
    external_event_id,
)
from steward.consent.events import ConsentEvent, ConsentEventKind, PersonRef
from steward.consent.marketing_facts import StateFact, law_facts, london_date
from steward.consent.state import ConsentState, ConsentStatus
from steward.law.pecr import DEFAULT_POLICY, Channel, PecrPolicy, objection_stops
from steward.store import mailchimp_state
from steward.store.database import Store, UnitOfWork
from steward.store.ledger import (
    ensure_person,
    find_person,
    get_person,
    record,
    states_of,
    states_with,
)

# How long one pull transaction may keep recording before it commits (SQLite's write lock is
# held meanwhile; issue 9 allows about half a second, and one more record may run past it).
TRANSACTION_BUDGET_SECONDS = 0.2
REFUSALS = tuple(status for status in ConsentStatus if status.is_refusal)
_KNOWN_CHANNELS = frozenset(channel.value for channel in Channel)


def refuses(
    states: Iterable[ConsentState], purpose: str, channel: str, on: dt.date, policy: PecrPolicy
) -> bool:
    """Whether one person's current states forbid ``purpose`` on ``channel``: a withdrawal of
    consent there, or an objection the law says covers it (RULES.md R2.6, via ``law.pecr``).

    The states are read exactly as the marketing filter reads them (``law_facts``), so
    Mailchimp and Steward's own list filter never disagree on who is suppressed.
    """
    known = tuple(
        StateFact(s.purpose, s.channel, s.status, london_date(s.occurred_at)) for s in states
    )
    facts = law_facts(known, purpose, channel)
    withdrawn = facts.consent is not None and facts.consent.withdrawn_on is not None
    return withdrawn or objection_stops(facts.objections, Channel(channel), purpose, on, policy)


def refused_since(
    states: Iterable[ConsentState], purpose: str, channel: str, on: dt.date, policy: PecrPolicy
) -> dt.datetime | None:
    """When the latest refusal in force for ``purpose`` on ``channel`` was made, or None when
    nothing refuses it: a consent given after that time is a new choice by the person."""
    refusing = [s.occurred_at for s in states if refuses((s,), purpose, channel, on, policy)]
    return max(refusing, default=None)


class LedgerSuppressions:
    """``SuppressionLedger`` over ``steward.store.ledger``, one short transaction per call."""

    def __init__(
        self,
        store: Store,
        *,
        actor: str = "mailchimp-sync",
        policy: PecrPolicy = DEFAULT_POLICY,
        transaction_budget: float = TRANSACTION_BUDGET_SECONDS,
    ) -> None:
        self._store = store
        self._actor = actor
        self._policy = policy
        self._budget = transaction_budget

    def suppressions(self, purpose: str, channel: str) -> list[Suppression]:
        today = london_date(self._store.clock())
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            refusing: dict[PersonRef, list[ConsentState]] = {}
            for each in sorted(_KNOWN_CHANNELS | {channel}):
                for state in states_with(uow, channel=each, statuses=REFUSALS):
                    if refuses((state,), purpose, channel, today, self._policy):
                        refusing.setdefault(state.person, []).append(state)
            found = []
            for person, states in refusing.items():
                email = get_person(uow, person).email
                if email is None:
                    continue
                lifted = all(s.purpose == purpose and s.channel == channel for s in states)
                latest = max(s.occurred_at for s in states)
                found.append(Suppression(email, latest, lifted))
            return sorted(found, key=lambda s: s.email)

    def pull_watermark(self, list_id: str, purpose: str) -> dt.datetime | None:
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            return mailchimp_state.watermark(uow, list_id, purpose)

    def record_pulled(
        self,
        changes: Sequence[ExternalChange],
        *,
        list_id: str,
        purpose: str,
        through: dt.datetime | None,
    ) -> PullCounts:
        """Record pulled changes in transactions that each end once they have run for the
        time budget (however slow the database is today, a writer from another process waits
        about that long at most), and move the watermark with the last of them."""
        counts = PullCounts()
        waiting = list(reversed(changes))
        while True:
            with self._store.unit_of_work(self._actor) as uow:
                started = time.perf_counter()
                today = london_date(uow.clock())
                while waiting and time.perf_counter() - started < self._budget:
                    counts += self._record_one(uow, waiting.pop(), purpose, today)
                if not waiting and through is not None:
                    mailchimp_state.advance_watermark(uow, list_id, purpose, through)
                uow.commit()
            if not waiting:
                return counts

    def _record_one(
        self, uow: UnitOfWork, change: ExternalChange, purpose: str, today: dt.date
    ) -> PullCounts:
        if change.kind is ConsentEventKind.UNSUBSCRIBED:
            # a minimal person is kept for an address Steward did not know (R2.7 suppression)
            person = ensure_person(uow, email=change.email)
            if refuses(states_of(uow, person), purpose, EMAIL, today, self._policy):
                return PullCounts(already_suppressed=1)
        else:
            found = find_person(uow, email=change.email)
            refused = None
            if found is not None:
                refused = refused_since(states_of(uow, found), purpose, EMAIL, today, self._policy)
            if found is None or refused is None or change.occurred_at <= refused:
                return PullCounts(not_resubscriptions=1)
            person = found
        result = record(
            uow,
            ConsentEvent(
                event_id=external_event_id(SOURCE, purpose, change.change, person),
                person=person,
                kind=change.kind,
                purpose=purpose,
                channel=EMAIL,
                source=SOURCE,
                wording=change.wording,
                wording_version=change.wording_version,
                occurred_at=change.occurred_at,
                evidence=dict(change.evidence),
            ),
        )
        if result.replayed:
            return PullCounts(duplicates=1)
        if change.kind is ConsentEventKind.UNSUBSCRIBED:
            return PullCounts(unsubscribes=1)
        return PullCounts(consents=1)

    def record_run(self, run: SyncRun) -> None:
        """The run's record and its audit event, committed on their own (an error elsewhere
        must not take the account of what was done with it)."""
        with self._store.unit_of_work(self._actor) as uow:
            mailchimp_state.record_run(
                uow,
                kind=run.kind,
                list_id=run.list_id,
                purpose=run.purpose,
                outcome=run.outcome,
                summary=run.summary,
            )
            uow.commit()
