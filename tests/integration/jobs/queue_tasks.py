"""Tasks the queue tests run, in this process and in worker subprocesses.

Each writes a row to ``job_effects`` (created by the tests, not part of Steward's schema) whose
primary key makes a second run of the same job fail loudly: "exactly once" is checked by the
database, not by counting log lines.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry
from steward.requests.kinds import RequestKind
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store
from tests.integration.engine.conftest import TaxHolds
from tests.integration.engine.sqlite_estate import SqliteFileConnector
from tests.unit.engine.estate import maps, subject
from tests.unit.engine.estate import systems as estate_systems

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


ESTATE_VARIABLE = "ENGINE_TEST_ESTATE"
"""The SQLite file of the organisation's systems the engine's steps act on."""
PAUSE_VARIABLE = "ENGINE_TEST_PAUSE_MARK"
"""If set: the first change to the estate by any worker creates this file, then hangs."""


class _PauseOnFirstChange:
    """Passes every call through; the first change of all (across processes: the mark file
    says it happened) is made, then the process hangs, to be killed inside the step."""

    def __init__(self, inner: SqliteFileConnector, mark: Path) -> None:
        self.inner = inner
        self.mark = mark
        self.system_id = inner.system_id
        self.capabilities = inner.capabilities

    def __getattr__(self, name: str) -> Callable[..., Any]:
        call: Callable[..., Any] = getattr(self.inner, name)

        def passed(*args: Any) -> Any:
            result = call(*args)
            if name in ("erase", "restrict", "rectify") and not self.mark.exists():
                self.mark.write_text("paused")
                time.sleep(HOLD_SECONDS)
            return result

        return passed


def engine_wiring(store: Store, request_id: str) -> RequestEngineWiring:
    """The engine's parts for the tests' estate (``ENGINE_TEST_ESTATE``)."""
    estate = Path(os.environ[ESTATE_VARIABLE])
    mark = os.environ.get(PAUSE_VARIABLE)
    opened = {name: SqliteFileConnector(name, estate) for name in ("crm", "support")}
    systems: dict[str, Any] = (
        {name: _PauseOnFirstChange(c, Path(mark)) for name, c in opened.items()}
        if mark
        else dict(opened)
    )

    def close() -> None:
        for connector in opened.values():
            connector.close()

    return RequestEngineWiring(
        store=store,
        subject=lambda reference: subject(RequestKind.access, request_id=reference),
        maps=maps(),
        systems=estate_systems()[:3],
        connectors=systems.__getitem__,
        holds=TaxHolds(),
        clock=store.clock,
        actor="test",
        close=close,
        stuck_after=timedelta(seconds=float(os.environ["STEWARD_JOBS_STALLED_AFTER_SECONDS"])),
        heartbeat_every=float(os.environ["STEWARD_JOBS_HEARTBEAT_SECONDS"]),
    )


register_engine_tasks(registry, engine_wiring)
