"""A run whose heartbeat has gone quiet is reported stuck; a live or finished one is not
(issue 11 item 4: a step stuck on a dead worker is reported within a minute)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from steward.store import job_runs
from steward.store.database import Store
from steward.store.job_runs import RunStatus

MINUTE = timedelta(seconds=60)
NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def queue(store: Store, run_id: str, request_id: int = 7) -> None:
    with store.unit_of_work(actor="test") as uow:
        job_runs.record_queued(
            uow,
            run_id=run_id,
            task="engine.run_step",
            args={"request_id": request_id, "step": "erase:crm"},
            lock_key=f"request_id={request_id}",
        )
        uow.commit()


def start(store: Store, run_id: str, at: datetime, worker: str = "host-a:101") -> int:
    with store.unit_of_work(actor="test") as uow:
        attempt = job_runs.mark_running(uow, run_id, worker=worker, at=at)
        uow.commit()
    return attempt


def test_a_run_silent_for_more_than_a_minute_is_stuck(store: Store) -> None:
    queue(store, "r1")
    start(store, "r1", NOON)
    stuck = job_runs.stuck_runs(store, NOON + timedelta(seconds=61))
    assert [(run.id, run.worker, run.status) for run in stuck] == [
        ("r1", "host-a:101", RunStatus.running)
    ]


def test_a_run_that_beat_within_the_minute_is_not_stuck(store: Store) -> None:
    queue(store, "r1")
    start(store, "r1", NOON)
    with store.unit_of_work(actor="test") as uow:
        assert job_runs.beat(uow, "r1", worker="host-a:101", at=NOON + timedelta(seconds=30))
        uow.commit()
    assert job_runs.stuck_runs(store, NOON + timedelta(seconds=61)) == []


def test_a_finished_run_is_never_stuck(store: Store) -> None:
    queue(store, "r1")
    start(store, "r1", NOON)
    with store.unit_of_work(actor="test") as uow:
        job_runs.mark_done(uow, "r1", at=NOON + timedelta(seconds=1))
        uow.commit()
    assert job_runs.stuck_runs(store, NOON + timedelta(hours=1)) == []


def test_stuck_runs_can_be_asked_for_one_request(store: Store) -> None:
    queue(store, "r1", request_id=7)
    queue(store, "r2", request_id=8)
    start(store, "r1", NOON)
    start(store, "r2", NOON)
    stuck = job_runs.stuck_runs(store, NOON + MINUTE * 2, lock_key="request_id=8")
    assert [run.id for run in stuck] == ["r2"]


def test_a_worker_that_lost_its_run_no_longer_moves_its_heartbeat(store: Store) -> None:
    queue(store, "r1")
    start(store, "r1", NOON, worker="host-a:101")
    start(store, "r1", NOON + MINUTE, worker="host-b:202")
    with store.unit_of_work(actor="test") as uow:
        held = job_runs.beat(uow, "r1", worker="host-a:101", at=NOON + MINUTE * 2)
        run = job_runs.find_run(uow, "r1")
    assert held is False
    assert run is not None and (run.worker, run.attempts) == ("host-b:202", 2)


def test_a_failed_attempt_that_will_be_retried_is_queued_again_with_its_error(
    store: Store,
) -> None:
    queue(store, "r1")
    start(store, "r1", NOON)
    with store.unit_of_work(actor="test") as uow:
        job_runs.mark_failed(uow, "r1", at=NOON, error="Unavailable: crm", retrying=True)
        run = job_runs.find_run(uow, "r1")
    assert run is not None
    assert (run.status, run.error, run.finished_at) == (RunStatus.queued, "Unavailable: crm", None)


def test_a_stalled_run_handed_back_to_the_queue_says_why(store: Store) -> None:
    queue(store, "r1")
    start(store, "r1", NOON)
    with store.unit_of_work(actor="test") as uow:
        assert job_runs.mark_requeued(uow, "r1", at=NOON + MINUTE, reason="worker went silent")
        again = job_runs.mark_requeued(uow, "r1", at=NOON + MINUTE, reason="twice")
        run = job_runs.find_run(uow, "r1")
    assert again is False
    assert run is not None and (run.status, run.error) == (RunStatus.queued, "worker went silent")
