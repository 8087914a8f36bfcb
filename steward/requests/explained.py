"""The rights and a request's progress in plain English, for the person who made the request.

UK GDPR Art 12(1): information about the rights is given "in a concise, transparent,
intelligible and easily accessible form, using clear and plain language". The privacy centre's
form, its status page and the API all say the same words, from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import RequestStatus


@dataclass(frozen=True)
class RightExplained:
    title: str  # what the person asks, in a few words
    summary: str  # what the right gives them and its usual limits
    article: str


RIGHTS: dict[RequestKind, RightExplained] = {
    RequestKind.access: RightExplained(
        "See your data",
        "Get a copy of the personal data we hold about you, with what we use it for, who we "
        "share it with, how long we keep it and where it came from.",
        RequestKind.access.article,
    ),
    RequestKind.portability: RightExplained(
        "Take your data elsewhere",
        "Get the data you gave us in a file a computer can read (CSV and JSON), to keep or to "
        "pass to another organisation. It covers data we use because you agreed or because we "
        "need it for a contract with you.",
        RequestKind.portability.article,
    ),
    RequestKind.erasure: RightExplained(
        "Delete your data",
        "Ask us to delete your personal data. Where the law makes us keep some of it (tax "
        "records, for example, for six years) we keep only that, out of use, and tell you why.",
        RequestKind.erasure.article,
    ),
    RequestKind.rectification: RightExplained(
        "Correct your data",
        "Ask us to correct personal data that is wrong or to complete what is incomplete. Tell "
        "us what it says now and what it should say; we correct it everywhere we hold it and "
        "tell those we shared it with.",
        RequestKind.rectification.article,
    ),
    RequestKind.restriction: RightExplained(
        "Pause how we use your data",
        "Ask us to keep your data but stop using it, for example while we check whether it is "
        "accurate, or while you decide whether to object.",
        RequestKind.restriction.article,
    ),
    RequestKind.objection: RightExplained(
        "Object to how we use your data",
        "Ask us to stop using your data for a purpose. For direct marketing we always stop. "
        "For other uses based on our legitimate interests we stop unless we have compelling "
        "reasons to continue, and tell you our decision and why.",
        RequestKind.objection.article,
    ),
}
"""The six rights in the order the form lists them."""


@dataclass(frozen=True)
class StatusExplained:
    title: str
    detail: str


STATUSES: dict[RequestStatus, StatusExplained] = {
    RequestStatus.received: StatusExplained(
        "Received", "We have your request and will confirm it is you before we act on it."
    ),
    RequestStatus.awaiting_identity: StatusExplained(
        "Waiting for your code",
        "Enter the six-digit code we e-mailed you so we know the request is yours.",
    ),
    RequestStatus.verified: StatusExplained(
        "Confirmed", "You have confirmed the request is yours. We are working on it."
    ),
    RequestStatus.planned: StatusExplained(
        "In progress", "We are finding the records we hold about you."
    ),
    RequestStatus.approved: StatusExplained(
        "In progress", "We have checked what to change and are about to do it."
    ),
    RequestStatus.running: StatusExplained(
        "In progress", "We are working through the systems that hold your data."
    ),
    RequestStatus.paused: StatusExplained(
        "Waiting for your reply",
        "We have asked you to tell us more about what you want. The time limit is on hold "
        "until you reply.",
    ),
    RequestStatus.completed: StatusExplained(
        "Answered", "We have done what you asked and sent you our response."
    ),
    RequestStatus.refused: StatusExplained(
        "Refused",
        "We have written to you with our reasons. You can complain to the Information "
        "Commissioner's Office (ico.org.uk) or go to court.",
    ),
    RequestStatus.closed: StatusExplained(
        "Closed", "This request is finished. We have written to you with the outcome."
    ),
}


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_in_words(day: date) -> str:
    """``Monday 4 January 2027``: a date nobody can misread (no 04/01 vs 01/04), in English
    whatever the server's locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def days_left_in_words(days: int) -> str:
    if days > 1:
        return f"in {days} days"
    if days == 1:
        return "tomorrow"
    if days == 0:
        return "today"
    return f"{-days} day{'s' if days < -1 else ''} ago"
