"""Plan, approve and run a data-subject request across the organisation's systems.

The lifecycle of a plan (docs/requests.md, "How a request is planned and run"):

1. ``make_plan`` stores the plan made from the dataset maps (and the request's identifiers,
   sealed); ``dry_run`` shows what it would touch; nothing has changed yet.
2. ``approve``: a person approves a plan that changes data (erasure, rectification, restriction)
   before any of its destructive steps may run.
3. ``run_step`` runs one step: it records the keys the step will act on and marks it ``running``
   in a committed transaction, then calls the connector, then marks it ``done`` with its evidence
   in another. After a crash between the two, running it again acts on exactly the recorded keys;
   connectors are idempotent by key, so the effect happens once. A ``done`` step never runs
   again, so re-running a finished plan changes nothing.
4. ``queue_run`` hands the plan to the jobs layer: one ``engine.advance`` job runs the steps that
   can run, from a given step on, each claimed and recorded on its own, for up to
   ``SLICE_SECONDS``, then queues a job for the rest, so the steps of a request run one at a time,
   in order, on whichever worker takes them, and different requests run side by side. A step that
   fails is not tried again in the same run; ``queue_run`` again starts from the first step, so it
   retries. ``run_plan`` runs every step that can run in this process (tests, benchmarks). A system
   that cannot be reached fails its step, naming the system; the steps that depend on it wait, and
   the request stays open.

Every transition writes one audit event in the same transaction (UK GDPR Art 5(2)).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from steward.connectors.protocol import RecordKey, SystemUnavailable
from steward.engine.evidence import (
    Decision,
    decision_from_json,
    decision_to_json,
    evidence_to_json,
    keys_digest,
    records_to_json,
)
from steward.engine.steps import Connectors, act, decide, search, search_evidence
from steward.errors import ConfigError, Conflict, ConnectorError, InvalidInput, StewardError
from steward.jobs.protocol import Jobs
from steward.requests.holds import HoldCheck
from steward.requests.outcome import StepAction, StepEvidence
from steward.services.request_planning import approve, audit_request, make_plan, refuse_unapproved
from steward.services.request_reports import (
    STUCK_AFTER,
    DryRun,
    Loaded,
    PlanView,
    StepView,
    StuckStep,
    dry_run,
    exported_records,
    load,
    outcome,
    plan_status,
    show_plan,
    step_view,
    stuck_steps,
    view_of,
)
from steward.services.step_heartbeat import HEARTBEAT_EVERY, heartbeat
from steward.store import plans
from steward.store.database import Clock, Store

__all__ = [
    "DryRun",
    "PlanView",
    "StepView",
    "StuckStep",
    "advance",
    "approve",
    "dry_run",
    "exported_records",
    "make_plan",
    "outcome",
    "queue_run",
    "record_manual",
    "run_plan",
    "run_step",
    "show_plan",
    "stuck_steps",
]

IN_PROCESS = "in-process"
ADVANCE = "engine.advance"
"""The task that runs a request's next steps and queues the rest (``steward.tasks.engine``)."""
SLICE_SECONDS = 5.0
"""How long one ``engine.advance`` job goes on taking a request's next step before it hands the
rest to a new job: long enough that a request's 30-odd short steps need few jobs (each job
builds the engine's wiring and records a ``job_runs`` row), short enough that a long request
does not hold a worker while others wait."""
StepProgress = Callable[[StepView, int, int], None]
"""Called after each step ``run_plan`` runs: (step, steps finished, steps in the plan)."""


def run_step(
    store: Store,
    request_id: str,
    step_no: int,
    connectors: Connectors,
    holds: HoldCheck,
    clock: Clock,
    *,
    worker: str = IN_PROCESS,
    heartbeat_every: float = HEARTBEAT_EVERY,
    stuck_after: timedelta = STUCK_AFTER,
) -> StepView:
    """Run one step (see the module's docstring). A done step is left as it is. While the
    step's connector works, its heartbeat is recorded every ``heartbeat_every`` seconds; a step
    another worker claimed is taken over once its heartbeat is ``stuck_after`` old."""
    view, _ = _run_step(store, request_id, step_no, connectors, holds, clock, worker=worker,
                        heartbeat_every=heartbeat_every, stuck_after=stuck_after)  # fmt: skip
    return view


def _run_step(
    store: Store,
    request_id: str,
    step_no: int,
    connectors: Connectors,
    holds: HoldCheck,
    clock: Clock,
    *,
    worker: str,
    heartbeat_every: float,
    stuck_after: timedelta,
    loaded: Loaded | None = None,
) -> tuple[StepView, Loaded]:
    """``run_step``, also returning the request's state as the step's last transaction left it
    (so the next step is chosen without reading the plan again). ``loaded``: that state from
    the step before, when this job ran it; every claim re-reads the step itself, locked."""
    if loaded is None:
        loaded = _loaded(store, request_id, worker)
    step = loaded.plan.step(step_no)
    stored = loaded.step(step_no)
    if stored.status in ("done", "skipped"):
        return step_view(step, stored), loaded
    if step.action is StepAction.manual:
        raise Conflict(
            f"step {step_no} is for staff: {step.note}",
            where=f"request {request_id}",
            hint=f"do it by hand, then record what was done against step {step_no}",
        )
    if step.destructive:
        refuse_unapproved(loaded)
    waiting = [n for n in step.needs if loaded.step(n).status != "done"]
    if waiting:
        raise Conflict(
            f"step {step_no} needs step {', '.join(map(str, waiting))} done first",
            where=f"request {request_id}",
            hint="run the plan in order (`steward request run`)",
        )
    _refuse_live_claim(stored, worker, clock(), stuck_after)

    def recorded(number: int) -> Decision:
        return decision_from_json(loaded.step(number).keys_json or '{"act":[],"keep":[]}')

    def found(number: int) -> tuple[RecordKey, ...]:
        return recorded(number).act

    def kept(number: int) -> Mapping[RecordKey, tuple[str, ...]]:
        return recorded(number).keep

    try:
        if step.action is StepAction.search:
            _claim(store, loaded, step_no, worker, clock, Decision(()), stuck_after)
            with heartbeat(store, request_id, step_no, worker, clock, heartbeat_every):
                keys = search(step, loaded.plan, loaded.subject, found, connectors)
            after = _finish(
                store,
                loaded,
                step_no,
                worker,
                clock,
                evidence=(search_evidence(step, keys, clock()),),
                keys=Decision(keys),
            )
        else:
            if stored.status in ("running", "failed") and stored.keys_json is not None:
                decision = decision_from_json(stored.keys_json)  # exactly what was recorded
            else:
                keys = found(step.acts_on) if step.acts_on is not None else ()
                decision = decide(step, loaded.plan, keys, connectors, holds, clock().date(), kept)
            _claim(store, loaded, step_no, worker, clock, decision, stuck_after)
            with heartbeat(store, request_id, step_no, worker, clock, heartbeat_every):
                result = act(step, loaded.plan, loaded.subject, decision, connectors, clock())
            exported = (
                records_to_json(result.exported) if step.action is StepAction.export else None
            )
            after = _finish(
                store, loaded, step_no, worker, clock, evidence=result.evidence, exported=exported
            )
    except (ConnectorError, ConfigError) as error:  # the system, or how it is reached
        after = _fail(store, loaded, step_no, worker, clock, error)
    return step_view(step, after.step(step_no)), after


def _loaded(store: Store, request_id: str, worker: str) -> Loaded:
    with store.unit_of_work(worker, reads_only=True) as uow:
        return load(uow, request_id)


def _refuse_live_claim(
    stored: plans.StoredStep, worker: str, now: datetime, stuck_after: timedelta
) -> None:
    """Two live workers never run one step: a running step is taken over only by the worker
    that claimed it, or once its heartbeat is a minute old (its worker is taken to be dead)."""
    if (
        stored.status == "running"
        and stored.claimed_by != worker
        and stored.heartbeat_at is not None
        and now - stored.heartbeat_at < stuck_after
    ):
        raise Conflict(
            f"step {stored.step_no} is being run by {stored.claimed_by}",
            where=f"request {stored.request_id}",
            hint="wait for it; a step whose worker died is taken over once its heartbeat is "
            f"{int(stuck_after.total_seconds())} s old",
        )


def _claim(
    store: Store,
    loaded: Loaded,
    step_no: int,
    worker: str,
    clock: Clock,
    decision: Decision,
    stuck_after: timedelta,
) -> None:
    request_id = loaded.stored.request_id
    with store.unit_of_work(worker) as uow:
        current = plans.step_of(uow, request_id, step_no, for_update=True)
        if current.status in ("done", "skipped"):
            raise Conflict(
                f"step {step_no} was finished by {current.claimed_by} meanwhile",
                where=f"request {request_id}",
            )
        _refuse_live_claim(current, worker, clock(), stuck_after)
        plans.claim(
            uow,
            request_id,
            step_no,
            worker=worker,
            now=clock(),
            keys_json=decision_to_json(decision),
        )
        plans.set_status(uow, request_id, "running")
        audit_request(
            uow,
            "request.step_started",
            request_id,
            step=step_no,
            attempt=current.attempts + 1,
            keys=keys_digest(decision.act),
            kept=keys_digest(decision.keep),
        )
        uow.commit()


def _finish(
    store: Store,
    loaded: Loaded,
    step_no: int,
    worker: str,
    clock: Clock,
    *,
    evidence: Sequence[StepEvidence],
    keys: Decision | None = None,
    exported: str | None = None,
) -> Loaded:
    """Record the step done; the request's state after it."""
    request_id = loaded.stored.request_id
    with store.unit_of_work(worker) as uow:
        current = plans.step_of(uow, request_id, step_no, for_update=True)
        if current.status != "running" or current.claimed_by != worker:
            return load(uow, request_id)  # taken over while this worker looked dead
        evidence_json = evidence_to_json(evidence)
        plans.finish(
            uow,
            request_id,
            step_no,
            status="done",
            now=clock(),
            evidence_json=evidence_json,
            exported_json=exported,
            keys_json=None if keys is None else decision_to_json(keys),
        )
        after = load(uow, request_id)
        plans.set_status(uow, request_id, plan_status(after))
        audit_request(uow, "request.step_done", request_id, step=step_no, evidence=evidence_json)
        uow.commit()
    return after


def _fail(
    store: Store, loaded: Loaded, step_no: int, worker: str, clock: Clock, error: StewardError
) -> Loaded:
    """Record the step failed; the request's state after it."""
    request_id = loaded.stored.request_id
    reason = (
        "unavailable"
        if isinstance(error, SystemUnavailable)
        else "refused"
        if isinstance(error, ConnectorError)
        else "not configured"
    )
    system = loaded.plan.step(step_no).system
    with store.unit_of_work(worker) as uow:
        plans.finish(
            uow,
            request_id,
            step_no,
            status="failed",
            now=clock(),
            error=f"{reason}: system {system}: {error.message}",
        )
        plans.set_status(uow, request_id, "failed")
        audit_request(
            uow, "request.step_failed", request_id, step=step_no, system=system, reason=reason
        )
        after = load(uow, request_id)
        uow.commit()
    return after


def run_plan(
    store: Store,
    request_id: str,
    connectors: Connectors,
    holds: HoldCheck,
    clock: Clock,
    *,
    worker: str = IN_PROCESS,
    progress: StepProgress | None = None,
    heartbeat_every: float = HEARTBEAT_EVERY,
) -> PlanView:
    """Run every step that can run, in order; failed steps are retried. Steps that need a step
    that failed, and manual steps, are left for later (the plan stays open)."""
    loaded = _loaded(store, request_id, worker)
    refuse_unapproved(loaded)
    total = len(loaded.plan.steps)
    for step in loaded.plan.steps:
        if loaded.step(step.number).status in ("done", "skipped"):
            continue
        if step.action is StepAction.manual:
            continue
        if any(loaded.step(n).status != "done" for n in step.needs):
            continue
        view, loaded = _run_step(store, request_id, step.number, connectors, holds, clock,
                                 worker=worker, heartbeat_every=heartbeat_every,
                                 stuck_after=STUCK_AFTER, loaded=loaded)  # fmt: skip
        if progress is not None:
            finished = sum(1 for s in loaded.steps if s.status == "done")
            progress(view, finished, total)
    return view_of(loaded)


def record_manual(
    store: Store, request_id: str, step_no: int, actor: str, note: str, now: datetime
) -> PlanView:
    """Staff record what they did by hand for a manual step, or for a step a connector could
    not do; the note is the step's evidence."""
    if not note.strip():
        raise InvalidInput(
            "say what was done", where="note", hint="e.g. 'paper file checked: 2 letters shredded'"
        )
    with store.unit_of_work(actor) as uow:
        loaded = load(uow, request_id)
        step = loaded.plan.step(step_no)
        if loaded.step(step_no).status == "done":
            raise Conflict(f"step {step_no} is already done", where=f"request {request_id}")
        if step.destructive:
            refuse_unapproved(loaded)
        evidence = StepEvidence(
            step.system,
            step.collection,
            StepAction.manual,
            0,
            0,
            keys_digest(()),
            now,
            note=note.strip(),
        )
        evidence_json = evidence_to_json((evidence,))
        plans.finish(uow, request_id, step_no, status="done", now=now, evidence_json=evidence_json)
        plans.set_status(uow, request_id, plan_status(load(uow, request_id)))
        audit_request(
            uow, "request.step_recorded", request_id, step=step_no, evidence=evidence_json
        )
        view = view_of(load(uow, request_id))
        uow.commit()
    return view


def _runnable(loaded: Loaded, start: int) -> list[int]:
    """The steps from ``start`` on that can run now: not finished, not for staff, every step
    they need done."""
    return [
        step.number
        for step in loaded.plan.steps
        if step.number >= start
        and loaded.step(step.number).status not in ("done", "skipped")
        and step.action is not StepAction.manual
        and all(loaded.step(n).status == "done" for n in step.needs)
    ]


def queue_run(store: Store, request_id: str, jobs: Jobs, actor: str) -> str:
    """Queue the plan's steps to run as jobs, from the first (so failed steps are retried);
    refused, before anything is queued, for a plan that changes data and is not approved.
    Returns the first job's run id."""
    with store.unit_of_work(actor) as uow:
        loaded = load(uow, request_id)
        refuse_unapproved(loaded)
        run_id = jobs.enqueue(uow, ADVANCE, request_id=request_id, start=1)
        audit_request(uow, "request.run_queued", request_id, run=run_id)
        uow.commit()
    return run_id


def advance(
    store: Store,
    request_id: str,
    start: int,
    connectors: Connectors,
    holds: HoldCheck,
    clock: Clock,
    jobs: Jobs,
    *,
    worker: str,
    heartbeat_every: float = HEARTBEAT_EVERY,
    stuck_after: timedelta = STUCK_AFTER,
    slice_seconds: float = SLICE_SECONDS,
    timer: Callable[[], float] = time.monotonic,
) -> tuple[StepView, ...]:
    """One job's work: run the steps that can run from ``start`` on, one after another, until
    none is left or ``slice_seconds`` have passed; then queue the next job from the first step
    still to run (a failed step is passed over: it waits for the next ``queue_run``, and the
    steps that need it wait with it). Each step is claimed and recorded on its own
    (``run_step``), so a crash in the middle of a slice loses at most the step it was in. The
    steps run, in order; none when nothing was left."""
    began = timer()
    ran: list[StepView] = []
    loaded = _loaded(store, request_id, worker)
    runnable = _runnable(loaded, start)
    while runnable:
        view, loaded = _run_step(store, request_id, runnable[0], connectors, holds, clock,
                                 worker=worker, heartbeat_every=heartbeat_every,
                                 stuck_after=stuck_after, loaded=loaded)  # fmt: skip
        ran.append(view)
        runnable = _runnable(loaded, view.number + 1)
        if runnable and timer() - began >= slice_seconds:
            with store.unit_of_work(worker) as uow:
                jobs.enqueue(uow, ADVANCE, request_id=request_id, start=runnable[0])
                uow.commit()
            break
    return tuple(ran)
