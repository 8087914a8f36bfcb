"""Keeping a Mailchimp audience in step with the consent ledger, in both directions.

Push: everyone the ledger says must not be emailed for the audience's purpose (unsubscribed,
objected, withdrew) is unsubscribed or archived in Mailchimp (RULES.md R2.6, objection and
unsubscribe always win; R2.7, keep a suppression entry). Pull: unsubscribes people made in
Mailchimp become ``unsubscribed`` ledger events with Mailchimp as the source and its member id and
change time as evidence (UK GDPR Art 7(3), Art 21(3); PECR reg 22(3)(c)). Both are idempotent:
push skips members already in the wanted state and pull uses a deterministic client event id,
so re-running either changes nothing.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_operations import (
    BatchOperation,
    MemberChange,
    archive_operation,
    change_for_status,
    subscriber_hash,
    unsubscribe_operation,
)
from steward.errors import InvalidInput

EMAIL = "email"
SOURCE = "mailchimp"
# Re-read this much before the newest change seen, so a change landing in the same second as
# the last pull is not missed; the deterministic event id makes the overlap free.
PULL_OVERLAP = timedelta(seconds=1)
_EVENT_NAMESPACE = uuid.UUID("5f0c3a52-8d2e-4a53-9a41-6c2b7e1d9f30")


@dataclass(frozen=True)
class ExternalUnsubscribe:
    """An unsubscribe made outside Steward, as the ledger records it.

    ``change`` names the change at its source without naming the person (no address, no hash
    of one); with the person's reference it gives the ledger event id (``external_event_id``).
    """

    change: str
    email: str
    purpose: str
    channel: str
    source: str
    occurred_at: datetime
    wording: str
    wording_version: str
    evidence: dict[str, str]


class SuppressionLedger(Protocol):
    """What the Mailchimp sync needs from the consent ledger.

    ``suppressed_emails`` lists every address whose current states forbid emailing for the
    purpose (RULES.md R2.6); ``is_suppressed`` asks the same of one address;
    ``record_unsubscribe`` returns False when the client event id was already recorded.
    ``steward.connectors.mailchimp_ledger.LedgerSuppressions`` implements it over the ledger.
    """

    def suppressed_emails(self, purpose: str, channel: str) -> Iterable[str]: ...

    def is_suppressed(self, email: str, purpose: str, channel: str) -> bool: ...

    def record_unsubscribe(self, event: ExternalUnsubscribe) -> bool: ...


class SuppressionMode(enum.Enum):
    """How a suppressed person is taken out of the audience.

    Unsubscribe (the default) keeps the member as an opt-out that Mailchimp enforces on every
    later import; archive hides the member, but a later import can bring them back.
    """

    UNSUBSCRIBE = "unsubscribe"
    ARCHIVE = "archive"

    @property
    def settled_statuses(self) -> tuple[str, ...]:
        """Member statuses that already satisfy this mode (cleaned addresses are never mailed)."""
        if self is SuppressionMode.UNSUBSCRIBE:
            return ("unsubscribed", "cleaned")
        return ("archived", "cleaned")

    def operation(self, list_id: str, member_id: str) -> BatchOperation:
        if self is SuppressionMode.UNSUBSCRIBE:
            return unsubscribe_operation(list_id, member_id)
        return archive_operation(list_id, member_id)


@dataclass(frozen=True)
class MemberFailure:
    """A member Mailchimp would not change, named by member id (MD5), never by address."""

    member_id: str
    status_code: int
    detail: str


@dataclass(frozen=True)
class PushReport:
    mode: SuppressionMode
    suppressed: int  # people the ledger says must not be emailed for the purpose
    unchanged: int  # already unsubscribed/archived/cleaned in Mailchimp
    changed: int
    absent: int  # not in the audience, so nothing to do there
    failures: tuple[MemberFailure, ...]


@dataclass(frozen=True)
class PullReport:
    seen: int  # unsubscribed members changed since the given time
    recorded: int  # new ledger events
    already_suppressed: int  # the ledger already forbids sending to them
    duplicates: int  # the same Mailchimp change was recorded by an earlier pull
    next_since: datetime  # pass this as ``since`` next time


def push_suppressions(
    ledger: SuppressionLedger,
    client: MailchimpClient,
    list_id: str,
    *,
    purpose: str,
    mode: SuppressionMode = SuppressionMode.UNSUBSCRIBE,
    batch_size: int = 500,
) -> PushReport:
    """Send every suppression for ``purpose`` by email to the audience, in batches."""
    if batch_size < 1:
        raise InvalidInput(f"batch size {batch_size} is below 1", where="batch_size")
    wanted = {subscriber_hash(email) for email in ledger.suppressed_emails(purpose, EMAIL)}
    settled: set[str] = set()
    for status in mode.settled_statuses:
        settled |= client.member_ids_with_status(list_id, status)
    pending = sorted(wanted - settled)
    counts = {change: 0 for change in MemberChange}
    counts[MemberChange.UNCHANGED] = len(wanted) - len(pending)
    failures: list[MemberFailure] = []
    for chunk in _chunks(pending, batch_size):
        results = {
            r.operation_id: r
            for r in client.run_batch([mode.operation(list_id, member_id) for member_id in chunk])
        }
        for member_id in chunk:
            result = results.get(member_id)
            if result is None:
                failures.append(MemberFailure(member_id, 0, "the batch reported no result"))
                continue
            change = change_for_status(result.status_code)
            if change is None:
                failures.append(MemberFailure(member_id, result.status_code, result.detail))
            else:
                counts[change] += 1
    return PushReport(
        mode=mode,
        suppressed=len(wanted),
        unchanged=counts[MemberChange.UNCHANGED],
        changed=counts[MemberChange.CHANGED],
        absent=counts[MemberChange.ABSENT],
        failures=tuple(failures),
    )


def pull_unsubscribes(
    client: MailchimpClient,
    ledger: SuppressionLedger,
    list_id: str,
    since: datetime,
    *,
    purpose: str,
) -> PullReport:
    """Record in the ledger every unsubscribe made in the audience after ``since``."""
    seen = recorded = already = duplicates = 0
    newest = since
    for member in client.unsubscribed_since(list_id, since):
        seen += 1
        newest = max(newest, member.last_changed)
        if ledger.is_suppressed(member.email, purpose, EMAIL):
            already += 1
            continue
        event = ExternalUnsubscribe(
            change=f"{list_id}/{member.last_changed.astimezone(UTC).isoformat()}",
            email=member.email,
            purpose=purpose,
            channel=EMAIL,
            source=SOURCE,
            occurred_at=member.last_changed,
            wording=f"Unsubscribed from Mailchimp audience {list_id}",
            wording_version="mailchimp-v3",
            # no member id: it is the MD5 of the address, which anyone holding a guess could
            # confirm; it can always be recomputed from the person's (encrypted) address
            evidence={
                "mailchimp_list_id": list_id,
                "mailchimp_last_changed": member.last_changed.isoformat(),
            },
        )
        if ledger.record_unsubscribe(event):
            recorded += 1
        else:
            duplicates += 1
    next_since = max(since, newest - PULL_OVERLAP)
    return PullReport(seen, recorded, already, duplicates, next_since)


def external_event_id(source: str, change: str, person: str) -> str:
    """The same change to the same person always gives the same ledger event id, so re-pulls
    are idempotent. Built from the person's reference, not the Mailchimp member id: that is the
    MD5 of the address, so an id made from it would let anyone holding a guessed address
    confirm it."""
    return f"{source}:{uuid.uuid5(_EVENT_NAMESPACE, f'{change}/{person}')}"


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
