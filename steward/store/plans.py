"""Request plans and their steps: the engine's durable state, the only SQL for these tables.

The state is what makes a plan resumable after a crash (DESIGN.md §3: a destructive step is
planned, recorded, executed, then marked done). A step is claimed (``running``, its record keys
recorded) in a transaction the caller commits BEFORE the step's destructive call, and marked
``done`` in another after it. The request's identifiers, the keys and any exported records are
personal data, so they are sealed with the key ring (UK GDPR Art 32(1)(a)); the plan JSON and the
evidence hold only system, collection and field names, counts and digests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, delete, insert, select, update

from steward.errors import NotFound
from steward.store.database import UnitOfWork
from steward.store.tables import plan_steps, request_plans

SUBJECT_CONTEXT = "request_subject"
KEYS_CONTEXT = "plan_step_keys"
EXPORT_CONTEXT = "plan_step_export"


@dataclass(frozen=True)
class StoredPlan:
    request_id: str
    kind: str
    plan_json: str
    subject_json: str  # opened: plaintext identifiers; never log it
    status: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None

    def __repr__(self) -> str:
        return f"StoredPlan(request_id={self.request_id!r}, status={self.status!r})"


@dataclass(frozen=True)
class StoredStep:
    request_id: str
    step_no: int
    system: str
    collection: str
    action: str
    status: str
    keys_json: str | None  # opened
    attempts: int
    claimed_by: str | None
    heartbeat_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    evidence_json: str | None
    error: str | None

    def __repr__(self) -> str:
        return f"StoredStep({self.request_id!r}, {self.step_no}, {self.status!r})"


@dataclass(frozen=True)
class NewStep:
    step_no: int
    system: str
    collection: str
    action: str


def add_plan(
    uow: UnitOfWork,
    *,
    request_id: str,
    kind: str,
    plan_json: str,
    subject_json: str,
    steps: Sequence[NewStep],
) -> None:
    sealed = uow.keys.seal(subject_json, context=SUBJECT_CONTEXT)
    uow.connection.execute(
        insert(request_plans).values(
            request_id=request_id,
            kind=kind,
            plan=plan_json,
            subject_cipher=sealed.ciphertext,
            subject_key_version=sealed.key_version,
            status="planned",
            created_at=uow.clock(),
        )
    )
    if steps:
        uow.connection.execute(
            insert(plan_steps),
            [
                {
                    "request_id": request_id,
                    "step_no": step.step_no,
                    "system": step.system,
                    "collection": step.collection,
                    "action": step.action,
                    "status": "pending",
                    "attempts": 0,
                }
                for step in steps
            ],
        )


def drop_plan(uow: UnitOfWork, request_id: str) -> None:
    uow.connection.execute(delete(plan_steps).where(plan_steps.c.request_id == request_id))
    uow.connection.execute(delete(request_plans).where(request_plans.c.request_id == request_id))


def find_plan(uow: UnitOfWork, request_id: str, *, for_update: bool = False) -> StoredPlan | None:
    query = select(request_plans).where(request_plans.c.request_id == request_id)
    if for_update:
        query = query.with_for_update()
    row = uow.connection.execute(query).mappings().first()
    if row is None:
        return None
    return StoredPlan(
        request_id=row["request_id"],
        kind=row["kind"],
        plan_json=row["plan"],
        subject_json=uow.keys.open(row["subject_cipher"], context=SUBJECT_CONTEXT),
        status=row["status"],
        created_at=row["created_at"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
    )


def get_plan(uow: UnitOfWork, request_id: str, *, for_update: bool = False) -> StoredPlan:
    found = find_plan(uow, request_id, for_update=for_update)
    if found is None:
        raise NotFound(
            f"request {request_id} has no plan",
            where="request_id",
            hint=f"make one with `steward request plan {request_id}`",
        )
    return found


def set_status(uow: UnitOfWork, request_id: str, status: str) -> None:
    uow.connection.execute(
        update(request_plans).where(request_plans.c.request_id == request_id).values(status=status)
    )


def set_approved(uow: UnitOfWork, request_id: str, actor: str, at: datetime) -> None:
    uow.connection.execute(
        update(request_plans)
        .where(request_plans.c.request_id == request_id)
        .values(approved_by=actor, approved_at=at, status="approved")
    )


def _step(uow: UnitOfWork, row: RowMapping) -> StoredStep:
    keys = row["keys_cipher"]
    return StoredStep(
        request_id=row["request_id"],
        step_no=row["step_no"],
        system=row["system"],
        collection=row["collection"],
        action=row["action"],
        status=row["status"],
        keys_json=uow.keys.open(keys, context=KEYS_CONTEXT) if keys is not None else None,
        attempts=row["attempts"],
        claimed_by=row["claimed_by"],
        heartbeat_at=row["heartbeat_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        evidence_json=row["evidence"],
        error=row["error"],
    )


def steps_of(uow: UnitOfWork, request_id: str) -> list[StoredStep]:
    rows = uow.connection.execute(
        select(plan_steps)
        .where(plan_steps.c.request_id == request_id)
        .order_by(plan_steps.c.step_no)
    ).mappings()
    return [_step(uow, row) for row in rows]


def step_of(
    uow: UnitOfWork, request_id: str, step_no: int, *, for_update: bool = False
) -> StoredStep:
    query = select(plan_steps).where(
        plan_steps.c.request_id == request_id, plan_steps.c.step_no == step_no
    )
    if for_update:
        query = query.with_for_update()
    row = uow.connection.execute(query).mappings().first()
    if row is None:
        raise NotFound(
            f"request {request_id} has no step {step_no}",
            where="step",
            hint=f"list the steps with `steward request plan {request_id}`",
        )
    return _step(uow, row)


def claim(
    uow: UnitOfWork, request_id: str, step_no: int, *, worker: str, now: datetime, keys_json: str
) -> None:
    """Mark the step running with the keys it will act on; the caller commits before acting."""
    sealed = uow.keys.seal(keys_json, context=KEYS_CONTEXT)
    uow.connection.execute(
        update(plan_steps)
        .where(plan_steps.c.request_id == request_id, plan_steps.c.step_no == step_no)
        .values(
            status="running",
            keys_cipher=sealed.ciphertext,
            keys_key_version=sealed.key_version,
            attempts=plan_steps.c.attempts + 1,
            claimed_by=worker,
            heartbeat_at=now,
            started_at=now,
            finished_at=None,
            error=None,
        )
    )


def beat(uow: UnitOfWork, request_id: str, step_no: int, worker: str, now: datetime) -> None:
    """The step's worker is alive (only while it still runs the step under its claim)."""
    uow.connection.execute(
        update(plan_steps)
        .where(
            plan_steps.c.request_id == request_id,
            plan_steps.c.step_no == step_no,
            plan_steps.c.status == "running",
            plan_steps.c.claimed_by == worker,
        )
        .values(heartbeat_at=now)
    )


def finish(
    uow: UnitOfWork,
    request_id: str,
    step_no: int,
    *,
    status: str,
    now: datetime,
    evidence_json: str | None = None,
    error: str | None = None,
    exported_json: str | None = None,
    keys_json: str | None = None,
) -> None:
    """End a step: done (with its evidence, and for a search the keys it found) or failed."""
    values: dict[str, object] = {
        "status": status,
        "finished_at": now,
        "heartbeat_at": now,
        "evidence": evidence_json,
        "error": error,
    }
    if keys_json is not None:
        sealed_keys = uow.keys.seal(keys_json, context=KEYS_CONTEXT)
        values |= {
            "keys_cipher": sealed_keys.ciphertext,
            "keys_key_version": sealed_keys.key_version,
        }
    if exported_json is not None:
        sealed = uow.keys.seal(exported_json, context=EXPORT_CONTEXT)
        values |= {"exported_cipher": sealed.ciphertext, "exported_key_version": sealed.key_version}
    uow.connection.execute(
        update(plan_steps)
        .where(plan_steps.c.request_id == request_id, plan_steps.c.step_no == step_no)
        .values(values)
    )


def exports_of(uow: UnitOfWork, request_id: str) -> list[tuple[int, str]]:
    """(step number, opened JSON of the exported records) of each export step that has them."""
    rows = uow.connection.execute(
        select(plan_steps.c.step_no, plan_steps.c.exported_cipher)
        .where(plan_steps.c.request_id == request_id, plan_steps.c.exported_cipher.is_not(None))
        .order_by(plan_steps.c.step_no)
    )
    return [(n, uow.keys.open(cipher, context=EXPORT_CONTEXT)) for n, cipher in rows]


def running_since(uow: UnitOfWork, before: datetime) -> list[StoredStep]:
    """Running steps whose last heartbeat is before ``before`` (their worker may be dead)."""
    rows = uow.connection.execute(
        select(plan_steps)
        .where(plan_steps.c.status == "running", plan_steps.c.heartbeat_at < before)
        .order_by(plan_steps.c.request_id, plan_steps.c.step_no)
    ).mappings()
    return [_step(uow, row) for row in rows]
