"""Who a request is about and what it asks to change: the values the engine searches with.

Identifiers are normalised here, the same way the people index normalises them, so a request
finds the person the ledger knows (``steward.consent.identifiers``). The values hide themselves
from ``repr`` so they never reach a log line (DESIGN.md §3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from steward.consent.identifiers import IdentifierKind, normalise
from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind

Identities = Mapping[IdentityKind, tuple[str, ...]]
_CHANGE_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TEXT = 10_000


def identities_of(given: Iterable[tuple[IdentityKind, str]]) -> dict[IdentityKind, tuple[str, ...]]:
    """Normalise and group the identifiers a request carries; at least one is required."""
    grouped: dict[IdentityKind, list[str]] = {}
    for kind, raw in given:
        value = _normalised(kind, raw)
        values = grouped.setdefault(kind, [])
        if value not in values:
            values.append(value)
    if not grouped:
        raise InvalidInput(
            "a request needs at least one identifier of the person",
            where="identity",
            hint="give --email, --phone, --customer-number, --employee-number or --name",
        )
    return {kind: tuple(values) for kind, values in grouped.items()}


def _normalised(kind: IdentityKind, raw: str) -> str:
    if kind is IdentityKind.email:
        return normalise(IdentifierKind.EMAIL, raw)
    if kind is IdentityKind.phone:
        return normalise(IdentifierKind.PHONE, raw)
    value = " ".join(raw.split())
    if not value or len(value) > 200:
        raise InvalidInput(
            f"a {kind.value.replace('_', ' ')} must be 1 to 200 characters",
            where=kind.value,
            hint="give the value as the organisation's systems hold it",
        )
    return value


def changes_of(kind: RequestKind, given: Iterable[str]) -> dict[str, str]:
    """``FIELD=NEW VALUE`` pairs: what a rectification asks to correct (UK GDPR Art 16)."""
    changes: dict[str, str] = {}
    for text in given:
        field, separator, value = text.partition("=")
        field = field.strip()
        if not separator or not _CHANGE_FIELD.match(field) or not value.strip():
            raise InvalidInput(
                f"{text!r} is not FIELD=NEW VALUE",
                where="change",
                hint="e.g. --change email=new@example.org (a field name in lower case)",
            )
        if field in changes:
            raise InvalidInput(
                f"{field} is changed twice", where="change", hint="give each field once"
            )
        changes[field] = value.strip()
    if changes and kind is not RequestKind.rectification:
        raise InvalidInput(
            f"changes belong to rectification requests; this is {kind.value}",
            where="change",
            hint="use --kind rectification, or drop --change",
        )
    return changes


def free_text(text: str | None, where: str) -> str | None:
    """Free text as staff typed it (trimmed), bounded; ``None`` when empty."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"the text is longer than {MAX_TEXT} characters",
            where=where,
            hint="summarise it; keep the original correspondence in your mail system",
        )
    return text.strip()


@dataclass(frozen=True)
class RequestSubject:
    """The decrypted subject of a request, for the engine; never log it."""

    reference: str
    kind: RequestKind
    identities: Identities
    changes: Mapping[str, str]
    details: str | None
    received: date
    due: date
    person_ref: str | None = None

    def __repr__(self) -> str:
        return f"RequestSubject(reference={self.reference!r}, identities=<hidden>)"
