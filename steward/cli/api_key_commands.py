"""``steward api-key create NAME | revoke NAME | list``: keys for the consent API
(``POST /api/consent/events``, docs/web.md).

Thin (DESIGN.md §5 item 2): one service call in one unit of work. A new key is printed once,
on stdout, and never again: only its SHA-256 is kept.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from steward.bootstrap import load_settings, open_store
from steward.consent.marketing_facts import LONDON
from steward.services.api_keys import create_key, list_keys, revoke_key
from steward.store.database import Store

_NAME = typer.Argument(..., help="The calling system's name, e.g. website-signup.")


def register(app: typer.Typer) -> None:
    keys = typer.Typer(help="Keys for the consent API (docs/web.md).", no_args_is_help=True)
    keys.command("create")(create_command)
    keys.command("revoke")(revoke_command)
    keys.command("list")(list_command)
    app.add_typer(keys, name="api-key")


@contextmanager
def _store() -> Iterator[Store]:
    store = open_store(load_settings())
    try:
        yield store
    finally:
        store.engine.dispose()


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def create_command(name: str = _NAME) -> None:
    """Make a key; it is printed once (keep it in the calling system's secrets)."""
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        _, secret = create_key(uow, name, store.clock())
        uow.commit()
    typer.echo(secret)
    typer.echo(f"created API key {name!r}: it is shown only now", err=True)


def revoke_command(name: str = _NAME) -> None:
    """Revoke a key at once; calls with it are refused from now on."""
    with _store() as store, store.unit_of_work(actor=_actor()) as uow:
        key = revoke_key(uow, name, store.clock())
        uow.commit()
    assert key.revoked_at is not None
    typer.echo(f"revoked API key {name!r} ({key.revoked_at.astimezone(LONDON):%Y-%m-%d %H:%M})")


def list_command() -> None:
    """Every key's name, when it was made and whether it is revoked."""
    with _store() as store, store.unit_of_work(actor=_actor(), reads_only=True) as uow:
        keys = list_keys(uow)
    if not keys:
        typer.echo("no API keys")
    for key in keys:
        made = key.created_at.astimezone(LONDON)
        state = (
            f"revoked {key.revoked_at.astimezone(LONDON):%Y-%m-%d %H:%M}"
            if key.revoked_at
            else "active"
        )
        typer.echo(f"{key.name}\tcreated {made:%Y-%m-%d %H:%M}\t{state}")
