"""Jobs run in the process, right after the commit that queued them.

For SQLite, where there is one process and no queue (DESIGN.md §1): a job queued in a unit of
work runs once that unit commits, before ``commit()`` returns, in the committing thread. Jobs a
task queues in turn run after it, in order, not nested inside it, so a long chain of steps runs
one after another at the same stack depth. A failing task is recorded (``job_runs``: failed,
with a short message) and logged; it never undoes the commit that queued it, and it does not
stop the jobs queued after it. Inline jobs are not retried: re-run the work that queued them.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass

from steward.jobs.registry import TaskRegistry, TaskSpec, job_arguments
from steward.jobs.runs import HEARTBEAT_SECONDS, perform, worker_name
from steward.store import job_runs
from steward.store.database import Store, UnitOfWork


@dataclass(frozen=True)
class _Queued:
    spec: TaskSpec
    run_id: str
    ids: dict[str, str | int]


class InlineJobs:
    """The in-process runner (``STEWARD_JOBS_RUNNER=inline``)."""

    def __init__(
        self,
        store: Store,
        registry: TaskRegistry,
        *,
        heartbeat_every: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.store = store
        self.registry = registry
        self.heartbeat_every = heartbeat_every
        self._local = threading.local()

    def enqueue(self, uow: UnitOfWork, task_name: str, /, **ids: str | int) -> str:
        spec = self.registry.spec(task_name)
        arguments = job_arguments(spec, ids)
        run_id = uuid.uuid4().hex
        job_runs.record_queued(
            uow, run_id=run_id, task=spec.name, args=arguments, lock_key=spec.lock_key(arguments)
        )
        uow.after_commit(lambda: self._run_after_commit(_Queued(spec, run_id, arguments)))
        return run_id

    def _run_after_commit(self, job: _Queued) -> None:
        pending: deque[_Queued] | None = getattr(self._local, "pending", None)
        if pending is not None:  # queued by a running task: runs after it, in order
            pending.append(job)
            return
        pending = self._local.pending = deque([job])
        try:
            while pending:
                self._run(pending.popleft())
        finally:
            self._local.pending = None

    def _run(self, job: _Queued) -> None:
        try:
            perform(
                self.store,
                job.spec,
                job.run_id,
                job.ids,
                jobs=self,
                worker=worker_name(),
                heartbeat_every=self.heartbeat_every,
            )
        except Exception:  # recorded in job_runs and logged by perform; the commit stands
            return
