"""The consent ledger as the Mailchimp sync needs it (``SuppressionLedger``).

Who is suppressed for a purpose on email follows the ledger-to-law mapping of docs/consent.md
(RULES.md R2.6, objection and unsubscribe always win, no balancing): an objection for any
purpose, an unsubscribe for this purpose, or a withdrawal for this purpose on email. Objections
and unsubscribes made on another channel count too while ``law.pecr``'s policy says an objection
covers every channel (the default), and always when the channel is one the law does not know.

The sync is a job that talks to Mailchimp for minutes, so it must not hold a database
transaction meanwhile (SQLite has one writer; a held lock would stall one-click unsubscribes).
Each ledger read or write here is therefore its own short unit of work, and each unsubscribe
pulled from Mailchimp is committed at once (RULES.md R2.8: effective immediately).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from steward.connectors.mailchimp_sync import ExternalUnsubscribe, external_event_id
from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.consent.ledger import (
    ensure_person,
    find_person,
    get_person,
    record,
    states_of,
    states_with,
)
from steward.consent.marketing_facts import StateFact, law_facts, london_date
from steward.consent.state import ConsentState, ConsentStatus
from steward.law.pecr import DEFAULT_POLICY, Channel, PecrPolicy, objection_stops
from steward.store.database import Store

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


class LedgerSuppressions:
    """``SuppressionLedger`` over ``steward.consent.ledger``, one short transaction per call."""

    def __init__(
        self, store: Store, *, actor: str = "mailchimp-sync", policy: PecrPolicy = DEFAULT_POLICY
    ) -> None:
        self._store = store
        self._actor = actor
        self._policy = policy

    def suppressed_emails(self, purpose: str, channel: str) -> list[str]:
        today = london_date(self._store.clock())
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            people = {
                state.person
                for each in sorted(_KNOWN_CHANNELS | {channel})
                for state in states_with(uow, channel=each, statuses=REFUSALS)
                if refuses((state,), purpose, channel, today, self._policy)
            }
            emails = (get_person(uow, person).email for person in people)
            return sorted(email for email in emails if email is not None)

    def is_suppressed(self, email: str, purpose: str, channel: str) -> bool:
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            person = find_person(uow, email=email)
            if person is None:
                return False
            today = london_date(self._store.clock())
            return refuses(states_of(uow, person), purpose, channel, today, self._policy)

    def record_unsubscribe(self, event: ExternalUnsubscribe) -> bool:
        """Record and commit it, creating a minimal person if Steward did not know the address."""
        with self._store.unit_of_work(self._actor) as uow:
            person = ensure_person(uow, email=event.email)
            result = record(
                uow,
                ConsentEvent(
                    event_id=external_event_id(event.source, event.change, person),
                    person=person,
                    kind=ConsentEventKind.UNSUBSCRIBED,
                    purpose=event.purpose,
                    channel=event.channel,
                    source=event.source,
                    wording=event.wording,
                    wording_version=event.wording_version,
                    occurred_at=event.occurred_at,
                    evidence=dict(event.evidence),
                ),
            )
            uow.commit()
        return not result.replayed
