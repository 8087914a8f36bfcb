"""A data-subject request's lifecycle: statuses, and the transitions allowed between them.

Each transition is a pure function: it takes a frozen ``Request`` and the facts of the step
(the day, the reason, who) and returns the next ``Request`` plus the ``RequestEvent`` the store
records in the request's timeline and the audit chain. A step the current status does not allow
is refused with a ``Conflict`` naming the status and what is allowed from it.

UK GDPR Art 12(2)-(6), Art 12A (the clock: ``steward.requests.clock``); RULES.md §1 and §12.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from steward.errors import Conflict, InvalidInput
from steward.requests.kinds import RequestKind


class RequestStatus(StrEnum):
    received = "received"
    awaiting_identity = "awaiting_identity"  # identity asked for (Art 12(6)); the clock waits
    verified = "verified"
    planned = "planned"  # set by the engine
    approved = "approved"  # set by the engine (destructive kinds are approved by a person)
    running = "running"  # set by the engine
    completed = "completed"
    paused = "paused"  # clarification of an access request asked: the clock stops (R1.4)
    refused = "refused"  # manifestly unfounded or excessive, with reasons (Art 12(5))
    closed = "closed"  # finished with an outcome note

    @property
    def finished(self) -> bool:
        """No more work is owed: the clock no longer matters."""
        return self in (RequestStatus.completed, RequestStatus.refused, RequestStatus.closed)


class Channel(StrEnum):
    """How the request reached the organisation: any channel starts the clock (R1.1)."""

    email = "email"
    phone = "phone"
    letter = "letter"
    api = "api"
    web = "web"


class VerificationMethod(StrEnum):
    """How identity was confirmed; staff methods are recorded with who and a note (RULES §12)."""

    code = "code"  # a one-time code sent to the identifier the person gave
    document = "document"
    known_contact = "known-contact"  # the request came from contact details already held
    in_person = "in-person"


@dataclass(frozen=True)
class Pause:
    """Clarification of an access request: asked on ``asked``, answered on ``answered``."""

    asked: date
    answered: date | None = None


@dataclass(frozen=True)
class Extension:
    """Two further months for complex or numerous requests (Art 12A; RULES.md R1.5)."""

    reason: str
    told_on: date


@dataclass(frozen=True)
class Request:
    """A request's lifecycle facts; identifiers and free text live apart, sealed by the store."""

    reference: str
    kind: RequestKind
    status: RequestStatus
    channel: Channel
    received: date
    id_received: date | None = None
    verified_by: VerificationMethod | None = None
    authority_received: date | None = None
    fee_paid: date | None = None
    pauses: tuple[Pause, ...] = ()
    resume_to: RequestStatus | None = None
    extension: Extension | None = None
    refusal_reason: str | None = None
    assigned_to: str | None = None
    closed_on: date | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class RequestEvent:
    """One line of a request's timeline: the store adds the time and the actor."""

    action: str
    note: str | None = None


Transition = tuple[Request, RequestEvent]
STAFF_NAME_MAX = 200

_OPEN_BEFORE_WORK = frozenset(
    {RequestStatus.received, RequestStatus.awaiting_identity, RequestStatus.verified}
)
_UNFINISHED = frozenset(status for status in RequestStatus if not status.finished)

ALLOWED_FROM: dict[str, frozenset[RequestStatus]] = {
    "ask_identity": frozenset({RequestStatus.received, RequestStatus.awaiting_identity}),
    "verify": frozenset({RequestStatus.received, RequestStatus.awaiting_identity}),
    "pause": _OPEN_BEFORE_WORK,
    "resume": frozenset({RequestStatus.paused}),
    "extend": _UNFINISHED,
    "refuse": _UNFINISHED,
    "assign": _UNFINISHED,
    "authority": _UNFINISHED,
    "fee": _UNFINISHED,
    "plan": frozenset({RequestStatus.verified, RequestStatus.planned}),
    "approve": frozenset({RequestStatus.planned}),
    "start": frozenset({RequestStatus.planned, RequestStatus.approved, RequestStatus.running}),
    "complete": frozenset({RequestStatus.running}),
    "close": frozenset(status for status in RequestStatus if status is not RequestStatus.closed),
}
"""For each step, the statuses it may be taken from."""


def _require(request: Request, step: str) -> None:
    allowed = ALLOWED_FROM[step]
    if request.status not in allowed:
        names = ", ".join(sorted(status.value for status in allowed))
        raise Conflict(
            f"request {request.reference} is {request.status.value}; "
            f"'{step}' is allowed only when it is {names}",
            where=request.reference,
            hint=f"see its timeline with: steward request show {request.reference}",
        )


def _text(value: str | None, what: str, where: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput(f"a {what} is required", where=where, hint=f"give the {what} in words")
    return cleaned


def _not_before_receipt(request: Request, day: date, where: str) -> None:
    if day < request.received:
        raise InvalidInput(
            f"{day} is before the request was received ({request.received})",
            where=where,
            hint="give a day on or after the request's receipt",
        )


def receive(
    reference: str, kind: RequestKind, channel: Channel, received: date, *, today: date
) -> Transition:
    """A new request: its receipt day starts the clock, whatever the channel (R1.1)."""
    if received > today:
        raise InvalidInput(
            f"received {received} is in the future (today is {today})",
            where="received",
            hint="give the day the request reached the organisation",
        )
    request = Request(reference, kind, RequestStatus.received, channel, received)
    return request, RequestEvent("received", f"{kind.value} request by {channel.value}")


def ask_identity(request: Request) -> Transition:
    """Identity asked for: the clock restarts when it arrives (Art 12(6); R1.1)."""
    _require(request, "ask_identity")
    return (
        replace(request, status=RequestStatus.awaiting_identity),
        RequestEvent("identity_requested"),
    )


def verify(
    request: Request, method: VerificationMethod, on: date, note: str | None = None
) -> Transition:
    """Identity confirmed. If it had been asked for, the clock restarts on ``on`` (R1.1);
    if staff were confident without asking (a known contact), the start stays the receipt day
    (RULES.md R1.1: an unnecessary request for ID does not move the start)."""
    _require(request, "verify")
    _not_before_receipt(request, on, "on")
    if method is not VerificationMethod.code:
        note = _text(note, "note saying how identity was checked", "note")
    restarts = request.status is RequestStatus.awaiting_identity
    verified = replace(
        request,
        status=RequestStatus.verified,
        verified_by=method,
        id_received=on if restarts else request.id_received,
    )
    summary = f"identity verified by {method.value}" + (" (clock restarts)" if restarts else "")
    return verified, RequestEvent("verified", summary if note is None else f"{summary}: {note}")


def receive_authority(request: Request, on: date, note: str | None) -> Transition:
    """Evidence that a third party may act for the person arrived: the clock restarts on that
    day (RULES.md R1.1, ICO right-of-access guidance)."""
    _require(request, "authority")
    _not_before_receipt(request, on, "on")
    what = _text(note, "note of the evidence of authority", "note")
    return (
        replace(request, authority_received=on),
        RequestEvent("authority_received", f"{what} (clock restarts {on})"),
    )


def receive_fee(request: Request, on: date, note: str | None) -> Transition:
    """A fee that may lawfully be charged (Art 12(5), Art 15(3)) was paid: the clock restarts
    on that day (RULES.md R1.1, R1.8)."""
    _require(request, "fee")
    _not_before_receipt(request, on, "on")
    what = _text(note, "note of why a fee was lawful", "note")
    return (
        replace(request, fee_paid=on),
        RequestEvent("fee_paid", f"{what} (clock restarts {on})"),
    )


def pause(request: Request, asked: date, note: str | None) -> Transition:
    """Clarification asked: the clock stops, for access requests only (RULES.md R1.4)."""
    _require(request, "pause")
    if request.kind is not RequestKind.access:
        raise InvalidInput(
            f"the clock stops for clarification only on access requests; this is "
            f"{request.kind.value}",
            where="pause",
            hint="for other rights the clock restarts on identity, authority or a fee instead",
        )
    _not_before_receipt(request, asked, "asked")
    if request.pauses and request.pauses[-1].answered and asked < request.pauses[-1].answered:
        raise InvalidInput(
            f"asked {asked} is before the last clarification was answered "
            f"({request.pauses[-1].answered})",
            where="asked",
            hint="give the day this clarification was asked",
        )
    reason = _text(note, "note of what needs clarifying", "note")
    paused = replace(
        request,
        status=RequestStatus.paused,
        resume_to=request.status,
        pauses=(*request.pauses, Pause(asked)),
    )
    return paused, RequestEvent("paused", reason)


def resume(request: Request, answered: date, note: str | None = None) -> Transition:
    """The clarification answered: the clock runs again from the next day (R1.4)."""
    _require(request, "resume")
    last = request.pauses[-1]
    if answered < last.asked:
        raise InvalidInput(
            f"answered {answered} is before the clarification was asked ({last.asked})",
            where="answered",
            hint="give the day the person's answer arrived",
        )
    resumed = replace(
        request,
        status=request.resume_to or RequestStatus.received,
        resume_to=None,
        pauses=(*request.pauses[:-1], Pause(last.asked, answered)),
    )
    return resumed, RequestEvent("resumed", note)


def extend(request: Request, reason: str | None, told_on: date, notice_by: date) -> Transition:
    """Two further months, valid only if the person was told, with reasons, by ``notice_by``
    (one month from the start plus paused days: RULES.md R1.5-R1.6)."""
    _require(request, "extend")
    why = _text(reason, "reason for the extension", "reason")
    if request.extension is not None:
        raise Conflict(
            f"request {request.reference} was already extended on {request.extension.told_on}",
            where=request.reference,
            hint="an extension is two further months once; it cannot be extended again",
        )
    _not_before_receipt(request, told_on, "told_on")
    if told_on > notice_by:
        raise InvalidInput(
            f"the person was told on {told_on}, after the last day to tell them ({notice_by})",
            where="told_on",
            hint="an extension is valid only if the person is told within the first month "
            "(UK GDPR Art 12A); the one-month date stands",
        )
    extended = replace(request, extension=Extension(why, told_on))
    return extended, RequestEvent("extended", f"told {told_on}: {why}")


def refuse(request: Request, reason: str | None, on: date) -> Transition:
    """Refused as manifestly unfounded or excessive: the reasons are required, and the person
    must be told them and their right to complain (Art 12(4)-(5); RULES.md R1.8)."""
    _require(request, "refuse")
    why = _text(reason, "reason for the refusal", "reason")
    _not_before_receipt(request, on, "on")
    refused = replace(
        request, status=RequestStatus.refused, refusal_reason=why, closed_on=on, resume_to=None
    )
    return refused, RequestEvent("refused", why)


def close(request: Request, outcome: str | None, on: date) -> Transition:
    """Closed with an outcome note (answered, withdrawn, no data held, ...)."""
    _require(request, "close")
    note = _text(outcome, "note of the outcome", "outcome")
    _not_before_receipt(request, on, "on")
    closed = replace(
        request,
        status=RequestStatus.closed,
        outcome=note,
        closed_on=request.closed_on or on,
        resume_to=None,
    )
    return closed, RequestEvent("closed", note)


def assign(request: Request, staff: str | None) -> Transition:
    """Give the request to a member of staff (a name for now)."""
    _require(request, "assign")
    who = _text(staff, "staff name", "staff")
    if len(who) > STAFF_NAME_MAX:
        raise InvalidInput(
            f"a staff name is at most {STAFF_NAME_MAX} characters",
            where="staff",
            hint="give the name the team knows them by",
        )
    return replace(request, assigned_to=who), RequestEvent("assigned", f"assigned to {who}")


def plan(request: Request) -> Transition:
    """The engine planned the work (only once identity is settled)."""
    _require(request, "plan")
    return replace(request, status=RequestStatus.planned), RequestEvent("planned")


def approve(request: Request, note: str | None = None) -> Transition:
    _require(request, "approve")
    return replace(request, status=RequestStatus.approved), RequestEvent("approved", note)


def start(request: Request) -> Transition:
    """Work begins; a destructive kind must have been approved by a person first."""
    _require(request, "start")
    if request.kind.destructive and request.status is RequestStatus.planned:
        raise Conflict(
            f"request {request.reference} is {request.kind.value}, which changes data: "
            "its plan must be approved first",
            where=request.reference,
            hint=f"approve it with: steward request approve {request.reference}",
        )
    return replace(request, status=RequestStatus.running), RequestEvent("started")


def complete(request: Request, on: date, note: str | None = None) -> Transition:
    _require(request, "complete")
    return (
        replace(request, status=RequestStatus.completed, closed_on=on),
        RequestEvent("completed", note),
    )
