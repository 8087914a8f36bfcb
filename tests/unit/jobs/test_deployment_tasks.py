"""Every worker knows the engine's task, serialised by request (one step of a request at once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.jobs.registry import deployment_tasks
from steward.services.request_engine import ADVANCE


def test_the_deployment_runs_request_steps_one_request_at_a_time() -> None:
    spec = deployment_tasks().spec(ADVANCE)
    assert spec.serialised_by == "request_id"
    assert spec.lock_key({"request_id": "R-2026-ABC234", "start": 3}) == "request_id=R-2026-ABC234"


def test_a_worker_reads_its_settings_again_only_when_a_steward_variable_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from steward.bootstrap import settings_now

    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "a"))
    first = settings_now()
    assert settings_now() is first
    monkeypatch.setenv("UNRELATED_VARIABLE", "x")
    assert settings_now() is first
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "b"))
    changed = settings_now()
    assert changed is not first
    assert changed.data_dir == tmp_path / "b"
