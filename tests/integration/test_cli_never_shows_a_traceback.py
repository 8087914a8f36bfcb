"""Settings, files and databases a person got wrong end in one message and exit 2, never a
traceback (issue 9 item 9). Each case runs the real command, as a person types it."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.cli.main import build_app, execute

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:5999/x?connect_timeout=2"


def run(args: list[str]) -> int:
    return execute(build_app(args), args)


@pytest.mark.parametrize("command", [["audit", "verify"], ["db", "upgrade"], ["db", "current"]])
def test_an_unreachable_database_is_one_message_and_exit_2(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", UNREACHABLE)
    assert run(command) == 2
    err = capsys.readouterr().err
    assert "cannot connect to the database" in err and "Traceback" not in err


def test_a_data_dir_that_is_a_file_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "README.md"
    a_file.write_text("# not a folder\n")
    monkeypatch.setenv("STEWARD_DATA_DIR", str(a_file))
    assert run(["audit", "verify"]) == 2
    assert "STEWARD_DATA_DIR: the data folder is not a folder" in capsys.readouterr().err


def test_a_sqlite_url_naming_a_file_that_is_not_a_database_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hello\n" * 100)
    monkeypatch.setenv("STEWARD_DATABASE_URL", f"sqlite:///{not_a_database}")
    assert run(["db", "current"]) == 2
    assert "not a SQLite database" in capsys.readouterr().err


def test_a_database_folder_under_a_file_is_a_setting_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    monkeypatch.setenv("STEWARD_DATABASE_URL", f"sqlite:///{a_file}/steward.sqlite3")
    assert run(["db", "upgrade"]) == 2
    assert "cannot create the SQLite database" in capsys.readouterr().err


@pytest.mark.parametrize("manifest", ["/nonexistent/manifest", "README.md"])
def test_lint_of_a_missing_or_non_manifest_file_is_one_message(
    manifest: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(Path(__file__).parents[2] / manifest) if manifest == "README.md" else manifest
    assert run(["lint", path]) == 2
    assert "Traceback" not in capsys.readouterr().err
