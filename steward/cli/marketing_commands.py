"""``steward marketing``: import lists with provenance, filter a list for a campaign, print a
recipient's unsubscribe headers, and record unsubscribe requests staff receive.

Thin commands (DESIGN.md §5 item 2): parse, call one function in ``steward.consent``, render.
What they do and why is in docs/consent.md, "Marketing and unsubscribe".
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from steward.bootstrap import load_settings, open_store, purpose_catalogue, unsubscribe_endpoints
from steward.consent.events import PersonRef
from steward.consent.imports import ListContext
from steward.consent.marketing_facts import LONDON
from steward.consent.purposes import PurposeCatalogue
from steward.consent.unsubscribe_headers import UnsubscribeEndpoints, unsubscribe_headers
from steward.errors import InvalidInput, NotFound
from steward.files import atomic_outputs, open_regular_file
from steward.law.pecr import Channel
from steward.services.list_import import import_list
from steward.services.marketing_filter import (
    ALLOWED_FILE,
    EXCLUDED_FILE,
    Campaign,
    CampaignList,
    FilterOutputs,
    UnsubscribeLinks,
    filter_list,
)
from steward.services.unsubscribe import Via, issue_token, record_email_unsubscribe
from steward.store import ledger
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


def _marketing_purposes(purpose: str, channel: Channel) -> PurposeCatalogue:
    """The manifest's purposes, after checking ``purpose`` is one it markets on ``channel``."""
    purposes = purpose_catalogue(load_settings())
    purposes.marketing(purpose, channel=channel.value)
    return purposes


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
    """Record a list in the consent ledger; a bad row stops the whole file unless skipped.

    The file is checked first, then recorded in short batches (a progress bar shows on a
    terminal); an interrupted import is finished by running it again.
    """
    from steward.cli.progress import PhaseProgressBar  # rich loads only for this command

    _marketing_purposes(purpose, channel)
    with _store() as store, PhaseProgressBar() as bar:
        context = ListContext(
            file=str(path),
            purpose=purpose,
            channel=channel,
            today=_today(store),
            now=store.clock(),
        )
        report = import_list(
            store, path, context, actor=_actor(), skip_invalid=skip_invalid, progress=bar.update
        )
    rate = (report.recorded + report.already_recorded) / max(report.seconds, 1e-9)
    typer.echo(
        f"recorded {report.recorded}, already recorded {report.already_recorded}, "
        f"skipped {report.skipped}; {report.people_created} new people, {report.batches} "
        f"batch{'es' if report.batches != 1 else ''} in {report.seconds:.1f} s "
        f"({rate:,.0f} rows/s, longest write "
        f"{report.longest_write_seconds * 1000:.0f} ms)"
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
    with_unsubscribe_headers: bool = typer.Option(
        False,
        "--with-unsubscribe-headers",
        help="Add each allowed row's List-Unsubscribe and List-Unsubscribe-Post values "
        "(needs STEWARD_UNSUBSCRIBE_BASE_URL and STEWARD_UNSUBSCRIBE_MAILBOX).",
    ),
) -> None:
    """Write who may be sent this campaign (allowed.csv) and why not everyone else."""
    _marketing_purposes(purpose, channel)
    endpoints = _endpoints() if with_unsubscribe_headers else None
    with (
        open_regular_file(path, what="the list") as listing,
        _store() as store,
        store.unit_of_work(actor=_actor(), reads_only=True, temporary_tables=True) as uow,
        atomic_outputs(out, (ALLOWED_FILE, EXCLUDED_FILE), inputs=(path,)) as (allowed, excluded),
    ):
        campaign = Campaign(
            purpose=purpose,
            channel=channel,
            on=_date(on, "--on") if on else _today(store),
            own_similar_products=own_similar_products,
        )
        links = None if endpoints is None else UnsubscribeLinks(endpoints, _registrar(store))
        summary = filter_list(
            uow,
            CampaignList(listing, str(path)),
            FilterOutputs(allowed, excluded),
            campaign,
            links=links,
        )
    typer.echo(
        f"read {summary.read}: {summary.allowed} allowed -> {out / ALLOWED_FILE}, "
        f"{summary.excluded} excluded -> {out / EXCLUDED_FILE}"
    )
    for route, count in summary.routes:
        typer.echo(f"  {route}: {count}")
    if summary.registered:
        typer.echo(
            f"recorded {summary.registered} allowed address(es) new to the ledger as people, "
            "so their unsubscribe links work"
        )


def _endpoints() -> UnsubscribeEndpoints:
    """Where unsubscribes arrive: the settings root's unsubscribe group (docs/configuration.md)."""
    return unsubscribe_endpoints(load_settings())


def _registrar(store: Store) -> Callable[[str], PersonRef]:
    """Records an address as a person in its own short unit of work (never one long write)."""

    def register(address: str) -> PersonRef:
        with store.unit_of_work(actor=_actor()) as uow:
            person = ledger.ensure_person(uow, email=address)
            uow.commit()
        return person

    return register


def headers_command(
    address: str = typer.Argument(..., help="The recipient's email address."),
    purpose: str = _PURPOSE,
    channel: Channel = _CHANNEL,
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        help="HTTPS base of the one-click endpoint, e.g. https://privacy.example.co.uk "
        "(default: STEWARD_UNSUBSCRIBE_BASE_URL).",
    ),
    mailbox: str | None = typer.Option(
        None,
        "--mailbox",
        help="Address staff read for unsubscribe replies (default: STEWARD_UNSUBSCRIBE_MAILBOX).",
    ),
) -> None:
    """Print the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) for one person."""
    settings = load_settings()
    endpoints = unsubscribe_endpoints(settings, base_url=base_url, mailbox=mailbox)
    purposes = purpose_catalogue(settings)
    with _store() as store, store.unit_of_work(actor=_actor(), reads_only=True) as uow:
        person = ledger.find_person(uow, email=address)
        if person is None:
            raise NotFound(
                "no person with that address in the ledger",
                where="ADDRESS",
                hint="import the address with its provenance first (steward marketing import)",
            )
        token = issue_token(uow, person, purpose, channel.value, purposes=purposes)
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
    purposes = None if purpose is None else _marketing_purposes(purpose, channel)
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        outcome = record_email_unsubscribe(
            uow,
            address,
            received=_moment(received),
            now=store.clock(),
            purposes=purposes,
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
