"""The composition root picks the job runner from STEWARD_JOBS_RUNNER, and refuses procrastinate
on SQLite before anything is queued."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.bootstrap import jobs, load_settings
from steward.errors import ConfigError
from steward.jobs.inline import InlineJobs
from steward.jobs.queue import ProcrastinateJobs
from steward.jobs.registry import TaskRegistry
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine

POSTGRES = "postgresql+psycopg://steward:secret@db.internal:5432/steward"


def store_at(url: str) -> Store:
    keys = FixedKeys(KeyRing({1: KeyVersion.generate(1)}, current=1))
    return Store(create_store_engine(url), keys)  # built, never connected


def test_inline_is_the_default(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    runner = jobs(settings, store_at(settings.resolved_database_url()), TaskRegistry())
    assert isinstance(runner, InlineJobs)


def test_procrastinate_with_sqlite_is_a_configuration_error(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, jobs_runner="procrastinate")
    with pytest.raises(ConfigError) as raised:
        jobs(settings, store_at(settings.resolved_database_url()), TaskRegistry())
    assert raised.value.where == "STEWARD_JOBS_RUNNER" and "PostgreSQL" in raised.value.message


def test_procrastinate_on_postgresql_queues_on_the_steward_queue_with_the_retry_settings() -> None:
    settings = load_settings(database_url=POSTGRES, jobs_runner="procrastinate", jobs_retries=5)
    runner = jobs(settings, store_at(POSTGRES), TaskRegistry())
    assert isinstance(runner, ProcrastinateJobs)
    assert (runner.queue, runner.retry.retries) == ("steward", 5)


def test_a_negative_retry_count_names_its_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(jobs_retries=-1)
    assert raised.value.where == "STEWARD_JOBS_RETRIES"
