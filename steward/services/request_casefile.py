"""One request as the staff console shows it: its facts and clock, its plan with each step's
state and evidence, the steps whose worker stopped beating, and its audit trail.

Reading only, from the services that already read each part (``request_views``,
``request_reports``, ``audit_status``), so the console shows what ``steward request show``
prints and nothing is computed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.errors import NotFound
from steward.law.calendar import Nation
from steward.services.audit_status import trail_of
from steward.services.request_reports import STUCK_AFTER, PlanView, StepView, show_plan
from steward.services.request_views import RequestView, show_request
from steward.store.audit import AuditEvent
from steward.store.database import Store


@dataclass(frozen=True)
class CaseFile:
    """``plan`` is None until the request is planned; ``stuck`` holds the numbers of running
    steps whose worker has not beaten for ``STUCK_AFTER``."""

    view: RequestView
    plan: PlanView | None
    stuck: frozenset[int]
    trail: tuple[AuditEvent, ...]


def is_stuck(step: StepView, now: datetime) -> bool:
    beat = step.heartbeat_at
    return step.status == "running" and beat is not None and now - beat > STUCK_AFTER


def case_file(
    store: Store, nation: Nation, reference: str, *, actor: str, now: datetime
) -> CaseFile:
    """The request ``reference`` (NotFound if there is none) with its plan and trail."""
    view = show_request(store, nation, reference, actor=actor)
    try:
        plan: PlanView | None = show_plan(store, view.request.reference)
    except NotFound:
        plan = None
    stuck = frozenset(s.number for s in plan.steps if is_stuck(s, now)) if plan else frozenset()
    trail = trail_of(store, f"request:{view.request.reference}", actor=actor)
    return CaseFile(view, plan, stuck, trail)
