"""How identifiers are normalised before they are blind-indexed, so one person is one match.

DESIGN.md §3 (identifiers encrypted, found by blind index); UK GDPR Art 5(1)(d) (accuracy) and
Art 21(3) / PECR reg 22: an unsubscribe typed in another Unicode form must reach the same person,
or it is recorded and changes nothing. The rules (docs/security.md, "Normalisation"):

- every identifier: Unicode NFC, surrounding whitespace stripped; an invisible or control
  character left inside (Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp: zero-width space and
  joiner, byte-order mark, soft hyphen, bidi controls, ...) is refused, never silently dropped;
- email: the whole address lower-cased (``str.lower``, not ``casefold``: ``ß`` stays ``ß``); a
  punycode domain label (``xn--…``) becomes its Unicode form; a trailing dot or an empty label in
  the domain is refused;
- phone: ``+`` and ASCII digits, E.164-style, UK national numbers gaining ``+44``;
- visitor: the anonymous id the cookie banner makes for a browser (docs/banner.md), 22
  base64url characters, kept exactly as given (it is random, so case matters).

``NORMALISATION_VERSION`` names these rules; a stored index made under older rules is rebuilt
by ``steward db reindex`` (steward.store.reindex).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from steward.errors import InvalidInput

NORMALISATION_VERSION = 2
"""1: trim and lower-case. 2: also NFC, invisible characters refused, punycode domains decoded."""

_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_WHITESPACE = re.compile(r"\s")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_EMAIL_HINT = "give one address like name@example.org, without spaces"
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


class IdentifierKind(StrEnum):
    """Searchable identifiers; each has its own blind index domain."""

    EMAIL = "email"
    PHONE = "phone"
    VISITOR = "visitor"


def normalise_email(raw: str) -> str:
    """NFC, trimmed, lower-cased, punycode labels decoded; refuses anything ambiguous."""
    value = _visible(raw, IdentifierKind.EMAIL).lower()
    local, at, domain = value.partition("@")
    if not at or not local or not domain or "@" in domain or _WHITESPACE.search(value):
        raise InvalidInput("not an email address", where="email", hint=_EMAIL_HINT)
    if domain.endswith("."):
        raise InvalidInput(
            "not an email address: the domain ends with a dot",
            where="email",
            hint="remove the dot after the domain (name@example.org, not name@example.org.)",
        )
    labels = domain.split(".")
    if any(not label for label in labels):
        raise InvalidInput(
            "not an email address: the domain has an empty part (two dots, or a leading dot)",
            where="email",
            hint=_EMAIL_HINT,
        )
    return f"{local}@{'.'.join(_unicode_label(label) for label in labels)}"


def normalise_phone(raw: str) -> str:
    """E.164-style ``+<digits>``; a UK national number (``07…``, ``020…``) gains ``+44``."""
    visible = _visible(raw, IdentifierKind.PHONE)
    compact = _PHONE_PUNCTUATION.sub("", visible.replace("(0)", ""))
    compact = "".join(_ascii_digit(character) for character in compact)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+44" + compact[1:]
    digits = compact.removeprefix("+")
    if (
        not compact.startswith("+")
        or not (digits.isascii() and digits.isdigit())
        or not 7 <= len(digits) <= 15
    ):
        raise InvalidInput(
            "not a phone number",
            where="phone",
            hint="give digits with an optional leading + and country code, e.g. +44 20 7946 0000",
        )
    return compact


def normalise_visitor_id(raw: str) -> str:
    """A banner visitor id as it is: 128 random bits in 22 base64url characters. It is an online
    identifier (UK GDPR Art 4(1), Recital 30), so it is sealed and blind-indexed like the rest."""
    if not _VISITOR_ID.match(raw):
        raise InvalidInput(
            "not a visitor id",
            where="visitor",
            hint="give the 22 base64url characters the cookie banner keeps in its cookie",
        )
    return raw


def normalise(kind: IdentifierKind, raw: str) -> str:
    if kind is IdentifierKind.EMAIL:
        return normalise_email(raw)
    if kind is IdentifierKind.VISITOR:
        return normalise_visitor_id(raw)
    return normalise_phone(raw)


def _visible(raw: str, kind: IdentifierKind) -> str:
    """NFC and trimmed; refuses a character a person cannot see or type by mistake safely."""
    if raw.isascii() and (value := raw.strip()).isprintable():
        # Printable ASCII is already NFC and holds none of the refused categories (its only
        # refused characters are controls, which are not printable): the common case, checked
        # without walking the characters.
        return value
    value = unicodedata.normalize("NFC", raw).strip()
    for position, character in enumerate(value, start=1):
        if unicodedata.category(character) in _REFUSED_CATEGORIES:
            name = unicodedata.name(character, "unnamed character")
            noun = "an email address" if kind is IdentifierKind.EMAIL else "a phone number"
            raise InvalidInput(
                f"not {noun}: it holds an invisible or control character "
                f"(U+{ord(character):04X} {name}) at character {position}",
                where=kind.value,
                hint="retype the value by hand or remove the hidden character; it often comes "
                "from copying out of a web page, a PDF or a spreadsheet",
            )
    return value


def _unicode_label(label: str) -> str:
    """A punycode label (``xn--…``) in its Unicode form, so both spellings are one domain."""
    if not label.startswith("xn--"):
        return label
    try:
        decoded = label.encode("ascii").decode("idna")
    except UnicodeError:
        raise InvalidInput(
            f"not an email address: the domain label {label!r} is not valid punycode",
            where="email",
            hint="check the domain; copy it again from the person's own message",
        ) from None
    return unicodedata.normalize("NFC", decoded).lower()


def _ascii_digit(character: str) -> str:
    """A decimal digit of any script (full-width, Arabic-Indic) as its ASCII digit."""
    if character.isascii():
        return character
    value = unicodedata.decimal(character, None)
    return character if value is None else str(value)
