"""Steward's own record of each job run: queued, running, done or failed, with a heartbeat.

Issue 11 item 4: a step stuck on a dead worker must be detected and reported within a minute.
The row is written in the transaction that queued the job (so a rollback leaves neither a job nor
a record of one), then moved by whichever runner takes it; a running task refreshes
``heartbeat_at`` from a background thread, and a run whose heartbeat has gone quiet is *stuck*
(``stuck_runs``). ``args`` holds ids only and ``error`` a short message naming no person
(DESIGN.md §3: no plaintext identifier in an unencrypted column).

These are operational records, not accountability events: the work a job does writes its own
audit events (UK GDPR Art 5(2)); a heartbeat every ten seconds would only flood the chain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import RowMapping, insert, select, update

from steward.store.database import Store, UnitOfWork
from steward.store.tables import job_runs

ERROR_LENGTH = 500


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


@dataclass(frozen=True)
class JobRun:
    """One job as Steward last saw it."""

    id: str
    task: str
    args: Mapping[str, str | int]
    lock_key: str | None
    status: RunStatus
    worker: str | None
    attempts: int
    queued_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    error: str | None


def record_queued(
    uow: UnitOfWork,
    *,
    run_id: str,
    task: str,
    args: Mapping[str, str | int],
    lock_key: str | None,
) -> None:
    """In the transaction that makes the job true: the run exists exactly when the job does."""
    uow.connection.execute(
        insert(job_runs).values(
            id=run_id,
            task=task,
            args=json.dumps(dict(args), sort_keys=True),
            lock_key=lock_key,
            status=RunStatus.queued.value,
            attempts=0,
            queued_at=uow.clock(),
        )
    )


def mark_running(uow: UnitOfWork, run_id: str, *, worker: str, at: datetime) -> int:
    """The run is taken by ``worker``; returns its attempt number (1 for the first)."""
    uow.connection.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id)
        .values(
            status=RunStatus.running.value,
            worker=worker,
            attempts=job_runs.c.attempts + 1,
            started_at=at,
            heartbeat_at=at,
            finished_at=None,
        )
    )
    attempts = uow.connection.execute(
        select(job_runs.c.attempts).where(job_runs.c.id == run_id)
    ).scalar_one_or_none()
    return 0 if attempts is None else int(attempts)


def beat(uow: UnitOfWork, run_id: str, *, worker: str, at: datetime) -> bool:
    """Refresh the heartbeat of a run ``worker`` still holds; False once it holds it no more
    (finished, or taken over by another worker after this one was presumed dead)."""
    moved = uow.connection.execute(
        update(job_runs)
        .where(
            job_runs.c.id == run_id,
            job_runs.c.worker == worker,
            job_runs.c.status == RunStatus.running.value,
        )
        .values(heartbeat_at=at)
    )
    return moved.rowcount == 1


def mark_done(uow: UnitOfWork, run_id: str, *, at: datetime) -> None:
    uow.connection.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id)
        .values(status=RunStatus.done.value, finished_at=at, heartbeat_at=at)
    )


def mark_failed(uow: UnitOfWork, run_id: str, *, at: datetime, error: str, retrying: bool) -> None:
    """The attempt failed: queued again when the runner will retry it, failed when not."""
    uow.connection.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id)
        .values(
            status=(RunStatus.queued if retrying else RunStatus.failed).value,
            finished_at=None if retrying else at,
            heartbeat_at=at,
            error=error[:ERROR_LENGTH],
        )
    )


def mark_requeued(uow: UnitOfWork, run_id: str, *, at: datetime, reason: str) -> bool:
    """A running run whose worker stopped is handed back to the queue; False if it was not
    running (another worker got there first)."""
    moved = uow.connection.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id, job_runs.c.status == RunStatus.running.value)
        .values(status=RunStatus.queued.value, heartbeat_at=at, error=reason[:ERROR_LENGTH])
    )
    return moved.rowcount == 1


def find_run(uow: UnitOfWork, run_id: str) -> JobRun | None:
    row = uow.connection.execute(select(job_runs).where(job_runs.c.id == run_id)).one_or_none()
    return None if row is None else _run(row._mapping)


def runs_for(uow: UnitOfWork, lock_key: str) -> list[JobRun]:
    """Every run serialised on ``lock_key`` (``request_id=42``), oldest first."""
    rows = uow.connection.execute(
        select(job_runs)
        .where(job_runs.c.lock_key == lock_key)
        .order_by(job_runs.c.queued_at, job_runs.c.id)
    )
    return [_run(row._mapping) for row in rows]


def stuck_in(
    uow: UnitOfWork, now: datetime, after: timedelta, *, lock_key: str | None = None
) -> list[JobRun]:
    query = select(job_runs).where(
        job_runs.c.status == RunStatus.running.value,
        job_runs.c.heartbeat_at < now - after,
    )
    if lock_key is not None:
        query = query.where(job_runs.c.lock_key == lock_key)
    rows = uow.connection.execute(query.order_by(job_runs.c.heartbeat_at, job_runs.c.id))
    return [_run(row._mapping) for row in rows]


def stuck_runs(
    store: Store,
    now: datetime,
    after: timedelta = timedelta(seconds=60),
    *,
    lock_key: str | None = None,
) -> list[JobRun]:
    """Running jobs whose heartbeat is older than ``after``: their worker has most likely died
    (a live one beats every ~10 s). ``steward request show`` reports these (issue 11 item 4)."""
    with store.unit_of_work(actor="jobs", reads_only=True) as uow:
        return stuck_in(uow, now, after, lock_key=lock_key)


def _run(row: RowMapping) -> JobRun:
    return JobRun(
        id=row["id"],
        task=row["task"],
        args=json.loads(row["args"]),
        lock_key=row["lock_key"],
        status=RunStatus(row["status"]),
        worker=row["worker"],
        attempts=row["attempts"],
        queued_at=row["queued_at"],
        started_at=row["started_at"],
        heartbeat_at=row["heartbeat_at"],
        finished_at=row["finished_at"],
        error=row["error"],
    )
