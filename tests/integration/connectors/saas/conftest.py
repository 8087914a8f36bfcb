"""Fixtures: an httpx client that never uses proxies from the environment, and a list that
records every wait instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        yield client


@pytest.fixture
def sleeps() -> list[float]:
    return []
