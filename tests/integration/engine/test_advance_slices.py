"""``engine.advance`` runs a request's steps in slices: as many as fit in ``slice_seconds``, each
claimed and recorded on its own, then one job queued for the rest."""

from __future__ import annotations

from collections.abc import Iterator

from steward.connectors.memory import MemoryConnector
from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction
from steward.services.request_engine import ADVANCE, advance, make_plan, show_plan
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store, UnitOfWork
from tests.integration.conftest import ManualClock
from tests.integration.engine.conftest import NoHolds
from tests.unit.engine.estate import maps, subject, systems

Estate = dict[str, MemoryConnector]


class QueuedJobs:
    """Jobs that are only written down: (task, its ids) in the order they were queued."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, dict[str, str | int]]] = []

    def enqueue(self, uow: UnitOfWork, task_name: str, /, **ids: str | int) -> str:
        self.queued.append((task_name, ids))
        return f"run-{len(self.queued)}"


def _ticks(step: float) -> Iterator[float]:
    now = 0.0
    while True:
        yield now
        now += step


def _planned(store: Store) -> str:
    return make_plan(store, subject(RequestKind.access), maps(), systems()).request_id


def _automatic(store: Store, request_id: str) -> list[int]:
    steps = show_plan(store, request_id).steps
    return [s.number for s in steps if s.action is not StepAction.manual]


def test_a_slice_with_time_left_runs_every_step_and_queues_nothing(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store)
    jobs = QueuedJobs()
    ran = advance(store, request_id, 1, estate.__getitem__, NoHolds(), clock, jobs,
                  worker="w1", slice_seconds=60)  # fmt: skip
    assert [view.number for view in ran] == _automatic(store, request_id)
    assert all(view.status == "done" for view in ran)
    assert jobs.queued == []


def test_a_spent_slice_queues_one_job_from_the_next_step_to_run(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store)
    jobs = QueuedJobs()
    timer = _ticks(1.0).__next__
    ran = advance(store, request_id, 1, estate.__getitem__, NoHolds(), clock, jobs,
                  worker="w1", slice_seconds=2.5, timer=timer)  # fmt: skip
    automatic = _automatic(store, request_id)
    assert [view.number for view in ran] == automatic[:3]
    assert jobs.queued == [(ADVANCE, {"request_id": request_id, "start": automatic[3]})]
    statuses = {s.number: s.status for s in show_plan(store, request_id).steps}
    assert [statuses[n] for n in automatic[3:]] == ["pending"] * len(automatic[3:])


def test_a_failed_step_is_passed_over_and_the_steps_not_needing_it_run(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store)
    estate["support"].fail_next(1000)
    ran = advance(store, request_id, 1, estate.__getitem__, NoHolds(), clock, QueuedJobs(),
                  worker="w1", slice_seconds=60)  # fmt: skip
    failed = [(v.system, v.action) for v in ran if v.status == "failed"]
    assert failed == [("support", StepAction.search)]
    steps = show_plan(store, request_id).steps
    assert all(s.status == "done" for s in steps if s.system == "crm")
    assert [s.status for s in steps if s.system == "support"] == ["failed", "pending"]


class Released:
    def __init__(self) -> None:
        self.how: list[str] = []


def _registered(
    store: Store, estate: Estate, clock: ManualClock, released: Released
) -> TaskRegistry:
    def wiring(_store: Store, request_id: str) -> RequestEngineWiring:
        return RequestEngineWiring(
            store=store,
            subject=lambda _r: subject(RequestKind.access, request_id=request_id),
            maps=maps(),
            systems=systems(),
            connectors=estate.__getitem__,
            holds=NoHolds(),
            clock=clock,
            actor="worker",
            close=lambda: released.how.append("kept"),
            discard=lambda: released.how.append("discarded"),
        )

    registry = TaskRegistry()
    register_engine_tasks(registry, wiring)
    return registry


def _run_job(registry: TaskRegistry, store: Store, clock: ManualClock, request_id: str) -> None:
    context = TaskContext(store, clock, QueuedJobs(), run_id="run-0", attempt=1, worker="w1")
    registry.spec(ADVANCE).run(context, request_id=request_id, start=1)


def test_a_job_whose_steps_all_ran_gives_its_connectors_back_for_reuse(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    released = Released()
    request_id = _planned(store)
    _run_job(_registered(store, estate, clock, released), store, clock, request_id)
    assert released.how == ["kept"]


def test_a_job_with_a_failed_step_has_its_connectors_closed_not_reused(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    released = Released()
    request_id = _planned(store)
    estate["support"].fail_next(1000)
    _run_job(_registered(store, estate, clock, released), store, clock, request_id)
    assert released.how == ["discarded"]
