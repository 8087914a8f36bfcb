"""``steward schema``: the manifest's JSON Schema, so editors can validate and complete it."""

from __future__ import annotations

import json

import typer

from steward.manifest.schema import Manifest


def manifest_json_schema() -> str:
    """The JSON Schema of the manifest, stable text for the same code."""
    schema = Manifest.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Steward manifest"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False)


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema() -> None:
        """Print the manifest's JSON Schema (for editor validation and completion)."""
        typer.echo(manifest_json_schema())
