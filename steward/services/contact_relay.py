"""The contact-form relay (issue 12 item 6): check an enquiry from the organisation's website,
forward it by e-mail to the configured inbox, and keep nothing but a count.

The seed policy promises that "the contact forms ... do not store any personal data you may
insert"; this is the code that makes it true (docs/relay.md). What a person typed lives only in
this call: it is read (``steward.relay.enquiry``), put in one message, handed to the mailer, and
dropped. The database gets one counter per UK day and outcome; the log gets the outcome and the
reason in fixed words, never a value.

Because nothing is kept, a message the mail server did not take is lost unless the person
knows: ``NotSent`` says plainly that it was NOT sent and where else to write, and the caller
shows the person their own words so they can copy them. No copy is ever sent to the address
the person gave: that would let anyone use the form to send mail to any address.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import formataddr
from enum import StrEnum

from steward.errors import InvalidInput, StewardError, Unavailable
from steward.mail import Mailer, OutgoingMessage
from steward.relay.enquiry import Enquiry, InvalidEnquiry, read_enquiry
from steward.relay.screening import (
    HONEYPOT,
    STARTED,
    RelayPolicy,
    Verdict,
    counted_day,
    request_origin,
    screen,
)
from steward.store import relay_counts
from steward.store.database import Store

_log = logging.getLogger("steward.relay")
ACTOR = "contact-relay"
SUBJECT_PREFIX = "Website enquiry"


class Outcome(StrEnum):
    """What became of one post; the counter's key (with the day)."""

    SENT = "sent"
    SPAM = "spam"
    REFUSED = "refused"
    MAIL_FAILED = "mail_failed"


@dataclass(frozen=True)
class Submission:
    """One post as it arrived: the form's fields and the headers that say which site sent it.
    Its fields never appear in its ``repr``."""

    fields: Mapping[str, str | None] = field(repr=False)
    origin_header: str | None = None
    referer_header: str | None = None


@dataclass(frozen=True)
class Accepted:
    """The answer the sender sees: "sent". ``outcome`` is SPAM when a robot was answered as if
    its post had gone (it must not learn what gave it away); ``site`` is the allowed origin the
    form came from, for a link back."""

    outcome: Outcome
    site: str


class OriginRefused(StewardError):
    """The post came from a page that is not on the relay's allow-list (or named no page)."""


class StaleForm(InvalidInput):
    """Steward's hosted form was served more than a day ago, or its timing field altered."""


class NotSent(Unavailable):
    """The enquiry was NOT sent (the mail server is down or refused it, or no inbox is set);
    ``write_to`` is the address the person may write to instead, when there is one."""

    def __init__(self, message: str, *, write_to: str | None, where: str | None = None) -> None:
        hint = (
            f"please try again in a few minutes, or write to {write_to}"
            if write_to
            else "please try again later, or contact the organisation another way"
        )
        super().__init__(message, where=where, hint=hint)
        self.write_to = write_to


def relay_enquiry(
    store: Store,
    mailer: Mailer | None,
    policy: RelayPolicy,
    submission: Submission,
    *,
    key: bytes,
    own_origin: str | None = None,
) -> Accepted:
    """Screen, check and forward one post; count its outcome.

    Raises OriginRefused or StaleForm (counted as refused), InvalidEnquiry (refused: every
    field to fix) or NotSent (mail_failed). ``key`` checks the hosted form's signed fill time;
    ``own_origin`` is Steward's own address, allowed for that form.
    """
    now = store.clock()
    origin = request_origin(submission.origin_header, submission.referer_header)
    allowed = policy.origins if own_origin is None else (*policy.origins, own_origin)
    screening = screen(
        origin=origin,
        allowed=allowed,
        honeypot=submission.fields.get(HONEYPOT),
        started=submission.fields.get(STARTED),
        key=key,
        now=now,
        min_fill_seconds=policy.min_fill_seconds,
    )
    if screening.verdict is Verdict.WRONG_SITE:
        _count(store, Outcome.REFUSED, screening.reason)
        raise OriginRefused(
            "this form may not send through this relay: the page it is on is not one of the "
            "sites allowed to use it",
            where="Origin",
            hint="the site's owner must add the page's address to STEWARD_RELAY_ORIGINS; a "
            "page sent with 'Referrer-Policy: no-referrer' names no site (docs/relay.md)",
        )
    if screening.verdict is Verdict.STALE_FORM:
        _count(store, Outcome.REFUSED, screening.reason)
        raise StaleForm(
            "this form has expired or was altered: nothing was sent",
            where=STARTED,
            hint="reload the page with the form, and send your message again",
        )
    assert origin is not None
    if screening.verdict is Verdict.SPAM:
        _count(store, Outcome.SPAM, screening.reason)
        return Accepted(Outcome.SPAM, origin)
    try:
        enquiry = read_enquiry(submission.fields)
    except InvalidEnquiry as error:
        fields = ", ".join(problem.where for problem in error.problems)
        _count(store, Outcome.REFUSED, f"fields to fix: {fields}")
        raise
    if policy.inbox is None or mailer is None:
        missing = "STEWARD_RELAY_INBOX" if policy.inbox is None else "STEWARD_SMTP_HOST"
        _count(store, Outcome.MAIL_FAILED, f"not configured ({missing} unset)")
        raise NotSent(
            "your message was NOT sent: this contact form is not connected to an inbox",
            write_to=None,
        )
    try:
        mailer.send(enquiry_message(enquiry, inbox=policy.inbox, site=origin))
    except StewardError as error:
        _count(store, Outcome.MAIL_FAILED, f"the mail server failed ({type(error).__name__})")
        raise NotSent(
            "your message was NOT sent: the mail server did not accept it",
            write_to=policy.inbox,
        ) from error
    _count(store, Outcome.SENT, "forwarded to the inbox")
    return Accepted(Outcome.SENT, origin)


def enquiry_message(enquiry: Enquiry, *, inbox: str, site: str) -> OutgoingMessage:
    """The mail to the inbox. From stays Steward's own address (a visitor's address in From
    would fail the domain's SPF/DMARC checks); Reply-To is the sender, so answering is one
    click."""
    subject = (
        f"{SUBJECT_PREFIX}: {enquiry.topic}"
        if enquiry.topic
        else f"{SUBJECT_PREFIX} from {enquiry.name}"
    )
    lines = [
        f"Name: {enquiry.name}",
        f"E-mail: {enquiry.email}",
    ]
    if enquiry.phone:
        lines.append(f"Phone: {enquiry.phone}")
    if enquiry.topic:
        lines.append(f"Subject: {enquiry.topic}")
    lines += [
        "",
        enquiry.message,
        "",
        "-- ",
        f"Sent with the contact form on {site}. Reply to this message to answer the sender.",
        "Steward forwarded it and kept no copy: this e-mail is the only one.",
    ]
    return OutgoingMessage(
        to=inbox,
        subject=subject,
        text="\n".join(lines) + "\n",
        headers=(
            ("Reply-To", formataddr((enquiry.name, enquiry.email))),
            ("X-Steward-Relay", "contact-form"),
        ),
    )


def _count(store: Store, outcome: Outcome, reason: str) -> None:
    """Count the outcome and log it in fixed words. A count that cannot be written is logged and
    dropped: the person's answer must not change (a sent message was sent)."""
    _log.info("contact relay: %s (%s)", outcome.value, reason)
    try:
        with store.unit_of_work(actor=ACTOR) as uow:
            relay_counts.add_one(uow, day=counted_day(store.clock()), outcome=outcome.value)
            uow.commit()
    except StewardError as error:
        _log.warning(
            "contact relay: the %s count was not written (%s)", outcome.value, type(error).__name__
        )


@dataclass(frozen=True)
class DayTotals:
    """One UK day's counts, every outcome present (0 when none)."""

    day: date
    counts: Mapping[str, int]


def daily_totals(store: Store, *, days: int) -> list[DayTotals]:
    """The counts of the last ``days`` UK days (today included), oldest first; days with no
    post are left out."""
    if not 1 <= days <= 3660:
        raise InvalidInput(
            f"cannot show {days} days of counts", where="days", hint="give 1 to 3660 days"
        )
    first = counted_day(store.clock()) - timedelta(days=days - 1)
    with store.unit_of_work(actor=ACTOR, reads_only=True) as uow:
        rows = relay_counts.counts_since(uow, first)
    by_day: dict[date, dict[str, int]] = {}
    for row in rows:
        by_day.setdefault(row.day, {outcome.value: 0 for outcome in Outcome})[row.outcome] = (
            row.count
        )
    return [DayTotals(day, counts) for day, counts in sorted(by_day.items())]
