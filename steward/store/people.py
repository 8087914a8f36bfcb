"""Data subjects: identifiers sealed at rest and found only through the keyed blind index.

UK GDPR Art 32(1)(a) (encryption), Art 5(1)(f) (integrity and confidentiality); DESIGN.md §3.
Lookups compute the index under every key version in the ring, so a person is found whether or
not ``steward keys rotate`` has reached their row yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from steward.consent.events import PersonRef
from steward.consent.identifiers import IdentifierKind, normalise
from steward.errors import InvalidInput, NotFound
from steward.store import audit
from steward.store.crypto import KeyRing
from steward.store.database import UnitOfWork
from steward.store.tables import people, person_identifiers

NAME_CONTEXT = "name"
_LOOKUP_BATCH = 500


@dataclass(frozen=True)
class Person:
    """A person with identifiers decrypted; never log it (its repr hides them)."""

    ref: PersonRef
    email: str | None
    phone: str | None
    name: str | None

    def __repr__(self) -> str:
        return f"Person(ref={self.ref!r}, identifiers=<hidden>)"


def find_person(
    uow: UnitOfWork, *, email: str | None = None, phone: str | None = None
) -> PersonRef | None:
    """The person holding this email (or, failing that, phone), if any."""
    for kind, raw in ((IdentifierKind.EMAIL, email), (IdentifierKind.PHONE, phone)):
        if raw is not None:
            found = _find(uow, kind, normalise(kind, raw))
            if found is not None:
                return found
    if email is None and phone is None:
        raise InvalidInput("no identifier given", where="find_person", hint="pass email or phone")
    return None


def find_people_by_email(uow: UnitOfWork, emails: Iterable[str]) -> dict[str, PersonRef]:
    """Set-based lookup: normalised email -> person, for every address that matches."""
    found: dict[str, PersonRef] = {}
    keys = uow.keys
    batch: dict[bytes, str] = {}
    for raw in emails:
        address = normalise(IdentifierKind.EMAIL, raw)
        for index in keys.blind_indexes(address, context=IdentifierKind.EMAIL):
            batch[index] = address
        if len(batch) >= _LOOKUP_BATCH:
            found.update(_match(uow, batch))
            batch = {}
    if batch:
        found.update(_match(uow, batch))
    return found


def ensure_person(
    uow: UnitOfWork,
    *,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> PersonRef:
    """Find the person by email or phone, or create them; identifiers they lack are added.

    Two first contacts from one address at once (two connections) both succeed and yield one
    person: the identifier insert is ``ON CONFLICT DO NOTHING``, and the one that finds the
    address taken drops the person it was creating and uses the other (issue 9).
    """
    if email is None and phone is None:
        raise InvalidInput(
            "a person needs an email or a phone number",
            where="ensure_person",
            hint="pass email= or phone=",
        )
    given = {
        kind: normalise(kind, raw)
        for kind, raw in ((IdentifierKind.EMAIL, email), (IdentifierKind.PHONE, phone))
        if raw is not None
    }
    matches = {kind: _find(uow, kind, value) for kind, value in given.items()}
    refs = {ref for ref in matches.values() if ref is not None}
    if len(refs) > 1:
        raise InvalidInput(
            "the email and the phone number belong to two different people",
            where="ensure_person",
            hint="look each up separately and merge the records deliberately",
        )
    keys = uow.keys
    created = not refs
    if refs:
        ref = refs.pop()
    else:
        ref = PersonRef(uuid.uuid4().hex)
        sealed_name = keys.seal(name, context=NAME_CONTEXT) if name else None
        uow.connection.execute(
            insert(people).values(
                ref=ref,
                name_cipher=sealed_name.ciphertext if sealed_name else None,
                name_key_version=sealed_name.key_version if sealed_name else None,
                created_at=uow.clock(),
            )
        )
    added: list[IdentifierKind] = []
    for kind, value in given.items():
        if matches[kind] is not None:
            continue
        holder = _attach(uow, keys, ref, kind, value)
        if holder is None:
            added.append(kind)
        elif created and not added:
            # Another first contact for this address committed while we were creating: its
            # person is the one; ours holds nothing yet and goes.
            uow.connection.execute(delete(people).where(people.c.ref == ref))
            ref, created = holder, False
        elif holder != ref:
            raise InvalidInput(
                "the email and the phone number belong to two different people",
                where="ensure_person",
                hint="look each up separately and merge the records deliberately",
            )
    if added:
        audit.write(uow, identifiers_link(uow, ref, added, created=created))
    return ref


def identifiers_link(
    uow: UnitOfWork, ref: PersonRef, kinds: Iterable[IdentifierKind], *, created: bool
) -> audit.PendingLink:
    """The audit link for a person created, or for identifiers added to one (never the values)."""
    return audit.pending(
        uow,
        action="person.created" if created else "person.identifier_added",
        subject=f"person:{ref}",
        payload={"identifiers": sorted(kind.value for kind in kinds)},
    )


def get_person(uow: UnitOfWork, ref: PersonRef) -> Person:
    """Decrypt a person's identifiers (for sending, answering a request, or rotation checks)."""
    keys = uow.keys
    row = uow.connection.execute(select(people).where(people.c.ref == ref)).first()
    if row is None:
        raise NotFound(f"no person {ref}", where="person", hint="check the person reference")
    values: dict[str, str] = {}
    for kind, ciphertext in uow.connection.execute(
        select(person_identifiers.c.kind, person_identifiers.c.ciphertext).where(
            person_identifiers.c.person_ref == ref
        )
    ):
        values[kind] = keys.open(ciphertext, context=kind)
    name = keys.open(row.name_cipher, context=NAME_CONTEXT) if row.name_cipher else None
    return Person(ref, values.get("email"), values.get("phone"), name)


def _find(uow: UnitOfWork, kind: IdentifierKind, value: str) -> PersonRef | None:
    """Look up under every key version; if the ring changed meanwhile, look again."""
    ring = uow.keys
    found = _match(uow, {i: value for i in ring.blind_indexes(value, context=kind)}, kind)
    if not found and uow.keys is not ring:
        found = _match(uow, {i: value for i in uow.keys.blind_indexes(value, context=kind)}, kind)
    return next(iter(found.values()), None)


_MATCH = select(person_identifiers.c.blind_index, person_identifiers.c.person_ref).where(
    person_identifiers.c.kind == bindparam("kind"),
    person_identifiers.c.blind_index.in_(bindparam("indexes", expanding=True)),
)


def _match(
    uow: UnitOfWork, indexes: dict[bytes, str], kind: IdentifierKind = IdentifierKind.EMAIL
) -> dict[str, PersonRef]:
    rows = uow.connection.execute(_MATCH, {"kind": kind.value, "indexes": list(indexes)})
    return {indexes[row.blind_index]: PersonRef(row.person_ref) for row in rows}


def identifier_row(
    keys: KeyRing, ref: PersonRef, kind: IdentifierKind, value: str
) -> dict[str, object]:
    """A ``person_identifiers`` row for a normalised value: sealed, and indexed under the
    current key version."""
    sealed = keys.seal(value, context=kind)
    return {
        "person_ref": ref,
        "kind": kind.value,
        "blind_index": keys.blind_index(value, context=kind),
        "ciphertext": sealed.ciphertext,
        "key_version": sealed.key_version,
    }


def _attach(
    uow: UnitOfWork, keys: KeyRing, ref: PersonRef, kind: IdentifierKind, value: str
) -> PersonRef | None:
    """Add the identifier to ``ref``; if a concurrent transaction committed it first, write
    nothing and return the person who holds it (INSERT ... ON CONFLICT DO NOTHING, then a read
    that sees the other transaction's commit: PostgreSQL makes the insert wait for it)."""
    row = identifier_row(keys, ref, kind, value)
    insert_for = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    written = uow.connection.execute(
        insert_for(person_identifiers)
        .values(row)
        .on_conflict_do_nothing(index_elements=["kind", "blind_index"])
        .returning(person_identifiers.c.id)
    ).first()
    if written is not None:
        return None
    holder = uow.connection.execute(
        select(person_identifiers.c.person_ref).where(
            person_identifiers.c.kind == kind.value,
            person_identifiers.c.blind_index == row["blind_index"],
        )
    ).scalar_one()
    return PersonRef(holder)
