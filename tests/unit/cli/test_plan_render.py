"""How a plan reads at the command line: each step, its state, and a stuck step marked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from steward.cli.plan_commands import render_plan
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction
from steward.services.request_reports import PlanView, StepView

BEAT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _view(status: str, error: str | None = None) -> PlanView:
    step = StepView(
        number=5,
        system="support",
        collection="tickets",
        action=StepAction.erase,
        found_by="the records step 4 found",
        fields=("requester", "body"),
        destructive=True,
        status=status,
        attempts=1,
        claimed_by="worker-a",
        heartbeat_at=BEAT,
        error=error,
        evidence=(),
    )
    return PlanView("r-1", RequestKind.erasure, "running", BEAT, "dpo", BEAT, (step,), ())


def test_a_step_reads_as_its_action_place_fields_and_whether_it_changes_data() -> None:
    text = render_plan(_view("pending"))
    assert "    5. erase    support.tickets [requester, body] (changes data)" in text
    assert "the records step 4 found (pending)" in text


def test_a_running_step_whose_worker_is_silent_for_a_minute_is_marked_stuck() -> None:
    text = render_plan(_view("running"), now=BEAT + timedelta(seconds=61))
    assert "(stuck: worker-a last seen 2026-12-04 09:00:00 UTC)" in text


def test_a_running_step_with_a_recent_heartbeat_names_its_worker() -> None:
    assert "(running on worker-a)" in render_plan(_view("running"), now=BEAT)


def test_a_failed_step_says_why() -> None:
    text = render_plan(_view("failed", "unavailable: system support: down"))
    assert "(failed: unavailable: system support: down)" in text
