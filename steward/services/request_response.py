"""Finishing a request: its signed certificate, the response package, and the status completed.

The last step of answering a data-subject request (UK GDPR Art 12(3), Art 15(3), Art 20): only a
plan whose every step is done (searched, exported, changed, or done by hand and recorded) can
be answered; a system that could not be reached keeps the request open and says which
(never "complete"). The certificate is signed with the deployment's Ed25519 key so anyone can
check it offline (docs/evidence.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from steward.errors import Conflict
from steward.evidence.certificate import signed_certificate
from steward.law.calendar import Nation
from steward.mail import Mailer
from steward.manifest.datasets import DatasetMap
from steward.manifest.schema import Manifest
from steward.notice.document import Document
from steward.requests.kinds import RequestKind
from steward.requests.letter import LetterFacts, response_letter
from steward.requests.lifecycle import RequestStatus
from steward.requests.outcome import ExportedRecords, RequestOutcome
from steward.services.objection import objection_decided
from steward.services.recipient_notices import (
    notices_for,
    notify_evidence,
    tell_recipients_of_request,
)
from steward.services.request_reports import exported_records, outcome, show_plan
from steward.services.requests import EngineStep, advance
from steward.store import requests as request_rows
from steward.store.database import Store

_STEPS_FROM: dict[RequestStatus, tuple[EngineStep, ...]] = {
    RequestStatus.verified: (
        EngineStep.planned,
        EngineStep.approved,
        EngineStep.running,
        EngineStep.completed,
    ),
    RequestStatus.planned: (EngineStep.approved, EngineStep.running, EngineStep.completed),
    RequestStatus.approved: (EngineStep.running, EngineStep.completed),
    RequestStatus.running: (EngineStep.completed,),
}


@dataclass(frozen=True)
class Answer:
    """What a finished request gives back: the facts, the signed certificate, the records, and
    the letter to the person (``steward.requests.letter``)."""

    outcome: RequestOutcome
    certificate: bytes
    records: ExportedRecords
    letter: Document


def answer_request(
    store: Store,
    request_id: str,
    *,
    manifest: Manifest,
    maps: Sequence[DatasetMap],
    mailer: Mailer,
    private_pem: bytes,
    actor: str,
    now: datetime,
) -> Answer:
    """The certificate, records and letter of a request whose plan has finished; refused,
    naming what is left, while any step is pending, failed or waiting for staff.

    After a rectification, erasure or restriction, every recipient the manifest lists for the
    changed categories is told first (Art 19; once), and each notice is a line of the signed
    evidence. An objection's decision (``steward request object``) is in the letter."""
    view = show_plan(store, request_id)
    left = [step for step in view.steps if step.status not in ("done", "skipped")]
    if left:
        first = left[0]
        raise Conflict(
            f"{len(left)} step(s) of the plan are not done; the first is step {first.number} "
            f"({first.status}) in {first.system}",
            where=f"request {request_id}",
            hint="run `steward request run` again once the system is reachable, or record what "
            "was done by hand with `steward request manual`",
        )
    facts = outcome(store, request_id, actor, now)
    if facts.unreachable:
        raise Conflict(
            f"systems not reached: {', '.join(facts.unreachable)}",
            where=f"request {request_id}",
            hint="the request stays open; run it again when they are reachable",
        )
    told = tell_recipients_of_request(store, manifest, maps, mailer, request_id, actor=actor)
    objection = None
    if facts.kind is RequestKind.objection:
        objection = objection_decided(store, request_id)
        if objection is None:
            raise Conflict(
                "the objection has not been decided",
                where=f"request {request_id}",
                hint=f"decide it with `steward request object {request_id}` first",
            )
    if told is not None:
        with store.unit_of_work(actor, reads_only=True) as uow:
            notices = notices_for(uow, request_id)
        facts = replace(facts, steps=(*facts.steps, *(notify_evidence(n, now) for n in notices)))
    certificate = signed_certificate(
        facts, organisation=manifest.organisation.name, private_pem=private_pem
    )
    letter = response_letter(
        facts,
        manifest,
        LetterFacts(
            recipients_told=told.recipients if told is not None else (),
            objection=objection,
            sent_on=now.date(),
        ),
    )
    return Answer(facts, certificate, exported_records(store, request_id), letter)


def mark_completed(store: Store, nation: Nation, request_id: str, actor: str) -> None:
    """Move the request to completed through the engine's statuses, each on the timeline and
    in the audit chain, in one transaction."""
    with store.unit_of_work(actor) as uow:
        current = request_rows.get(uow, request_id, for_update=True).status
        if current is RequestStatus.completed:
            return
        steps = _STEPS_FROM.get(current)
        if steps is None:
            raise Conflict(
                f"the request is {current.value}, so it cannot be completed",
                where=f"request {request_id}",
                hint="only a verified request whose plan has run can be completed",
            )
        for step in steps:
            advance(uow, nation, request_id, step, "plan finished" if step is steps[-1] else None)
        uow.commit()
