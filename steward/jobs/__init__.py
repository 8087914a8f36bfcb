"""Work that outlives a command or a web request (DESIGN.md §1, "Jobs").

One interface, ``Jobs.enqueue(uow, task_name, **ids)``: the job is handed over only after the
commit that made it true, carrying ids, not objects. ``InlineJobs`` runs it in the process
(SQLite); ``ProcrastinateJobs`` (``steward.jobs.queue``, imported on demand) puts it on a
procrastinate queue in PostgreSQL served by ``steward worker``. Every run is recorded in
``job_runs`` with a heartbeat, so a step stuck on a dead worker is reported
(``steward.store.job_runs.stuck_runs``). docs/operations.md, "Jobs and workers".
"""

from __future__ import annotations

from steward.jobs.inline import InlineJobs
from steward.jobs.protocol import Jobs, TaskContext
from steward.jobs.registry import TaskRegistry, TaskSpec, deployment_tasks, task, tasks

__all__ = [
    "InlineJobs",
    "Jobs",
    "TaskContext",
    "TaskRegistry",
    "TaskSpec",
    "deployment_tasks",
    "task",
    "tasks",
]
