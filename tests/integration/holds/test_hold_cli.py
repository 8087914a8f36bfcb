"""`steward hold add|list|release` as staff run it, against a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import typer

from steward.cli.hold_commands import register
from steward.cli.main import execute
from steward.store.keyfile import create_key_file
from tests.unit.requests.manifests import OUTSERVE


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    monkeypatch.setenv("STEWARD_MANIFEST", str(OUTSERVE))
    app = typer.Typer()
    register(app)
    return app


def test_a_hold_added_on_a_person_is_listed_by_reference_never_by_address(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    added = execute(
        cli,
        [
            "hold", "add", "--email", "ann@example.org", "--source", "claim",
            "--reason", "Small claims court case about invoice 1042", "--until", "2099-06-30",
        ],
    )  # fmt: skip
    listed = execute(cli, ["hold", "list"])

    out = capsys.readouterr().out
    assert (added, listed) == (0, 0)
    assert "added hold 1: claim on person " in out
    assert "until 2099-06-30" in out
    assert "ann@example.org" not in out


def test_a_hold_on_a_collection_is_released_with_a_reason(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    execute(
        cli,
        [
            "hold", "add", "--system", "hubspot", "--collection", "invoices",
            "--reason", "HMRC enquiry into the 2024 accounts", "--source", "investigation",
        ],
    )  # fmt: skip
    released = execute(cli, ["hold", "release", "1", "--reason", "HMRC closed the enquiry"])
    execute(cli, ["hold", "list"])
    execute(cli, ["hold", "list", "--all"])

    out = capsys.readouterr().out
    assert released == 0
    assert "investigation on hubspot.invoices" in out
    assert "no holds in force" in out
    assert ": HMRC closed the enquiry)" in out


def test_a_hold_on_an_undeclared_system_says_which_systems_exist(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = execute(
        cli, ["hold", "add", "--system", "crn", "--reason", "Dispute about the CRM data"]
    )

    err = capsys.readouterr().err
    assert status == 2
    assert "no system 'crn'" in err
    assert "hubspot" in err


def test_a_collection_without_a_system_is_refused_naming_the_flag(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = execute(
        cli, ["hold", "add", "--collection", "invoices", "--reason", "Dispute about invoices"]
    )

    assert status == 2
    assert "--collection needs --system" in capsys.readouterr().err


def test_a_hold_with_an_unreadable_until_date_names_the_flag(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = execute(
        cli,
        ["hold", "add", "--system", "hubspot", "--reason", "Dispute about data", "--until", "soon"],
    )

    err = capsys.readouterr().err
    assert status == 2
    assert "'soon' is not a date" in err and "--until" in err


def test_a_hold_on_something_that_is_not_an_email_address_is_refused(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = execute(
        cli, ["hold", "add", "--email", "ann at example", "--reason", "Dispute about invoices"]
    )

    err = capsys.readouterr().err
    assert status == 2
    assert "not an email address" in err and "Traceback" not in err


def test_a_hold_on_a_person_and_a_system_at_once_is_refused(
    cli: typer.Typer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = execute(
        cli,
        [
            "hold", "add", "--email", "ann@example.org", "--system", "hubspot",
            "--reason", "Dispute about invoices",
        ],
    )  # fmt: skip

    assert status == 2
    assert "a person or a system, not both" in capsys.readouterr().err
