"""`steward relay counts`: the relay's only record, shown per UK day and outcome."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer

from steward.bootstrap import load_settings, open_store
from steward.cli.main import execute
from steward.cli.relay_commands import register
from steward.relay.screening import counted_day
from steward.store import relay_counts
from steward.store.keyfile import create_key_file


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    app = typer.Typer()
    register(app)
    return app


def count(outcome: str, times: int, *, days_ago: int = 0) -> None:
    store = open_store(load_settings())
    try:
        day = counted_day(store.clock()) - dt.timedelta(days=days_ago)
        with store.unit_of_work(actor="test") as uow:
            for _ in range(times):
                relay_counts.add_one(uow, day=day, outcome=outcome)
            uow.commit()
    finally:
        store.engine.dispose()


def test_with_no_posts_the_counts_say_so(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert execute(cli, ["relay", "counts"]) == 0
    assert "no contact-form posts in the last 30 days" in capsys.readouterr().out


def test_counts_are_shown_per_day_with_every_outcome(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    count("sent", 3)
    count("spam", 2)
    count("refused", 1, days_ago=40)
    assert execute(cli, ["relay", "counts", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    assert {key: lines[0][key] for key in ("sent", "spam", "refused", "mail_failed")} == {
        "sent": 3,
        "spam": 2,
        "refused": 0,
        "mail_failed": 0,
    }
    assert execute(cli, ["relay", "counts", "--days", "60"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["day", "sent", "spam", "refused", "mail_failed"]
    assert len(table) == 3


def test_a_day_count_out_of_range_is_refused(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert execute(cli, ["relay", "counts", "--days", "0"]) == 2
    assert "give 1 to 3660 days" in capsys.readouterr().err
