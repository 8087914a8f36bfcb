"""Keeping a Mailchimp audience in step with the consent ledger: the push, and what both ways share.

Push: everyone the ledger says must not be emailed for the audience's purpose (unsubscribed,
objected, withdrew) is unsubscribed or archived in Mailchimp (RULES.md R2.6, objection and
unsubscribe always win; R2.7, keep a suppression entry). Only members that are in the audience
and not yet suppressed are sent, so people absent from the audience are not re-sent on every
push; a member who opted in again through Mailchimp's own confirmation form after the refusal is
left alone (the pull records that consent, ``mailchimp_pull``). Every run, finished or not,
writes one audit event saying what was done (DESIGN.md §2; UK GDPR Art 5(2)).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_operations import (
    CANNOT_ARCHIVE,
    BatchOperation,
    BatchProgress,
    MemberChange,
    archive_operation,
    change_for_status,
    subscriber_hash,
    unsubscribe_operation,
)
from steward.consent.events import ConsentEventKind
from steward.errors import InvalidInput

EMAIL = "email"
SOURCE = "mailchimp"
_EVENT_NAMESPACE = uuid.UUID("5f0c3a52-8d2e-4a53-9a41-6c2b7e1d9f30")


@dataclass(frozen=True)
class Suppression:
    """A person the ledger says must not be emailed for the purpose, and since when (the time
    of the latest refusal in force). ``lifted_by_opt_in`` says whether a new consent for the
    purpose on email would end it: true when every refusal in force is for this purpose on
    email; false when an objection to other marketing, or a refusal on another channel, covers
    it too, which only the person can lift by telling Steward (RULES.md R2.6: it always wins)."""

    email: str
    refused_at: datetime
    lifted_by_opt_in: bool = True


@dataclass(frozen=True)
class ExternalChange:
    """A consent change made in Mailchimp, as the ledger records it.

    ``change`` names the change at its source without naming the person (no address, no hash
    of one); with the purpose and the person's reference it gives the ledger event id
    (``external_event_id``). ``kind`` is ``unsubscribed`` or ``given`` (a re-subscription).
    """

    kind: ConsentEventKind
    change: str
    email: str
    occurred_at: datetime
    wording: str
    wording_version: str
    evidence: Mapping[str, str | bool]


@dataclass(frozen=True)
class PullCounts:
    """What one batch of pulled changes did to the ledger."""

    unsubscribes: int = 0  # new unsubscribed events
    consents: int = 0  # new given events (re-subscriptions)
    already_suppressed: int = 0  # an unsubscribe the ledger already enforces
    duplicates: int = 0  # the same Mailchimp change was recorded by an earlier pull
    not_resubscriptions: int = 0  # opt-ins with no later-lifted refusal in Steward: not imported

    def __add__(self, other: PullCounts) -> PullCounts:
        return PullCounts(
            self.unsubscribes + other.unsubscribes,
            self.consents + other.consents,
            self.already_suppressed + other.already_suppressed,
            self.duplicates + other.duplicates,
            self.not_resubscriptions + other.not_resubscriptions,
        )


@dataclass(frozen=True)
class SyncRun:
    """One push or pull as the audit record keeps it: what was done, even if it stopped."""

    kind: str  # push or pull
    list_id: str
    purpose: str
    outcome: str  # completed or failed
    summary: Mapping[str, object]


@dataclass(frozen=True)
class SyncProgress:
    """Where a long push or pull is, for a progress display (``done`` of ``total`` units)."""

    stage: str
    done: int
    total: int | None = None
    detail: str = ""


ProgressSink = Callable[[SyncProgress], None]


def ignore_progress(_progress: SyncProgress) -> None:
    """The default progress sink."""


class SuppressionLedger(Protocol):
    """What the Mailchimp sync needs from the consent ledger and Steward's store.

    ``suppressions`` lists everyone whose current states forbid emailing for the purpose
    (RULES.md R2.6). ``record_pulled`` records a batch of pulled changes in short transactions
    (so an unsubscribe from another process never waits long) and, when ``through`` is given,
    moves the pull watermark to it in the last of them. ``record_run`` keeps the run's summary
    and writes its audit event. ``mailchimp_ledger.LedgerSuppressions`` implements it.
    """

    def suppressions(self, purpose: str, channel: str) -> Iterable[Suppression]: ...

    def pull_watermark(self, list_id: str, purpose: str) -> datetime | None: ...

    def record_pulled(
        self,
        changes: Sequence[ExternalChange],
        *,
        list_id: str,
        purpose: str,
        through: datetime | None,
    ) -> PullCounts: ...

    def record_run(self, run: SyncRun) -> None: ...


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
    absent: int  # not in the audience, so nothing is sent for them
    resubscribed: int  # opted in again in Mailchimp after the refusal: left alone
    failures: tuple[MemberFailure, ...]
    batches: tuple[str, ...]  # Mailchimp batch ids, in the order they finished


@dataclass
class _PushTally:
    """A push's progress so far, so a push stopped half way can still say what it did."""

    suppressed: int = 0
    planned: int = 0
    counts: dict[MemberChange, int] = field(default_factory=lambda: dict.fromkeys(MemberChange, 0))
    resubscribed: int = 0
    failures: list[MemberFailure] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)

    def summary(self, mode: SuppressionMode) -> dict[str, object]:
        return {
            "mode": mode.value,
            "suppressed": self.suppressed,
            "planned": self.planned,
            "changed": self.counts[MemberChange.CHANGED],
            "unchanged": self.counts[MemberChange.UNCHANGED],
            "absent": self.counts[MemberChange.ABSENT],
            "resubscribed": self.resubscribed,
            "failed": len(self.failures),
            "batches_finished": list(self.batches),
        }


def push_suppressions(
    ledger: SuppressionLedger,
    client: MailchimpClient,
    list_id: str,
    *,
    purpose: str,
    mode: SuppressionMode = SuppressionMode.UNSUBSCRIBE,
    batch_size: int = 500,
    progress: ProgressSink = ignore_progress,
) -> PushReport:
    """Send every suppression for ``purpose`` by email to the audience, in batches.

    Whatever happens, one run record and audit event says what was done before any error
    propagates (the counts, and which batches finished).
    """
    if batch_size < 1:
        raise InvalidInput(f"batch size {batch_size} is below 1", where="batch_size")
    tally = _PushTally()
    try:
        _push(ledger, client, list_id, purpose, mode, batch_size, progress, tally)
    except BaseException as error:
        summary = tally.summary(mode) | {"error": type(error).__name__, "message": str(error)}
        ledger.record_run(SyncRun("push", list_id, purpose, "failed", summary))
        raise
    ledger.record_run(SyncRun("push", list_id, purpose, "completed", tally.summary(mode)))
    return PushReport(
        mode=mode,
        suppressed=tally.suppressed,
        unchanged=tally.counts[MemberChange.UNCHANGED],
        changed=tally.counts[MemberChange.CHANGED],
        absent=tally.counts[MemberChange.ABSENT],
        resubscribed=tally.resubscribed,
        failures=tuple(tally.failures),
        batches=tuple(tally.batches),
    )


def _push(
    ledger: SuppressionLedger,
    client: MailchimpClient,
    list_id: str,
    purpose: str,
    mode: SuppressionMode,
    batch_size: int,
    progress: ProgressSink,
    tally: _PushTally,
) -> None:
    wanted = {subscriber_hash(s.email): s for s in ledger.suppressions(purpose, EMAIL)}
    tally.suppressed = len(wanted)
    progress(SyncProgress("reading the audience", 0, None))
    audience = client.audience(list_id)
    plan: list[BatchOperation] = []
    for member_id in sorted(wanted):
        member = audience.get(member_id)
        if member is None:
            tally.counts[MemberChange.ABSENT] += 1
        elif member.status in mode.settled_statuses:
            tally.counts[MemberChange.UNCHANGED] += 1
        elif wanted[member_id].lifted_by_opt_in and member.opted_in_after(
            wanted[member_id].refused_at
        ):
            tally.resubscribed += 1
        elif member.status == "pending":  # Mailchimp cannot archive an unconfirmed member
            plan.append(unsubscribe_operation(list_id, member_id))
        else:
            plan.append(mode.operation(list_id, member_id))
    tally.planned = len(plan)
    sent = 0
    for chunk in _chunks(plan, batch_size):

        def show(batch: BatchProgress, before: int = sent) -> None:
            progress(
                SyncProgress(
                    "mailchimp batch",
                    before + batch.finished_operations,
                    len(plan),
                    f"{batch.batch_id} {batch.status}",
                )
            )

        outcome = client.run_batch(chunk, on_progress=show)
        results = {r.operation_id: r for r in outcome.results}
        for op in chunk:
            result = results.get(op.operation_id)
            if result is None:
                tally.failures.append(
                    MemberFailure(op.operation_id, 0, "the batch reported no result")
                )
                continue
            change = change_for_status(result.status_code)
            if change is None and result.status_code == CANNOT_ARCHIVE:
                change = client.settle_refused_archive(list_id, op.operation_id)
            if change is None:
                tally.failures.append(
                    MemberFailure(op.operation_id, result.status_code, result.detail)
                )
            else:
                tally.counts[change] += 1
        tally.batches.append(outcome.batch_id)
        sent += len(chunk)


def external_event_id(source: str, purpose: str, change: str, person: str) -> str:
    """The same change to the same person for the same purpose always gives the same ledger
    event id, so re-pulls are idempotent, and one Mailchimp change pulled for two purposes
    (two audiences settings) gives two events. Built from the person's reference, not the
    Mailchimp member id: that is the MD5 of the address, so an id made from it would let
    anyone holding a guessed address confirm it."""
    return f"{source}:{uuid.uuid5(_EVENT_NAMESPACE, f'{purpose}/{change}/{person}')}"


def _chunks(items: Sequence[BatchOperation], size: int) -> Iterator[Sequence[BatchOperation]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
