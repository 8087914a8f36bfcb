"""``steward marketing``: import lists with provenance, filter a list for a campaign, print a
recipient's unsubscribe headers, and record unsubscribe requests staff receive.

Thin commands (DESIGN.md §5 item 2): parse, call one function in ``steward.consent``, render.
What they do and why is in docs/consent.md, "Marketing and unsubscribe".
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from steward.bootstrap import open_store
from steward.config import load_settings
from steward.consent import ledger
from steward.consent.imports import ListContext
from steward.consent.imports_service import import_list
from steward.consent.marketing_facts import LONDON
from steward.consent.marketing_filter import Campaign, filter_list
from steward.consent.unsubscribe import Via, issue_token, record_email_unsubscribe
from steward.consent.unsubscribe_headers import UnsubscribeEndpoints, unsubscribe_headers
from steward.errors import InvalidInput, NotFound
from steward.law.pecr import Channel
from steward.store.database import Store

_PURPOSE = typer.Option(..., "--purpose", help="Marketing purpose id, e.g. newsletter.")
_CHANNEL = typer.Option(Channel.email, "--channel", help="Channel (lists hold email addresses).")


def register(app: typer.Typer) -> None:
    marketing = typer.Typer(
        help="Marketing lists, campaign filtering and unsubscribes (PECR).", no_args_is_help=True
    )
    marketing.command("import")(import_command)
    marketing.command("filter")(filter_command)
    marketing.command("headers")(headers_command)
    marketing.command("unsubscribe")(unsubscribe_command)
    app.add_typer(marketing, name="marketing")


@contextmanager
def _store() -> Iterator[Store]:
    store = open_store(load_settings())
    try:
        yield store
    finally:
        store.engine.dispose()


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _today(store: Store) -> dt.date:
    return store.clock().astimezone(LONDON).date()


def import_command(
    path: Path = typer.Argument(..., metavar="LIST.csv", help="CSV with provenance per row."),
    purpose: str = _PURPOSE,
    channel: Channel = _CHANNEL,
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Import the good rows and report the bad ones."
    ),
) -> None:
    """Record a list in the consent ledger; a bad row stops the whole file unless skipped."""
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        context = ListContext(file=str(path), purpose=purpose, channel=channel, today=_today(store))
        report = import_list(uow, path, context, skip_invalid=skip_invalid)
        uow.commit()
    typer.echo(
        f"recorded {report.recorded}, already recorded {report.already_recorded}, "
        f"skipped {report.skipped}"
    )
    for problem in report.problems:
        typer.echo(f"skipped {problem}", err=True)
    if report.skipped > len(report.problems):
        typer.echo(f"... and {report.skipped - len(report.problems)} more skipped", err=True)


def filter_command(
    path: Path = typer.Argument(..., metavar="LIST.csv", help="CSV with an email column."),
    purpose: str = _PURPOSE,
    channel: Channel = _CHANNEL,
    out: Path = typer.Option(Path("."), "--out", help="Folder for allowed.csv and excluded.csv."),
    on: str | None = typer.Option(None, "--on", help="Send date YYYY-MM-DD (default today)."),
    own_similar_products: bool = typer.Option(
        False,
        "--own-similar-products",
        help="The campaign markets only our own products similar to those bought (soft opt-in).",
    ),
) -> None:
    """Write who may be sent this campaign (allowed.csv) and why not everyone else."""
    with (
        _store() as store,
        store.unit_of_work(actor=_actor(), reads_only=True, temporary_tables=True) as uow,
    ):
        campaign = Campaign(
            purpose=purpose,
            channel=channel,
            on=_date(on, "--on") if on else _today(store),
            own_similar_products=own_similar_products,
        )
        summary = filter_list(uow, path, out, campaign)
    typer.echo(
        f"read {summary.read}: {summary.allowed} allowed -> {summary.allowed_file}, "
        f"{summary.excluded} excluded -> {summary.excluded_file}"
    )
    for route, count in summary.routes:
        typer.echo(f"  {route}: {count}")


def headers_command(
    address: str = typer.Argument(..., help="The recipient's email address."),
    purpose: str = _PURPOSE,
    channel: Channel = _CHANNEL,
    base_url: str = typer.Option(
        ...,
        "--base-url",
        envvar="STEWARD_UNSUBSCRIBE_BASE_URL",
        help="HTTPS base of the one-click endpoint, e.g. https://privacy.example.co.uk",
    ),
    mailbox: str = typer.Option(
        ...,
        "--mailbox",
        envvar="STEWARD_UNSUBSCRIBE_MAILBOX",
        help="Address staff read for unsubscribe replies.",
    ),
) -> None:
    """Print the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) for one person."""
    endpoints = UnsubscribeEndpoints(base_url=base_url, mailbox=mailbox)
    with _store() as store, store.unit_of_work(actor=_actor(), reads_only=True) as uow:
        person = ledger.find_person(uow, email=address)
        if person is None:
            raise NotFound(
                "no person with that address in the ledger",
                where="ADDRESS",
                hint="import the address with its provenance first (steward marketing import)",
            )
        token = issue_token(uow, person, purpose, channel.value)
    for name, value in unsubscribe_headers(endpoints, token):
        typer.echo(f"{name}: {value}")


def unsubscribe_command(
    address: str = typer.Argument(..., help="The address that asked to be unsubscribed."),
    received: str = typer.Option(
        ..., "--received", help="When the request arrived: YYYY-MM-DD or YYYY-MM-DDTHH:MM."
    ),
    via: Via = typer.Option(Via.EMAIL, "--via", help="How the request arrived."),
    purpose: str | None = typer.Option(
        None, "--purpose", help="Only this purpose; without it, all direct marketing."
    ),
    channel: Channel = _CHANNEL,
) -> None:
    """Record an unsubscribe or objection staff received; it takes effect at once (R2.8)."""
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        outcome = record_email_unsubscribe(
            uow,
            address,
            received=_moment(received),
            now=store.clock(),
            via=via,
            purpose=purpose,
            channel=channel.value,
        )
        uow.commit()
    scope = f"{outcome.purpose} on {outcome.channel}"
    if outcome.recorded:
        typer.echo(f"recorded {outcome.kind.value} for {scope} (person {outcome.person})")
    else:
        typer.echo(
            f"already {outcome.kind.value} for {scope} since "
            f"{outcome.in_force_since.isoformat()} (person {outcome.person}); "
            "nothing more to record"
        )


def _date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date", where=where, hint="write it as YYYY-MM-DD"
        ) from None


def _moment(text: str) -> dt.date | dt.datetime:
    if "T" not in text and " " not in text:
        return _date(text, "--received")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date or date-time",
            where="--received",
            hint="write YYYY-MM-DD or YYYY-MM-DDTHH:MM (London time)",
        ) from None
