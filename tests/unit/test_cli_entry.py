"""The CLI turns a StewardError into one message on stderr and exit status 2."""

import pytest
import typer

from steward.cli.main import execute
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
