"""What a valid complaint needs: a way to reach the person, what it is about, and a receipt day.

DPA 2018 s.164A obliges the controller to acknowledge receipt and tell the complainant
the outcome, so a complaint Steward records must carry an e-mail or a postal address to send
them to (a phone number alone cannot carry a written acknowledgement). Addresses are normalised
the way the people index normalises them (``steward.consent.identifiers``). The values hide
themselves from ``repr`` so they never reach a log line (DESIGN.md §3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from steward.consent.identifiers import normalise_email, normalise_phone
from steward.errors import InvalidInput

TEXT_MAX = 10_000
NAME_MAX = 200
ADDRESS_MAX = 1_000
_REQUEST_REFERENCE = re.compile(r"^R-\d{4}-[A-Z2-9]{6}$")


@dataclass(frozen=True)
class Complainant:
    """Who complained and how to reach them; never log it."""

    name: str | None
    email: str | None
    postal_address: str | None
    phone: str | None = None

    def __repr__(self) -> str:
        return f"Complainant(reachable_by={self.reachable_by!r}, values=<hidden>)"

    @property
    def reachable_by(self) -> tuple[str, ...]:
        """How a written answer can reach them: "e-mail", "post" (never their values)."""
        ways = (("e-mail", self.email), ("post", self.postal_address))
        return tuple(way for way, value in ways if value is not None)


@dataclass(frozen=True)
class ComplaintText:
    """What the complaint is about, in the complainant's (or the note-taker's) words."""

    text: str

    def __repr__(self) -> str:
        return f"ComplaintText(<{len(self.text)} characters hidden>)"


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def complainant_of(
    *,
    name: str | None,
    email: str | None,
    postal_address: str | None,
    phone: str | None = None,
) -> Complainant:
    """Validated contact details: an e-mail or a postal address is required."""
    if _blank(email) and _blank(postal_address):
        raise InvalidInput(
            "a complaint needs an e-mail or a postal address to send the acknowledgement "
            "and the outcome to",
            where="contact",
            hint="give --email or --address (a phone number alone is not enough)",
        )
    return Complainant(
        name=None if _blank(name) else _bounded(" ".join(str(name).split()), NAME_MAX, "name"),
        email=None if _blank(email) else normalise_email(str(email)),
        postal_address=None if _blank(postal_address) else _address(str(postal_address)),
        phone=None if _blank(phone) else normalise_phone(str(phone)),
    )


def _address(raw: str) -> str:
    """Lines trimmed, blank lines dropped; commas stay as typed."""
    lines = [" ".join(line.split()) for line in raw.replace("\r\n", "\n").split("\n")]
    return _bounded("\n".join(line for line in lines if line), ADDRESS_MAX, "address")


def _bounded(value: str, limit: int, where: str) -> str:
    if len(value) > limit:
        raise InvalidInput(
            f"the {where} is longer than {limit} characters",
            where=where,
            hint=f"shorten the {where}",
        )
    return value


def complaint_text(text: str | None) -> ComplaintText:
    """The subject matter of the complaint: required, at most ``TEXT_MAX`` characters."""
    if _blank(text):
        raise InvalidInput(
            "a complaint needs its subject matter: what the person says went wrong",
            where="text",
            hint="give what the complaint is about, in the person's words where possible",
        )
    cleaned = str(text).strip()
    if len(cleaned) > TEXT_MAX:
        raise InvalidInput(
            f"the complaint's text is longer than {TEXT_MAX} characters",
            where="text",
            hint="summarise it; keep the original correspondence in your mail system",
        )
    return ComplaintText(cleaned)


def received_day(received: date, today: date) -> date:
    """The day the complaint reached the organisation, whatever the channel; never future."""
    if received > today:
        raise InvalidInput(
            f"received {received} is in the future (today is {today})",
            where="received",
            hint="give the day the complaint reached the organisation",
        )
    return received


def request_reference(text: str | None) -> str | None:
    """A data-subject request's reference the complaint is about, if any, e.g. R-2026-ABC234."""
    if _blank(text):
        return None
    reference = str(text).strip().upper()
    if not _REQUEST_REFERENCE.match(reference):
        raise InvalidInput(
            "the request reference is not in the form R-2026-ABC234",
            where="request",
            hint="references look like R-2026-ABC234; list them with: steward request list",
        )
    return reference
