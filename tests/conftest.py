"""What every test shares: no ``STEWARD_*`` setting from the environment it runs in.

A developer's shell (or CI) may set STEWARD_DATABASE_URL, STEWARD_KEY_FILE or any other
setting; a test that read one would pass or fail by accident. Each test starts without them and
sets what it needs with ``monkeypatch.setenv``.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_steward_settings_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("STEWARD_"):
            monkeypatch.delenv(name)
