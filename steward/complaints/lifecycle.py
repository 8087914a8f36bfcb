"""A complaint's lifecycle: received, acknowledged, progress, outcome recorded, closed.

Each transition is a pure function: it takes a frozen ``Complaint`` and the facts of the step
(the day, how, what) and returns the next ``Complaint`` and the ``ComplaintEvent`` the store
writes to the complaint's timeline and the audit chain. A step the current status does not allow
is a ``Conflict`` that names the status and the statuses the step needs.

DPA 2018 s.164A (inserted by DUAA 2025 s.103): acknowledge receipt within 30 days, take
appropriate steps to respond (enquiries, keeping the complainant informed of progress) and tell
them the outcome, without undue delay. RULES.md R7.1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from steward.errors import Conflict, InvalidInput

NOTE_MAX = 10_000
"""The longest note or outcome kept; the full correspondence stays in the mail system."""


class ComplaintStatus(StrEnum):
    received = "received"
    acknowledged = "acknowledged"  # receipt acknowledged (s.164A(3)); enquiries under way
    outcome_recorded = "outcome_recorded"  # the complainant was told the outcome
    closed = "closed"

    @property
    def open(self) -> bool:
        return self is not ComplaintStatus.closed


class ComplaintChannel(StrEnum):
    """How the complaint arrived. Any channel counts (ICO guidance: including phone and social
    media); the public form is ``web``, everything else is entered by staff."""

    web = "web"
    email = "email"
    phone = "phone"
    letter = "letter"
    in_person = "in-person"
    social_media = "social-media"


class AckMethod(StrEnum):
    """How receipt was acknowledged. ``email`` is sent by Steward (or, recorded by staff, from
    another mailbox); a letter or a receipt handed over in person is recorded by staff."""

    email = "email"
    letter = "letter"
    in_person = "in-person"


class ClosureReason(StrEnum):
    """Why a complaint was closed: resolved once the outcome was given; withdrawn by the
    complainant; or not a data-protection complaint at all (outside s.164A)."""

    resolved = "resolved"
    withdrawn = "withdrawn"
    not_data_protection = "not-data-protection"


@dataclass(frozen=True)
class Complaint:
    """A complaint's lifecycle facts. Who complained and what they said live apart
    (``steward.complaints.intake``), sealed by the store; ``outcome`` is sealed too."""

    reference: str
    channel: ComplaintChannel
    received: date
    status: ComplaintStatus
    request_ref: str | None = None
    acknowledged_on: date | None = None
    acknowledged_by: AckMethod | None = None
    progress_updates: int = 0
    last_told_on: date | None = None  # the last day the complainant was told of progress
    outcome: str | None = None
    outcome_told_on: date | None = None
    closed_on: date | None = None
    closure: ClosureReason | None = None


@dataclass(frozen=True)
class ComplaintEvent:
    """One line of a complaint's timeline: the store adds the time and the actor. ``told_on``
    is the day the complainant was told (acknowledgement, progress, outcome), if they were."""

    action: str
    note: str | None = None
    told_on: date | None = None


Transition = tuple[Complaint, ComplaintEvent]

_BEFORE_OUTCOME = frozenset({ComplaintStatus.received, ComplaintStatus.acknowledged})
ALLOWED_FROM: dict[str, frozenset[ComplaintStatus]] = {
    "acknowledge": frozenset({ComplaintStatus.received}),
    "progress": _BEFORE_OUTCOME,
    "outcome": frozenset({ComplaintStatus.acknowledged}),
    "close": frozenset(status for status in ComplaintStatus if status.open),
}
"""For each step, the statuses it may be taken from."""


def _require(complaint: Complaint, step: str) -> None:
    allowed = ALLOWED_FROM[step]
    if complaint.status in allowed:
        return
    names = ", ".join(sorted(status.value for status in allowed))
    hint = f"see its timeline with: steward complaint show {complaint.reference}"
    if step == "outcome" and complaint.status is ComplaintStatus.received:
        hint = (
            "acknowledge it first; an outcome letter that also acknowledges receipt is recorded "
            f"with: steward complaint acknowledge {complaint.reference} --by letter --note ..."
        )
    raise Conflict(
        f"complaint {complaint.reference} is {complaint.status.value}; "
        f"'{step}' is allowed only when it is {names}",
        where=complaint.reference,
        hint=hint,
    )


def required_text(value: str | None, what: str, where: str) -> str:
    """Trimmed text a step cannot do without, at most ``NOTE_MAX`` characters."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidInput(f"a {what} is required", where=where, hint=f"give the {what} in words")
    if len(cleaned) > NOTE_MAX:
        raise InvalidInput(
            f"the {what} is longer than {NOTE_MAX} characters",
            where=where,
            hint="summarise it; keep the full correspondence in your mail system",
        )
    return cleaned


def _not_before(complaint: Complaint, day: date, where: str) -> None:
    if day < complaint.received:
        raise InvalidInput(
            f"{day} is before the complaint was received ({complaint.received})",
            where=where,
            hint="give a day on or after the complaint's receipt",
        )


def receive(
    reference: str, channel: ComplaintChannel, received: date, *, request_ref: str | None = None
) -> Transition:
    """A new complaint; whether s.164A's clock applies is ``steward.complaints.clock``'s."""
    complaint = Complaint(reference, channel, received, ComplaintStatus.received, request_ref)
    note = f"complaint by {channel.value}"
    if request_ref is not None:
        note += f" about request {request_ref}"
    return complaint, ComplaintEvent("received", note)


def acknowledge(
    complaint: Complaint,
    method: AckMethod,
    on: date,
    *,
    sent_by_steward: bool,
    note: str | None = None,
) -> Transition:
    """Receipt acknowledged on ``on`` (s.164A(3)); whether that was in time is the clock's.
    A staff-recorded acknowledgement says what was sent (or handed over)."""
    _require(complaint, "acknowledge")
    _not_before(complaint, on, "on")
    how = {
        AckMethod.email: "by e-mail",
        AckMethod.letter: "by letter",
        AckMethod.in_person: "in person",
    }[method]
    if sent_by_steward:
        if method is not AckMethod.email:
            raise InvalidInput(
                "Steward sends acknowledgements by e-mail only",
                where="method",
                hint="record a letter or a receipt handed over in person with --by and --on",
            )
        summary = f"receipt acknowledged {how}, sent by Steward"
        written = note
    else:
        summary = f"receipt acknowledged {how} (recorded by staff)"
        written = required_text(note, "note of what was sent or handed over", "note")
    acknowledged = replace(
        complaint,
        status=ComplaintStatus.acknowledged,
        acknowledged_on=on,
        acknowledged_by=method,
    )
    text = summary if written is None else f"{summary}: {written}"
    return acknowledged, ComplaintEvent("acknowledged", text, told_on=on)


def progress(complaint: Complaint, note: str | None, on: date, *, told: bool) -> Transition:
    """A step taken to respond: an enquiry made, or the complainant told how things stand
    (s.164A: keeping the complainant informed of progress). ``told`` marks the latter."""
    _require(complaint, "progress")
    _not_before(complaint, on, "on")
    if told and complaint.acknowledged_on is None:
        raise Conflict(
            f"complaint {complaint.reference} has not been acknowledged; "
            "telling the complainant of progress acknowledges receipt",
            where=complaint.reference,
            hint="record the acknowledgement first: steward complaint acknowledge "
            f"{complaint.reference}",
        )
    text = required_text(note, "note of the step taken", "note")
    updated = replace(
        complaint,
        progress_updates=complaint.progress_updates + 1,
        last_told_on=on if told else complaint.last_told_on,
    )
    action = "progress_told" if told else "progress"
    return updated, ComplaintEvent(action, text, told_on=on if told else None)


def record_outcome(complaint: Complaint, outcome: str | None, told_on: date) -> Transition:
    """The outcome, and the day the complainant was told it (s.164A: without undue delay)."""
    _require(complaint, "outcome")
    text = required_text(outcome, "outcome", "outcome")
    acknowledged = complaint.acknowledged_on or complaint.received
    if told_on < acknowledged:
        raise InvalidInput(
            f"told {told_on} is before receipt was acknowledged ({acknowledged})",
            where="told_on",
            hint="give the day the complainant was told the outcome",
        )
    decided = replace(
        complaint, status=ComplaintStatus.outcome_recorded, outcome=text, outcome_told_on=told_on
    )
    return decided, ComplaintEvent("outcome_recorded", text, told_on=told_on)


def close(
    complaint: Complaint, reason: ClosureReason, on: date, note: str | None = None
) -> Transition:
    """Closed: ``resolved`` once the outcome was given; ``withdrawn`` or
    ``not-data-protection`` (not about the complainant's personal data, so outside s.164A)
    before that, with a note saying why."""
    _require(complaint, "close")
    _not_before(complaint, on, "on")
    resolved = complaint.status is ComplaintStatus.outcome_recorded
    if reason is ClosureReason.resolved and not resolved:
        raise Conflict(
            f"complaint {complaint.reference} has no outcome recorded; it cannot be resolved",
            where=complaint.reference,
            hint="record the outcome first (steward complaint outcome), or close it as "
            "withdrawn or not-data-protection with a note",
        )
    if reason is not ClosureReason.resolved and resolved:
        raise Conflict(
            f"complaint {complaint.reference} has its outcome recorded; close it as resolved",
            where=complaint.reference,
            hint=f"steward complaint close {complaint.reference} --reason resolved",
        )
    if reason is ClosureReason.resolved:
        text = None if note is None or not note.strip() else required_text(note, "note", "note")
    else:
        text = required_text(note, "note saying why it is closed", "note")
    closed = replace(complaint, status=ComplaintStatus.closed, closed_on=on, closure=reason)
    summary = f"closed: {reason.value}"
    return closed, ComplaintEvent("closed", summary if text is None else f"{summary}: {text}")
