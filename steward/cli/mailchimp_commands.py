"""``steward mailchimp push|pull``: keep a Mailchimp audience in step with the consent ledger.

Thin commands: settings from STEWARD_MAILCHIMP_* through bootstrap, which also checks the purpose
against the manifest (docs/configuration.md, docs/connectors.md), one sync function each,
and one audit event per run so the record shows when Mailchimp was brought in step.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping

import httpx
import typer

from steward.bootstrap import load_settings, mailchimp_settings, open_store, purpose_catalogue
from steward.connectors.mailchimp_ledger import LedgerSuppressions
from steward.connectors.mailchimp_settings import MailchimpSettings
from steward.connectors.mailchimp_sync import (
    PullReport,
    PushReport,
    pull_unsubscribes,
    push_suppressions,
)
from steward.errors import InvalidInput
from steward.store import audit
from steward.store.database import Store

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
        with httpx.Client(timeout=_TIMEOUT) as http:
            report = push_suppressions(
                LedgerSuppressions(store, actor=_actor()),
                settings.client(http),
                settings.list_id,
                purpose=settings.purpose,
                mode=settings.mode,
            )
        _audit(store, "mailchimp.pushed", settings, _push_payload(report))
    finally:
        store.engine.dispose()
    typer.echo(
        f"suppressed {report.suppressed}: changed {report.changed}, already done "
        f"{report.unchanged}, not in the audience {report.absent}, failed {len(report.failures)}"
    )
    for failure in report.failures:
        line = f"  member {failure.member_id}: {failure.status_code} {failure.detail}"
        typer.echo(line, err=True)
    if report.failures:
        raise typer.Exit(1)


def pull_command(
    since: str = typer.Option(
        ...,
        "--since",
        help="Record unsubscribes changed after this time (ISO 8601 with a zone, e.g. "
        "2026-11-01T00:00:00+00:00): the 'next --since' the previous pull printed.",
    ),
) -> None:
    """Record in the ledger every unsubscribe made in Mailchimp since the given time."""
    start = _aware(since)
    root = load_settings()
    settings = mailchimp_settings(root, purpose_catalogue(root))
    store = open_store(root)
    try:
        with httpx.Client(timeout=_TIMEOUT) as http:
            report = pull_unsubscribes(
                settings.client(http),
                LedgerSuppressions(store, actor=_actor()),
                settings.list_id,
                start,
                purpose=settings.purpose,
            )
        _audit(store, "mailchimp.pulled", settings, _pull_payload(report, start))
    finally:
        store.engine.dispose()
    typer.echo(
        f"unsubscribed in Mailchimp since {start.isoformat()}: {report.seen}; recorded "
        f"{report.recorded}, already suppressed {report.already_suppressed}, "
        f"already recorded {report.duplicates}"
    )
    typer.echo(f"next --since {report.next_since.isoformat()}")


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


def _push_payload(report: PushReport) -> dict[str, object]:
    return {
        "mode": report.mode.value,
        "suppressed": report.suppressed,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "absent": report.absent,
        "failed": len(report.failures),
    }


def _pull_payload(report: PullReport, since: dt.datetime) -> dict[str, object]:
    return {
        "since": since.isoformat(),
        "seen": report.seen,
        "recorded": report.recorded,
        "already_suppressed": report.already_suppressed,
        "duplicates": report.duplicates,
        "next_since": report.next_since.isoformat(),
    }


def _audit(
    store: Store, action: str, settings: MailchimpSettings, payload: Mapping[str, object]
) -> None:
    """One audit event per run (DESIGN.md §2: every state change that matters is recorded)."""
    with store.unit_of_work(actor=_actor()) as uow:
        audit.append(
            uow,
            action=action,
            subject=f"mailchimp_list:{settings.list_id}",
            payload={"purpose": settings.purpose, **payload},
        )
        uow.commit()
