"""Is this key file the database's own? Checked on open, before anything is written.

A key file from another deployment, or one whose keys were swapped, would let Steward run and
record an unsubscribe against a new "person" the real key cannot see, so the real subscriber
stays allowed (issue 9; UK GDPR Art 21(3), PECR reg 22; Art 32 integrity). Each key version
therefore leaves a *check value* in the database: an HMAC-SHA256 of a fixed label under each of
its two keys. It reveals nothing about the keys and proves, on every open, that the file holds
the same keys the data was written with (docs/security.md, "Which key file belongs here").

A version with no check value yet (a database written before checks existed, or a version just
added by ``steward keys rotate``) is proved against the data instead: one value sealed with it
must decrypt and re-index exactly; then its check value is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select, union
from sqlalchemy.dialects import postgresql, sqlite

from steward.errors import ConfigError, IntegrityError
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import Store
from steward.store.people import NAME_CONTEXT
from steward.store.plans import SUBJECT_CONTEXT
from steward.store.tables import key_checks, people, person_identifiers, plan_steps, request_plans

_LABEL = b"steward key check/1 "
_ACTOR = "steward:key-check"


@dataclass(frozen=True)
class KeyCheck:
    """What the database keeps per key version: never a key, only HMACs of a fixed label."""

    version: int
    encryption_check: str
    index_check: str

    @staticmethod
    def of(key: KeyVersion) -> KeyCheck:
        return KeyCheck(
            key.version,
            hmac.new(key.encryption_key, _LABEL + b"encryption", hashlib.sha256).hexdigest(),
            hmac.new(key.index_key, _LABEL + b"index", hashlib.sha256).hexdigest(),
        )


def verify_key_ring(store: Store, *, where: str) -> None:
    """Raise ConfigError unless every key version the data needs is in the ring and each version
    in the ring is the database's own; record check values for versions that have none yet."""
    ring = store.keys.ring()
    with store.unit_of_work(actor=_ACTOR, reads_only=True) as uow:
        stored = _stored(uow.connection)
        _compare(ring, stored, where)
        unproved = [version for version in ring.versions if version not in stored]
        used = (
            _versions_in_use(uow.connection)
            if unproved or set(stored) - set(ring.versions)
            else set()
        )
        _require_present(ring, used, where)
        for version in unproved:
            if version in used:
                _prove_against_data(uow.connection, ring, version, where)
    if not unproved:
        return
    with store.unit_of_work(actor=_ACTOR) as uow:
        insert_for = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
        for version in unproved:
            check = KeyCheck.of(ring.key(version))
            uow.connection.execute(
                insert_for(key_checks)
                .values(vars(check) | {"recorded_at": uow.clock()})
                .on_conflict_do_nothing(index_elements=["version"])
            )
        _compare(ring, _stored(uow.connection), where)  # a concurrent opener recorded first
        uow.commit()


def _stored(connection: Connection) -> dict[int, KeyCheck]:
    rows = connection.execute(
        select(key_checks.c.version, key_checks.c.encryption_check, key_checks.c.index_check)
    )
    return {
        row.version: KeyCheck(row.version, row.encryption_check, row.index_check) for row in rows
    }


def _compare(ring: KeyRing, stored: dict[int, KeyCheck], where: str) -> None:
    for version in ring.versions:
        expected = stored.get(version)
        if expected is None:
            continue
        key = ring.key(version)
        if KeyCheck.of(key) != expected:
            swapped = _swapped(key, expected)
            raise _not_ours(version, where, "its two keys are swapped" if swapped else None)


def _swapped(key: KeyVersion, expected: KeyCheck) -> bool:
    crossed = KeyCheck.of(KeyVersion(key.version, key.index_key, key.encryption_key))
    return crossed == expected


def _versions_in_use(connection: Connection) -> set[int]:
    """Every key version some stored value is sealed with (identifiers, names, and a request
    plan's identifiers, record keys and exported records)."""
    query = union(
        select(person_identifiers.c.key_version).distinct(),
        select(people.c.name_key_version).where(people.c.name_key_version.is_not(None)).distinct(),
        select(request_plans.c.subject_key_version).distinct(),
        select(plan_steps.c.keys_key_version).where(plan_steps.c.keys_key_version.is_not(None)),
        select(plan_steps.c.exported_key_version).where(
            plan_steps.c.exported_key_version.is_not(None)
        ),
    )
    return {int(version) for version in connection.execute(query).scalars()}


def _require_present(ring: KeyRing, used: Iterable[int], where: str) -> None:
    missing = sorted(set(used) - set(ring.versions))
    if missing:
        raise ConfigError(
            "the database holds values sealed with key version"
            f"{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))}, which the key "
            f"file does not have (it has {', '.join(map(str, ring.versions))}): the file is "
            "truncated, older than the data, or another deployment's",
            where=where,
            hint="point STEWARD_KEY_FILE at this deployment's full key file (restore it from "
            "backup); nothing was written",
        )


def _prove_against_data(connection: Connection, ring: KeyRing, version: int, where: str) -> None:
    """Open one value sealed with ``version``; an identifier must also re-index to its row."""
    row = connection.execute(
        select(
            person_identifiers.c.kind,
            person_identifiers.c.ciphertext,
            person_identifiers.c.blind_index,
        )
        .where(person_identifiers.c.key_version == version)
        .limit(1)
    ).first()
    try:
        if row is not None:
            value = ring.open(row.ciphertext, context=row.kind)
            if ring.blind_index(value, context=row.kind, version=version) == row.blind_index:
                return
            raise _not_ours(version, where, "its index key does not match the stored index")
        name = connection.execute(
            select(people.c.name_cipher).where(people.c.name_key_version == version).limit(1)
        ).scalar_one_or_none()
        if name is not None:
            ring.open(name, context=NAME_CONTEXT)
            return
        subject = connection.execute(
            select(request_plans.c.subject_cipher)
            .where(request_plans.c.subject_key_version == version)
            .limit(1)
        ).scalar_one_or_none()
        if subject is not None:
            ring.open(subject, context=SUBJECT_CONTEXT)
    except IntegrityError:
        raise _not_ours(version, where, "it cannot decrypt the values sealed with it") from None


def _not_ours(version: int, where: str, detail: str | None) -> ConfigError:
    because = f" ({detail})" if detail else ""
    return ConfigError(
        f"key version {version} in the key file is not the one this database was written "
        f"with{because}: the file belongs to another deployment, or its keys were swapped or "
        "edited",
        where=where,
        hint="point STEWARD_KEY_FILE at this deployment's key file (restore it from backup); "
        "nothing was written",
    )
