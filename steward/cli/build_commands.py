"""``steward build PATH --out DIR``: compile the manifest's notices, record and matrix."""

from __future__ import annotations

from pathlib import Path

import typer

from steward.manifest.load import load_manifest
from steward.notice.build import compile_outputs, write_outputs


def register(app: typer.Typer) -> None:
    @app.command("build")
    def build(
        path: Path = typer.Argument(..., help="Manifest file, or a folder of manifest files"),
        out: Path = typer.Option(..., "--out", help="Folder to write the outputs to (created)"),
    ) -> None:
        """Compile the privacy and cookie notices, Art 30 record, data audit and promise matrix."""
        written = write_outputs(compile_outputs(load_manifest(path)), out)
        for file in written:
            typer.echo(f"wrote {file}")
