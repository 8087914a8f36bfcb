"""``steward systems check|discover``: the dataset maps that say where personal data lives.

``check`` loads every map of a folder against the manifest and prints what they cover, or every
problem with its file:line (exit 2). ``discover`` reads a SQL database's schema and drafts a
map for a person to review (docs/connectors.md, "Mapping a database").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steward.bootstrap import load_settings, manifest_path
from steward.errors import InvalidInput
from steward.manifest.dataset_load import MapCounts, default_maps_folder, load_dataset_maps
from steward.manifest.load import load_manifest

ManifestOption = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        help="The manifest file or folder (default: STEWARD_MANIFEST)",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    systems = typer.Typer(
        help="Dataset maps: where each system holds personal data.", no_args_is_help=True
    )
    systems.command("check")(check_command)
    systems.command("discover")(discover_command)
    app.add_typer(systems, name="systems")


def check_command(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Folder of dataset maps (default: datasets/ beside the manifest)"),
    ] = None,
    manifest: ManifestOption = None,
) -> None:
    """Check every dataset map of a folder against the manifest."""
    path = manifest_path(load_settings(), manifest, needed_for="the maps cannot be checked")
    maps = load_dataset_maps(folder or default_maps_folder(path), load_manifest(path))
    counts = MapCounts.of(maps)
    typer.echo(
        f"OK: {_count(len(counts.systems), 'system')} ({', '.join(counts.systems)}), "
        f"{_count(counts.collections, 'collection')}, {_count(counts.fields, 'field')} "
        f"({counts.personal_fields} personal, {counts.identity_fields} identifying)"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def discover_command(
    system: Annotated[str, typer.Argument(help="The system's id in the manifest")],
    url: Annotated[
        str,
        typer.Option("--url", help="SQLAlchemy URL of the database, e.g. sqlite:///crm.db"),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the draft to this new file (default: print it)"),
    ] = None,
    manifest: ManifestOption = None,
) -> None:
    """Draft a dataset map from a SQL database's schema (every guess marked for review)."""
    from steward.connectors.sql_discover import draft_dataset_map

    if out is not None and out.exists():
        raise InvalidInput(
            f"{out} already exists",
            where="--out",
            hint="choose a new file name, or move the old map away first",
        )
    path = manifest_path(load_settings(), manifest, needed_for="no category can be guessed")
    draft = draft_dataset_map(system, url, load_manifest(path))
    if out is None:
        typer.echo(draft.text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(draft.text, encoding="utf-8")
    left = f"; left out: {', '.join(n for n, _ in draft.left_out)}" if draft.left_out else ""
    typer.echo(f"drafted {_count(len(draft.mapped), 'table')} to {out}{left}", err=True)
