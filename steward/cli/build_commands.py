"""``steward build PATH --out DIR [--draft] [--on DATE]``: compile the manifest's notices, record
and matrix; refused while lint reports errors, unless the build is a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steward.cli.lint_commands import parse_on
from steward.manifest.load import load
from steward.notice.build import publishable_outputs, write_outputs


def register(app: typer.Typer) -> None:
    @app.command("build")
    def build(
        path: Path = typer.Argument(..., help="Manifest file, or a folder of manifest files"),
        out: Path = typer.Option(..., "--out", help="Folder to write the outputs to (created)"),
        draft: Annotated[
            bool,
            typer.Option(
                "--draft",
                help="Build even if lint reports errors; every output is marked as a draft",
            ),
        ] = False,
        on: Annotated[
            str | None,
            typer.Option("--on", help="Judge the manifest by the law on this date (YYYY-MM-DD)"),
        ] = None,
    ) -> None:
        """Compile the privacy and cookie notices, Art 30 record, data audit and promise matrix."""
        outputs = publishable_outputs(load(path), parse_on(on), draft=draft, source=str(path))
        for file in write_outputs(outputs, out):
            typer.echo(f"wrote {file}")
        if draft:
            typer.echo("every output is marked as a draft: do not publish it", err=True)
