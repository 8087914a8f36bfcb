"""`steward staff ...` as an operator runs it at the server, against a real database: what it
prints once, and one clear message (exit 2, no traceback) for everything a person can fix."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

import pytest
import typer

from steward.bootstrap import load_settings, open_store
from steward.cli.main import execute
from steward.cli.staff_commands import register
from steward.errors import SignInRefused
from steward.services import staff as service
from steward.staff.second_factor import totp_code
from steward.store.keyfile import create_key_file

PASSWORD = "coral lantern gravel orbit"


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    app = typer.Typer()
    register(app)
    return app


def run(cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return execute(cli, ["staff", *args])


def add(cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, username: str, role: str) -> int:
    args = ["add", username, "--name", f"{username.title()} Example", "--role", role]
    return run(cli, monkeypatch, [*args, "--password-stdin"], f"{PASSWORD}\n")


def sign_in_with(secret: str, username: str) -> service.StaffSession:
    store = open_store(load_settings())
    try:
        now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
        return service.login(store, username, PASSWORD, totp_code(secret, now), "127.0.0.1", now)
    finally:
        store.engine.dispose()


def test_add_prints_the_authenticator_link_and_ten_recovery_codes_that_sign_in(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(cli, monkeypatch, "priya", "privacy_lead") == 0

    out = capsys.readouterr().out
    assert out.startswith("added staff account priya (Priya Example, privacy lead)\n")
    uri = re.search(r"otpauth://totp/Steward:priya\?secret=([A-Z2-7]{32})&issuer=Steward", out)
    codes = re.findall(r"^  ([2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4})$", out, re.MULTILINE)
    assert uri is not None and len(codes) == 10
    assert PASSWORD not in out
    assert sign_in_with(uri.group(1), "priya").signed_in.username == "priya"


def test_list_shows_each_account_role_and_state(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cli, monkeypatch, ["list"]) == 0
    add(cli, monkeypatch, "priya", "privacy_lead")
    add(cli, monkeypatch, "ana", "auditor")
    capsys.readouterr()

    assert run(cli, monkeypatch, ["list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:4] for line in lines] == [
        ["ana", "Ana Example", "auditor", "active"],
        ["priya", "Priya Example", "privacy lead", "active"],
    ]
    assert lines[0].split("\t")[4:] == ["2FA not yet used", "10 recovery codes", "never signed in"]


def test_reset_2fa_prints_a_new_link_and_the_old_secret_stops_working(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(cli, monkeypatch, "priya", "privacy_lead")
    first = re.findall(r"secret=([A-Z2-7]{32})", capsys.readouterr().out)[0]

    assert run(cli, monkeypatch, ["reset-2fa", "Priya"]) == 0

    out = capsys.readouterr().out
    second = re.findall(r"secret=([A-Z2-7]{32})", out)[0]
    assert "replaced the second factor of priya" in out and second != first
    with pytest.raises(SignInRefused):
        sign_in_with(first, "priya")
    assert sign_in_with(second, "priya")


def test_disable_role_and_passwd_change_an_account(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(cli, monkeypatch, "priya", "privacy_lead")
    add(cli, monkeypatch, "olu", "office")

    assert run(cli, monkeypatch, ["role", "olu", "hr"]) == 0
    assert (
        run(cli, monkeypatch, ["passwd", "olu", "--password-stdin"], "thimble meadow quiver\n") == 0
    )
    assert run(cli, monkeypatch, ["disable", "olu"]) == 0
    assert run(cli, monkeypatch, ["enable", "olu"]) == 0

    out = capsys.readouterr().out
    assert "olu now has the role HR" in out
    assert "set a new password for olu; their sessions were ended" in out
    assert "disabled olu; their sessions were ended" in out
    assert "enabled olu" in out


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "priya", "--name", "P", "--role", "privacy_lead"], PASSWORD, "not a terminal"),
        (
            ["add", "priya", "--name", "P", "--role", "privacy_lead", "--password-stdin"],
            "Password2026!\n",
            "most common passwords",
        ),
        (
            ["add", "priya", "--name", "P", "--role", "privacy_lead", "--password-stdin"],
            "",
            "standard input held no password",
        ),
        (
            ["add", "p@x", "--name", "P", "--role", "office", "--password-stdin"],
            PASSWORD,
            "is not a username",
        ),
        (["add", "priya", "--name", "P", "--role", "admin"], "", "Invalid value for '--role'"),
        (["disable", "ghost"], "", "there is no staff account 'ghost'"),
        (["unlock", "ghost"], "", "there is no staff account 'ghost'"),
    ],
)
def test_a_problem_a_person_can_fix_is_one_message_and_exit_2(
    cli: typer.Typer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    assert run(cli, monkeypatch, args, stdin) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_disabling_the_only_privacy_lead_says_what_to_do_instead(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(cli, monkeypatch, "priya", "privacy_lead")
    capsys.readouterr()

    assert run(cli, monkeypatch, ["disable", "priya"]) == 2

    err = " ".join(capsys.readouterr().err.split())
    assert "it is the only enabled privacy lead" in err
    assert "steward staff add --role privacy_lead" in err
