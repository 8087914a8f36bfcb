"""``steward worker`` explains when there is nothing for it to serve, and ``steward db upgrade``
installs the job queue's tables on PostgreSQL, once."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from steward.cli import store_commands, worker_commands
from steward.cli.main import execute
from tests.integration.conftest import (
    _require_postgres,
    create_postgres_database,
    drop_postgres_database,
)


def cli() -> typer.Typer:
    app = typer.Typer()
    store_commands.register(app)
    worker_commands.register(app)
    return app


def test_on_sqlite_the_worker_explains_that_jobs_run_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path))
    assert execute(cli(), ["worker"]) == 2
    err = capsys.readouterr().err
    assert "jobs run in the process that queues them and no worker is needed" in err
    assert "STEWARD_DATABASE_URL" in err


@pytest.mark.postgres
def test_with_the_inline_runner_the_worker_says_nothing_would_be_queued(
    queue_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", queue_url)
    assert execute(cli(), ["worker"]) == 2
    assert "STEWARD_JOBS_RUNNER" in capsys.readouterr().err


def test_a_queue_name_with_spaces_is_refused_naming_queue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert execute(cli(), ["worker", "--queue", "my queue"]) == 2
    assert "--queue: 'my queue' is not a queue name" in capsys.readouterr().err


@pytest.mark.postgres
def test_db_upgrade_installs_the_job_queue_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _require_postgres()
    url = create_postgres_database()
    monkeypatch.setenv("STEWARD_DATABASE_URL", url)
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path))
    try:
        first = execute(cli(), ["db", "upgrade"])
        first_out = capsys.readouterr().out
        second = execute(cli(), ["db", "upgrade"])
        second_out = capsys.readouterr().out
    finally:
        drop_postgres_database(url)
    assert (first, second) == (0, 0)
    assert "job queue: installed procrastinate's tables" in first_out
    assert "job queue: procrastinate's tables already installed" in second_out


def test_db_upgrade_on_sqlite_installs_no_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path))
    assert execute(cli(), ["db", "upgrade"]) == 0
    assert "job queue" not in capsys.readouterr().out


def test_an_unreachable_database_stops_the_worker_with_one_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "STEWARD_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:5999/x?connect_timeout=2"
    )
    monkeypatch.setenv("STEWARD_JOBS_RUNNER", "procrastinate")
    assert execute(cli(), ["worker"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to the database" in err and "Traceback" not in err
