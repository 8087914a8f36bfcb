"""The web app over a real, migrated store: ``web_wiring`` and ``client`` (Starlette's test
client, which runs the app in a thread of its own, so the store's commits are real).

The database fixtures are the integration tests' own (``tests/integration/conftest.py``):
SQLite, and PostgreSQL when reachable (under CI=true a missing server fails).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from steward.store.database import Store
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.integration.conftest import (  # noqa: F401  (fixtures, found by name)
    ManualClock,
    backend,
    clock,
    committed_store,
    database_url,
    engine,
    keys,
    migrated_url,
    postgres_url,
    sqlite_template,
)

WEB_SECRET = b"w" * 32


@pytest.fixture
def web_wiring(committed_store: Store, clock: ManualClock) -> WebWiring:  # noqa: F811
    return WebWiring(store=committed_store, clock=clock, secret=WEB_SECRET)


@pytest.fixture
def web_app(web_wiring: WebWiring) -> FastAPI:
    return create_app(web_wiring)


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, base_url="http://testserver") as test_client:
        yield test_client
