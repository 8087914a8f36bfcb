"""The one jobs interface: queue work after the commit that makes it true, run it somewhere.

DESIGN.md §1 ("Jobs") and §5 item 3. ``enqueue`` is called inside a unit of work: it writes the
run's record in that transaction and hands the job to the runner only from ``uow.after_commit``,
so a transaction that rolls back queues nothing, and a job never runs before what it acts on is
visible to other connections. Jobs carry ids, never objects.

Two runners honour it: ``InlineJobs`` (in the process, after the commit; SQLite or a single
process) and ``ProcrastinateJobs`` (a procrastinate queue on PostgreSQL, drained by any number
of ``steward worker`` processes). ``steward.bootstrap.jobs`` picks one from the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from steward.store.database import Clock, Store, UnitOfWork


class Jobs(Protocol):
    """Where work that outlives a command or a web request goes."""

    def enqueue(self, uow: UnitOfWork, task_name: str, /, **ids: str | int) -> str:
        """Queue ``task_name`` with ``ids`` once ``uow`` commits; returns the run's id.

        Raises InvalidInput, before anything is written, for an unknown task or an argument
        that is not an id."""
        ...


@dataclass(frozen=True)
class TaskContext:
    """What a task is given besides its ids: the store to read and write through (it opens and
    commits its own units of work), the clock, the jobs interface (to queue the next step), and
    which run and attempt this is."""

    store: Store
    clock: Clock
    jobs: Jobs
    run_id: str
    attempt: int
    worker: str
