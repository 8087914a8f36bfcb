"""``steward marketing import``: record a checked list in the consent ledger, or nothing.

Nothing is imported from a list with a bad row unless the operator asks to skip bad rows
(``--skip-invalid``); then each skipped row is reported by line. Re-importing the same rows
records nothing new: each event's id is derived from its content (docs/consent.md,
"Idempotency"). RULES.md R2.3; the organisation's promise never to use bought lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from steward.consent import ledger
from steward.consent.events import ConsentEvent, ConsentEventKind, EvidenceValue, PersonRef
from steward.consent.imports import ListContext, ListEntry, RowProblem, read_list
from steward.consent.marketing_facts import LONDON, soft_opt_in_evidence
from steward.errors import InvalidInput
from steward.law.pecr import Channel
from steward.store.database import UnitOfWork

SOFT_OPT_IN_WORDING_VERSION = "list-import"
REPORTED_PROBLEMS = 50
"""How many bad rows an error or report spells out; the count always covers them all."""


@dataclass(frozen=True)
class ImportReport:
    recorded: int
    already_recorded: int
    skipped: int
    problems: tuple[RowProblem, ...]


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
    uow: UnitOfWork, path: Path, context: ListContext, *, skip_invalid: bool = False
) -> ImportReport:
    """Check the whole file first, then record each good row (two passes, streamed)."""
    if context.channel is not Channel.email:
        raise InvalidInput(
            f"lists hold email addresses; cannot import them for channel {context.channel.value!r}",
            where="channel",
            hint="choose the email channel",
        )
    problems: list[RowProblem] = []
    count = 0
    for item in _rows(path, context):
        if isinstance(item, RowProblem):
            count += 1
            if len(problems) < REPORTED_PROBLEMS:
                problems.append(item)
    if count and not skip_invalid:
        raise ListRefused(context.file, tuple(problems), count)
    recorded = replayed = 0
    for item in _rows(path, context):
        if isinstance(item, ListEntry):
            person = ledger.ensure_person(uow, email=item.email)
            result = ledger.record(uow, event_for(item, person, context))
            replayed += result.replayed
            recorded += not result.replayed
    return ImportReport(recorded, replayed, count, tuple(problems))


def _rows(path: Path, context: ListContext) -> Iterator[ListEntry | RowProblem]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput(
            f"cannot read the list: {error.strerror}",
            where=str(path),
            hint="give the path of a CSV file",
        ) from error
    with handle:
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
