"""Who a request is about and what it asks: the engine's input, as the requests layer hands it over.

The identities are plaintext personal data (UK GDPR Art 32): the repr hides them, and the store
keeps them only sealed (``steward.store.plans``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind

_REQUEST_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class RequestSubject:
    """One request: its id, kind, the identifiers it carries, and (for rectification) the
    corrections, keyed by an identity kind ("email") or a field path ("crm.customers.phone")."""

    request_id: str
    kind: RequestKind
    identities: Mapping[IdentityKind, tuple[str, ...]]
    changes: Mapping[str, str]
    received: date
    due: date

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
