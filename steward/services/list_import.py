"""``steward marketing import``: record a checked list in the consent ledger, in short batches.

The whole file is checked first (one streamed pass): nothing is imported from a list with a bad
row unless the operator asks to skip bad rows (``--skip-invalid``); then each skipped row is
reported by line. The second pass records the good rows in batches, each its own short
transaction sized by ``store.pacing`` so the write lock is never held for more than about half a
second: an unsubscribe from another process waits at most that long and is never lost (RULES.md
R2.8; issue 9 item 2). Re-importing the same rows, or finishing an interrupted import, records
nothing twice: each event's id is derived from its content (docs/consent.md, "Idempotency").
RULES.md R2.3; the organisation's promise never to use bought lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from steward.consent.events import ConsentEvent, ConsentEventKind, EvidenceValue, PersonRef
from steward.consent.imports import ListContext, ListEntry, RowProblem, read_list
from steward.consent.list_csv import list_text
from steward.consent.marketing_facts import LONDON, soft_opt_in_evidence
from steward.errors import InvalidInput, Unavailable
from steward.law.pecr import Channel
from steward.store import consent_bulk
from steward.store.database import Store
from steward.store.pacing import BatchPacer

SOFT_OPT_IN_WORDING_VERSION = "list-import"
REPORTED_PROBLEMS = 50
"""How many bad rows an error or report spells out; the count always covers them all."""
ATTEMPTS = 5
"""How often a batch is prepared again when others created its new people meanwhile."""

Progress = Callable[[str, int, int | None], None]
"""Told (phase, rows done, rows in all or None while unknown): phase "checking", then
"recording"; for a progress bar."""


def _no_progress(_phase: str, _done: int, _total: int | None) -> None:
    return None


@dataclass(frozen=True)
class ImportReport:
    recorded: int
    already_recorded: int
    skipped: int
    problems: tuple[RowProblem, ...]
    people_created: int = 0
    batches: int = 0
    seconds: float = 0.0
    longest_write_seconds: float = 0.0
    """The longest any batch's write transaction took (the lock is held at most this long)."""


class ListRefused(InvalidInput):
    """A list with bad rows, imported without ``--skip-invalid``: nothing was recorded."""

    def __init__(self, file: str, problems: tuple[RowProblem, ...], count: int) -> None:
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} cannot be imported, so nothing was",
            where=file,
            hint="fix the rows below and import again, or pass --skip-invalid to import the "
            "good rows and skip these",
        )
        self.problems, self.count = problems, count

    def __str__(self) -> str:
        more = self.count - len(self.problems)
        lines = [super().__str__(), *(str(problem) for problem in self.problems)]
        return "\n".join(lines + ([f"... and {more} more"] if more > 0 else []))


def import_list(
    store: Store,
    path: Path,
    context: ListContext,
    *,
    actor: str,
    skip_invalid: bool = False,
    progress: Progress = _no_progress,
    pacer: BatchPacer | None = None,
) -> ImportReport:
    """Check the whole file first, then record the good rows batch by batch (two streamed
    passes). Each batch commits on its own; a run stopped part way is finished by running it
    again."""
    started = time.perf_counter()
    if context.channel is not Channel.email:
        raise InvalidInput(
            f"lists hold email addresses; cannot import them for channel {context.channel.value!r}",
            where="channel",
            hint="choose the email channel",
        )
    problems: list[RowProblem] = []
    count = good = 0
    for item in _rows(path, context):
        if isinstance(item, RowProblem):
            count += 1
            if len(problems) < REPORTED_PROBLEMS:
                problems.append(item)
        else:
            good += 1
            if good % 10_000 == 0:
                progress("checking", good, None)
    if count and not skip_invalid:
        raise ListRefused(context.file, tuple(problems), count)
    pacer = pacer or BatchPacer()
    recorded = replayed = created = batches = 0
    progress("recording", 0, good)
    entries = (item for item in _rows(path, context) if isinstance(item, ListEntry))
    while batch := list(islice(entries, pacer.size)):
        result, seconds = _record(store, batch, context, actor)
        pacer.observe(len(batch), seconds)
        recorded += result.recorded
        replayed += result.replayed
        created += result.people_created
        batches += 1
        progress("recording", recorded + replayed, good)
    return ImportReport(
        recorded,
        replayed,
        count,
        tuple(problems),
        people_created=created,
        batches=batches,
        seconds=time.perf_counter() - started,
        longest_write_seconds=pacer.longest,
    )


def _record(
    store: Store, batch: list[ListEntry], context: ListContext, actor: str
) -> tuple[consent_bulk.BatchResult, float]:
    """Prepare the batch outside any write transaction (lookups, events, digests, sealing),
    then write it in one; returns the result and the seconds the write transaction took."""
    emails = list(dict.fromkeys(entry.email for entry in batch))
    for _attempt in range(ATTEMPTS):
        with store.unit_of_work(actor=actor, reads_only=True) as uow:
            known = consent_bulk.people_by_email(uow, emails)
            keys = uow.keys
            newcomers = [consent_bulk.newcomer(keys, e) for e in emails if e not in known]
            refs = known | {person.email: person.ref for person in newcomers}
            events = [event_for(entry, refs[entry.email], context) for entry in batch]
            prepared = consent_bulk.prepare(uow, events, newcomers)
        writing = time.perf_counter()
        try:
            with store.unit_of_work(actor=actor) as uow:
                result = consent_bulk.record_batch(uow, prepared)
                uow.commit()
        except consent_bulk.StaleBatch:
            continue
        return result, time.perf_counter() - writing
    raise Unavailable(
        f"other writers kept creating the people of lines {batch[0].line}-{batch[-1].line} "
        "while this import prepared them",
        where=context.file,
        hint="run the same import again: rows already recorded are not recorded twice",
    )


def _rows(path: Path, context: ListContext) -> Iterator[ListEntry | RowProblem]:
    """One pass over the list; bytes that are not UTF-8 stop it naming their line."""
    try:
        stream = path.open("rb")
    except OSError as error:
        raise InvalidInput(
            f"cannot read the list: {error.strerror}",
            where=str(path),
            hint="give the path of a CSV file",
        ) from error
    with stream, list_text(stream, str(path)) as handle:
        yield from read_list(handle, context)


def event_for(entry: ListEntry, person: PersonRef, context: ListContext) -> ConsentEvent:
    """The ledger event one list row stands for; its id is a digest of its content."""
    evidence: dict[str, EvidenceValue] = {
        "imported": True,
        "obtained_on": entry.obtained_on.isoformat(),
        "legal_form": entry.legal_form.value,
    }
    if entry.consent is not None:
        kind = ConsentEventKind.GIVEN
        wording, version = entry.consent.wording, entry.consent.version
        occurred_at = _london(dt.datetime.fromisoformat(entry.consent.given_at))
        evidence |= {
            "obtained_from": entry.obtained_from.value,
            "consent_where": entry.consent.where,
            "names_sender": entry.consent.names_us,
        }
    else:
        assert entry.relationship is not None  # read_list gives one or the other
        kind = ConsentEventKind.SOFT_OPT_IN_ESTABLISHED
        relationship = entry.relationship
        wording = (
            f"Soft opt-in: details collected by us in a {relationship.kind.value} "
            f"({relationship.reference}) with a simple, free opt-out offered at collection"
        )
        version = SOFT_OPT_IN_WORDING_VERSION
        occurred_at = _london(dt.datetime.combine(entry.obtained_on, dt.time()))
        evidence |= soft_opt_in_evidence(
            relationship=relationship.kind,
            obtained_from=entry.obtained_from,
            opt_out_at_collection=relationship.opt_out_at_collection,
        ) | {
            "relationship_date": relationship.on.isoformat(),
            "relationship_ref": relationship.reference,
        }
    content = json.dumps(
        [
            person,
            kind.value,
            context.purpose,
            context.channel.value,
            entry.source,
            wording,
            version,
            occurred_at.isoformat(),
            evidence,
        ],
        sort_keys=True,
    )
    return ConsentEvent(
        event_id="import:" + hashlib.sha256(content.encode()).hexdigest()[:40],
        person=person,
        kind=kind,
        purpose=context.purpose,
        channel=context.channel.value,
        source=entry.source,
        wording=wording,
        wording_version=version,
        occurred_at=occurred_at,
        evidence=evidence,
    )


def _london(moment: dt.datetime) -> dt.datetime:
    """A time without a zone in a UK list is London time (RULES.md C-1)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)
