"""Find contact identifiers (email addresses, phone numbers) in text that is stored as written.

A consent event's source, wording, version and evidence are kept in plaintext, forever, in an
append-only ledger; identifiers are only ever kept encrypted, found by the blind index
(DESIGN.md §1, "Store"; UK GDPR Art 5(1)(c) and 32). So any free text that would carry an
address or a number is refused, and the caller stores a reference instead (an order number, a
form URL).

The detector is deliberately plain: it finds what a person would recognise as an address or a
UK (or ``+``-prefixed international) phone number, and leaves dates (2026-11-26), times
(10:00:00+00:00), version numbers (v1.2.3) and references (ORD-0123456789) alone. Obfuscated
forms ("jane at example dot com") are not caught; they are not typed by accident.
"""

from __future__ import annotations

import re
from functools import lru_cache

EMAIL_ADDRESS = "an email address"
PHONE_NUMBER = "a phone number"

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# +44 20 7946 0958, +44 (0)7700 900123, +1 415 555 0100: a plus, then 8 to 15 digits.
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\s?\d[\d\s()-]{6,20}\d(?![\w.])")
# 0044 20 7946 0958: the international prefix dialled from the UK.
_DIALLED = re.compile(r"(?<![\w.+-])00\s?[1-9][\d\s()-]{6,20}\d(?![\w.])")
# 07700 900123, 020 7946 0958, (0161) 496 0000, 01632960123: a trunk 0, then 9 or 10 digits.
# Nine (ten in all) only when grouped; see _spaced.
_NATIONAL = re.compile(r"(?<![\w.+-])\(?0[1-9]\d{1,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w.]|-\d)")


@lru_cache(maxsize=4096)
def contact_identifier_in(text: str) -> str | None:
    """The kind of contact identifier in ``text`` (EMAIL_ADDRESS or PHONE_NUMBER), if any.

    Remembered for recent texts: a list's rows repeat the same wording, source and evidence
    values, and each is checked when read and again when its event is built. The answer
    depends on the text alone.
    """
    if _EMAIL.search(text):
        return EMAIL_ADDRESS
    for match in _INTERNATIONAL.finditer(text):
        if 8 <= _digits(match.group()) <= 15:
            return PHONE_NUMBER
    for match in _DIALLED.finditer(text):
        if 10 <= _digits(match.group()) <= 17:
            return PHONE_NUMBER
    for match in _NATIONAL.finditer(text):
        if _digits(match.group()) == 11 or (_digits(match.group()) == 10 and _spaced(match)):
            return PHONE_NUMBER
    return None


def _spaced(match: re.Match[str]) -> bool:
    """A 10-digit number counts only when written in groups: run together, ten digits after a 0
    are as likely an id (a Mailchimp audience id can be all digits) as a rare 10-digit line."""
    return any(not character.isdigit() for character in match.group())


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)
