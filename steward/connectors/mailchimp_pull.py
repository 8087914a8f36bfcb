"""Pulling consent changes people made in Mailchimp into the ledger, in short batches.

Two kinds of change are people's own choices and are recorded (UK GDPR Art 7(1), 7(3), 21(3);
PECR reg 22(3)(c)):

- an unsubscribe (status ``unsubscribed``): an ``unsubscribed`` event at the member's
  ``last_changed``;
- a re-subscription through Mailchimp's own confirmation (double opt-in) form after a refusal
  Steward holds: status ``subscribed`` with the time and IP the person confirmed from
  (``timestamp_opt``, ``ip_opt``; ``mailchimp_audience.confirmed_opt_in``), the time later than
  that refusal. Mailchimp will not let anyone but the person re-subscribe an unsubscribed
  address (its API answers "Member In Compliance State"), so this is the person's new consent:
  a ``given`` event at ``timestamp_opt``. Opt-ins of people Steward holds no refusal for are not
  imported (Steward does not copy an audience it did not collect).

Everything else is not a choice of the person and is skipped: ``pending`` (asked, not confirmed:
not consent), ``cleaned`` (bounced), ``archived`` (the organisation's action), ``transactional``.

The reader pages by change time (``mailchimp_audience``), so members edited while the pull runs
are not missed. The ledger writes are short units of work (at most ``write_batch`` changes, and
cut shorter by the ledger's transaction time budget); the watermark (every change at or before it
is recorded) moves only in the transaction of the last batch of a page, so an interrupted pull,
run again, re-reads from the watermark, records nothing twice (deterministic event ids) and loses
nothing. Each run re-reads ``overlap`` before the watermark, for changes Mailchimp lists late or
stamps with a second already read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from steward.connectors.mailchimp_audience import Member, confirmed_opt_in
from steward.connectors.mailchimp_client import MailchimpClient
from steward.connectors.mailchimp_sync import (
    ExternalChange,
    ProgressSink,
    PullCounts,
    SuppressionLedger,
    SyncProgress,
    SyncRun,
    ignore_progress,
)
from steward.consent.events import ConsentEventKind
from steward.errors import InvalidInput

DEFAULT_OVERLAP = timedelta(minutes=5)
DEFAULT_WRITE_BATCH = 100
OPT_IN_WORDING = (
    "Subscribed to Mailchimp audience {list_id} through Mailchimp's signup form and confirmed "
    "by email (double opt-in)"
)
OPT_IN_VERSION = "mailchimp-double-opt-in"


@dataclass(frozen=True)
class PullReport:
    seen: int  # members whose record changed in the window read
    counts: PullCounts
    skipped: int  # pending, cleaned, archived, transactional, or subscribed unconfirmed
    watermark: datetime | None  # every change at or before it is recorded

    @property
    def recorded(self) -> int:
        return self.counts.unsubscribes + self.counts.consents


def pull_changes(
    client: MailchimpClient,
    ledger: SuppressionLedger,
    list_id: str,
    *,
    purpose: str,
    since: datetime | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    write_batch: int = DEFAULT_WRITE_BATCH,
    opt_in_wording: str = OPT_IN_WORDING,
    progress: ProgressSink = ignore_progress,
) -> PullReport:
    """Record the unsubscribes and re-subscriptions made in the audience since the stored
    watermark (or ``since``, which may only go back before it: a later start would skip
    changes). The first pull of an audience reads it all."""
    if write_batch < 1:
        raise InvalidInput(f"write batch {write_batch} is below 1", where="write_batch")
    if since is not None and since.tzinfo is None:
        raise InvalidInput(
            f"'{since.isoformat()}' has no time zone", where="since", hint="add one, e.g. +00:00"
        )
    stored = ledger.pull_watermark(list_id, purpose)
    if since is not None and stored is not None and since > stored:
        raise InvalidInput(
            f"the pull would start at {since.isoformat()}, after the stored watermark "
            f"{stored.isoformat()}, and skip the changes in between",
            where="since",
            hint="leave it out to continue from the watermark, or give an earlier time",
        )
    start = since if since is not None else stored
    read_from = None if start is None else start - overlap
    wording = opt_in_wording.format(list_id=list_id)
    seen = skipped = 0
    counts = PullCounts()
    watermark = stored
    try:
        for page in client.changes_since(list_id, read_from):
            changes = []
            for member in page.members:
                seen += 1
                change = change_of(member, list_id, wording)
                if change is None:
                    skipped += 1
                else:
                    changes.append(change)
            through = _later(watermark, page.read_through)
            batches = _batches(changes, write_batch) or [[]]
            for number, batch in enumerate(batches):
                last = number == len(batches) - 1
                moves = last and through is not None and through != watermark
                if not batch and not moves:
                    continue
                counts += ledger.record_pulled(
                    batch, list_id=list_id, purpose=purpose, through=through if moves else None
                )
            watermark = through
            progress(SyncProgress("pulling changes", seen, None, _label(watermark)))
    except BaseException as error:
        summary = _summary(read_from, seen, skipped, counts, watermark) | {
            "error": type(error).__name__,
            "message": str(error),
        }
        ledger.record_run(SyncRun("pull", list_id, purpose, "failed", summary))
        raise
    summary = _summary(read_from, seen, skipped, counts, watermark)
    ledger.record_run(SyncRun("pull", list_id, purpose, "completed", summary))
    return PullReport(seen, counts, skipped, watermark)


def change_of(member: Member, list_id: str, opt_in_wording: str) -> ExternalChange | None:
    """The consent change a member's record shows, or None when it shows no choice of theirs.

    Evidence holds references only: the opt-in IP (``ip_opt``) is personal data (UK GDPR
    Recital 30) and evidence never holds identifiers (DESIGN.md §3), so Steward records whether
    Mailchimp holds one, and Mailchimp's record of the member keeps the address itself.
    """
    evidence: dict[str, str | bool] = {"mailchimp_list_id": list_id}
    if member.status == "unsubscribed":
        moment = member.last_changed
        evidence["mailchimp_last_changed"] = moment.isoformat()
        return ExternalChange(
            kind=ConsentEventKind.UNSUBSCRIBED,
            change=f"{list_id}/{moment.astimezone(UTC).isoformat()}",
            email=member.email,
            occurred_at=moment,
            wording=f"Unsubscribed from Mailchimp audience {list_id}",
            wording_version="mailchimp-v3",
            evidence=evidence,
        )
    opted = member.timestamp_opt
    if opted is not None and confirmed_opt_in(member.status, opted, member.ip_opt):
        moment = opted
        evidence["mailchimp_timestamp_opt"] = moment.isoformat()
        evidence["mailchimp_ip_opt_recorded"] = True
        return ExternalChange(
            kind=ConsentEventKind.GIVEN,
            change=f"{list_id}/opt-in/{moment.astimezone(UTC).isoformat()}",
            email=member.email,
            occurred_at=moment,
            wording=opt_in_wording,
            wording_version=OPT_IN_VERSION,
            evidence=evidence,
        )
    return None


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first if second is None else second
    return max(first, second)


def _label(moment: datetime | None) -> str:
    return "" if moment is None else f"through {moment.isoformat()}"


def _summary(
    read_from: datetime | None,
    seen: int,
    skipped: int,
    counts: PullCounts,
    watermark: datetime | None,
) -> dict[str, object]:
    return {
        "read_from": None if read_from is None else read_from.isoformat(),
        "seen": seen,
        "skipped": skipped,
        "unsubscribes": counts.unsubscribes,
        "consents": counts.consents,
        "already_suppressed": counts.already_suppressed,
        "duplicates": counts.duplicates,
        "not_resubscriptions": counts.not_resubscriptions,
        "watermark": None if watermark is None else watermark.isoformat(),
    }


def _batches(changes: Sequence[ExternalChange], size: int) -> list[Sequence[ExternalChange]]:
    return [changes[start : start + size] for start in range(0, len(changes), size)]
