"""Telling recipients of a rectification, erasure or restriction, with evidence (UK GDPR Art 19).

``tell_recipients`` runs in the caller's transaction, the one that records the change: it writes
one evidence row per recipient the manifest lists for the affected categories
(``steward.requests.recipients``) and one audit link. A recipient hosting a system the request
acted on was told by the change itself (the connector's call); one with a contact address is
e-mailed **after** that transaction commits (``UnitOfWork.after_commit``), never for a change
that was rolled back, and its row then gets the Message-ID and time (or the failure) in a unit
of its own, with its own audit link. A recipient Steward cannot reach is a manual step, "tell X",
that stays listed until staff record how they told it (``record_told``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from steward.errors import InvalidInput, Unavailable
from steward.mail import Mailer, OutgoingMessage
from steward.manifest.datasets import DatasetMap, IdentityKind
from steward.manifest.schema import Manifest
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction, StepEvidence
from steward.requests.recipients import (
    ART_19,
    NoticeRoute,
    NoticeStatus,
    RecipientNotice,
    RecipientToTell,
    notice_text,
    recipients_for_person,
    recipients_to_tell,
)
from steward.requests.subject import Identities
from steward.services.request_reports import show_plan
from steward.services.request_views import subject_of
from steward.store import audit, recipient_notices
from steward.store.database import Store, UnitOfWork

_ACTOR = "steward:recipient-notices"


@dataclass(frozen=True)
class TellingPlan:
    """What was recorded for each recipient, and the list the person is given (Art 19)."""

    notices: tuple[RecipientNotice, ...]
    recipients: tuple[str, ...]

    @property
    def manual_steps(self) -> tuple[str, ...]:
        return tuple(n.detail for n in self.notices if n.status is NoticeStatus.manual)


def tell_recipients(
    uow: UnitOfWork,
    manifest: Manifest,
    *,
    store: Store,
    mailer: Mailer,
    request_ref: str,
    change: RequestKind,
    categories: Iterable[str],
    acted_on: Collection[str] = (),
    person: str,
) -> TellingPlan:
    """Record how each recipient is told and queue the e-mails for after the commit.

    ``person`` identifies the data subject to recipients (in the e-mail only: never stored or
    logged); ``acted_on`` names the systems whose records the request changed.
    """
    if change not in (RequestKind.rectification, RequestKind.erasure, RequestKind.restriction):
        raise InvalidInput(
            f"recipients are told of rectification, erasure or restriction, not {change.value}",
            where="change",
            hint="Art 19 covers Arts 16, 17(1) and 18 only",
        )
    told = recipients_to_tell(manifest, categories, acted_on=acted_on)
    notices: list[RecipientNotice] = []
    mail: list[tuple[int, OutgoingMessage]] = []
    for recipient in told:
        notice = _record(uow, recipient, request_ref=request_ref, change=change)
        notices.append(notice)
        if recipient.route is NoticeRoute.email and recipient.address is not None:
            text = notice_text(
                change,
                recipient,
                organisation=manifest.organisation.name,
                request_reference=request_ref,
                person=person,
            )
            mail.append((notice.id, OutgoingMessage(recipient.address, text.subject, text.text)))
    audit.append(
        uow,
        action="recipients.notice_planned",
        subject=f"request:{request_ref}",
        payload={
            "change": change.value,
            "citation": ART_19,
            "notices": [[n.id, n.recipient, n.route.value, n.status.value] for n in notices],
        },
    )
    if mail:
        uow.after_commit(lambda: send_notices(store, mailer, mail))
    return TellingPlan(tuple(notices), recipients_for_person(told))


def _record(
    uow: UnitOfWork,
    recipient: RecipientToTell,
    *,
    request_ref: str,
    change: RequestKind,
) -> RecipientNotice:
    status = {
        NoticeRoute.connector: NoticeStatus.told,
        NoticeRoute.email: NoticeStatus.pending,
        NoticeRoute.manual: NoticeStatus.manual,
    }[recipient.route]
    detail = {
        NoticeRoute.connector: recipient.note,
        NoticeRoute.email: "to be e-mailed after the change is committed",
        NoticeRoute.manual: recipient.manual_step,
    }[recipient.route]
    return recipient_notices.add(
        uow,
        request_ref=request_ref,
        recipient=recipient.recipient_id,
        change=change,
        categories=recipient.categories,
        route=recipient.route,
        status=status,
        detail=detail,
        system=",".join(recipient.systems) or None,
        told_at=uow.clock() if status is NoticeStatus.told else None,
    )


def send_notices(
    store: Store, mailer: Mailer, mail: Iterable[tuple[int, OutgoingMessage]]
) -> list[RecipientNotice]:
    """Send each e-mail, then record its evidence (or its failure) in a unit of its own, so one
    recipient's unreachable mail server neither loses nor repeats another's evidence."""
    settled: list[RecipientNotice] = []
    for notice_id, message in mail:
        try:
            message_id: str | None = mailer.send(message)
            status, detail = NoticeStatus.sent, "e-mailed to the recipient's contact address"
        except Unavailable as error:
            message_id = None
            status = NoticeStatus.failed
            detail = f"e-mail not sent ({error.message}); resend it or tell them another way"
        with store.unit_of_work(_ACTOR) as uow:
            done = recipient_notices.settle(
                uow,
                notice_id,
                status=status,
                detail=detail,
                message_id=message_id,
                told_at=uow.clock() if message_id is not None else None,
            )
            audit.append(
                uow,
                action=f"recipient.{status.value}",
                subject=f"request:{done.request_ref}",
                payload={"notice": notice_id, "recipient": done.recipient, "message": message_id},
            )
            uow.commit()
        settled.append(done)
    return settled


def record_told(uow: UnitOfWork, notice_id: int, *, how: str) -> RecipientNotice:
    """Staff told the recipient another way (telephone, letter, portal): say how."""
    if len(how.strip()) < 5:
        raise InvalidInput(
            "say how the recipient was told", where="how", hint="e.g. 'letter posted 4 Dec'"
        )
    current = recipient_notices.get(uow, notice_id)
    done = recipient_notices.settle(
        uow,
        notice_id,
        status=NoticeStatus.told,
        detail=f"told by staff: {how.strip()}",
        message_id=current.message_id,
        told_at=uow.clock(),
    )
    audit.append(
        uow,
        action="recipient.told",
        subject=f"request:{done.request_ref}",
        payload={"notice": notice_id, "recipient": done.recipient, "how": how.strip()},
    )
    return done


def notices_for(uow: UnitOfWork, request_ref: str) -> list[RecipientNotice]:
    """Every notice of a request; those whose ``status.open`` is true still need staff."""
    return recipient_notices.for_request(uow, request_ref)


_CHANGED = frozenset({StepAction.rectify, StepAction.erase, StepAction.restrict, StepAction.keep})
"""Evidence of a change to the person's records (a kept record is restricted: a change too)."""


def tell_recipients_of_request(
    store: Store,
    manifest: Manifest,
    maps: Sequence[DatasetMap],
    mailer: Mailer,
    request_id: str,
    *,
    actor: str,
) -> TellingPlan | None:
    """After a rectification, erasure or restriction has run: tell every recipient the manifest
    lists for the categories of the records it changed (Art 19), once. None for other kinds.

    The categories come from the dataset maps of the collections whose records were changed
    or kept; ``acted_on`` names their systems. A request whose recipients were told already is
    not told again: its notices are returned as they stand."""
    subject = subject_of(store, request_id, actor=actor)
    if not subject.kind.destructive:
        return None
    collections = {(m.system, c.name): c for m in maps for c in m.collections}
    categories: list[str] = []
    systems: list[str] = []
    for step in show_plan(store, request_id).steps:
        for evidence in step.evidence:
            if evidence.action not in _CHANGED or not (evidence.affected or evidence.records):
                continue
            collection = collections.get((evidence.system, evidence.collection))
            if collection is None:
                continue
            systems.append(evidence.system)
            categories.extend(c for f in collection.fields for c in f.categories)
    categories = list(dict.fromkeys(categories))
    acted_on = tuple(dict.fromkeys(systems))
    names = recipients_for_person(recipients_to_tell(manifest, categories, acted_on=acted_on))
    with store.unit_of_work(actor) as uow:
        existing = notices_for(uow, request_id)
        if existing:
            return TellingPlan(tuple(existing), names)
        plan = tell_recipients(
            uow,
            manifest,
            store=store,
            mailer=mailer,
            request_ref=request_id,
            change=subject.kind,
            categories=categories,
            acted_on=acted_on,
            person=_person(subject.identities),
        )
        uow.commit()
    return plan


def _person(identities: Identities) -> str:
    """How recipients will recognise the person: their e-mail address, else the first
    identifier the request carries (in the e-mail only; never stored or logged)."""
    for kind in (IdentityKind.email, IdentityKind.phone, *identities):
        values = identities.get(kind, ())
        if values:
            return values[0]
    return "the person named in our request"


def notify_evidence(notice: RecipientNotice, now: datetime) -> StepEvidence:
    """A notice as a line of the request's evidence: who, how, and whether it was done."""
    done = notice.status in (NoticeStatus.told, NoticeStatus.sent)
    return StepEvidence(
        notice.recipient,
        notice.system or "",
        StepAction.notify,
        1,
        1 if done else 0,
        digest_of_notice(notice),
        notice.told_at or now,
        system_ids=(notice.message_id,) if notice.message_id else (),
        note=f"{notice.route.value}, {notice.status.value}: {notice.detail}",
    )


def digest_of_notice(notice: RecipientNotice) -> str:
    """SHA-256 of what the notice covered: recipient, change, categories, route."""
    text = "\n".join((notice.recipient, notice.change.value, *notice.categories, notice.route))
    return hashlib.sha256(text.encode()).hexdigest()
