"""The request queue and a request's case file: due-date order with overdue and at-risk marks,
the plan with its steps, evidence, stuck steps and approval, the timeline and audit trail, and
the actions each role may take."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from steward.services.request_engine import run_plan, show_plan
from steward.staff.roles import Role
from steward.store.tables import plan_steps
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.integration.engine.conftest import NoHolds
from tests.unit.engine.estate import connectors
from tests.web.console.conftest import Casework, Member, enrol, form_token, signed_in_client


@pytest.fixture
def lead(console_wiring: WebWiring, clock: ManualClock) -> Iterator[TestClient]:
    yield from signed_in_client(
        console_wiring, enrol(console_wiring.store, Role.privacy_lead, clock), clock
    )


def as_role(wiring: WebWiring, role: Role, clock: ManualClock) -> Iterator[TestClient]:
    member: Member = enrol(wiring.store, role, clock)
    return signed_in_client(wiring, member, clock)


def test_the_queue_lists_requests_by_due_date_with_overdue_and_at_risk_marked(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    for office in as_role(console_wiring, Role.office, clock):
        page = office.get("/staff/requests")
        overdue_only = office.get("/staff/requests?overdue=true")

    assert page.status_code == 200
    text = page.text
    order = [text.index(ref) for ref in (casework.overdue, casework.at_risk, casework.later)]
    assert order == sorted(order)
    rows = {ref: text.split(ref)[2].split("</tr>")[0] for ref in order_refs(casework)}
    assert "Overdue" in rows[casework.overdue]
    assert "At risk" in rows[casework.at_risk]
    assert "Overdue" not in rows[casework.later] and "At risk" not in rows[casework.later]
    assert "due within 7 days" in text
    assert casework.overdue in overdue_only.text
    assert casework.at_risk not in overdue_only.text


def order_refs(casework: Casework) -> tuple[str, str, str]:
    return (casework.overdue, casework.at_risk, casework.later)


def test_the_case_file_shows_the_plan_and_the_privacy_lead_approves_it(
    lead: TestClient, casework: Casework, console_wiring: WebWiring
) -> None:
    before = lead.get(f"/staff/requests/{casework.later}")
    assert before.status_code == 200
    assert "Approve the plan" in before.text
    assert "(changes data)" in before.text
    assert "How the due date was reached" in before.text

    approved = lead.post(
        f"/staff/requests/{casework.later}/approve",
        data={FIELD: form_token(lead, "/staff")},
    )

    assert approved.status_code == 303
    assert approved.headers["location"] == f"/staff/requests/{casework.later}"
    plan = show_plan(console_wiring.store, casework.later)
    assert plan.approved_by is not None and plan.approved_by.startswith("staff:")
    after = lead.get(f"/staff/requests/{casework.later}")
    assert f"approved by {plan.approved_by}" in after.text
    assert "Approve the plan" not in after.text
    trail = after.text.split("Audit trail")[1]
    assert "request.plan_approved" in trail and plan.approved_by in trail
    again = lead.post(
        f"/staff/requests/{casework.later}/approve",
        data={FIELD: form_token(lead, "/staff")},
    )
    assert again.status_code == 409
    assert "already approved" in again.text


def test_hr_works_a_request_but_cannot_approve_and_office_only_reads(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    for hr in as_role(console_wiring, Role.hr, clock):
        page = hr.get(f"/staff/requests/{casework.later}")
        assert "Approve the plan" not in page.text
        assert 'action="/staff/requests/' + casework.later + '/assign"' in page.text
        assigned = hr.post(
            f"/staff/requests/{casework.later}/assign",
            data={FIELD: form_token(hr, "/staff"), "to": "harri"},
        )
        assert assigned.status_code == 303
        assert "Assigned to</dt><dd>harri" in hr.get(f"/staff/requests/{casework.later}").text
        refused = hr.post(
            f"/staff/requests/{casework.later}/approve", data={FIELD: form_token(hr, "/staff")}
        )
        assert refused.status_code == 403
    for office in as_role(console_wiring, Role.office, clock):
        page = office.get(f"/staff/requests/{casework.later}")
        assert "<form" not in page.text.split("</header>")[1]


def test_each_step_shows_its_evidence_and_staff_record_a_step_done_by_hand(
    lead: TestClient, casework: Casework, console_wiring: WebWiring, clock: ManualClock
) -> None:
    lead.post(f"/staff/requests/{casework.later}/approve", data={FIELD: form_token(lead, "/staff")})
    run_plan(console_wiring.store, casework.later, connectors().__getitem__, NoHolds(), clock)
    plan = show_plan(console_wiring.store, casework.later)
    done = next(s for s in plan.steps if s.evidence)
    manual = next(s for s in plan.steps if s.action.value == "manual")

    page = lead.get(f"/staff/requests/{casework.later}")
    row = page.text.split(f'id="step-{done.number}"')[1].split("</tr>")[0]
    assert done.evidence[0].digest[:16] in row
    assert "Record step" in page.text.split(f'id="step-{manual.number}"')[1].split("</tr>")[0]

    recorded = lead.post(
        f"/staff/requests/{casework.later}/steps/{manual.number}/manual",
        data={FIELD: form_token(lead, "/staff"), "note": "paper file checked: 2 letters shredded"},
    )

    assert recorded.status_code == 303
    after = lead.get(f"/staff/requests/{casework.later}")
    row = after.text.split(f'id="step-{manual.number}"')[1].split("</tr>")[0]
    assert "paper file checked: 2 letters shredded" in row
    empty = lead.post(
        f"/staff/requests/{casework.later}/steps/{manual.number}/manual",
        data={FIELD: form_token(lead, "/staff"), "note": ""},
    )
    assert empty.status_code in (409, 422)


def test_a_running_step_whose_worker_stopped_beating_is_marked_stuck(
    lead: TestClient, casework: Casework, console_wiring: WebWiring, clock: ManualClock
) -> None:
    with console_wiring.store.unit_of_work("test") as uow:
        uow.connection.execute(
            update(plan_steps)
            .where(plan_steps.c.request_id == casework.later, plan_steps.c.step_no == 1)
            .values(
                status="running",
                claimed_by="worker@host:41",
                heartbeat_at=clock.now - timedelta(minutes=5),
            )
        )
        uow.commit()

    page = lead.get(f"/staff/requests/{casework.later}")

    row = page.text.split('id="step-1"')[1].split("</tr>")[0]
    assert "Stuck" in row and "worker@host:41" in row
    assert "1 step stuck" in page.text


def test_an_unknown_request_is_404(lead: TestClient, casework: Casework) -> None:
    assert lead.get("/staff/requests/R-2026-NOPE99").status_code == 404
