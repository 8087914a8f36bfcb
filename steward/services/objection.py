"""Recording objections (UK GDPR Art 21): the balancing under 21(1), the suppression under 21(3).

Direct marketing (Art 21(2)-(3)) goes through ``steward.services.unsubscribe``, the one path into
the consent ledger for refusals: an ``objected`` event for all direct marketing, in force in the
same transaction (RULES.md R2.6, R2.8), which is also the minimal suppression entry that screens
later imports (R2.7). No balancing is taken for it. Art 21(1) objections are decided by staff;
the balancing is kept in ``objection_balancings`` and chained in the audit log (Art 5(2)). The
caller owns the transaction: nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from steward.consent.events import PersonRef
from steward.errors import Conflict, InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.manifest.schema import Manifest
from steward.requests.kinds import RequestKind
from steward.requests.objection import (
    ART_21_3,
    Balancing,
    ObjectionDecision,
    ObjectionOutcome,
    decide_marketing_objection,
    decide_objection,
)
from steward.services.request_views import subject_of
from steward.services.unsubscribe import Via, record_email_unsubscribe
from steward.store import audit, objections
from steward.store.database import Store, UnitOfWork
from steward.store.people import ensure_person


@dataclass(frozen=True)
class MarketingObjection:
    """The decision, the person, and whether a new ``objected`` event was recorded (False: the
    person had already objected, unsubscribed or withdrawn, since ``in_force_since``)."""

    decision: ObjectionOutcome
    person: PersonRef
    recorded: bool
    in_force_since: dt.datetime


def object_to_direct_marketing(
    uow: UnitOfWork,
    address: str,
    *,
    request_ref: str,
    received: dt.date | dt.datetime,
    now: dt.datetime,
    via: Via = Via.EMAIL,
    channel: str = "email",
    balancing: Balancing | None = None,
) -> MarketingObjection:
    """Art 21(3): stop all direct marketing to ``address`` now. A balancing is refused: the
    right is absolute, so nothing an organisation could weigh is recorded against it."""
    if balancing is not None:
        raise InvalidInput(
            "an objection to direct marketing is absolute: no balancing is taken",
            where="balancing",
            hint="record it without grounds; it is upheld (UK GDPR Art 21(3))",
        )
    recorded = record_email_unsubscribe(
        uow, address, received=received, now=now, via=via, purpose=None, channel=channel
    )
    decision = decide_marketing_objection()
    objections.add(
        uow,
        request_ref=request_ref,
        person_ref=recorded.person,
        balancing=Balancing(
            purposes=("direct_marketing",),
            grounds=None,
            decision=ObjectionDecision.uphold,
            reasons="an objection to direct marketing is absolute: nothing is weighed",
            decided_by=uow.actor,
        ),
        outcome=decision,
    )
    audit.append(
        uow,
        action="objection.upheld",
        subject=f"person:{recorded.person}",
        payload={
            "request": request_ref,
            "citation": decision.citation,
            "purpose": recorded.purpose,
            "channel": recorded.channel,
            "recorded": recorded.recorded,
        },
    )
    return MarketingObjection(decision, recorded.person, recorded.recorded, recorded.in_force_since)


def decide_legitimate_interests_objection(
    uow: UnitOfWork,
    manifest: Manifest,
    address: str,
    *,
    request_ref: str,
    balancing: Balancing,
) -> ObjectionOutcome:
    """Art 21(1): check the balancing is complete, decide, keep it, and chain it in the audit."""
    outcome = decide_objection(manifest, balancing)
    person = ensure_person(uow, email=address)
    kept = objections.add(
        uow, request_ref=request_ref, person_ref=person, balancing=balancing, outcome=outcome
    )
    audit.append(
        uow,
        action="objection.decided",
        subject=f"person:{person}",
        payload={
            "request": request_ref,
            "balancing": kept,
            "purposes": list(balancing.purposes),
            "grounds": balancing.grounds,
            "decision": balancing.decision.value,
            "reasons": balancing.reasons,
            "decided_by": balancing.decided_by,
            "citation": outcome.citation,
        },
    )
    return outcome


def decide_request_objection(
    store: Store,
    manifest: Manifest,
    request_id: str,
    *,
    direct_marketing: bool,
    balancing: Balancing | None,
    actor: str,
    now: dt.datetime,
) -> ObjectionOutcome:
    """Decide an objection request: to direct marketing (Art 21(3): upheld, a suppression entry
    in the consent ledger at once), or under Art 21(1) on staff's balancing. The person is the
    request's e-mail address. One unit of work: the decision, its record and its audit link."""
    subject = subject_of(store, request_id, actor=actor)
    if subject.kind is not RequestKind.objection:
        raise Conflict(
            f"request {request_id} is {subject.kind.value}, not an objection",
            where=f"request {request_id}",
            hint="decide objections on objection requests only",
        )
    addresses = subject.identities.get(IdentityKind.email, ())
    if not addresses:
        raise InvalidInput(
            "the request carries no e-mail address to record the objection against",
            where=f"request {request_id}",
            hint="add the person's e-mail address to the request",
        )
    if direct_marketing == (balancing is not None):
        raise InvalidInput(
            "say either that the objection is to direct marketing, or give the balancing",
            where="objection",
            hint="--direct-marketing, or --purpose ... --decision ... --reasons ...",
        )
    with store.unit_of_work(actor) as uow:
        if balancing is None:
            decision = object_to_direct_marketing(
                uow, addresses[0], request_ref=request_id, received=subject.received, now=now
            ).decision
        else:
            decision = decide_legitimate_interests_objection(
                uow, manifest, addresses[0], request_ref=request_id, balancing=balancing
            )
        uow.commit()
    return decision


def objection_decided(store: Store, request_id: str) -> ObjectionOutcome | None:
    """The latest decision recorded for an objection request, as the person is told it."""
    with store.unit_of_work("steward", reads_only=True) as uow:
        recorded = objections.for_request(uow, request_id)
    if not recorded:
        return None
    last = recorded[-1]
    marketing = last.citation == ART_21_3
    return ObjectionOutcome(
        upheld=last.balancing.decision is ObjectionDecision.uphold,
        purposes=() if marketing else last.balancing.purposes,
        reason=last.outcome,
        citation=last.citation,
        direct_marketing=marketing,
    )
