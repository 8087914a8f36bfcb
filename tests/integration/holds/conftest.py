"""Holds, objection and recipient-notice tests run on 3 December 2026, 10:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.integration.conftest import ManualClock

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_3_december_2026(clock: ManualClock) -> None:
    clock.now = NOW
