"""`steward marketing filter` with the files a person gives it: a bad path is one message and
exit 2, the list is never overwritten, and a campaign's unsubscribe headers come with the rows."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest
import typer

from steward.cli.main import execute
from steward.cli.marketing_commands import register
from steward.store.keyfile import create_key_file

MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
LIST = "email,legal_form\nann@example.org,\nfay@acme.example,company\n"


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    monkeypatch.setenv("STEWARD_MANIFEST", str(MANIFEST))
    for name in ("STEWARD_UNSUBSCRIBE_BASE_URL", "STEWARD_UNSUBSCRIBE_MAILBOX"):
        monkeypatch.delenv(name, raising=False)
    app = typer.Typer()
    register(app)
    return app


def filter_(cli: typer.Typer, source: Path, out: Path, *more: str) -> int:
    return execute(
        cli,
        [
            "marketing",
            "filter",
            str(source),
            "--purpose",
            "contact_marketing",
            "--out",
            str(out),
            *more,
        ],
    )


def test_an_out_that_names_a_file_is_one_message_and_exit_2(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "list.csv").write_text(LIST)
    (tmp_path / "out.csv").write_text("mine")
    assert filter_(cli, tmp_path / "list.csv", tmp_path / "out.csv") == 2
    err = capsys.readouterr().err
    assert "the output folder is a file, not a folder" in err and "Traceback" not in err
    assert (tmp_path / "out.csv").read_text() == "mine"


def test_a_list_named_like_an_output_in_the_out_folder_is_never_overwritten(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "allowed.csv").write_text(LIST)
    assert filter_(cli, tmp_path / "allowed.csv", tmp_path) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert (tmp_path / "allowed.csv").read_text() == LIST
    assert not (tmp_path / "excluded.csv").exists()


def test_a_fifo_given_as_the_list_is_refused(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(tmp_path / "list.csv")
    assert filter_(cli, tmp_path / "list.csv", tmp_path / "out") == 2
    assert "FIFO" in capsys.readouterr().err


def test_a_list_with_an_unclosed_quote_names_the_line_and_writes_nothing(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "list.csv").write_text('email\r\nann@example.org\r\n"fay@acme.example\r\n')
    assert filter_(cli, tmp_path / "list.csv", tmp_path / "out") == 2
    assert f"{tmp_path / 'list.csv'}:3" in capsys.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []


def test_unsubscribe_headers_need_the_endpoints_configured(
    cli: typer.Typer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "list.csv").write_text(LIST)
    assert filter_(cli, tmp_path / "list.csv", tmp_path / "out", "--with-unsubscribe-headers") == 2
    assert "STEWARD_UNSUBSCRIBE_BASE_URL: not set" in capsys.readouterr().err


def test_allowed_csv_carries_the_unsubscribe_headers_a_campaign_sends(
    cli: typer.Typer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STEWARD_UNSUBSCRIBE_BASE_URL", "https://privacy.outserve.example")
    monkeypatch.setenv("STEWARD_UNSUBSCRIBE_MAILBOX", "unsubscribe@outserve.example")
    (tmp_path / "list.csv").write_text(LIST)
    out = tmp_path / "out"
    assert filter_(cli, tmp_path / "list.csv", out, "--with-unsubscribe-headers") == 0
    assert "recorded 1 allowed address(es) new to the ledger" in capsys.readouterr().out
    with (out / "allowed.csv").open(newline="") as handle:
        (fay,) = list(csv.DictReader(handle))
    assert fay["email"] == "fay@acme.example"
    assert fay["List-Unsubscribe"].startswith("<https://privacy.outserve.example/u/u1.")
    assert fay["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
