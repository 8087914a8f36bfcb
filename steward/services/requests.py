"""Receiving, verifying and steering data-subject requests (UK GDPR Arts 12, 12A, 15-21).

Each function is one unit of work: read the request, take one step of its lifecycle
(``steward.requests.lifecycle``), recompute the due date from ``steward.law.deadlines`` with the
request's facts, write the row, its timeline line and its audit link, commit. A code is mailed
only after the commit that recorded it (``UnitOfWork.after_commit``). Reading views live in
``steward.services.request_views``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from steward.errors import InvalidInput
from steward.law.calendar import Nation
from steward.law.deadlines import LONDON
from steward.mail import Mailer, OutgoingMessage
from steward.manifest.datasets import IdentityKind
from steward.requests import lifecycle, verification
from steward.requests.clock import deadline, extension_notice_by
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, Request, Transition, VerificationMethod
from steward.requests.subject import changes_of, free_text, identities_of
from steward.services.request_views import (
    RequestLine,
    RequestView,
    list_requests,
    open_requests_for,
    show_request,
    subject_of,
    today,
)
from steward.store import requests as repository
from steward.store.database import Store, UnitOfWork

__all__ = [
    "CodeSent",
    "EngineStep",
    "RequestLine",
    "RequestView",
    "advance",
    "assign",
    "close",
    "extend",
    "list_requests",
    "new_request",
    "open_requests_for",
    "pause",
    "record_authority",
    "record_fee",
    "record_verification",
    "refuse",
    "resume",
    "send_code",
    "show_request",
    "subject_of",
    "today",
    "verify_code",
]

_Step = Callable[[Request, date], Transition]
"""A lifecycle step given the request and today's London date."""


@dataclass(frozen=True)
class CodeSent:
    """What intake says after sending a code: the same whether or not the person is known."""

    reference: str
    expires_at: datetime

    @property
    def message(self) -> str:
        return (
            f"a code was sent to the address given for {self.reference}; "
            f"it expires at {self.expires_at.astimezone(LONDON):%H:%M} (Europe/London)"
        )


def _write(uow: UnitOfWork, nation: Nation, day: date, transition: Transition) -> Request:
    request, event = transition
    repository.save(uow, request, event, due=deadline(request, nation, day).due)
    return request


def new_request(
    store: Store,
    nation: Nation,
    *,
    kind: RequestKind,
    channel: Channel,
    received: date,
    identities: Iterable[tuple[IdentityKind, str]],
    actor: str,
    details: str | None = None,
    changes: Sequence[str] = (),
    mailer: Mailer | None = None,
) -> Request:
    """Record a request as received (any channel starts the clock, R1.1). With ``mailer``, a
    one-time code is sent at once to the e-mail address given (RULES.md §12)."""
    grouped = identities_of(identities)
    wanted = changes_of(kind, changes)
    text = free_text(details, "details")
    if mailer is not None:
        _code_address(grouped.get(IdentityKind.email, ()), "identity")
    with store.unit_of_work(actor) as uow:
        day = today(store)
        request, event = lifecycle.receive(
            repository.new_reference(uow, received), kind, channel, received, today=day
        )
        due = deadline(request, nation, day).due
        repository.add(
            uow, request, event, identities=grouped, details=text, changes=wanted, due=due
        )
        if mailer is not None:
            request, _ = _send_code(uow, nation, request, mailer)
        uow.commit()
    return request


def _code_address(emails: Sequence[str], where: str) -> str:
    if not emails:
        raise InvalidInput(
            "there is no e-mail address to send a code to (codes by phone are not supported)",
            where=where,
            hint="give --email, or check identity another way: "
            "steward request verify REFERENCE --method document|known-contact|in-person "
            "--note ...",
        )
    return emails[0]


def send_code(
    store: Store,
    nation: Nation,
    reference: str,
    mailer: Mailer,
    actor: str,
    *,
    why: str | None = None,
    verify_link: str | None = None,
) -> CodeSent:
    """Send a new one-time code to the request's e-mail address; an earlier code stops
    counting. The answer is the same whoever the address belongs to (RULES.md §12). ``why``
    records the reasonable doubt that made identity worth asking for (RULES.md R1.1);
    ``verify_link``, when given, is the page where the person can type the code."""
    with store.unit_of_work(actor) as uow:
        request = repository.get(uow, reference, for_update=True)
        _, sent = _send_code(uow, nation, request, mailer, free_text(why, "note"), verify_link)
        uow.commit()
    return sent


def _send_code(
    uow: UnitOfWork,
    nation: Nation,
    request: Request,
    mailer: Mailer,
    why: str | None = None,
    verify_link: str | None = None,
) -> tuple[Request, CodeSent]:
    address = _code_address(
        repository.identities(uow, request.reference).get(IdentityKind.email, ()),
        request.reference,
    )
    asked, event = lifecycle.ask_identity(request)
    code = verification.new_code()
    keys = uow.keys
    digest = keys.blind_index(code, context=verification.code_context(request.reference))
    issued = verification.issue(request.reference, digest, keys.current, uow.clock())
    repository.add_code(uow, issued)
    day = uow.clock().astimezone(LONDON).date()
    note = "one-time code sent" + (f": {why}" if why else "")
    _write(uow, nation, day, (asked, lifecycle.RequestEvent(event.action, note)))
    message = OutgoingMessage(
        to=address,
        subject=f"Your code for request {request.reference}",
        text=(
            f"Someone asked us to act on a data protection request ({request.reference}) "
            f"using this address.\n\nYour code is {code}. It works once, for 15 minutes.\n\n"
            + (f"Enter it at {verify_link}\n\n" if verify_link else "")
            + "If you did not make this request, ignore this message.\n"
        ),
    )
    uow.after_commit(lambda: mailer.send(message))
    return asked, CodeSent(request.reference, issued.expires_at)


def verify_code(store: Store, nation: Nation, reference: str, code: str, actor: str) -> Request:
    """Check a code; the try is recorded (and counted) even when it is wrong, then a wrong,
    expired, used or void code is refused. Success restarts the clock (R1.1)."""
    offered = verification.parse_code(code)
    with store.unit_of_work(actor) as uow:
        request = repository.get(uow, reference, for_update=True)
        latest = repository.latest_code(uow, reference)
        issued = latest[1] if latest else None
        version = issued.key_version if issued else uow.keys.current
        digest = uow.keys.blind_index(
            offered, context=verification.code_context(reference), version=version
        )
        result = verification.check(issued, digest, uow.clock())
        if latest is not None and result.code is not None and result.code != issued:
            repository.save_code(uow, latest[0], result.code)
        if result.verdict is verification.CodeVerdict.accepted:
            day = today(store)
            request = _write(
                uow, nation, day, lifecycle.verify(request, VerificationMethod.code, day)
            )
        uow.commit()
    if result.verdict is not verification.CodeVerdict.accepted:
        left = f"; {result.attempts_left} tries left" if result.attempts_left else ""
        raise InvalidInput(
            result.verdict.message + left,
            where="code",
            hint=f"send a new code with: steward request verify {reference} --send-code",
        )
    return request


def record_verification(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    method: VerificationMethod,
    note: str | None,
    actor: str,
    on: date | None = None,
) -> Request:
    """Identity checked by staff in a proportionate way (RULES.md §12), with who, when and how."""
    if method is VerificationMethod.code:
        raise InvalidInput(
            "a one-time code is checked with --code, not recorded",
            where="method",
            hint="use --method document, known-contact or in-person",
        )
    return _step(
        store,
        nation,
        reference,
        actor,
        lambda request, day: lifecycle.verify(
            request, method, _not_future(on, day, "on"), free_text(note, "note")
        ),
    )


def record_authority(
    store: Store, nation: Nation, reference: str, *, note: str, actor: str, on: date | None
) -> Request:
    """A third party's authority to act arrived: the clock restarts (RULES.md R1.1)."""
    return _step(
        store,
        nation,
        reference,
        actor,
        lambda request, day: lifecycle.receive_authority(request, _not_future(on, day, "on"), note),
    )


def record_fee(
    store: Store, nation: Nation, reference: str, *, note: str, actor: str, on: date | None
) -> Request:
    """A lawful fee was paid: the clock restarts (RULES.md R1.1, R1.8)."""
    return _step(
        store,
        nation,
        reference,
        actor,
        lambda request, day: lifecycle.receive_fee(request, _not_future(on, day, "on"), note),
    )


def _step(
    store: Store,
    nation: Nation,
    reference: str,
    actor: str,
    take: _Step,
) -> Request:
    with store.unit_of_work(actor) as uow:
        day = today(store)
        request = repository.get(uow, reference, for_update=True)
        request = _write(uow, nation, day, take(request, day))
        uow.commit()
    return request


def _not_future(day: date | None, today_: date, where: str) -> date:
    chosen = day or today_
    if chosen > today_:
        raise InvalidInput(
            f"{chosen} is in the future (today is {today_})",
            where=where,
            hint="record a step once it has happened",
        )
    return chosen


def extend(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    reason: str,
    told_on: date,
    actor: str,
) -> Request:
    """Two further months, with reasons, valid only if told within the first month (R1.5)."""

    def take(request: Request, day: date) -> Transition:
        when = _not_future(told_on, day, "told_on")
        return lifecycle.extend(request, reason, when, extension_notice_by(request, day))

    return _step(store, nation, reference, actor, take)


def pause(
    store: Store, nation: Nation, reference: str, *, note: str, actor: str, asked: date | None
) -> Request:
    """Clarification of an access request asked: the clock stops (R1.4)."""

    def take(request: Request, day: date) -> Transition:
        return lifecycle.pause(request, _not_future(asked, day, "asked"), note)

    return _step(store, nation, reference, actor, take)


def resume(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    actor: str,
    answered: date | None,
    note: str | None = None,
) -> Request:
    def take(request: Request, day: date) -> Transition:
        return lifecycle.resume(request, _not_future(answered, day, "answered"), note)

    return _step(store, nation, reference, actor, take)


def refuse(store: Store, nation: Nation, reference: str, *, reason: str, actor: str) -> Request:
    """Manifestly unfounded or excessive: refused with reasons (Art 12(5); R1.8)."""
    return _step(
        store, nation, reference, actor, lambda request, day: lifecycle.refuse(request, reason, day)
    )


def close(store: Store, nation: Nation, reference: str, *, outcome: str, actor: str) -> Request:
    return _step(
        store, nation, reference, actor, lambda request, day: lifecycle.close(request, outcome, day)
    )


def assign(store: Store, nation: Nation, reference: str, *, staff: str, actor: str) -> Request:
    return _step(
        store, nation, reference, actor, lambda request, _day: lifecycle.assign(request, staff)
    )


class EngineStep(StrEnum):
    """The statuses the engine sets as it plans and runs a request."""

    planned = "planned"
    approved = "approved"
    running = "running"
    completed = "completed"


def advance(
    uow: UnitOfWork, nation: Nation, reference: str, step: EngineStep, note: str | None = None
) -> Request:
    """Move a request on as the engine works, inside the engine's own unit of work (it commits,
    with its plan or evidence rows): the row is locked, the step checked against the lifecycle,
    and the timeline line and audit link written with it."""
    request = repository.get(uow, reference, for_update=True)
    day = uow.clock().astimezone(LONDON).date()
    transition = {
        EngineStep.planned: lambda: lifecycle.plan(request),
        EngineStep.approved: lambda: lifecycle.approve(request, note),
        EngineStep.running: lambda: lifecycle.start(request),
        EngineStep.completed: lambda: lifecycle.complete(request, day, note),
    }[step]()
    return _write(uow, nation, day, transition)
