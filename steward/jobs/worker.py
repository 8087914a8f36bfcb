"""A ``steward worker`` process: procrastinate's worker for Steward's tasks, plus recovery of
jobs left behind by a worker that died.

procrastinate 3 records a heartbeat per worker and can list the jobs still marked as running on
a worker whose heartbeat has stopped (``get_stalled_jobs``), but it does not re-queue them by
itself. Every ``steward worker`` does, when it starts and then every heartbeat: it hands each
such job back to the queue (``retry_job``) and marks its run queued again with the reason, so
the step runs again on a live worker. Steps are safe to repeat (the engine records a step's
evidence before it is marked done, and a repeated destructive change affects nothing: issue 11
item 4), so a job retried after a worker was merely slow does no harm.

SIGINT (Ctrl-C) and SIGTERM stop the worker gracefully: it takes no new job and waits for the
running ones to finish (procrastinate's signal handling).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from steward.jobs.queue import ProcrastinateJobs
from steward.jobs.runs import worker_name
from steward.store import job_runs

STALLED_AFTER_SECONDS = 60.0
_log = logging.getLogger("steward.jobs")


async def requeue_stalled(jobs: ProcrastinateJobs, *, stalled_after: float) -> int:
    """Hand back to the queue every job held by a worker silent for ``stalled_after`` seconds;
    returns how many were re-queued (another worker may have been first: not an error)."""
    manager = jobs.app.job_manager
    stalled = await manager.get_stalled_jobs(
        queue=jobs.queue, seconds_since_heartbeat=stalled_after
    )
    requeued = 0
    for job in stalled:
        try:
            await manager.retry_job(job)
        except Exception as error:  # taken back by another worker between list and retry
            _log.info("stalled job %s not re-queued: %s", job.id, type(error).__name__)
            continue
        requeued += 1
        run_id = job.task_kwargs.get("run_id")
        if isinstance(run_id, str):
            await asyncio.to_thread(_mark_requeued, jobs, run_id, job.worker_id)
        _log.warning(
            "re-queued job %s (%s): its worker stopped heart-beating", job.id, job.task_name
        )
    return requeued


def _mark_requeued(jobs: ProcrastinateJobs, run_id: str, worker_id: int | None) -> None:
    with jobs.store.unit_of_work(actor=f"worker:{worker_name()}") as uow:
        job_runs.mark_requeued(
            uow,
            run_id,
            at=uow.clock(),
            reason=f"its worker stopped heart-beating (procrastinate worker {worker_id}); "
            "re-queued",
        )
        uow.commit()


async def _keep_requeuing(jobs: ProcrastinateJobs, *, stalled_after: float, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await requeue_stalled(jobs, stalled_after=stalled_after)
        except Exception as error:  # the database briefly away: try again next time
            _log.warning("looking for stalled jobs failed: %s", type(error).__name__)


def serve(
    jobs: ProcrastinateJobs,
    *,
    concurrency: int = 1,
    once: bool = False,
    stalled_after: float = STALLED_AFTER_SECONDS,
) -> None:
    """Run until stopped by a signal (or, with ``once``, until the queue is empty)."""

    async def run() -> None:
        async with jobs.app.open_async():
            jobs.serving()
            await requeue_stalled(jobs, stalled_after=stalled_after)
            watch = asyncio.create_task(
                _keep_requeuing(jobs, stalled_after=stalled_after, every=jobs.heartbeat_every)
            )
            try:
                await jobs.app.run_worker_async(
                    queues=[jobs.queue],
                    concurrency=concurrency,
                    wait=not once,
                    name=worker_name(),
                    update_heartbeat_interval=jobs.heartbeat_every,
                    stalled_worker_timeout=stalled_after,
                )
            finally:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch

    asyncio.run(run())
