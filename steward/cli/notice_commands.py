"""``steward notice publish [PATH] [--on DATE]``: record the privacy and cookie notices'
versions in the privacy centre's history ("what changed and when", docs/web.md).

Thin (DESIGN.md §5 item 2): load the manifest, call ``steward.services.notice_versions.publish``
in one unit of work, print what was recorded. Refused, with nothing recorded, while lint finds
errors in the manifest (the gate ``steward build`` applies).
"""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from steward.bootstrap import load_settings, open_store
from steward.cli.lint_commands import parse_on
from steward.consent.marketing_facts import LONDON
from steward.errors import ConfigError
from steward.manifest.load import load
from steward.services.notice_versions import publish


def register(app: typer.Typer) -> None:
    notice = typer.Typer(help="The published notices' version history.", no_args_is_help=True)
    notice.command("publish")(publish_command)
    app.add_typer(notice, name="notice")


def publish_command(
    path: Path | None = typer.Argument(
        None, help="Manifest file or folder (default: STEWARD_MANIFEST)."
    ),
    on: str | None = typer.Option(
        None, "--on", help="Judge the manifest by the law on this date (default: today)."
    ),
) -> None:
    """Record each notice's version if what it says is new (idempotent)."""
    settings = load_settings()
    source = path or settings.manifest.path
    if source is None:
        raise ConfigError(
            "no manifest named",
            where="STEWARD_MANIFEST",
            hint="give the manifest's path, or export STEWARD_MANIFEST=... (docs/configuration.md)",
        )
    loaded = load(source)
    store = open_store(settings)
    try:
        now = store.clock()
        day = parse_on(on) if on is not None else now.astimezone(LONDON).date()
        with store.unit_of_work(actor=f"cli:{getpass.getuser()}") as uow:
            published = publish(uow, loaded, on=day, now=now, source=str(source))
            uow.commit()
    finally:
        store.engine.dispose()
    for kind, publication in published.items():
        version = publication.version
        if publication.recorded:
            typer.echo(
                f"{kind.label}: recorded version {version.number} ({version.digest[:19]}…): "
                f"{version.summary}"
            )
        else:
            typer.echo(
                f"{kind.label}: unchanged, still version {version.number} "
                f"({version.digest[:19]}…) since "
                f"{version.first_published_at.astimezone(LONDON):%Y-%m-%d %H:%M}"
            )
