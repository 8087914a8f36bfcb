"""The response a person receives: what was done with their request, in plain words.

Built from the request's signed facts (``RequestOutcome``) and the manifest, as a ``Document``
rendered to HTML and Markdown like every page Steward publishes (``steward.notice.render``).
It says, per system, what was found, given, corrected, erased or restricted; for each record
kept, why, with the provision and the date it may go; that a marketing contact keeps only a
suppression entry, when one was kept (RULES.md R2.7); who else was told of the change (Art 19);
the objection's decision and reason; and how to complain (DPA 2018 s.164A, the ICO).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from steward.manifest.schema import Manifest
from steward.notice.document import Block, Document, Section, items, long_date, para, table
from steward.notice.rights import complaints_section
from steward.requests.kinds import RequestKind
from steward.requests.objection import SUPPRESSION_KEPT, ObjectionOutcome, suppression_note
from steward.requests.outcome import RequestOutcome, StepAction, StepEvidence

_COLUMNS = ("System", "Records", "What we did", "How many")
_DONE_WORDS = {
    StepAction.search: "found",
    StepAction.export: "given to you",
    StepAction.rectify: "corrected",
    StepAction.erase: "erased",
    StepAction.restrict: "restricted",
    StepAction.keep: "kept and restricted",
    StepAction.manual: "checked by hand",
}

_OPENING = {
    RequestKind.access: "You asked for a copy of the personal data we hold about you.",
    RequestKind.portability: "You asked for the data you gave us, in a form you can reuse.",
    RequestKind.erasure: "You asked us to erase the personal data we hold about you.",
    RequestKind.rectification: "You asked us to correct personal data we hold about you.",
    RequestKind.restriction: "You asked us to restrict how we use your personal data.",
    RequestKind.objection: "You objected to how we use your personal data.",
}


@dataclass(frozen=True)
class LetterFacts:
    """What the letter says besides the outcome: who else was told (Art 19), the objection's
    decision, and the day it is sent."""

    recipients_told: tuple[str, ...] = ()
    objection: ObjectionOutcome | None = None
    sent_on: date | None = None


def response_letter(outcome: RequestOutcome, manifest: Manifest, facts: LetterFacts) -> Document:
    day = facts.sent_on or outcome.finished_at.date()
    sections: list[Section] = [_what_we_did(outcome)]
    kept = [e for e in outcome.steps if e.action is StepAction.keep and e.records]
    if kept:
        sections.append(_kept(kept))
    if _suppression_kept(outcome.steps):
        sections.append(Section("suppression", "Why we keep a suppression entry",
                                (para(suppression_note()),)))  # fmt: skip
    if facts.objection is not None:
        sections.append(_objection(facts.objection))
    if outcome.kind.destructive:
        sections.append(_recipients(outcome.kind, facts.recipients_told))
    sections.append(complaints_section(manifest))
    return Document(
        title=f"Your request {outcome.request_id}",
        summary=para(
            f"{_OPENING[outcome.kind]} We received your request on "
            f"{long_date(outcome.received)} and answered it on {long_date(day)} "
            f"(the law's deadline was {long_date(outcome.due)}; {outcome.kind.article})."
        ),
        sections=tuple(sections),
        last_updated=day,
    )


def _suppression_kept(steps: Sequence[StepEvidence]) -> bool:
    return any(e.action is StepAction.erase and e.note.startswith(SUPPRESSION_KEPT) for e in steps)


def _what_we_did(outcome: RequestOutcome) -> Section:
    rows = [
        (e.system, e.collection or "-", _DONE_WORDS.get(e.action, e.action.value), str(_count(e)))
        for e in outcome.steps
        if e.action not in (StepAction.notify,)
    ]
    scope = outcome.scope
    blocks: list[Block] = [
        para(
            f"We searched {len(scope.systems)} system(s) ({', '.join(scope.systems) or 'none'}) "
            f"by {', '.join(scope.identity_kinds) or 'no identifier'}, covering every record "
            "whatever its age."
        ),
        table("What we did, system by system", _COLUMNS, rows),
    ]
    return Section("what-we-did", "What we did", tuple(blocks))


def _count(evidence: StepEvidence) -> int:
    if evidence.action in (StepAction.search, StepAction.export, StepAction.keep):
        return evidence.records
    return evidence.affected


def _kept(kept: Sequence[StepEvidence]) -> Section:
    entries = [
        para(f"{e.system} {e.collection}: {e.records} record(s). {'; '.join(e.kept_because)}")
        for e in kept
    ]
    return Section(
        "kept",
        "What we kept, and why",
        (
            para(
                "The law requires or allows us to keep these records for now. We have "
                "restricted them: they are stored but not used for anything else, and will be "
                "erased when the reason ends."
            ),
            items(entries),
        ),
    )


def _objection(decision: ObjectionOutcome) -> Section:
    verdict = "We have stopped." if decision.upheld else "We have not stopped, for this reason:"
    return Section(
        "objection",
        "Your objection",
        (para(f"{verdict} {decision.reason} ({decision.citation})."),),
    )


def _recipients(kind: RequestKind, told: Sequence[str]) -> Section:
    change = {
        RequestKind.erasure: "erasure",
        RequestKind.rectification: "correction",
        RequestKind.restriction: "restriction",
    }[kind]
    if not told:
        blocks: tuple[Block, ...] = (
            para(
                "We shared none of the changed data with anyone who needs telling of the "
                f"{change} (UK GDPR Art 19)."
            ),
        )
    else:
        blocks = (
            para(
                f"We have told, or are telling, each organisation we shared this data with of "
                f"the {change} (UK GDPR Art 19):"
            ),
            items(told),
        )
    return Section("recipients", "Who else we told", blocks)
