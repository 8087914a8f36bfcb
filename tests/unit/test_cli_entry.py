"""The command line's one error boundary: a person sees one message, never a traceback."""

import stat
import tempfile
from pathlib import Path

import pytest
import typer

from steward.cli.main import EXIT_BUG, execute, write_crash_report
from steward.errors import InvalidInput


def test_user_error_prints_message_without_traceback_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = typer.Typer()

    @app.command()
    def fail() -> None:
        raise InvalidInput(
            "date '2026-02-30' is not a calendar date",
            where="RECEIVED",
            hint="write it as YYYY-MM-DD",
        )

    assert execute(app, []) == 2
    err = capsys.readouterr().err
    assert "RECEIVED: date '2026-02-30' is not a calendar date" in err
    assert "hint: write it as YYYY-MM-DD" in err
    assert "Traceback" not in err


def test_successful_command_exits_0() -> None:
    app = typer.Typer()

    @app.command()
    def ok() -> None:
        typer.echo("fine")

    assert execute(app, []) == 0


def _app_raising(error: BaseException) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def fail() -> None:
        raise error

    return app


def test_a_core_error_naming_a_field_is_shown_with_the_flag_that_sets_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = InvalidInput("received 2099-01-01 is in the future", where="received")
    assert execute(_app_raising(error), []) == 2
    assert "--received: received 2099-01-01 is in the future" in capsys.readouterr().err


def test_a_bug_prints_one_line_and_writes_the_traceback_to_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    assert execute(_app_raising(ZeroDivisionError("division by zero")), []) == EXIT_BUG == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "internal error" in err and "ZeroDivisionError: division by zero" in err
    (report,) = (tmp_path / "data" / "crash").iterdir()
    assert str(report) in err.replace("\n", "")
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    assert "Traceback" in report.read_text() and "ZeroDivisionError" in report.read_text()


def test_the_crash_report_falls_back_to_the_temporary_folder_when_the_data_dir_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    path = write_crash_report(RuntimeError("boom"), ["audit", "verify"], folder=not_a_folder)
    assert path.parent == tmp_path / "tmp"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("steward audit verify\n")


def test_the_crash_report_keeps_the_command_words_not_a_persons_address(tmp_path: Path) -> None:
    path = write_crash_report(
        RuntimeError("boom"), ["marketing", "headers", "ada@example.org"], folder=tmp_path
    )
    assert "ada@example.org" not in path.read_text()


@pytest.mark.parametrize(
    "error",
    [
        PermissionError(13, "Permission denied", "/srv/list.csv"),
        IsADirectoryError(21, "Is a directory", "/srv/lists"),
        FileNotFoundError(2, "No such file or directory", "/srv/missing.csv"),
    ],
    ids=["permission", "directory", "missing"],
)
def test_a_file_error_that_escaped_is_one_message_and_exit_2(
    error: OSError, capsys: pytest.CaptureFixture[str]
) -> None:
    assert execute(_app_raising(error), []) == 2
    err = capsys.readouterr().err
    assert f"{error.filename}: {error.strerror}" in err and "Traceback" not in err


def test_a_file_that_is_not_utf8_is_one_message_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = UnicodeDecodeError("utf-8", b"caf\xe9", 3, 4, "invalid continuation byte")
    assert execute(_app_raising(error), []) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "Traceback" not in err
