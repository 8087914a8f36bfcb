"""Tests stand alone: a setting in the shell that runs them never reaches a test."""

from __future__ import annotations

import os


def test_no_steward_setting_reaches_a_test() -> None:
    assert [name for name in os.environ if name.startswith("STEWARD_")] == []
