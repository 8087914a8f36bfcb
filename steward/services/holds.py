"""Legal holds: staff add and release them; requests and sweeps ask which records they keep.

A held record is restricted, not erased, and the response says why (UK GDPR Art 17(3)(b), (e);
Art 18(1)(c)); the same holds stop retention deletion. Every add and release writes one audit
link in the same transaction (Art 5(2)); a release needs a reason, so the chain shows why the
organisation stopped keeping what it kept. The caller owns the transaction: nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from steward.connectors.protocol import Record, RecordKey
from steward.errors import ConfigError, InvalidInput
from steward.law.retention import AccountingYearEnd
from steward.manifest.datasets import CollectionMap
from steward.manifest.schema import Manifest, RetentionRule
from steward.requests.hold_rules import (
    STAFF_CITATION,
    HoldScope,
    OpenRequest,
    StaffHold,
    StaffHoldKind,
    open_request_holds,
    retention_hold,
    staff_holds_on,
)
from steward.requests.holds import Hold
from steward.store import audit, holds
from steward.store.database import Store, UnitOfWork
from steward.store.people import ensure_person

_MIN_REASON = 10


@dataclass(frozen=True)
class HoldTarget:
    """What a staff hold covers: a person (by e-mail), a system, or a system's collection."""

    email: str | None = None
    system: str | None = None
    collection: str | None = None

    @property
    def scope(self) -> HoldScope:
        if self.email is not None:
            if self.system is not None or self.collection is not None:
                raise InvalidInput(
                    "a hold covers a person or a system, not both",
                    where="hold target",
                    hint="give --email, or --system (with --collection for one collection)",
                )
            return HoldScope.person
        if self.system is None:
            raise InvalidInput(
                "a hold needs a person or a system",
                where="hold target",
                hint="give --email, or --system (with --collection for one collection)",
            )
        return HoldScope.system if self.collection is None else HoldScope.collection


def add_hold(
    uow: UnitOfWork,
    target: HoldTarget,
    *,
    kind: StaffHoldKind,
    reason: str,
    today: date,
    until: date | None = None,
    citation: str | None = None,
    manifest: Manifest | None = None,
) -> StaffHold:
    """Record a staff hold. A person is found (or added) by the blind index of their e-mail, so
    a request that arrives later about the same address meets the hold."""
    scope = target.scope
    _require_reason(reason, "reason")
    if until is not None and until < today:
        raise InvalidInput(
            f"the hold would end on {until}, which is before today ({today})",
            where="until",
            hint="give the last day the hold applies, today or later, or none",
        )
    if manifest is not None and target.system is not None:
        declared = {system.id for system in manifest.systems}
        if target.system not in declared:
            raise InvalidInput(
                f"the manifest declares no system {target.system!r}",
                where="system",
                hint=f"use one of: {', '.join(sorted(declared)) or 'none declared'}",
            )
    person_ref = ensure_person(uow, email=target.email) if target.email is not None else None
    hold = holds.add(
        uow,
        StaffHold(
            id=0,
            scope=scope,
            person_ref=person_ref,
            system=target.system,
            collection=target.collection,
            kind=kind,
            reason=reason.strip(),
            citation=(citation or STAFF_CITATION).strip(),
            created_by=uow.actor,
            created_at=uow.clock(),
            until=until,
        ),
    )
    audit.append(
        uow,
        action="hold.added",
        subject=f"hold:{hold.id}",
        payload={
            "scope": scope.value,
            "person": person_ref,
            "system": hold.system,
            "collection": hold.collection,
            "source": kind.value,
            "reason": hold.reason,
            "citation": hold.citation,
            "until": until.isoformat() if until else None,
        },
    )
    return hold


def release_hold(uow: UnitOfWork, hold_id: int, *, reason: str) -> StaffHold:
    """Release a hold; the reason is required and kept with it and in the audit chain."""
    _require_reason(reason, "reason")
    released = holds.release(
        uow, hold_id, released_by=uow.actor, released_at=uow.clock(), reason=reason.strip()
    )
    audit.append(
        uow,
        action="hold.released",
        subject=f"hold:{hold_id}",
        payload={"reason": reason.strip()},
    )
    return released


def list_holds(uow: UnitOfWork, *, today: date, include_released: bool = False) -> list[StaffHold]:
    """Holds in force today (or every hold ever entered, with ``include_released``)."""
    return holds.listed(uow, in_force_on=None if include_released else today)


class StoreHoldCheck:
    """``HoldCheck`` over Steward's store and the manifest, for one person's request (or, with
    ``person_ref`` None, a retention sweep: then person-scoped holds cannot apply).

    Per record: the collection's retention rule, staff holds reaching the person, system or
    collection, and the person's other open requests (``open_requests``, less ``answering``).
    """

    def __init__(
        self,
        store: Store,
        manifest: Manifest,
        person_ref: str | None,
        *,
        open_requests: Sequence[OpenRequest] = (),
        answering: str | None = None,
        accounting_period_end: AccountingYearEnd | None = None,
        actor: str = "steward:holds",
    ) -> None:
        self._store = store
        self._manifest = manifest
        self._person_ref = person_ref
        self._requests = (
            open_request_holds(person_ref, open_requests, answering=answering)
            if person_ref is not None
            else ()
        )
        self._accounting = accounting_period_end
        self._actor = actor

    def holds_for(
        self,
        system_id: str,
        collection: CollectionMap,
        records: Sequence[Record],
        today: date,
    ) -> Mapping[RecordKey, tuple[Hold, ...]]:
        with self._store.unit_of_work(self._actor, reads_only=True) as uow:
            entered = holds.listed(
                uow, in_force_on=today, person_ref=self._person_ref, system=system_id
            )
        common = (
            *staff_holds_on(entered, self._person_ref, system_id, collection.name, today),
            *self._requests,
        )
        rule = self._rule(system_id, collection)
        found: dict[RecordKey, tuple[Hold, ...]] = {}
        for record in records:
            kept = common
            if rule is not None:
                by_rule = retention_hold(
                    rule, collection, record, today, accounting_period_end=self._accounting
                )
                kept = (by_rule, *kept) if by_rule is not None else kept
            if kept:
                found[record.key] = kept
        return found

    def _rule(self, system_id: str, collection: CollectionMap) -> RetentionRule | None:
        if collection.retention is None:
            return None
        try:
            return self._manifest.retention_rule(collection.retention)
        except KeyError:
            raise ConfigError(
                f"the dataset map of {system_id}.{collection.name} names retention rule "
                f"{collection.retention!r}, which the manifest does not declare",
                where=f"datasets/{system_id}.yaml",
                hint="declare the rule under 'retention' in the manifest, or correct the id",
            ) from None


def _require_reason(reason: str, where: str) -> None:
    if len(reason.strip()) < _MIN_REASON:
        raise InvalidInput(
            "a reason is required", where=where, hint="say why, in a few words (10+ characters)"
        )
