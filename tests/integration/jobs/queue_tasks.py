"""Tasks the queue tests run, in this process and in worker subprocesses.

Each writes a row to ``job_effects`` (created by the tests, not part of Steward's schema) whose
primary key makes a second run of the same job fail loudly: "exactly once" is checked by the
database, not by counting log lines.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry

JOB_EFFECTS = (
    "CREATE TABLE job_effects (n integer PRIMARY KEY, worker text NOT NULL, attempt integer "
    "NOT NULL)"
)
REQUESTS_AT_WORK = "CREATE TABLE requests_at_work (request_id integer PRIMARY KEY)"
"""A row while a step of the request runs: a second step running at once cannot insert it."""
HOLD_SECONDS = 600

registry = TaskRegistry()


def _effect(context: TaskContext, n: int) -> None:
    with context.store.unit_of_work(actor="test") as uow:
        uow.connection.execute(
            text("INSERT INTO job_effects (n, worker, attempt) VALUES (:n, :worker, :attempt)"),
            {"n": n, "worker": context.worker, "attempt": context.attempt},
        )
        uow.commit()


@registry.task("test.effect")
def effect(context: TaskContext, n: int) -> None:
    _effect(context, n)
    time.sleep(0.05)  # long enough that one worker cannot drain the queue alone


@registry.task("test.hold_on_first_attempt", serialised_by="request_id")
def hold_on_first_attempt(context: TaskContext, request_id: int) -> None:
    """Records each attempt; the first then hangs, to be killed mid-task."""
    _effect(context, request_id * 1000 + context.attempt)
    if context.attempt == 1:
        time.sleep(HOLD_SECONDS)


@registry.task("test.exclusive_step", serialised_by="request_id")
def exclusive_step(context: TaskContext, request_id: int, n: int) -> None:
    """Claims its request for the length of the step; two steps of one request at once would
    collide on the claim's primary key and fail."""
    with context.store.unit_of_work(actor="test") as uow:
        uow.connection.execute(
            text("INSERT INTO requests_at_work (request_id) VALUES (:r)"), {"r": request_id}
        )
        uow.commit()
    _effect(context, n)
    time.sleep(0.05)
    with context.store.unit_of_work(actor="test") as uow:
        uow.connection.execute(
            text("DELETE FROM requests_at_work WHERE request_id = :r"), {"r": request_id}
        )
        uow.commit()
