"""On PostgreSQL a job goes on the procrastinate queue only after the commit that queued it,
with the run's id, on the ``steward`` queue, locked per request; a worker runs it."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from steward.bootstrap import Settings, job_queue
from steward.cli.worker_commands import start_worker
from steward.jobs.queue import ProcrastinateJobs
from steward.store import job_runs
from steward.store.database import Store
from steward.store.job_runs import RunStatus
from tests.integration.jobs.queue_tasks import registry

pytestmark = pytest.mark.postgres


@pytest.fixture
def jobs(queue_settings: Settings, queue_store: Store) -> Iterator[ProcrastinateJobs]:
    queue = job_queue(queue_settings, queue_store, registry)
    yield queue
    queue.close()


def queued(url: str) -> list[tuple[str, str, str | None, dict[str, object]]]:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        rows = connection.execute(
            "SELECT queue_name, task_name, lock, args FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def test_a_job_is_on_the_queue_only_once_its_unit_of_work_commits(
    jobs: ProcrastinateJobs, queue_store: Store, queue_url: str
) -> None:
    with queue_store.unit_of_work(actor="test") as uow:
        run_id = jobs.enqueue(uow, "test.hold_on_first_attempt", request_id=7)
        before = queued(queue_url)
        uow.commit()
    assert before == []
    assert queued(queue_url) == [
        (
            "steward",
            "test.hold_on_first_attempt",
            "request_id=7",
            {"run_id": run_id, "request_id": 7},
        )
    ]


def test_a_rolled_back_unit_of_work_puts_nothing_on_the_queue(
    jobs: ProcrastinateJobs, queue_store: Store, queue_url: str
) -> None:
    with queue_store.unit_of_work(actor="test") as uow:
        jobs.enqueue(uow, "test.effect", n=1)
        uow.rollback()
    assert queued(queue_url) == []


def test_a_worker_run_once_drains_the_queue_and_records_each_run_done(
    jobs: ProcrastinateJobs, queue_store: Store, queue_settings: Settings, queue_url: str
) -> None:
    with queue_store.unit_of_work(actor="test") as uow:
        run_ids = [jobs.enqueue(uow, "test.effect", n=n) for n in range(3)]
        uow.commit()
    start_worker(queue_settings, once=True, registry=registry)
    with queue_store.unit_of_work(actor="test", reads_only=True) as uow:
        runs = [job_runs.find_run(uow, run_id) for run_id in run_ids]
    assert [(run.status, run.attempts) for run in runs if run is not None] == [
        (RunStatus.done, 1)
    ] * 3
