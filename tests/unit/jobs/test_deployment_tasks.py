"""Every worker knows the engine's task, serialised by request (one step of a request at once)."""

from __future__ import annotations

from steward.jobs.registry import deployment_tasks
from steward.services.request_engine import ADVANCE


def test_the_deployment_runs_request_steps_one_request_at_a_time() -> None:
    spec = deployment_tasks().spec(ADVANCE)
    assert spec.serialised_by == "request_id"
    assert spec.lock_key({"request_id": "R-2026-ABC234", "start": 3}) == "request_id=R-2026-ABC234"
