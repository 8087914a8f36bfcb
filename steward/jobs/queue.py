"""Jobs on a procrastinate queue in PostgreSQL, drained by ``steward worker`` processes.

DESIGN.md §1 ("Jobs"): any number of workers, on any machine that reaches the database, share
one queue (``steward`` by default). A job is deferred only after the commit that queued it
(``uow.after_commit``) and carries the run's id and the task's ids. Each task is registered on
the procrastinate ``App`` with a retry strategy (exponential backoff) and, when the task is
serialised by an id, a procrastinate *lock* on it: two steps of the same request never run at
once, and run in the order they were queued.

If the defer itself fails after the commit (the database went away in between), the run stays
``queued`` in ``job_runs`` with no job behind it, and the failure reaches the caller with a note
that the commit stands (``UnitOfWork.after_commit``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy
from sqlalchemy.engine import make_url

from steward.errors import ConfigError
from steward.jobs.registry import TaskRegistry, TaskSpec, job_arguments
from steward.jobs.runs import HEARTBEAT_SECONDS, perform, worker_name
from steward.store import job_runs
from steward.store.database import Store, UnitOfWork

QUEUE = "steward"


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failed job is tried again, and how long to wait: ``backoff_seconds`` to the
    power of the attempt (5 s, 25 s, 125 s for 5)."""

    retries: int = 3
    backoff_seconds: int = 5

    def strategy(self) -> RetryStrategy | None:
        """None for no retries: procrastinate reads ``max_attempts=0`` as "retry for ever"."""
        if self.retries == 0:
            return None
        return RetryStrategy(max_attempts=self.retries, exponential_wait=self.backoff_seconds)


def postgres_conninfo(database_url: str) -> str:
    """The libpq address of Steward's PostgreSQL database, for procrastinate's own pool."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "postgresql":
        raise ConfigError(
            "the procrastinate job runner needs PostgreSQL, and the database is "
            f"{parsed.get_backend_name()}",
            where="STEWARD_JOBS_RUNNER",
            hint="use STEWARD_JOBS_RUNNER=inline with SQLite, or set STEWARD_DATABASE_URL to "
            "a PostgreSQL database",
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateJobs:
    """The queue runner (``STEWARD_JOBS_RUNNER=procrastinate``)."""

    def __init__(
        self,
        store: Store,
        registry: TaskRegistry,
        *,
        conninfo: str,
        queue: str = QUEUE,
        retry: RetryPolicy = RetryPolicy(),
        heartbeat_every: float = HEARTBEAT_SECONDS,
        pool_size: int = 4,
    ) -> None:
        self.store = store
        self.registry = registry
        self.queue = queue
        self.retry = retry
        self.heartbeat_every = heartbeat_every
        self.app = App(
            connector=PsycopgConnector(conninfo=conninfo, min_size=1, max_size=pool_size)
        )
        self._serving = False
        self._opened = False
        self._open_lock = threading.Lock()
        strategy = retry.strategy()
        for spec in registry:
            self.app.task(name=spec.name, queue=queue, retry=strategy or False, pass_context=True)(
                self._runner(spec, strategy)
            )

    def enqueue(self, uow: UnitOfWork, task_name: str, /, **ids: str | int) -> str:
        spec = self.registry.spec(task_name)
        arguments = job_arguments(spec, ids)
        run_id = uuid.uuid4().hex
        lock = spec.lock_key(arguments)
        job_runs.record_queued(uow, run_id=run_id, task=spec.name, args=arguments, lock_key=lock)
        uow.after_commit(lambda: self._defer(spec, run_id, arguments, lock))
        return run_id

    def serving(self) -> None:
        """Called by the worker: the app is open on the worker's event loop, so tasks that
        queue the next step defer through it."""
        self._serving = True

    def close(self) -> None:
        """Close the pool a command line or web process opened to defer jobs."""
        with self._open_lock:
            if self._opened:
                self.app.close()
                self._opened = False

    def _defer(
        self, spec: TaskSpec, run_id: str, arguments: dict[str, str | int], lock: str | None
    ) -> None:
        if not self._serving:
            with self._open_lock:
                if not self._opened:
                    self.app.open()
                    self._opened = True
        self.app.configure_task(spec.name, lock=lock, queue=self.queue).defer(
            run_id=run_id, **arguments
        )

    def _runner(self, spec: TaskSpec, strategy: RetryStrategy | None) -> Callable[..., None]:
        def run(context: JobContext, run_id: str, **ids: Any) -> None:
            def will_retry(error: BaseException) -> bool:
                if strategy is None:
                    return False
                return strategy.get_retry_decision(exception=error, job=context.job) is not None

            perform(
                self.store,
                spec,
                run_id,
                ids,
                jobs=self,
                worker=worker_name(),
                heartbeat_every=self.heartbeat_every,
                will_retry=will_retry,
            )

        run.__name__ = spec.name.replace(".", "_")
        return run
