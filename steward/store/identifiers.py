"""How identifiers are normalised before they are blind-indexed, so one person is one match.

DESIGN.md §3 (identifiers encrypted, found by blind index). The chosen rules are documented in
docs/security.md: emails are trimmed and lower-cased whole; phone numbers become ``+`` and digits
with UK national numbers (leading ``0``) and ``0044`` prefixes turned into ``+44``.
"""

from __future__ import annotations

import re
from enum import StrEnum

from steward.errors import InvalidInput

_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_WHITESPACE = re.compile(r"\s")


class IdentifierKind(StrEnum):
    """Searchable identifiers; each has its own blind index domain."""

    EMAIL = "email"
    PHONE = "phone"


def normalise_email(raw: str) -> str:
    """Trim and lower-case the whole address (mail providers treat local parts case-blind)."""
    value = raw.strip().lower()
    local, at, domain = value.partition("@")
    if not at or not local or not domain or "@" in domain or _WHITESPACE.search(value):
        raise InvalidInput(
            "not an email address",
            where="email",
            hint="give one address like name@example.org, without spaces",
        )
    return value


def normalise_phone(raw: str) -> str:
    """E.164-style ``+<digits>``; a UK national number (``07…``, ``020…``) gains ``+44``."""
    compact = _PHONE_PUNCTUATION.sub("", raw.strip().replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+44" + compact[1:]
    digits = compact.removeprefix("+")
    if not compact.startswith("+") or not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise InvalidInput(
            "not a phone number",
            where="phone",
            hint="give digits with an optional leading + and country code, e.g. +44 20 7946 0000",
        )
    return compact


def normalise(kind: IdentifierKind, raw: str) -> str:
    return normalise_email(raw) if kind is IdentifierKind.EMAIL else normalise_phone(raw)
