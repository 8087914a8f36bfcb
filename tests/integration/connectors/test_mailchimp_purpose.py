"""`steward mailchimp push|pull` refuse an audience purpose the manifest does not declare for
email marketing, before a single call to Mailchimp."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import typer

from steward.cli.mailchimp_commands import register
from steward.cli.main import execute
from steward.store.keyfile import create_key_file
from tests.integration.connectors.conftest import API_KEY, LIST_ID
from tests.integration.connectors.mailchimp_server import MailchimpServer

MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"


@pytest.fixture
def cli(
    database_url: str,
    mailchimp: MailchimpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    for name, value in {
        "STEWARD_DATABASE_URL": database_url,
        "STEWARD_KEY_FILE": str(key_file),
        "STEWARD_MANIFEST": str(MANIFEST),
        "STEWARD_MAILCHIMP_API_KEY": API_KEY,
        "STEWARD_MAILCHIMP_LIST_ID": LIST_ID,
        "STEWARD_MAILCHIMP_BASE_URL": mailchimp.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    app = typer.Typer()
    register(app)
    return app


@pytest.mark.parametrize(
    ("purpose", "said"),
    [
        ("newsletter", "not a purpose declared"),
        ("contact_marketting", "did you mean 'contact_marketing'"),
        ("cctv", "not a marketing purpose"),
    ],
)
def test_push_refuses_a_purpose_the_manifest_does_not_market_by_email(
    cli: typer.Typer,
    mailchimp: MailchimpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    purpose: str,
    said: str,
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_PURPOSE", purpose)
    code = execute(cli, ["mailchimp", "push"])
    err = capsys.readouterr().err
    assert code == 2 and "STEWARD_MAILCHIMP_PURPOSE" in err and said in err
    assert mailchimp.api_calls() == []


def test_pull_without_a_purpose_names_the_variable(
    cli: typer.Typer, mailchimp: MailchimpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = execute(cli, ["mailchimp", "pull", "--since", "2026-03-01T00:00:00+00:00"])
    err = capsys.readouterr().err
    assert code == 2 and "STEWARD_MAILCHIMP_PURPOSE: not set" in err
    assert mailchimp.api_calls() == []
