"""Running one job and keeping its record true: running, heartbeat, done or failed.

Both runners run a task through ``perform``, so ``job_runs`` means the same whichever ran it.
While the task works a background thread refreshes the run's heartbeat (every ~10 s); when a
worker dies mid-task the heartbeat stops and, a minute later, ``job_runs.stuck_runs`` reports
the run (issue 11 item 4: a step stuck on a dead worker is detected and reported).

A failure is recorded as a short message that names no person: a StewardError's own message
(written by Steward, which never puts a plaintext identifier in one), otherwise only the error's
type, because a driver's or a library's text may quote a row (DESIGN.md §3). The log gets the
same message and where the error was raised (the stack's frames, without the error's text).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable, Mapping
from types import TracebackType

from steward.errors import StewardError
from steward.jobs.protocol import Jobs, TaskContext
from steward.jobs.registry import TaskSpec
from steward.store import job_runs
from steward.store.database import Store

HEARTBEAT_SECONDS = 10.0
_log = logging.getLogger("steward.jobs")


def worker_name() -> str:
    """``host:pid``: which process holds a run, as an operator would look for it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def failure_message(error: BaseException) -> str:
    if isinstance(error, StewardError):
        where = f" ({error.where})" if error.where else ""
        text = f"{type(error).__name__}: {error.message}{where}"
    else:
        text = f"{type(error).__name__} (its text is withheld: it may quote personal data)"
    return text[: job_runs.ERROR_LENGTH]


def _frames(error: BaseException) -> str:
    """Where the error was raised, as ``file:line in function`` lines: no source text and no
    values, so nothing from a record reaches the log."""
    return "\n".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)
    )


class Heartbeat:
    """Refresh a run's heartbeat from a background thread until the block ends, or until the
    run is no longer this worker's. A failed beat is logged and retried at the next one: a
    database that is briefly away must not kill the task."""

    def __init__(self, store: Store, run_id: str, worker: str, every: float) -> None:
        self._store = store
        self._run_id = run_id
        self._worker = worker
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{run_id[:8]}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            try:
                with self._store.unit_of_work(actor=f"worker:{self._worker}") as uow:
                    held = job_runs.beat(uow, self._run_id, worker=self._worker, at=uow.clock())
                    uow.commit()
            except Exception as error:
                _log.warning("heartbeat of job %s failed: %s", self._run_id, type(error).__name__)
                continue
            if not held:
                return


def perform(
    store: Store,
    spec: TaskSpec,
    run_id: str,
    ids: Mapping[str, str | int],
    *,
    jobs: Jobs,
    worker: str,
    heartbeat_every: float = HEARTBEAT_SECONDS,
    will_retry: Callable[[BaseException], bool] = lambda _error: False,
) -> None:
    """Run one attempt of a job and record it; a failure is recorded, then re-raised for the
    runner to decide (the queue retries it, the inline runner stops there)."""
    actor = f"worker:{worker}"
    with store.unit_of_work(actor=actor) as uow:
        attempt = job_runs.mark_running(uow, run_id, worker=worker, at=uow.clock())
        uow.commit()
    context = TaskContext(
        store=store, clock=store.clock, jobs=jobs, run_id=run_id, attempt=attempt, worker=worker
    )
    try:
        with Heartbeat(store, run_id, worker, heartbeat_every):
            spec.run(context, **ids)
    except Exception as error:
        retrying = will_retry(error)
        message = failure_message(error)
        with store.unit_of_work(actor=actor) as uow:
            job_runs.mark_failed(uow, run_id, at=uow.clock(), error=message, retrying=retrying)
            uow.commit()
        _log.warning(
            "job %s (%s) attempt %d failed%s: %s; where:\n%s",
            run_id,
            spec.name,
            attempt,
            "; it will be retried" if retrying else "",
            message,
            _frames(error),
        )
        raise
    with store.unit_of_work(actor=actor) as uow:
        job_runs.mark_done(uow, run_id, at=uow.clock())
        uow.commit()
