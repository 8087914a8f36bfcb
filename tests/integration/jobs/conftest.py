"""A PostgreSQL database of its own for the queue tests: Steward's schema, procrastinate's
tables (installed the way ``steward db upgrade`` installs them) and the tests' ``job_effects``
table; dropped at the end of each test, so no other test sees the queue's tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from steward.bootstrap import Settings, load_settings, open_store
from steward.store.database import Store, create_store_engine
from steward.store.job_queue import install_queue_schema
from steward.store.keyfile import create_key_file
from steward.store.schema import upgrade
from tests.integration.conftest import (
    _require_postgres,
    create_postgres_database,
    drop_postgres_database,
)
from tests.integration.jobs.queue_tasks import JOB_EFFECTS, REQUESTS_AT_WORK

HEARTBEAT_SECONDS = 0.5
STALLED_AFTER_SECONDS = 2.0


@pytest.fixture
def queue_url() -> Iterator[str]:
    _require_postgres()
    url = create_postgres_database()
    engine = create_store_engine(url)
    try:
        upgrade(engine)
        install_queue_schema(engine)
        with engine.begin() as connection:
            connection.execute(text(JOB_EFFECTS))
            connection.execute(text(REQUESTS_AT_WORK))
        yield url
    finally:
        engine.dispose()
        drop_postgres_database(url)


@pytest.fixture
def queue_environment(queue_url: str, tmp_path: Path) -> dict[str, str]:
    """The settings a worker process is started with (heartbeats shortened for the tests)."""
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=datetime(2026, 12, 4, tzinfo=UTC))
    return {
        "STEWARD_DATABASE_URL": queue_url,
        "STEWARD_KEY_FILE": str(key_file),
        "STEWARD_JOBS_RUNNER": "procrastinate",
        "STEWARD_JOBS_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "STEWARD_JOBS_STALLED_AFTER_SECONDS": str(STALLED_AFTER_SECONDS),
        "STEWARD_JOBS_RETRY_BACKOFF_SECONDS": "1",
    }


@pytest.fixture
def queue_settings(queue_environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in queue_environment.items():
        monkeypatch.setenv(name, value)
    return load_settings()


@pytest.fixture
def queue_store(queue_settings: Settings) -> Iterator[Store]:
    store = open_store(queue_settings)
    yield store
    store.engine.dispose()
