"""Making and approving a request's plan (see ``steward.services.request_engine``).

A plan that changes data (erasure, rectification, restriction) is approved by a person before
any of its destructive steps may run (``RequestKind.destructive``); the approval, who and when,
is stored with the plan and in the audit chain (UK GDPR Art 5(2)).
"""

from __future__ import annotations

from collections.abc import Sequence

from steward.connectors.registry import has_driver
from steward.engine.plan import SystemReach
from steward.engine.plan import make_plan as plan_for
from steward.engine.plan_json import plan_to_json
from steward.errors import Conflict
from steward.manifest.datasets import DatasetMap
from steward.manifest.schema import System
from steward.requests.subject import RequestSubject, subject_to_json
from steward.services.request_reports import Loaded, PlanView, load, plan_status, view_of
from steward.store import audit, plans
from steward.store.database import Store, UnitOfWork


def make_plan(
    store: Store,
    subject: RequestSubject,
    maps: Sequence[DatasetMap],
    systems: Sequence[System] = (),
    *,
    actor: str = "steward",
) -> PlanView:
    """Plan the request and store the plan. A plan not yet approved or started is replaced
    (the maps may have changed); one approved or under way is kept."""
    reach = [SystemReach(s.id, has_driver(s.kind)) for s in systems]
    plan = plan_for(subject, maps, reach)
    with store.unit_of_work(actor) as uow:
        existing = plans.find_plan(uow, subject.request_id, for_update=True)
        if existing is not None:
            if plan_status(load(uow, subject.request_id)) != "planned":
                raise Conflict(
                    f"request {subject.request_id} already has a plan that is {existing.status}",
                    where="request_id",
                    hint="run it (`steward request run`); a started plan is never replaced",
                )
            plans.drop_plan(uow, subject.request_id)
        plans.add_plan(
            uow,
            request_id=subject.request_id,
            kind=subject.kind.value,
            plan_json=plan_to_json(plan),
            subject_json=subject_to_json(subject),
            steps=[
                plans.NewStep(s.number, s.system, s.collection, s.action.value) for s in plan.steps
            ],
        )
        audit_request(
            uow,
            "request.planned",
            subject.request_id,
            kind=subject.kind.value,
            steps=len(plan.steps),
            not_searched=len(plan.not_searched),
        )
        view = view_of(load(uow, subject.request_id))
        uow.commit()
    return view


def approve(store: Store, request_id: str, actor: str) -> PlanView:
    """A person approves the plan; destructive steps may run only after this."""
    with store.unit_of_work(actor) as uow:
        stored = plans.get_plan(uow, request_id, for_update=True)
        if stored.approved_at is not None:
            raise Conflict(
                f"the plan for request {request_id} was already approved by {stored.approved_by}",
                where="request_id",
                hint=f"run it with `steward request run {request_id}`",
            )
        plans.set_approved(uow, request_id, actor, uow.clock())
        audit_request(uow, "request.plan_approved", request_id, by=actor)
        view = view_of(load(uow, request_id))
        uow.commit()
    return view


def refuse_unapproved(loaded: Loaded) -> None:
    if loaded.stored.approved_at is None and loaded.plan.destructive:
        request_id = loaded.stored.request_id
        raise Conflict(
            f"the plan for request {request_id} changes data and has not been approved",
            where=f"request {request_id}",
            hint=f"check it with `steward request plan {request_id} --dry-run`, then "
            f"`steward request approve {request_id}`",
        )


def audit_request(uow: UnitOfWork, action: str, request_id: str, **payload: object) -> None:
    audit.append(uow, action=action, subject=f"request:{request_id}", payload=payload)
