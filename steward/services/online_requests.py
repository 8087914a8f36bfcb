"""Requests the person makes themselves: the privacy centre's form and the public API.

Three use cases, each on top of ``steward.services.requests`` (the same rows, timeline, audit
chain and legal clock as a request staff enter):

- ``receive_online``: record the request (channel ``web`` or ``api``; the clock starts the day it
  arrives, RULES.md R1.1), then send a one-time code to the e-mail address given. The request is
  committed before any mail is tried, so it is never lost: with no mail server configured, or a
  mail server that fails, it stays recorded (``received``, or ``awaiting_identity`` with a code
  that can be sent again) and the receipt says what happened.
- ``verify_online``: check a code. Every refusal is one answer, whether the code is wrong,
  expired, used up or void after five tries, and whether or not the reference exists: the page
  tells a guesser nothing (RULES.md §12; UK GDPR Art 5(1)(f)).
- ``resend_online``: a new code, at most ``CODES_PER_HOUR`` for a request in any hour, and only
  while it is waiting for one; the answer is the same in every case.

``requester_status`` is what the person may see of their own request: its kind, progress and
due date, never the identifiers, notes or staff names (the web layer decides who may ask).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from steward.errors import Conflict, InvalidInput, NotFound, StewardError, StoreError
from steward.law.calendar import Nation
from steward.mail import Mailer, OutgoingMessage
from steward.requests import online
from steward.requests.clock import clock_state
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, Request, RequestStatus
from steward.requests.online import OnlineRequest
from steward.services import requests as intake
from steward.services.request_views import today
from steward.store import requests as repository
from steward.store.database import Store

__all__ = [
    "CodeDelivery",
    "CodeRefused",
    "OnlineReceipt",
    "RequesterStatus",
    "receive_online",
    "requester_status",
    "resend_online",
    "verify_online",
]

WHY_ONLINE = "made online: the code confirms the requester controls the address given"
WHY_AGAIN = "a new code asked for online"
_log = logging.getLogger("steward.requests")


class CodeDelivery(StrEnum):
    sent = "sent"
    failed = "failed"  # the mail server could not be reached: the code can be sent again
    not_configured = "not_configured"  # no mail server: staff confirm identity another way


@dataclass(frozen=True)
class OnlineReceipt:
    """What the person is told after sending the form (nothing about whether we know them)."""

    reference: str
    kind: RequestKind
    received: date
    delivery: CodeDelivery
    code_expires_at: datetime | None


class CodeRefused(InvalidInput):
    """One answer for every code that does not confirm a request."""

    def __init__(self) -> None:
        super().__init__(
            "that code did not work",
            where="code",
            hint="check the six digits in the latest e-mail we sent; a code works once, for 15 "
            "minutes and five tries; if yours has expired or stopped working, ask for a new one",
        )


@dataclass
class _Delivery:
    """Sends through ``mailer`` after the commit and remembers whether it could; a failure is
    logged by its type and where, never the address (DESIGN.md §3)."""

    mailer: Mailer
    failed: bool = False

    def send(self, message: OutgoingMessage) -> str:
        try:
            return self.mailer.send(message)
        except StewardError as error:
            self.failed = True
            _log.warning(
                "a one-time code could not be sent (%s at %s); the request and its code are "
                "recorded and a new code can be asked for",
                type(error).__name__,
                error.where,
            )
            return ""


def receive_online(
    store: Store,
    nation: Nation,
    form: OnlineRequest,
    *,
    channel: Channel,
    actor: str,
    mailer: Mailer | None,
    verify_link: str | None = None,
) -> OnlineReceipt:
    """Record the request, then send its code. ``verify_link`` may hold ``{reference}``: the
    page the code's e-mail points to."""
    valid = online.validate(form)
    day = today(store)
    request = intake.new_request(
        store,
        nation,
        kind=valid.kind,
        channel=channel,
        received=day,
        identities=valid.identities,
        actor=actor,
        details=valid.details,
        changes=valid.changes,
    )
    if mailer is None:
        return OnlineReceipt(
            request.reference, request.kind, day, CodeDelivery.not_configured, None
        )
    delivery = _Delivery(mailer)
    try:
        sent = intake.send_code(
            store,
            nation,
            request.reference,
            delivery,
            actor,
            why=WHY_ONLINE,
            verify_link=_link(verify_link, request.reference),
        )
    except StoreError as error:  # the request is committed; only its code is missing
        _log.warning("no code recorded for a request made online (%s)", type(error).__name__)
        return OnlineReceipt(request.reference, request.kind, day, CodeDelivery.failed, None)
    outcome = CodeDelivery.failed if delivery.failed else CodeDelivery.sent
    return OnlineReceipt(request.reference, request.kind, day, outcome, sent.expires_at)


def _link(template: str | None, reference: str) -> str | None:
    return None if template is None else template.replace("{reference}", reference)


def verify_online(
    store: Store, nation: Nation, reference: str, code: str, *, actor: str
) -> Request:
    """The request, verified; or ``CodeRefused``, the same for every reason (a badly typed code,
    not six digits, is said as such: that depends on nothing stored)."""
    offered = online.code_of(code)
    if not online.is_reference(reference):
        raise CodeRefused()
    try:
        return intake.verify_code(store, nation, reference, offered, actor)
    except (NotFound, InvalidInput, Conflict) as refused:
        raise CodeRefused() from refused


def resend_online(
    store: Store,
    nation: Nation,
    reference: str,
    *,
    mailer: Mailer,
    actor: str,
    verify_link: str | None = None,
) -> None:
    """Send a new code if the request is waiting for one and has not had ``CODES_PER_HOUR``
    in the last hour; otherwise nothing. Returns nothing either way: the caller's answer is the
    same for every reference."""
    if not online.is_reference(reference):
        return
    with store.unit_of_work(actor, reads_only=True) as uow:
        try:
            request = repository.get(uow, reference)
        except NotFound:
            return
        recent = repository.codes_sent_since(uow, reference, uow.clock() - timedelta(hours=1))
    if not online.may_send_code(request.status, recent):
        return
    try:
        intake.send_code(
            store,
            nation,
            reference,
            _Delivery(mailer),
            actor,
            why=WHY_AGAIN,
            verify_link=_link(verify_link, reference),
        )
    except Conflict:
        return  # verified or closed since the read: nothing is owed


@dataclass(frozen=True)
class RequesterStatus:
    """One request as its maker sees it."""

    reference: str
    kind: RequestKind
    status: RequestStatus
    channel: Channel
    received: date
    due: date
    days_left: int
    extended: bool
    finished: bool


def requester_status(
    store: Store, nation: Nation, reference: str, *, actor: str
) -> RequesterStatus:
    """The request's kind, progress and due date (recomputed today, RULES.md R1.9)."""
    with store.unit_of_work(actor, reads_only=True) as uow:
        day = today(store)
        request = repository.get(uow, reference)
    clock = clock_state(request, nation, day)
    return RequesterStatus(
        reference=request.reference,
        kind=request.kind,
        status=request.status,
        channel=request.channel,
        received=request.received,
        due=clock.due,
        days_left=clock.days_left,
        extended=request.extension is not None,
        finished=request.status.finished,
    )
