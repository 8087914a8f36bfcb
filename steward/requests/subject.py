"""Who a request is about and what it asks to change: the values the engine searches with.

Identifiers are normalised here, the same way the people index normalises them, so a request
finds the person the ledger knows (``steward.consent.identifiers``). The values hide themselves
from ``repr`` so they never reach a log line (DESIGN.md §3).
"""

from __future__ import annotations

import json
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


_REQUEST_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class RequestSubject:
    """One request as the engine works on it: its reference, kind, the identifiers it carries,
    and (for rectification) the corrections, keyed by an identity kind ("email") or a field path
    ("crm.customers.phone"); with the details staff recorded and the person it is linked to.

    The identifiers are plaintext personal data (UK GDPR Art 32): the repr hides them, and the
    store keeps them only sealed (``steward.store.requests``, ``steward.store.plans``)."""

    request_id: str
    kind: RequestKind
    identities: Identities
    changes: Mapping[str, str]
    received: date
    due: date
    details: str | None = None
    person_ref: str | None = None

    def __post_init__(self) -> None:
        if not _REQUEST_ID.fullmatch(self.request_id):
            raise InvalidInput(
                "a request id is 1-64 letters, digits, '.', '_', ':' or '-'",
                where="request_id",
                hint="use the id `steward request new` printed",
            )
        if not any(values for values in self.identities.values()):
            raise InvalidInput(
                "the request carries no identifier to search by",
                where=f"request {self.request_id}",
                hint="record at least one email, phone, customer or employee number",
            )
        if self.kind is RequestKind.rectification and not self.changes:
            raise InvalidInput(
                "a rectification request says what to correct",
                where=f"request {self.request_id}",
                hint="give the corrections, e.g. email=new@example.org",
            )
        if self.due < self.received:
            raise InvalidInput(
                "the due date is before the date the request was received",
                where=f"request {self.request_id}",
                hint="compute the due date with steward.law.deadlines",
            )

    @property
    def identity_kinds(self) -> frozenset[IdentityKind]:
        return frozenset(kind for kind, values in self.identities.items() if values)

    def __repr__(self) -> str:
        kinds = ",".join(sorted(self.identity_kinds))
        return f"RequestSubject(request_id={self.request_id!r}, kind={self.kind}, kinds={kinds})"


def subject_to_json(subject: RequestSubject) -> str:
    """For sealing only (``steward.store.plans``): it holds the person's identifiers."""
    return json.dumps(
        {
            "request_id": subject.request_id,
            "kind": subject.kind.value,
            "identities": {k.value: list(v) for k, v in sorted(subject.identities.items())},
            "changes": dict(sorted(subject.changes.items())),
            "received": subject.received.isoformat(),
            "due": subject.due.isoformat(),
        },
        sort_keys=True,
    )


def subject_from_json(text: str) -> RequestSubject:
    data = json.loads(text)
    return RequestSubject(
        request_id=data["request_id"],
        kind=RequestKind(data["kind"]),
        identities={IdentityKind(k): tuple(v) for k, v in data["identities"].items()},
        changes=dict(data["changes"]),
        received=date.fromisoformat(data["received"]),
        due=date.fromisoformat(data["due"]),
    )
