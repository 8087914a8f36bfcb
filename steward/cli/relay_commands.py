"""``steward relay counts``: what the contact-form relay did, day by day (docs/relay.md).

The counts are all the relay keeps: how many posts were sent, taken for spam, refused (a
mistake, another site, an altered form) or not sent because the mail server failed.
"""

from __future__ import annotations

import json

import typer

from steward.bootstrap import load_settings, open_store
from steward.services.contact_relay import Outcome, daily_totals


def register(app: typer.Typer) -> None:
    relay = typer.Typer(help="The contact-form relay (docs/relay.md).", no_args_is_help=True)
    relay.command("counts")(counts_command)
    app.add_typer(relay, name="relay")


def counts_command(
    days: int = typer.Option(30, "--days", help="How many UK days back, today included."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """Show the relay's counts per day and outcome."""
    store = open_store(load_settings())
    try:
        totals = daily_totals(store, days=days)
    finally:
        store.engine.dispose()
    outcomes = [outcome.value for outcome in Outcome]
    if as_json:
        for line in totals:
            typer.echo(json.dumps({"day": line.day.isoformat(), **line.counts}))
        return
    if not totals:
        typer.echo(f"no contact-form posts in the last {days} days")
        return
    typer.echo("  ".join(["day       ", *(f"{name:>11}" for name in outcomes)]))
    for line in totals:
        cells = (f"{line.counts[name]:>11}" for name in outcomes)
        typer.echo("  ".join([line.day.isoformat(), *cells]))
