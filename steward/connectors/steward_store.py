"""Steward's own store as a system: the people it knows and their consent ledger.

Steward holds personal data too (UK GDPR Art 15 reaches it, and Art 17 may), so a request
searches it like any other system, through the same ``Connector`` protocol. Two collections:

- ``people``: one record per person, keyed by the person reference; found by e-mail or phone
  through the keyed blind index (never by scanning plaintext); read with identifiers decrypted
  and the current consent state per purpose and channel;
- ``consent_events``: the person's ledger events, keyed by event id (they reference
  ``steward.people.ref``).

**What erasure can and cannot delete.** The consent ledger is append-only evidence (Art 7(1)) and
every event has a link in the hash-chained audit log whose payload digest covers the event's
content digest (``steward.store.ledger_check``). Deleting an event, or its current-state row,
would leave a link with no event, which the ledger check reports as tampering; deleting the link
would break the chain for every later link. So erasure here is *crypto-shredding by
unlinking*: the person's identifiers (the sealed e-mail, phone and name, and their blind
indexes) are deleted, and the events, which by construction hold no identifier
(``steward.consent.events`` refuses one), stay as hashed evidence about a reference that no
longer leads to anyone. The audit chain and the ledger check stay intact.

**The minimal suppression entry.** A person who objected to direct marketing, unsubscribed or
withdrew consent (a refusal in force on some channel) must never be marketed to again: if their
address came back in an imported list, Steward must recognise it (RULES.md R2.7; ICO: suppress,
do not delete). For them erasure keeps only the identifier of each refused channel (the e-mail
for e-mail refusals, the phone for SMS or telephone ones) and the refusal states; the name and
every other identifier go. The identifier is kept sealed as well as indexed because the blind
index is keyed: when keys rotate it must be recomputed from the value
(``steward.store.rotation``), and a bare index would silently stop matching. The response says
so in ``steward.requests.objection.suppression_note``.

Restriction is not offered (``NotSupported``: the plan lists a manual step); the ledger is not
swept by retention date here; consent events are never rectified (a correction is a new event).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import delete, select, update

from steward.connectors.protocol import (
    Capability,
    ChangeReceipt,
    FieldValue,
    NotSupported,
    Record,
    RecordKey,
    SystemRefused,
)
from steward.consent.events import PersonRef
from steward.consent.identifiers import IdentifierKind, normalise
from steward.errors import InvalidInput
from steward.manifest.datasets import CollectionMap, DatasetMap
from steward.requests.objection import SUPPRESSION_KEPT
from steward.store import audit, ledger
from steward.store.database import Store, UnitOfWork
from steward.store.people import NAME_CONTEXT, find_person, get_person, identifier_row
from steward.store.tables import consent_events, people, person_identifiers

SYSTEM_ID = "steward"
PEOPLE = "people"
CONSENT_EVENTS = "consent_events"
_ACTOR = "connector:steward"
_CHANNEL_IDENTIFIER = {
    "email": IdentifierKind.EMAIL,
    "sms": IdentifierKind.PHONE,
    "mms": IdentifierKind.PHONE,
    "voicemail": IdentifierKind.PHONE,
    "phone": IdentifierKind.PHONE,
}
"""The identifier a refusal on each channel is matched by (PECR regs 21-22)."""

STEWARD_STORE_MAP = DatasetMap.model_validate(
    {
        "system": SYSTEM_ID,
        "collections": [
            {
                "name": PEOPLE,
                "primary_key": ["ref"],
                "erase": "delete",
                "description": "People Steward knows: identifiers sealed, found by blind index",
                "fields": [
                    {"name": "ref", "rectifiable": False},
                    {"name": "email", "identity": "email"},
                    {"name": "phone", "identity": "phone"},
                    {"name": "name", "identity": "name"},
                    {"name": "consent_states", "rectifiable": False},
                    {"name": "created_at", "rectifiable": False},
                ],
            },
            {
                "name": CONSENT_EVENTS,
                "primary_key": ["event_id"],
                "description": "The consent ledger: append-only, chained in the audit log",
                "fields": [
                    {"name": "event_id", "rectifiable": False},
                    {"name": "person_ref", "references": "steward.people.ref"},
                    *(
                        {"name": name, "rectifiable": False}
                        for name in (
                            "kind",
                            "purpose",
                            "channel",
                            "source",
                            "wording",
                            "wording_version",
                            "evidence",
                            "opted_in",
                            "occurred_at",
                            "received_at",
                        )
                    ),
                ],
            },
        ],
    }
)
"""The dataset map of Steward's own store (the lead may give it manifest categories)."""


class StewardStoreConnector:
    """``Connector`` over Steward's store. Each change commits in a unit of its own, as a
    change in any other system does; each erasure writes one ``person.erased`` audit link."""

    system_id = SYSTEM_ID
    capabilities = frozenset(
        {Capability.find_records, Capability.read, Capability.rectify, Capability.erase}
    )

    def __init__(self, store: Store, *, actor: str = _ACTOR) -> None:
        self._store = store
        self._actor = actor

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            if collection.name == PEOPLE:
                refs = self._people(uow, field_name, values)
                return sorted(RecordKey(PEOPLE, (ref,)) for ref in refs)
            if collection.name == CONSENT_EVENTS:
                if field_name == "person_ref":
                    refs = set(values)
                elif field_name == "event_id":
                    return sorted(RecordKey(CONSENT_EVENTS, (v,)) for v in dict.fromkeys(values))
                else:
                    refs = self._people(uow, field_name, values)
                rows = uow.connection.execute(
                    select(consent_events.c.event_id).where(consent_events.c.person_ref.in_(refs))
                )
                return sorted(RecordKey(CONSENT_EVENTS, (row.event_id,)) for row in rows)
        raise self._unknown(collection)

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            if collection.name == PEOPLE:
                return [r for key in keys if (r := self._person(uow, key)) is not None]
            if collection.name == CONSENT_EVENTS:
                ids = [key.values[0] for key in keys]
                rows = uow.connection.execute(
                    select(consent_events)
                    .where(consent_events.c.event_id.in_(ids))
                    .order_by(consent_events.c.sequence)
                )
                return [_event_record(row) for row in rows]
        raise self._unknown(collection)

    def rectify(
        self,
        collection: CollectionMap,
        keys: Sequence[RecordKey],
        changes: Mapping[str, FieldValue],
    ) -> ChangeReceipt:
        """Correct a person's e-mail, phone or name (Art 16); consent events are evidence and
        are never rewritten (a correction is recorded as a new event)."""
        if collection.name != PEOPLE:
            raise NotSupported(self.system_id, Capability.rectify)
        unknown = sorted(set(changes) - {"email", "phone", "name"})
        if unknown:
            raise SystemRefused(
                self.system_id,
                f"only email, phone and name of a person can be rectified, not {unknown}",
            )
        affected = 0
        with self._store.unit_of_work(self._actor) as uow:
            for key in keys:
                ref = PersonRef(key.values[0])
                if _exists(uow, ref):
                    _rectify_person(uow, ref, changes)
                    affected += 1
            uow.commit()
        return ChangeReceipt(affected)

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        """People: unlink (see the module docstring), keeping a suppression entry where a
        refusal is in force. Consent events: kept, hashed, already holding no identifier."""
        if collection.name == CONSENT_EVENTS:
            return ChangeReceipt(
                0,
                detail="consent events hold no identifier and are chained in the audit log: "
                "kept as evidence, no longer linked to anyone once the person is erased",
            )
        if collection.name != PEOPLE:
            raise self._unknown(collection)
        affected = 0
        kept: list[str] = []
        with self._store.unit_of_work(self._actor) as uow:
            for key in keys:
                changed, suppression = _erase_person(uow, PersonRef(key.values[0]))
                affected += changed
                kept.extend(suppression)
            uow.commit()
        detail = (
            f"{SUPPRESSION_KEPT} ({', '.join(sorted(set(kept)))}) for a refusal of direct marketing"
            if kept
            else ""
        )
        return ChangeReceipt(affected, detail=detail)

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        raise NotSupported(self.system_id, Capability.restrict)

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        raise NotSupported(self.system_id, Capability.list_past)

    def close(self) -> None:
        """The store belongs to the caller, who disposes of its engine."""

    def _people(self, uow: UnitOfWork, field_name: str, values: Sequence[str]) -> set[str]:
        if field_name == "ref":
            rows = uow.connection.execute(select(people.c.ref).where(people.c.ref.in_(values)))
            return {row.ref for row in rows}
        if field_name not in ("email", "phone"):
            raise SystemRefused(
                self.system_id,
                f"people are found by email, phone or ref, not {field_name!r}",
                hint="names are sealed without an index: search by an e-mail or phone",
            )
        found: set[str] = set()
        for value in values:
            try:
                ref = find_person(uow, **{field_name: value})
            except InvalidInput:
                continue  # not an address or number at all: nobody holds it
            if ref is not None:
                found.add(ref)
        return found

    def _person(self, uow: UnitOfWork, key: RecordKey) -> Record | None:
        ref = PersonRef(key.values[0])
        row = uow.connection.execute(select(people.c.created_at).where(people.c.ref == ref)).first()
        if row is None:
            return None
        person = get_person(uow, ref)
        states = [
            {
                "purpose": s.purpose,
                "channel": s.channel,
                "status": s.status.value,
                "since": s.occurred_at.isoformat(),
                "source": s.source,
            }
            for s in ledger.states_of(uow, ref)
        ]
        return Record(
            key,
            {
                "ref": ref,
                "email": person.email,
                "phone": person.phone,
                "name": person.name,
                "consent_states": json.dumps(states, sort_keys=True),
                "created_at": row.created_at.isoformat(),
            },
        )

    def _unknown(self, collection: CollectionMap) -> SystemRefused:
        return SystemRefused(
            self.system_id,
            f"Steward's store has no collection {collection.name!r}",
            hint=f"its collections are {PEOPLE} and {CONSENT_EVENTS}",
        )


def _exists(uow: UnitOfWork, ref: PersonRef) -> bool:
    found = uow.connection.execute(select(people.c.ref).where(people.c.ref == ref)).first()
    return found is not None


def _rectify_person(uow: UnitOfWork, ref: PersonRef, changes: Mapping[str, FieldValue]) -> None:
    keys = uow.keys
    for field_name, value in changes.items():
        if field_name == "name":
            sealed = keys.seal(str(value), context=NAME_CONTEXT) if value else None
            uow.connection.execute(
                update(people)
                .where(people.c.ref == ref)
                .values(
                    name_cipher=sealed.ciphertext if sealed else None,
                    name_key_version=sealed.key_version if sealed else None,
                )
            )
            continue
        kind = IdentifierKind(field_name)
        uow.connection.execute(
            delete(person_identifiers).where(
                person_identifiers.c.person_ref == ref, person_identifiers.c.kind == kind.value
            )
        )
        if value:
            normalised = normalise(kind, str(value))
            holder = find_person(uow, **{kind.value: normalised})
            if holder is not None and holder != ref:
                raise SystemRefused(
                    SYSTEM_ID,
                    f"the corrected {kind.value} belongs to another person in Steward's store",
                    hint="merge the two people deliberately before rectifying",
                )
            uow.connection.execute(
                person_identifiers.insert().values(identifier_row(keys, ref, kind, normalised))
            )
    audit.append(
        uow,
        action="person.rectified",
        subject=f"person:{ref}",
        payload={"fields": sorted(changes)},
    )


def _erase_person(uow: UnitOfWork, ref: PersonRef) -> tuple[int, list[str]]:
    """Unlink one person; returns (1 if anything was removed else 0, identifiers kept)."""
    if not _exists(uow, ref):
        return 0, []
    refused = {s.channel for s in ledger.states_of(uow, ref) if s.status.is_refusal}
    keep = sorted(
        {
            kind.value
            for channel in refused
            if (kind := _CHANNEL_IDENTIFIER.get(channel)) is not None
        }
    )
    removed = uow.connection.execute(
        delete(person_identifiers).where(
            person_identifiers.c.person_ref == ref, person_identifiers.c.kind.not_in(keep)
        )
    ).rowcount
    named = uow.connection.execute(
        update(people)
        .where(people.c.ref == ref, people.c.name_cipher.is_not(None))
        .values(name_cipher=None, name_key_version=None)
    ).rowcount
    if not removed and not named:
        return 0, keep
    audit.append(
        uow,
        action="person.erased",
        subject=f"person:{ref}",
        payload={"kept_for_suppression": keep, "identifiers_removed": removed},
    )
    return 1, keep


def _event_record(row: object) -> Record:
    values = dict(row._mapping)  # type: ignore[attr-defined]
    return Record(
        RecordKey(CONSENT_EVENTS, (values["event_id"],)),
        {
            "event_id": values["event_id"],
            "person_ref": values["person_ref"],
            "kind": values["kind"],
            "purpose": values["purpose"],
            "channel": values["channel"],
            "source": values["source"],
            "wording": values["wording"],
            "wording_version": values["wording_version"],
            "evidence": values["evidence"],
            "opted_in": values["opted_in"],
            "occurred_at": values["occurred_at"].isoformat(),
            "received_at": values["received_at"].isoformat(),
        },
    )
