"""Reading a request's plan: its steps and their state, a dry run, the exported records, stuck
steps, and the outcome a certificate signs (UK GDPR Art 5(2): Steward proves what it did).

Services own no SQL (DESIGN.md §3): the rows come from ``steward.store.plans``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from steward.connectors.protocol import RecordKey
from steward.engine.evidence import evidence_from_json, records_from_json
from steward.engine.plan import NotSearched, Plan, PlanStep
from steward.engine.plan_json import plan_from_json
from steward.engine.steps import Connectors, decide, search
from steward.errors import ConnectorError
from steward.requests.holds import HoldCheck
from steward.requests.kinds import RequestKind
from steward.requests.outcome import (
    ExportedRecords,
    RequestOutcome,
    SearchScope,
    StepAction,
    StepEvidence,
)
from steward.requests.subject import RequestSubject, subject_from_json
from steward.store import plans
from steward.store.database import Store, UnitOfWork

STUCK_AFTER = timedelta(seconds=60)
"""A running step whose worker has not beaten for this long is reported stuck (issue 11 item 4)."""


@dataclass(frozen=True)
class StepView:
    number: int
    system: str
    collection: str
    action: StepAction
    found_by: str
    fields: tuple[str, ...]
    destructive: bool
    status: str  # pending, running, done, failed, skipped
    attempts: int
    claimed_by: str | None
    heartbeat_at: datetime | None
    error: str | None
    evidence: tuple[StepEvidence, ...]
    needs: tuple[int, ...] = ()  # the steps that must be done first


@dataclass(frozen=True)
class PlanView:
    request_id: str
    kind: RequestKind
    status: str  # planned, approved, running, failed, finished
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    steps: tuple[StepView, ...]
    not_searched: tuple[NotSearched, ...]

    @property
    def finished(self) -> bool:
        return self.status == "finished"

    @property
    def needs_approval(self) -> bool:
        return self.approved_at is None and any(s.destructive for s in self.steps)


@dataclass(frozen=True)
class StuckStep:
    request_id: str
    step_no: int
    system: str
    collection: str
    claimed_by: str | None
    heartbeat_at: datetime | None


@dataclass(frozen=True)
class DryRunLine:
    """What one collection's steps would touch; ``records`` None: its system was unreachable."""

    system: str
    collection: str
    actions: tuple[StepAction, ...]
    fields: tuple[str, ...]
    records: int | None
    note: str = ""
    kept: int | None = None  # of an erasure's records, how many a hold would keep


@dataclass(frozen=True)
class DryRun:
    request_id: str
    lines: tuple[DryRunLine, ...]
    unreachable: tuple[str, ...]


@dataclass(frozen=True)
class Loaded:
    stored: plans.StoredPlan
    plan: Plan
    subject: RequestSubject
    steps: tuple[plans.StoredStep, ...]

    def step(self, number: int) -> plans.StoredStep:
        return next(s for s in self.steps if s.step_no == number)


def load(uow: UnitOfWork, request_id: str) -> Loaded:
    stored = plans.get_plan(uow, request_id)
    return Loaded(
        stored,
        plan_from_json(stored.plan_json),
        subject_from_json(stored.subject_json),
        tuple(plans.steps_of(uow, request_id)),
    )


def plan_status(loaded: Loaded) -> str:
    statuses = {s.status for s in loaded.steps}
    if statuses <= {"done", "skipped"}:
        return "finished"
    if "failed" in statuses:
        return "failed"
    if statuses & {"running", "done"}:
        return "running"
    return "approved" if loaded.stored.approved_at else "planned"


def view_of(loaded: Loaded) -> PlanView:
    return PlanView(
        request_id=loaded.stored.request_id,
        kind=loaded.plan.kind,
        status=plan_status(loaded),
        created_at=loaded.stored.created_at,
        approved_by=loaded.stored.approved_by,
        approved_at=loaded.stored.approved_at,
        steps=tuple(step_view(step, loaded.step(step.number)) for step in loaded.plan.steps),
        not_searched=loaded.plan.not_searched,
    )


def step_view(step: PlanStep, stored: plans.StoredStep) -> StepView:
    return StepView(
        number=step.number,
        system=step.system,
        collection=step.collection,
        action=step.action,
        found_by=step.describe(),
        fields=step.fields,
        destructive=step.destructive,
        status=stored.status,
        attempts=stored.attempts,
        claimed_by=stored.claimed_by,
        heartbeat_at=stored.heartbeat_at,
        error=stored.error,
        evidence=evidence_from_json(stored.evidence_json) if stored.evidence_json else (),
        needs=step.needs,
    )


def show_plan(store: Store, request_id: str) -> PlanView:
    with store.unit_of_work("steward", reads_only=True) as uow:
        return view_of(load(uow, request_id))


def dry_run(
    store: Store,
    request_id: str,
    connectors: Connectors,
    holds: HoldCheck | None = None,
    today: date | None = None,
) -> DryRun:
    """Per collection, how many records each step would touch: the searches run (connectors only
    read), nothing is changed in the systems or in Steward's store. With ``holds``, an erasure
    also says how many records would be kept under a hold on ``today``."""
    with store.unit_of_work("steward", reads_only=True) as uow:
        loaded = load(uow, request_id)
    plan = loaded.plan
    found: dict[int, tuple[RecordKey, ...]] = {}
    unreachable: set[str] = set()
    for step in plan.steps:
        if step.action is StepAction.search:
            if any(n not in found for n in step.needs) or step.system in unreachable:
                continue
            try:
                found[step.number] = search(
                    step, plan, loaded.subject, lambda n: found[n], connectors
                )
            except ConnectorError:
                unreachable.add(step.system)
    lines: list[DryRunLine] = []
    for step in plan.steps:
        if step.action is StepAction.search:
            acting = [s for s in plan.steps if s.acts_on == step.number]
            keys = found.get(step.number)
            kept = None
            erasing = [s for s in acting if s.action is StepAction.erase]
            if keys and erasing and holds is not None and today is not None:
                try:
                    decision = decide(erasing[0], plan, keys, connectors, holds, today)
                    kept = len(decision.keep)
                except ConnectorError:
                    unreachable.add(step.system)
            lines.append(
                DryRunLine(
                    step.system,
                    step.collection,
                    (StepAction.search, *(s.action for s in acting)),
                    tuple(dict.fromkeys(f for s in (step, *acting) for f in s.fields)),
                    None if keys is None else len(keys),
                    kept=kept,
                )
            )
        elif step.action is StepAction.manual:
            lines.append(DryRunLine(step.system, "", (StepAction.manual,), (), None, step.note))
    return DryRun(request_id, tuple(lines), tuple(sorted(unreachable)))


def exported_records(store: Store, request_id: str) -> ExportedRecords:
    """The records each export step read, for the response package (Art 15(3), Art 20)."""
    with store.unit_of_work("steward", reads_only=True) as uow:
        loaded = load(uow, request_id)
        exports = plans.exports_of(uow, request_id)
    result = {}
    for number, text in exports:
        step = loaded.plan.step(number)
        result[(step.system, step.collection)] = tuple(records_from_json(text))
    return result


def stuck_steps(store: Store, now: datetime) -> tuple[StuckStep, ...]:
    """Running steps whose worker stopped beating more than a minute ago (a dead worker)."""
    with store.unit_of_work("steward", reads_only=True) as uow:
        rows = plans.running_since(uow, now - STUCK_AFTER)
    return tuple(
        StuckStep(s.request_id, s.step_no, s.system, s.collection, s.claimed_by, s.heartbeat_at)
        for s in rows
    )


def outcome(store: Store, request_id: str, scope_by: str, now: datetime) -> RequestOutcome:
    """What answering the request did, per system, with the search's scope (the reasonable and
    proportionate search record). Systems with a failed step are listed as unreachable: such a
    request is still open, never complete."""
    with store.unit_of_work("steward", reads_only=True) as uow:
        loaded = load(uow, request_id)
    plan = loaded.plan
    steps = tuple(e for step in plan.steps for e in _evidence_of(loaded.step(step.number)))
    searched = tuple(dict.fromkeys(s.system for s in plan.steps if s.action is StepAction.search))
    search_times = [s.finished_at for s in loaded.steps if s.finished_at and s.status == "done"]
    failed = tuple(sorted({s.system for s in loaded.steps if s.status == "failed"}))
    scope = SearchScope(
        systems=searched,
        identity_kinds=tuple(sorted(k.value for k in loaded.subject.identity_kinds)),
        earliest=None,  # every record the systems hold, however old
        latest=(max(search_times) if search_times else now).date(),
        run_by=scope_by,
        run_at=min(search_times) if search_times else now,
    )
    return RequestOutcome(
        request_id=request_id,
        kind=plan.kind,
        received=loaded.subject.received,
        due=loaded.subject.due,
        finished_at=now,
        scope=scope,
        steps=steps,
        unreachable=failed,
    )


def _evidence_of(stored: plans.StoredStep) -> tuple[StepEvidence, ...]:
    if stored.status != "done" or not stored.evidence_json:
        return ()
    return evidence_from_json(stored.evidence_json)
