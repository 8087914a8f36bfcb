"""In-process jobs run after the commit that made them true, never after a rollback, and a
failing one is recorded without undoing that commit (DESIGN.md §5 item 3)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from steward.errors import InvalidInput
from steward.jobs.inline import InlineJobs
from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry
from steward.store import job_runs
from steward.store.database import Store
from steward.store.job_runs import RunStatus


class Ledger:
    """What the test tasks did, in order."""

    def __init__(self) -> None:
        self.entries: list[str] = []


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture
def jobs(committed_store: Store, ledger: Ledger) -> InlineJobs:
    registry = TaskRegistry()

    def record(context: TaskContext, request_id: int, step: str) -> None:
        ledger.entries.append(f"{request_id}:{step}")

    def fail(context: TaskContext, request_id: int) -> None:
        raise RuntimeError("the CRM said no to ann@example.org")

    def first_of_two(context: TaskContext, request_id: int) -> None:
        ledger.entries.append("first:start")
        with context.store.unit_of_work(actor="test") as uow:
            context.jobs.enqueue(uow, "test.record", request_id=request_id, step="second")
            context.jobs.enqueue(uow, "test.record", request_id=request_id, step="third")
            uow.commit()
        ledger.entries.append("first:end")

    registry.add("test.record", record, serialised_by="request_id")
    registry.add("test.fail", fail, serialised_by="request_id")
    registry.add("test.first_of_two", first_of_two, serialised_by="request_id")
    return InlineJobs(committed_store, registry)


def run_of(store: Store, run_id: str) -> job_runs.JobRun | None:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        return job_runs.find_run(uow, run_id)


def test_a_job_runs_only_once_the_unit_of_work_commits(
    jobs: InlineJobs, committed_store: Store, ledger: Ledger
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        jobs.enqueue(uow, "test.record", request_id=7, step="plan")
        before_commit = list(ledger.entries)
        uow.commit()
    assert (before_commit, ledger.entries) == ([], ["7:plan"])


def test_a_finished_job_is_recorded_done_with_its_ids(
    jobs: InlineJobs, committed_store: Store
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        run_id = jobs.enqueue(uow, "test.record", request_id=7, step="plan")
        uow.commit()
    run = run_of(committed_store, run_id)
    assert run is not None
    assert (run.status, run.attempts, dict(run.args), run.lock_key) == (
        RunStatus.done,
        1,
        {"request_id": 7, "step": "plan"},
        "request_id=7",
    )


def test_a_rolled_back_unit_of_work_queues_nothing(
    jobs: InlineJobs, committed_store: Store, ledger: Ledger
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        run_id = jobs.enqueue(uow, "test.record", request_id=7, step="plan")
        uow.rollback()
        uow.commit()
    assert (ledger.entries, run_of(committed_store, run_id)) == ([], None)


def test_leaving_without_a_commit_queues_nothing(
    jobs: InlineJobs, committed_store: Store, ledger: Ledger
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        run_id = jobs.enqueue(uow, "test.record", request_id=7, step="plan")
    assert (ledger.entries, run_of(committed_store, run_id)) == ([], None)


def test_a_failing_task_is_recorded_and_the_commit_that_queued_it_stands(
    jobs: InlineJobs, committed_store: Store, ledger: Ledger
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        failing = jobs.enqueue(uow, "test.fail", request_id=7)
        after = jobs.enqueue(uow, "test.record", request_id=7, step="after")
        uow.commit()
    run = run_of(committed_store, failing)
    assert run is not None and run.status is RunStatus.failed
    assert run.error == "RuntimeError (its text is withheld: it may quote personal data)"
    assert ledger.entries == ["7:after"]
    done = run_of(committed_store, after)
    assert done is not None and done.status is RunStatus.done


def test_jobs_a_task_queues_run_after_it_in_order_not_inside_it(
    jobs: InlineJobs, committed_store: Store, ledger: Ledger
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        jobs.enqueue(uow, "test.first_of_two", request_id=7)
        uow.commit()
    assert ledger.entries == ["first:start", "first:end", "7:second", "7:third"]


def test_an_unknown_task_is_refused_before_anything_is_written(
    jobs: InlineJobs, committed_store: Store
) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        with pytest.raises(InvalidInput):
            jobs.enqueue(uow, "test.nothing_by_that_name", request_id=7)
        uow.commit()
        assert job_runs.runs_for(uow, "request_id=7") == []


def test_a_running_task_keeps_its_heartbeat_fresh(committed_store: Store) -> None:
    beats: list[bool] = []
    registry = TaskRegistry()

    def wait_for_a_beat(context: TaskContext, request_id: int) -> None:
        for _ in range(500):  # the heartbeat thread writes every 10 ms here
            run = run_of(context.store, context.run_id)
            if run is not None and run.heartbeat_at != run.started_at:
                beats.append(True)
                return
            time.sleep(0.01)

    registry.add("test.wait_for_a_beat", wait_for_a_beat)
    jobs = InlineJobs(committed_store, registry, heartbeat_every=0.01)
    with committed_store.unit_of_work(actor="test") as uow:
        jobs.enqueue(uow, "test.wait_for_a_beat", request_id=7)
        uow.commit()
    assert beats == [True]


def test_no_finished_job_is_reported_stuck(jobs: InlineJobs, committed_store: Store) -> None:
    with committed_store.unit_of_work(actor="test") as uow:
        jobs.enqueue(uow, "test.record", request_id=7, step="plan")
        uow.commit()
    later = committed_store.clock() + timedelta(hours=1)
    assert job_runs.stuck_runs(committed_store, later) == []


def test_a_failure_is_logged_with_where_it_happened_but_not_the_errors_text(
    jobs: InlineJobs, committed_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level("WARNING", logger="steward.jobs"),
        committed_store.unit_of_work(actor="test") as uow,
    ):
        jobs.enqueue(uow, "test.fail", request_id=7)
        uow.commit()
    assert "test.fail" in caplog.text and "in fail" in caplog.text
    assert "ann@example.org" not in caplog.text
