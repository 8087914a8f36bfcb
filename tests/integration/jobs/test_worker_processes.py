"""Real ``steward worker`` processes sharing one PostgreSQL queue (issue 11, Tests): every job
runs exactly once however many workers there are, and a job held by a worker that is killed
is reported stuck within the heartbeat window, then run again by another worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import text

from steward.bootstrap import Settings, job_queue
from steward.store import job_runs
from steward.store.database import Store
from steward.store.job_runs import RunStatus
from tests.integration.jobs.conftest import STALLED_AFTER_SECONDS
from tests.integration.jobs.queue_tasks import registry

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
PATIENCE_SECONDS = 60.0


class Workers:
    """Worker subprocesses started for one test, each logging to its own file; any still
    running at the end are stopped."""

    def __init__(self, environment: dict[str, str], logs: Path) -> None:
        self.environment = {**os.environ, **environment, "PYTHONPATH": str(ROOT)}
        self.logs = logs
        self.started: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.jobs.serve_queue"],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append((process, log))
        return process

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        index = [p for p, _ in self.started].index(process)
        return (self.logs / f"worker-{index}.log").read_text(encoding="utf-8", errors="replace")

    def stop_all(self) -> None:
        for process, log in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()


@pytest.fixture
def workers(queue_environment: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    started = Workers(queue_environment, tmp_path)
    yield started
    started.stop_all()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll until ``condition`` holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def live_workers(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
        )


def runs(store: Store, run_ids: list[str]) -> list[job_runs.JobRun]:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        found = [job_runs.find_run(uow, run_id) for run_id in run_ids]
    return [run for run in found if run is not None]


def effects(store: Store) -> list[tuple[int, str, int]]:
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT n, worker, attempt FROM job_effects ORDER BY n"))
        return [(row[0], row[1], row[2]) for row in rows]


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=PATIENCE_SECONDS)


def test_two_workers_share_the_queue_and_run_every_job_exactly_once(
    workers: Workers, queue_settings: Settings, queue_store: Store
) -> None:
    first, second = workers.start(), workers.start()
    wait_until(lambda: live_workers(queue_store) == 2, "both workers to register")
    queue = job_queue(queue_settings, queue_store, registry)
    with queue_store.unit_of_work(actor="test") as uow:
        run_ids = [queue.enqueue(uow, "test.effect", n=n) for n in range(50)]
        uow.commit()
    queue.close()
    wait_until(
        lambda: all(run.status is RunStatus.done for run in runs(queue_store, run_ids)),
        "every job to finish",
    )
    assert (stop(first), stop(second)) == (0, 0)
    done = effects(queue_store)
    assert [n for n, _, _ in done] == list(range(50))
    assert {attempt for _, _, attempt in done} == {1}
    assert {worker.split(":")[1] for _, worker, _ in done} == {str(first.pid), str(second.pid)}


def test_a_job_on_a_killed_worker_is_reported_stuck_then_run_again_by_another(
    workers: Workers, queue_settings: Settings, queue_store: Store
) -> None:
    doomed = workers.start()
    wait_until(lambda: live_workers(queue_store) == 1, "the first worker to register")
    queue = job_queue(queue_settings, queue_store, registry)
    with queue_store.unit_of_work(actor="test") as uow:
        run_id = queue.enqueue(uow, "test.hold_on_first_attempt", request_id=7)
        uow.commit()
    queue.close()
    wait_until(lambda: runs(queue_store, [run_id])[0].status is RunStatus.running, "the start")

    doomed.kill()
    doomed.wait()
    window = timedelta(seconds=STALLED_AFTER_SECONDS)

    def reported_stuck() -> bool:
        stuck = job_runs.stuck_runs(queue_store, datetime.now(UTC), window)
        return [run.id for run in stuck] == [run_id]

    wait_until(reported_stuck, "the run to be reported stuck")

    rescuer = workers.start()
    wait_until(
        lambda: runs(queue_store, [run_id])[0].status is RunStatus.done, "the job to run again"
    )
    assert stop(rescuer) == 0, workers.log_of(rescuer)
    run = runs(queue_store, [run_id])[0]
    assert run.attempts == 2 and (run.worker or "").endswith(f":{rescuer.pid}")
    assert "its worker stopped heart-beating" in (run.error or "")
    assert [(n, attempt) for n, _, attempt in effects(queue_store)] == [(7001, 1), (7002, 2)]


def test_steps_of_one_request_never_run_at_once_and_run_in_the_order_queued(
    workers: Workers, queue_settings: Settings, queue_store: Store
) -> None:
    first, second = workers.start(), workers.start()
    wait_until(lambda: live_workers(queue_store) == 2, "both workers to register")
    queue = job_queue(queue_settings, queue_store, registry)
    with queue_store.unit_of_work(actor="test") as uow:
        run_ids = [
            queue.enqueue(uow, "test.exclusive_step", request_id=request_id, n=request_id * 100 + n)
            for n in range(6)
            for request_id in (1, 2)
        ]
        uow.commit()
    queue.close()
    finished = {RunStatus.done, RunStatus.failed}
    wait_until(
        lambda: {run.status for run in runs(queue_store, run_ids)} <= finished,
        "every step to finish",
    )
    assert (stop(first), stop(second)) == (0, 0)
    assert {(run.status, run.attempts) for run in runs(queue_store, run_ids)} == {
        (RunStatus.done, 1)
    }
    with queue_store.engine.connect() as connection:
        order = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT e.n FROM job_effects e JOIN job_runs r "
                    "ON r.args::jsonb ->> 'n' = e.n::text ORDER BY r.started_at"
                )
            )
        ]
    assert [n for n in order if n < 200] == [100, 101, 102, 103, 104, 105]
    assert [n for n in order if n >= 200] == [200, 201, 202, 203, 204, 205]
