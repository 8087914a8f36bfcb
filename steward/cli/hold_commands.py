"""``steward hold add|list|release``: legal holds staff enter for a dispute, claim or
investigation (UK GDPR Art 17(3)(e); Art 18(1)(c)).

Thin commands (DESIGN.md §5 item 2): parse, call one function in ``steward.services.holds``,
render. A person is named by e-mail on the way in and shown only by reference on the way out.
What holds do is in docs/requests.md, "Holds, objections and telling recipients".
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from steward.bootstrap import declared_manifest, load_settings, open_store
from steward.consent.marketing_facts import LONDON
from steward.errors import InvalidInput
from steward.requests.hold_rules import StaffHold, StaffHoldKind
from steward.services.holds import HoldTarget, add_hold, list_holds, release_hold
from steward.store.database import Store


def register(app: typer.Typer) -> None:
    hold = typer.Typer(
        help="Legal holds: keep (restrict) records a request or a sweep would erase.",
        no_args_is_help=True,
    )
    hold.command("add")(add_command)
    hold.command("list")(list_command)
    hold.command("release")(release_command)
    app.add_typer(hold, name="hold")


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


def add_command(
    email: str | None = typer.Option(None, "--email", help="Hold every record of this person."),
    system: str | None = typer.Option(None, "--system", help="Hold every record of a system."),
    collection: str | None = typer.Option(
        None, "--collection", help="With --system: only this collection (table, file, object)."
    ),
    reason: str = typer.Option(..., "--reason", help="What the dispute, claim or case is."),
    source: StaffHoldKind = typer.Option(
        StaffHoldKind.dispute, "--source", help="dispute, claim or investigation."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Last day the hold applies (YYYY-MM-DD); default: until released."
    ),
    citation: str | None = typer.Option(
        None, "--citation", help="The provision relied on (default UK GDPR Art 17(3)(e))."
    ),
) -> None:
    """Enter a legal hold; it applies at once to requests and retention sweeps."""
    if collection is not None and system is None:
        raise InvalidInput(
            "--collection needs --system", where="--collection", hint="name the system too"
        )
    last_day = _date(until, "--until") if until is not None else None
    settings = load_settings()
    manifest = declared_manifest(settings)
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        hold = add_hold(
            uow,
            HoldTarget(email=email, system=system, collection=collection),
            kind=source,
            reason=reason,
            today=_today(store),
            until=last_day,
            citation=citation,
            manifest=manifest,
        )
        uow.commit()
    typer.echo(f"added hold {hold.id}: {_describe(hold)}")


def list_command(
    include_released: bool = typer.Option(
        False, "--all", help="Also holds released or past their last day."
    ),
) -> None:
    """List the holds in force today (with --all, every hold ever entered)."""
    with _store() as store, store.unit_of_work(actor=_actor(), reads_only=True) as uow:
        found = list_holds(uow, today=_today(store), include_released=include_released)
    if not found:
        typer.echo("no holds in force" if not include_released else "no holds entered")
        return
    for hold in found:
        typer.echo(f"{hold.id}\t{_describe(hold)}")


def release_command(
    hold_id: int = typer.Argument(..., help="The hold's number, from 'steward hold list'."),
    reason: str = typer.Option(..., "--reason", help="Why the hold ends (kept on record)."),
) -> None:
    """Release a hold; the reason is kept with it and in the audit chain."""
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        hold = release_hold(uow, hold_id, reason=reason)
        uow.commit()
    typer.echo(f"released hold {hold.id}: {_describe(hold)}")


def _describe(hold: StaffHold) -> str:
    if hold.person_ref is not None:
        scope = f"person {hold.person_ref}"
    elif hold.collection is not None:
        scope = f"{hold.system}.{hold.collection}"
    else:
        scope = f"system {hold.system}"
    until = f" until {hold.until}" if hold.until else ""
    released = (
        f" (released {hold.released_at.date()} by {hold.released_by}: {hold.release_reason})"
        if hold.released_at is not None
        else ""
    )
    return (
        f"{hold.kind.value} on {scope}{until}: {hold.reason} [by {hold.created_by}, "
        f"{hold.created_at.date()}]{released}"
    )


def _date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date", where=where, hint="write it as YYYY-MM-DD"
        ) from None
