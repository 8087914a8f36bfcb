"""What can happen to a person's consent, as immutable ledger events.

UK GDPR Art 7(1) (the controller must be able to demonstrate consent: who, when, what they were
shown, how), Art 7(3) and Art 21 (withdrawal and objection), PECR reg 22(3) (soft opt-in).
RULES.md R2.3, R2.6. Evidence must reference identifiers, never contain them (DESIGN.md §3):
source, wording, version and evidence values are refused when they hold an e-mail address or a
phone number (``steward.consent.free_text``). An event cannot have happened after it was
received: beyond ``CLOCK_ALLOWANCE`` for clocks that differ, it is refused
(``require_occurred_by``), so a mistyped year cannot make a consent outrank every refusal.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NewType

from steward.consent.free_text import contact_identifier_in
from steward.errors import InvalidInput

PersonRef = NewType("PersonRef", str)
EvidenceValue = str | int | float | bool | None

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

CLOCK_ALLOWANCE = timedelta(minutes=5)
"""How far an event's own time may run ahead of the time it is received: the clocks of a web
server, a SaaS platform and Steward's database never agree exactly (docs/consent.md)."""


class ConsentEventKind(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    OBJECTED = "objected"
    SOFT_OPT_IN_ESTABLISHED = "soft_opt_in_established"
    UNSUBSCRIBED = "unsubscribed"
    PREFERENCE_CHANGED = "preference_changed"

    @property
    def is_refusal(self) -> bool:
        return self in _REFUSALS


_REFUSALS = frozenset(
    {ConsentEventKind.WITHDRAWN, ConsentEventKind.OBJECTED, ConsentEventKind.UNSUBSCRIBED}
)


@dataclass(frozen=True)
class ConsentEvent:
    """One thing that happened, as the client saw it; ``event_id`` makes retries idempotent.

    ``opted_in`` is required for ``preference_changed`` (which way the preference went) and must
    be absent otherwise. ``wording``/``wording_version`` may be empty only for refusals.
    """

    event_id: str
    person: PersonRef
    kind: ConsentEventKind
    purpose: str
    channel: str
    source: str
    wording: str
    wording_version: str
    occurred_at: datetime
    evidence: Mapping[str, EvidenceValue] = field(default_factory=dict)
    opted_in: bool | None = None

    def __post_init__(self) -> None:
        _require(0 < len(self.event_id) <= 200, "event_id", "1-200 characters, unique per event")
        _require(bool(self.person), "person", "pass the PersonRef from ensure_person/find_person")
        _require(_is_slug(self.purpose, 100), "purpose", "a lower-case id like 'newsletter'")
        _require(_is_slug(self.channel, 32), "channel", "a lower-case id like 'email' or 'sms'")
        _require(0 < len(self.source) <= 200, "source", "say where it came from, e.g. 'web-form'")
        _require(len(self.wording_version) <= 50, "wording_version", "at most 50 characters")
        _require(self.occurred_at.tzinfo is not None, "occurred_at", "give a timezone-aware time")
        if self.kind is ConsentEventKind.PREFERENCE_CHANGED:
            _require(self.opted_in is not None, "opted_in", "say whether they opted in or out")
        else:
            _require(self.opted_in is None, "opted_in", "only preference_changed carries it")
        if not self.grants_nothing:
            _require(
                bool(self.wording) and bool(self.wording_version),
                "wording",
                "record the exact wording shown and its version (UK GDPR Art 7(1))",
            )
        _no_identifier(self.source, "source")
        _no_identifier(self.wording, "wording")
        _no_identifier(self.wording_version, "wording_version")
        for key, value in self.evidence.items():
            if isinstance(value, str):
                _no_identifier(value, f"evidence.{key}")
            _require(
                isinstance(value, str | int | float | bool) or value is None,
                f"evidence.{key}",
                "evidence values are text, numbers, true/false or null",
            )

    @property
    def grants_nothing(self) -> bool:
        """True for refusals and opt-outs, which need no wording to be valid."""
        return self.kind.is_refusal or self.opted_in is False

    @property
    def occurred_at_utc(self) -> datetime:
        return self.occurred_at.astimezone(UTC)

    def content_digest(self) -> str:
        """SHA-256 over everything the client said; a retry must reproduce it exactly."""
        content = {
            "event_id": self.event_id,
            "person": self.person,
            "kind": self.kind.value,
            "purpose": self.purpose,
            "channel": self.channel,
            "source": self.source,
            "wording": self.wording,
            "wording_version": self.wording_version,
            "occurred_at": self.occurred_at_utc.isoformat(timespec="microseconds"),
            "evidence": dict(self.evidence),
            "opted_in": self.opted_in,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def occurred_after(occurred_at: datetime, received_at: datetime) -> bool:
    """True when ``occurred_at`` is later than ``received_at`` by more than the allowance;
    both are full, timezone-aware instants (never dates, which hide a later hour that day)."""
    return occurred_at > received_at + CLOCK_ALLOWANCE


def require_occurred_by(occurred_at: datetime, received_at: datetime) -> None:
    """Refuse an event that says it happened after it was received (beyond the allowance)."""
    if occurred_after(occurred_at, received_at):
        minutes = int(CLOCK_ALLOWANCE.total_seconds() // 60)
        raise InvalidInput(
            f"the event happened at {occurred_at.astimezone(UTC).isoformat()}, after it was "
            f"received at {received_at.astimezone(UTC).isoformat()} (allowance {minutes} minutes)",
            where="occurred_at",
            hint="give the time it actually happened, with its time zone; if it is right, "
            "check the clock of the system that sent it",
        )


def _no_identifier(text: str, where: str) -> None:
    found = contact_identifier_in(text)
    if found is not None:
        raise InvalidInput(
            f"consent event field {where} contains {found}",
            where=where,
            hint="identifiers are stored only encrypted; write a reference instead "
            "(an order number, a form URL, a ticket id)",
        )


def _is_slug(value: str, limit: int) -> bool:
    return len(value) <= limit and bool(_SLUG.match(value))


def _require(condition: bool, where: str, hint: str) -> None:
    if not condition:
        raise InvalidInput(f"invalid consent event field {where}", where=where, hint=hint)
