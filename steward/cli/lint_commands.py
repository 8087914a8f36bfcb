"""``steward lint PATH [--on DATE] [--format text|json|sarif]``: findings, exit 1 on any error."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from steward.errors import InvalidInput
from steward.lint import lint
from steward.lint.output import json_report, text_report
from steward.lint.sarif import sarif_report, source_root
from steward.manifest.load import load


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def parse_on(value: str | None) -> dt.date:
    """The date the law is applied at; today (read here, never in the core) when not given."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(
            f"'{value}' is not a date",
            where="--on",
            hint="write it as YYYY-MM-DD, e.g. --on 2026-11-26",
        ) from error


def register(app: typer.Typer) -> None:
    @app.command("lint")
    def lint_command(
        path: Annotated[Path, typer.Argument(help="Manifest file or folder of manifest files")],
        on: Annotated[
            str | None,
            typer.Option("--on", help="Apply the law as at this date (YYYY-MM-DD; default today)"),
        ] = None,
        output: Annotated[
            OutputFormat,
            typer.Option(
                "--format", help="text for people, json for scripts, sarif for code scanning"
            ),
        ] = OutputFormat.text,
    ) -> None:
        """Check a manifest against UK law on a date; exit 1 if any finding is an error."""
        when = parse_on(on)
        report = lint(load(path), when)
        if output is OutputFormat.json:
            typer.echo(json_report(report))
        elif output is OutputFormat.sarif:
            typer.echo(sarif_report(report, source_root(Path.cwd())))
        else:
            typer.echo(text_report(report))
        raise typer.Exit(1 if report.has_errors else 0)
