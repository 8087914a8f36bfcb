"""Recording unsubscribes: the one-click endpoint's core, and requests staff receive by email.

An unsubscribe takes effect in the same transaction as it is recorded, before any further send
(RULES.md R2.8), and is honoured whatever route it came by (R2.6). Recording is idempotent: a
second click, or the same request entered twice, finds the person already unsubscribed and
records nothing more. The person stays in the ledger as the minimal suppression entry that
screens future imports (R2.7).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from steward.consent.events import (
    ConsentEvent,
    ConsentEventKind,
    EvidenceValue,
    PersonRef,
    occurred_after,
)
from steward.consent.marketing_facts import LONDON, OBJECTION_PURPOSE
from steward.consent.purposes import PurposeCatalogue
from steward.consent.unsubscribe_token import UnsubscribeScope, UnsubscribeSigner
from steward.errors import ConfigError, InvalidInput
from steward.store import ledger
from steward.store.crypto import KeyRing
from steward.store.database import UnitOfWork

ONE_CLICK_SOURCE = "one-click"


class Via(StrEnum):
    """How a request reached staff; each is as valid as a click (RULES.md R2.6)."""

    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    IN_PERSON = "in_person"


@dataclass(frozen=True)
class UnsubscribeOutcome:
    """What was done: ``recorded`` False means the person was already unsubscribed (or had
    objected or withdrawn) for this purpose and channel, since ``in_force_since``."""

    person: PersonRef
    purpose: str
    channel: str
    recorded: bool
    kind: ConsentEventKind
    in_force_since: dt.datetime


def signer_for(ring: KeyRing) -> UnsubscribeSigner:
    """Token keys derived from every index key in the ring, so links survive rotation."""
    return UnsubscribeSigner(
        {str(version): ring.key(version).index_key for version in ring.versions},
        current=str(ring.current),
    )


def issue_token(
    uow: UnitOfWork, person: PersonRef, purpose: str, channel: str, *, purposes: PurposeCatalogue
) -> str:
    """A token for a marketing purpose the manifest declares on ``channel``: a link for any
    other id would record an unsubscribe that no send ever reads."""
    purposes.marketing(purpose, channel=channel)
    return signer_for(uow.keys).issue(UnsubscribeScope(person, purpose, channel))


def unsubscribe(uow: UnitOfWork, token: str, now: dt.datetime) -> UnsubscribeOutcome:
    """The one-click endpoint (RFC 8058): verify the token, then record the unsubscribe.

    A forged or altered token raises IntegrityError and records nothing. The purpose is not
    checked against today's manifest: it was checked when the token was issued, and a person's
    refusal is honoured even if the purpose has since been renamed or retired (R2.6).
    """
    scope = signer_for(uow.keys).verify(token)
    return _record_refusal(
        uow,
        PersonRef(scope.person_ref),
        scope.purpose,
        scope.channel,
        kind=ConsentEventKind.UNSUBSCRIBED,
        occurred_at=now,
        source=ONE_CLICK_SOURCE,
        evidence={"via": ONE_CLICK_SOURCE, "token_digest": _digest(token)},
    )


def record_email_unsubscribe(
    uow: UnitOfWork,
    address: str,
    *,
    received: dt.date | dt.datetime,
    now: dt.datetime,
    purposes: PurposeCatalogue | None = None,
    via: Via = Via.EMAIL,
    purpose: str | None = None,
    channel: str = "email",
) -> UnsubscribeOutcome:
    """A request staff received: an unsubscribe from ``purpose``, or without a purpose an
    objection to all direct marketing (UK GDPR Art 21(2)-(3); RULES.md R2.6).

    A bare date is read as the end of that day in London (but never later than ``now``), so on
    the day itself the refusal outranks anything earlier that day: the protective reading. A
    date-time later than ``now`` (beyond the clock allowance) is refused, like a later date.
    An address the ledger does not know is added, so later imports are screened (R2.7).
    ``purpose`` must be a marketing purpose ``purposes`` declares on ``channel``; an objection
    needs no catalogue, so it can be recorded before the deployment names its manifest.
    """
    if purpose is not None:
        if purposes is None:
            raise ConfigError(
                f"purpose {purpose!r} cannot be checked: no manifest was given",
                where="manifest",
                hint="name the deployment's manifest (STEWARD_MANIFEST), or record an "
                "objection to all direct marketing by giving no purpose",
            )
        purposes.marketing(purpose, channel=channel)
    occurred_at = _received_at(received, now)
    person = ledger.ensure_person(uow, email=address)
    kind = ConsentEventKind.OBJECTED if purpose is None else ConsentEventKind.UNSUBSCRIBED
    return _record_refusal(
        uow,
        person,
        purpose or OBJECTION_PURPOSE,
        channel,
        kind=kind,
        occurred_at=occurred_at,
        source=f"staff:{via.value}",
        evidence={"via": via.value, "received": received.isoformat()},
    )


def _received_at(received: dt.date | dt.datetime, now: dt.datetime) -> dt.datetime:
    if isinstance(received, dt.datetime):
        if received.tzinfo is None:
            received = received.replace(tzinfo=LONDON)
        moment = received
    else:
        moment = dt.datetime.combine(received, dt.time.max, tzinfo=LONDON)
    exact_and_later = isinstance(received, dt.datetime) and occurred_after(moment, now)
    if exact_and_later or moment.date() > now.astimezone(LONDON).date():
        raise InvalidInput(
            f"received {received.isoformat()} is in the future",
            where="received",
            hint="give the date (YYYY-MM-DD) the request actually arrived",
        )
    return min(moment, now)


def _record_refusal(
    uow: UnitOfWork,
    person: PersonRef,
    purpose: str,
    channel: str,
    *,
    kind: ConsentEventKind,
    occurred_at: dt.datetime,
    source: str,
    evidence: dict[str, EvidenceValue],
) -> UnsubscribeOutcome:
    """Record once. The event id is derived from the state it ends, so a retry or second click
    replays instead of adding an event, and a later re-subscription can be ended again."""
    state = ledger.current_state(uow, person, purpose, channel)
    if state is not None and state.status.is_refusal:
        return UnsubscribeOutcome(person, purpose, channel, False, state.kind, state.occurred_at)
    ends = state.event_id if state is not None else "-"
    event_id = "refusal:" + _digest(f"{person}|{purpose}|{channel}|{kind.value}|{ends}")
    event = ConsentEvent(
        event_id=event_id,
        person=person,
        kind=kind,
        purpose=purpose,
        channel=channel,
        source=source,
        wording="",
        wording_version="",
        occurred_at=occurred_at,
        evidence=evidence,
    )
    try:
        result = ledger.record(uow, event)
    except ledger.ConflictingEvent:
        # A concurrent click on the same link recorded it first with its own time.
        found = ledger.current_state(uow, person, purpose, channel)
        assert found is not None
        return UnsubscribeOutcome(person, purpose, channel, False, found.kind, found.occurred_at)
    return UnsubscribeOutcome(
        person, purpose, channel, not result.replayed, kind, result.state.occurred_at
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:40]
