"""A request's steps as jobs on real ``steward worker`` processes (issue 11, Engine): several
requests queued at once are drained by two workers, every effect on the estate happening once;
a worker killed inside a destructive step is reported, and the next worker finishes the plan
without repeating the change it made."""

from __future__ import annotations

import collections
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward.bootstrap import Settings, job_queue
from steward.requests.kinds import RequestKind
from steward.services.request_engine import approve, make_plan, queue_run, show_plan
from steward.store import job_runs
from steward.store.database import Store
from tests.integration.engine.sqlite_estate import contents, create_estate
from tests.integration.jobs.conftest import STALLED_AFTER_SECONDS
from tests.integration.jobs.queue_tasks import ESTATE_VARIABLE, PAUSE_VARIABLE, registry
from tests.integration.jobs.test_worker_processes import Workers, live_workers, stop, wait_until
from tests.unit.engine.estate import maps, subject

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _queue_all(settings: Settings, store: Store, request_ids: list[str]) -> None:
    queue = job_queue(settings, store, registry)
    try:
        for request_id in request_ids:
            queue_run(store, request_id, queue, "dpo")
    finally:
        queue.close()


def _finished(store: Store, request_ids: list[str]) -> bool:
    return all(show_plan(store, r).status == "finished" for r in request_ids)


def test_two_workers_drain_several_requests_and_every_effect_happens_once(
    queue_environment: dict[str, str], queue_settings: Settings, queue_store: Store, tmp_path: Path
) -> None:
    estate = tmp_path / "estate.sqlite3"
    create_estate(estate)
    workers = Workers({**queue_environment, ESTATE_VARIABLE: str(estate)}, tmp_path)
    try:
        make_plan(queue_store, subject(RequestKind.erasure, request_id="e-1"), maps())
        approve(queue_store, "e-1", "dpo")
        readers = [f"a-{n}" for n in range(1, 6)]
        for request_id in readers:
            make_plan(queue_store, subject(RequestKind.access, request_id=request_id), maps())
        _queue_all(queue_settings, queue_store, ["e-1", *readers])
        first, second = workers.start(), workers.start()
        wait_until(lambda: _finished(queue_store, ["e-1", *readers]), "every plan to finish")
        assert (stop(first), stop(second)) == (0, 0), workers.log_of(first)
    finally:
        workers.stop_all()
    for request_id in ["e-1", *readers]:
        view = show_plan(queue_store, request_id)
        assert {step.attempts for step in view.steps} == {1}, request_id
    effects = collections.Counter(contents(estate)["effects"])
    assert effects and set(effects.values()) == {1}


def test_a_worker_killed_inside_a_step_is_reported_and_the_next_finishes_the_plan_once(
    queue_environment: dict[str, str], queue_settings: Settings, queue_store: Store, tmp_path: Path
) -> None:
    estate = tmp_path / "estate.sqlite3"
    create_estate(estate)
    mark = tmp_path / "paused"
    environment = {**queue_environment, ESTATE_VARIABLE: str(estate), PAUSE_VARIABLE: str(mark)}
    workers = Workers(environment, tmp_path)
    try:
        make_plan(queue_store, subject(RequestKind.erasure, request_id="e-1"), maps())
        approve(queue_store, "e-1", "dpo")
        doomed = workers.start()
        wait_until(lambda: live_workers(queue_store) == 1, "the first worker to register")
        _queue_all(queue_settings, queue_store, ["e-1"])
        wait_until(mark.exists, "the first change to the estate")
        changed = collections.Counter(contents(estate)["effects"])
        doomed.kill()
        doomed.wait()

        window = timedelta(seconds=STALLED_AFTER_SECONDS)
        wait_until(
            lambda: bool(job_runs.stuck_runs(queue_store, datetime.now(UTC), window)),
            "the step's job to be reported stuck",
        )
        running = [s for s in show_plan(queue_store, "e-1").steps if s.status == "running"]
        assert len(running) == 1 and running[0].destructive
        assert (running[0].claimed_by or "").endswith(f":{doomed.pid}")

        rescuer = workers.start()
        wait_until(lambda: _finished(queue_store, ["e-1"]), "the plan to finish")
        assert stop(rescuer) == 0, workers.log_of(rescuer)
    finally:
        workers.stop_all()
    effects = collections.Counter(contents(estate)["effects"])
    assert set(effects.values()) == {1}  # the change made before the kill was not made again
    assert changed.keys() <= effects.keys()
    taken_over = next(
        s for s in show_plan(queue_store, "e-1").steps if s.number == running[0].number
    )
    assert taken_over.attempts == 2
