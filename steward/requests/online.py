"""A request a person makes themselves, online (the privacy centre's form and its API).

The person types strings; this module turns them into what intake records, or says every
problem at once, field by field, so a form can show each next to its box (WCAG 2.2 SC 3.3.1,
3.3.3). Codes go by e-mail only, so an e-mail address is required; a name and a phone number
are optional extra identifiers that help the search (RULES.md §12: ask only for what is needed).

A rectification (UK GDPR Art 16) says which detail is wrong, what it says now and what it should
say. A name, e-mail address or phone number becomes a correction the engine can push to every
system (``changes`` keyed by identity kind); the old value is added as an identifier so the search
still finds the records that hold it. Anything else stays in the details for staff to map.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from steward.consent.identifiers import IdentifierKind, normalise
from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import RequestStatus

DETAILS_MAX = 8_000
CORRECTION_MAX = 500
NAME_MAX = 200
CODES_PER_HOUR = 3
"""New codes sent for one request in any hour, intake's included: with five tries a code, at
most fifteen guesses an hour at a six-digit code, and no mail-bombing the address given."""

_CODE = re.compile(r"^\d{6}$")
REFERENCE_PATTERN = r"^R-\d{4}-[ABCDEFGHJKMNPQRSTVWXYZ23456789]{6}$"
"""A request reference's shape (``steward.store.requests.new_reference``)."""
_REFERENCE = re.compile(REFERENCE_PATTERN)


class CorrectableDetail(StrEnum):
    """Which detail a rectification corrects, as the form offers it."""

    name = "name"
    email = "email"
    phone = "phone"
    other = "other"


@dataclass(frozen=True)
class OnlineRequest:
    """What the person typed, untouched; every field a string (empty when left blank)."""

    kind: str
    email: str
    name: str = ""
    phone: str = ""
    details: str = ""
    correct_field: str = ""
    currently: str = ""
    should_be: str = ""

    def __repr__(self) -> str:
        return f"OnlineRequest(kind={self.kind!r}, <values hidden>)"


@dataclass(frozen=True)
class ValidRequest:
    """What intake records: identifiers to normalise, sealed details, ``FIELD=VALUE`` changes."""

    kind: RequestKind
    identities: tuple[tuple[IdentityKind, str], ...]
    details: str | None
    changes: tuple[str, ...]

    def __repr__(self) -> str:
        return f"ValidRequest(kind={self.kind.value!r}, <values hidden>)"


class InvalidFields(InvalidInput):
    """Several fields of one form are wrong; ``problems`` holds one error per field, in form
    order, and the error itself reads as the first of them."""

    def __init__(self, problems: tuple[InvalidInput, ...]) -> None:
        first = problems[0]
        super().__init__(first.message, where=first.where, hint=first.hint)
        self.problems = problems


def _trimmed(text: str) -> str:
    return text.strip()


def _too_long(where: str, limit: int, what: str) -> InvalidInput:
    return InvalidInput(
        f"{what} is longer than {limit:,} characters",
        where=where,
        hint="shorten it; we can ask you for more once we have your request",
    )


def _kind(text: str) -> RequestKind:
    try:
        return RequestKind(_trimmed(text))
    except ValueError:
        raise InvalidInput(
            "choose what you are asking us to do",
            where="kind",
            hint="pick one of the six rights listed",
        ) from None


def _email(text: str, where: str) -> str:
    if not text.strip():
        raise InvalidInput(
            "an e-mail address is required",
            where=where,
            hint="give an address you can read now: we send a six-digit code to it",
        )
    try:
        return normalise(IdentifierKind.EMAIL, text)
    except InvalidInput as error:
        raise InvalidInput(error.message, where=where, hint=error.hint) from None


def _phone(text: str, where: str) -> str:
    try:
        return normalise(IdentifierKind.PHONE, text)
    except InvalidInput as error:
        raise InvalidInput(error.message, where=where, hint=error.hint) from None


def _name(text: str, where: str) -> str:
    value = " ".join(text.split())
    if len(value) > NAME_MAX:
        raise _too_long(where, NAME_MAX, "the name")
    return value


def validate(form: OnlineRequest) -> ValidRequest:
    """The request to record, or ``InvalidFields`` naming every field that is wrong."""
    problems: list[InvalidInput] = []
    identities: list[tuple[IdentityKind, str]] = []
    kind: RequestKind | None = None

    def attempt(where: str, check: Callable[[], None]) -> None:
        try:
            check()
        except InvalidInput as error:
            problems.append(error if error.where == where else _at(error, where))

    def take_kind() -> None:
        nonlocal kind
        kind = _kind(form.kind)

    attempt("kind", take_kind)
    attempt("email", lambda: identities.append((IdentityKind.email, _email(form.email, "email"))))
    if form.name.strip():
        attempt("name", lambda: identities.append((IdentityKind.name, _name(form.name, "name"))))
    if form.phone.strip():
        attempt(
            "phone", lambda: identities.append((IdentityKind.phone, _phone(form.phone, "phone")))
        )
    details = _trimmed(form.details)
    if len(details) > DETAILS_MAX:
        problems.append(_too_long("details", DETAILS_MAX, "what you wrote"))
    correction_given = any(
        value.strip() for value in (form.correct_field, form.currently, form.should_be)
    )
    changes: list[str] = []
    correction_text = ""
    if kind is RequestKind.rectification:
        correction_text = _correction(form, problems, identities, changes)
    elif kind is not None and correction_given:
        problems.append(
            InvalidInput(
                f"you filled in what to correct but chose '{kind.value}'",
                where="correct_field",
                hint="choose 'Correct your data' as the request, or clear the correction boxes",
            )
        )
    if problems:
        raise InvalidFields(tuple(problems))
    assert kind is not None
    text = "\n\n".join(part for part in (details, correction_text) if part)
    return ValidRequest(kind, tuple(identities), text or None, tuple(changes))


def _at(error: InvalidInput, where: str) -> InvalidInput:
    return InvalidInput(error.message, where=where, hint=error.hint)


def _correction(
    form: OnlineRequest,
    problems: list[InvalidInput],
    identities: list[tuple[IdentityKind, str]],
    changes: list[str],
) -> str:
    """The rectification's fields: what is wrong, what it says now, what it should say."""
    try:
        detail = CorrectableDetail(_trimmed(form.correct_field) or "other")
    except ValueError:
        problems.append(
            InvalidInput(
                "choose which detail is wrong",
                where="correct_field",
                hint="pick your name, e-mail address, phone number or 'something else'",
            )
        )
        return ""
    found: list[InvalidInput] = []
    currently = _trimmed(form.currently)
    should_be = _trimmed(form.should_be)
    for where, value in (("currently", currently), ("should_be", should_be)):
        if len(value) > CORRECTION_MAX:
            found.append(_too_long(where, CORRECTION_MAX, "this answer"))
    if not should_be:
        found.append(
            InvalidInput(
                "say what it should say",
                where="should_be",
                hint="give the correct value, e.g. your name as it should be spelt",
            )
        )
    if detail is CorrectableDetail.other and not currently:
        found.append(
            InvalidInput(
                "say what is wrong",
                where="currently",
                hint="say which record and what it says now, e.g. 'my postal address: 1 Old Rd'",
            )
        )
    problems.extend(found)
    if found:
        return ""
    if detail is not CorrectableDetail.other:
        identity = IdentityKind(detail.value)
        try:
            right = {
                CorrectableDetail.email: lambda: _email(should_be, "should_be"),
                CorrectableDetail.phone: lambda: _phone(should_be, "should_be"),
                CorrectableDetail.name: lambda: _name(should_be, "should_be"),
            }[detail]()
        except InvalidInput as error:
            problems.append(error)
            return ""
        changes.append(f"{identity.value}={right}")
        old = _old_value(detail, currently)
        if old is not None:
            identities.append((identity, old))
    label = {
        CorrectableDetail.name: "name",
        CorrectableDetail.email: "e-mail address",
        CorrectableDetail.phone: "phone number",
        CorrectableDetail.other: "something else",
    }[detail]
    return (
        f"Correction asked for ({label}).\n"
        f"What it says now: {currently or '(not given)'}\n"
        f"What it should say: {should_be}"
    )


def _old_value(detail: CorrectableDetail, text: str) -> str | None:
    """The wrong value as an extra identifier to search by, when it is a valid one."""
    if not text:
        return None
    try:
        if detail is CorrectableDetail.email:
            return normalise(IdentifierKind.EMAIL, text)
        if detail is CorrectableDetail.phone:
            return normalise(IdentifierKind.PHONE, text)
    except InvalidInput:
        return None
    return _name(text, "currently") if len(text) <= NAME_MAX else None


def code_of(text: str) -> str:
    """The six digits as typed (spaces allowed), or one error naming the field ``code``."""
    cleaned = "".join(text.split())
    if not _CODE.match(cleaned):
        raise InvalidInput(
            "a code is six digits",
            where="code",
            hint="type the six digits from the e-mail we sent you",
        )
    return cleaned


def is_reference(text: str) -> bool:
    """Whether ``text`` has the shape of a request reference (R-2026-ABC234)."""
    return bool(_REFERENCE.fullmatch(text))


def may_send_code(status: RequestStatus, codes_this_hour: int) -> bool:
    """A new code goes only to a request still waiting for one, within the hourly allowance."""
    waiting = status in (RequestStatus.received, RequestStatus.awaiting_identity)
    return waiting and codes_this_hour < CODES_PER_HOUR
