"""Staff look up one person's consent by an e-mail address or a phone number (the staff
console's consent page; ``consent.read``).

The identifier is normalised and found through the keyed blind index, never compared in clear
(DESIGN.md §3). The answer is the state in force per purpose and channel, with the event that
set it; the person's other identifiers are not shown (Art 25(2): no more than the work needs).
Each lookup that finds someone writes ``staff.consent_lookup`` to the audit chain with the
person's reference, so who looked at whose consent can be shown later (Art 5(2)); a lookup that
finds no one writes nothing, as there is no reference to name and the identifier is never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.consent.events import PersonRef
from steward.consent.identifiers import IdentifierKind, normalise
from steward.consent.state import ConsentState
from steward.errors import InvalidInput
from steward.store import audit, ledger
from steward.store.database import Store

IDENTIFIER_MAX = 320


@dataclass(frozen=True)
class ConsentLookup:
    """What the ledger holds for the person an identifier names; ``person`` None: nobody."""

    kind: IdentifierKind
    person: PersonRef | None
    states: tuple[ConsentState, ...]

    @property
    def found(self) -> bool:
        return self.person is not None


def identifier_kind(text: str) -> IdentifierKind:
    """An e-mail address holds an ``@``; anything else is read as a phone number."""
    return IdentifierKind.EMAIL if "@" in text else IdentifierKind.PHONE


def look_up_consent(store: Store, identifier: str, *, actor: str, now: datetime) -> ConsentLookup:
    """The consent states of the person with this e-mail address or phone number."""
    raw = identifier.strip()
    if not raw or len(raw) > IDENTIFIER_MAX:
        raise InvalidInput(
            "give an e-mail address or a phone number",
            where="identifier",
            hint="e.g. name@example.org or +44 20 7946 0000",
        )
    kind = identifier_kind(raw)
    value = normalise(kind, raw)
    with store.unit_of_work(actor) as uow:
        person = (
            ledger.find_person(uow, email=value)
            if kind is IdentifierKind.EMAIL
            else ledger.find_person(uow, phone=value)
        )
        if person is None:
            return ConsentLookup(kind, None, ())
        states = tuple(ledger.states_of(uow, person))
        audit.write(
            uow,
            audit.pending(
                uow,
                action="staff.consent_lookup",
                subject=f"person:{person}",
                payload={"by": kind.value, "states": len(states)},
                at=now,
            ),
        )
        uow.commit()
    return ConsentLookup(kind, person, states)
