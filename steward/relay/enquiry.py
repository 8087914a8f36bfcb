"""An enquiry from the organisation's contact form, read and checked before it is forwarded.

The relay keeps nothing (the seed policy: "the contact forms ... do not store any personal data
you may insert"), so everything about a submission is decided here, from the values alone, and
every problem names the field and the rule, never the value: a problem may be logged or shown
on a page that is cached, and it must not carry what the person typed.

The name, address and topic go into mail headers (Reply-To, Subject). A line break there would
let the sender add headers of their own, such as Bcc (header injection), so they must be on one
line, and control characters are refused in every field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from steward.errors import InvalidInput

NAME_MAX = 100
EMAIL_MAX = 254  # RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets
LOCAL_PART_MAX = 64  # RFC 5321 4.5.3.1.1
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,20}$")
TOPIC_MAX = 150
MESSAGE_MAX = 5_000
"""Characters; with the other fields it stays under the web body limit (64 KiB) even in a
script of three-byte characters, percent-encoded by the browser."""

FIELDS: tuple[str, ...] = ("name", "email", "phone", "topic", "message")
"""The fields the relay reads; any other field of the form is ignored and not forwarded."""

LABELS: Mapping[str, str] = {
    "name": "Your name",
    "email": "Your e-mail address",
    "phone": "Your phone number",
    "topic": "Subject",
    "message": "Your message",
}

_LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_TOP_LABEL = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")


@dataclass(frozen=True)
class FieldProblem:
    """One thing to fix: the field (its form name) and what is wrong, without its value."""

    where: str
    message: str


class InvalidEnquiry(InvalidInput):
    """The enquiry cannot be forwarded as it stands; ``problems`` lists every field to fix, so
    the person corrects them in one pass."""

    def __init__(self, problems: tuple[FieldProblem, ...]) -> None:
        first = problems[0]
        super().__init__(
            first.message,
            where=first.where,
            hint="correct the fields named and send the form again; nothing was sent",
        )
        self.problems = problems


@dataclass(frozen=True)
class Enquiry:
    """A checked enquiry. Its values never appear in its ``repr`` (a log line or a traceback's
    locals must not carry them)."""

    name: str = field(repr=False)
    email: str = field(repr=False)
    message: str = field(repr=False)
    phone: str | None = field(default=None, repr=False)
    topic: str | None = field(default=None, repr=False)


def read_enquiry(fields: Mapping[str, str | None]) -> Enquiry:
    """The enquiry in ``fields`` (form field name -> value), or InvalidEnquiry naming every
    field to fix. Values are trimmed and put in Unicode NFC; a message's line ends become
    ``\\n``."""
    problems: list[FieldProblem] = []

    def check(where: str, problem: str | None) -> None:
        if problem is not None:
            problems.append(FieldProblem(where, problem))

    name = _text(fields.get("name"))
    email = _text(fields.get("email"))
    phone = _text(fields.get("phone"))
    topic = _text(fields.get("topic"))
    message = _message_text(fields.get("message"))
    check("name", _required(name, "name") or _one_line(name, "name", NAME_MAX))
    check("email", _required(email, "e-mail address") or _email_problem(email))
    if phone:
        check("phone", _one_line(phone, "phone number", 30) or _phone_problem(phone))
    if topic:
        check("topic", _one_line(topic, "subject", TOPIC_MAX))
    check("message", _required(message, "message") or _message_problem(message))
    if problems:
        raise InvalidEnquiry(tuple(problems))
    return Enquiry(
        name=name, email=email, message=message, phone=phone or None, topic=topic or None
    )


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def _message_text(value: str | None) -> str:
    return _text((value or "").replace("\r\n", "\n").replace("\r", "\n"))


def _required(value: str, what: str) -> str | None:
    return None if value else f"the {what} is missing: please fill it in"


def _one_line(value: str, what: str, longest: int) -> str | None:
    if any(character in _LINE_BREAKS for character in value):
        return f"the {what} must be on one line (a line break there is refused)"
    if _has_control_character(value, allowed=""):
        return f"the {what} contains a control character: please retype it"
    if len(value) > longest:
        return f"the {what} is {len(value)} characters long; at most {longest} are accepted"
    return None


def _email_problem(value: str) -> str | None:
    broken = _one_line(value, "e-mail address", EMAIL_MAX)
    if broken is not None:
        return broken
    if not value.isascii():
        return (
            "the e-mail address has characters outside plain ASCII: please give an address "
            "written with the letters a-z, digits and . _ - + only"
        )
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return "the e-mail address needs one @ between a name and a domain (name@example.org)"
    if len(local) > LOCAL_PART_MAX or not _LOCAL_PART.match(local):
        return "the part of the e-mail address before the @ is not valid (name@example.org)"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return "the domain of the e-mail address (after the @) is not valid (name@example.org)"
    if not _TOP_LABEL.match(labels[-1]):
        return "the domain of the e-mail address does not end in a known form (.org, .co.uk)"
    return None


def _phone_problem(value: str) -> str | None:
    if PHONE_PATTERN.match(value):
        return None
    return "the phone number may hold only digits, spaces, brackets, - and a leading +"


def _message_problem(value: str) -> str | None:
    if _has_control_character(value, allowed="\n\t"):
        return "the message contains a control character: please retype the part that has it"
    if len(value) > MESSAGE_MAX:
        return f"the message is {len(value)} characters long; at most {MESSAGE_MAX} are accepted"
    return None


def _has_control_character(value: str, *, allowed: str) -> bool:
    return any(
        unicodedata.category(character) == "Cc" and character not in allowed for character in value
    )
