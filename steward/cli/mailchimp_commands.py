"""``steward mailchimp push|pull``: keep a Mailchimp audience in step with the consent ledger.

Thin commands: settings from STEWARD_MAILCHIMP_* through bootstrap, which also checks the purpose
against the manifest (docs/configuration.md, docs/connectors.md), one sync function each, a
progress display on stderr, and a summary line. The sync functions themselves record each run
(and its audit event), finished or not.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import typer

from steward.bootstrap import load_settings, mailchimp_settings, open_store, purpose_catalogue
from steward.connectors.mailchimp_ledger import LedgerSuppressions
from steward.connectors.mailchimp_pull import pull_changes
from steward.connectors.mailchimp_sync import (
    ProgressSink,
    SyncProgress,
    push_suppressions,
)
from steward.errors import InvalidInput

_TIMEOUT = httpx.Timeout(30.0)


def register(app: typer.Typer) -> None:
    mailchimp = typer.Typer(
        help="Keep a Mailchimp audience in step with the consent ledger.", no_args_is_help=True
    )
    mailchimp.command("push")(push_command)
    mailchimp.command("pull")(pull_command)
    app.add_typer(mailchimp, name="mailchimp")


def push_command(
    archive: bool = typer.Option(
        False, "--archive", help="Archive suppressed members instead of unsubscribing them."
    ),
) -> None:
    """Unsubscribe (or archive) everyone the ledger says must not be emailed for the purpose."""
    root = load_settings()
    settings = mailchimp_settings(root, purpose_catalogue(root), archive=archive)
    store = open_store(root)
    try:
        with httpx.Client(timeout=_TIMEOUT) as http, _progress() as progress:
            report = push_suppressions(
                LedgerSuppressions(store, actor=_actor()),
                settings.client(http),
                settings.list_id,
                purpose=settings.purpose,
                mode=settings.mode,
                progress=progress,
            )
    finally:
        store.engine.dispose()
    typer.echo(
        f"suppressed {report.suppressed}: changed {report.changed}, already done "
        f"{report.unchanged}, not in the audience {report.absent}, opted in again in "
        f"Mailchimp {report.resubscribed}, failed {len(report.failures)}"
    )
    if report.resubscribed:
        typer.echo(
            "  people who opted in again through Mailchimp's form were left subscribed; "
            "`steward mailchimp pull` records their consent",
            err=True,
        )
    for failure in report.failures:
        line = f"  member {failure.member_id}: {failure.status_code} {failure.detail}"
        typer.echo(line, err=True)
    if report.failures:
        raise typer.Exit(1)


def pull_command(
    since: str | None = typer.Option(
        None,
        "--since",
        help="Start from this time (ISO 8601 with a zone) instead of the stored watermark; only "
        "an earlier time is accepted. The first pull of an audience reads all of it.",
    ),
) -> None:
    """Record in the ledger the unsubscribes and re-subscriptions made in Mailchimp."""
    start = None if since is None else _aware(since)
    root = load_settings()
    settings = mailchimp_settings(root, purpose_catalogue(root))
    store = open_store(root)
    try:
        with httpx.Client(timeout=_TIMEOUT) as http, _progress() as progress:
            report = pull_changes(
                settings.client(http),
                LedgerSuppressions(store, actor=_actor()),
                settings.list_id,
                purpose=settings.purpose,
                since=start,
                overlap=settings.pull_overlap,
                write_batch=settings.pull_write_batch,
                opt_in_wording=settings.opt_in_wording,
                progress=progress,
            )
    finally:
        store.engine.dispose()
    counts = report.counts
    typer.echo(
        f"changed in Mailchimp: {report.seen}; recorded {report.recorded} (unsubscribed "
        f"{counts.unsubscribes}, opted in again {counts.consents}), already suppressed "
        f"{counts.already_suppressed}, already recorded {counts.duplicates}, "
        f"not a choice to record {report.skipped + counts.not_resubscriptions}"
    )
    if report.watermark is not None:
        typer.echo(f"recorded through {report.watermark.isoformat()}")


@contextmanager
def _progress() -> Iterator[ProgressSink]:
    """A Rich progress bar on stderr for long pushes and pulls (nothing when not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("mailchimp", total=None, detail="")

        def show(step: SyncProgress) -> None:
            bar.update(
                task,
                description=step.stage,
                completed=step.done,
                total=step.total,
                detail=step.detail,
            )

        yield show


def _aware(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(
            f"{text!r} is not an ISO 8601 date-time",
            where="--since",
            hint="write it like 2026-11-01T00:00:00+00:00",
        ) from error
    if moment.tzinfo is None:
        raise InvalidInput(
            f"{text!r} has no time zone",
            where="--since",
            hint="add one, e.g. +00:00, so the time is not ambiguous",
        )
    return moment


def _actor() -> str:
    return f"cli:{getpass.getuser()}"
