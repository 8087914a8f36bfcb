"""``steward db``, ``steward keys`` and ``steward audit``: schema, keys and the audit chain.

Thin commands (DESIGN.md §5 item 2): parse, call one function built by ``steward.bootstrap``,
render. What they do and why is in docs/security.md.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import typer
from rich.console import Console

from steward.bootstrap import build_engine, open_store
from steward.config import load_settings
from steward.store import schema
from steward.store.audit import verify_chain
from steward.store.keyfile import add_key_version, create_key_file
from steward.store.rotation import reencrypt


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="Steward's own database: migrations.", no_args_is_help=True)
    keys = typer.Typer(help="Encryption keys for identifiers at rest.", no_args_is_help=True)
    audit = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    db.command("current")(db_current)
    keys.command("init")(keys_init)
    keys.command("rotate")(keys_rotate)
    audit.command("verify")(audit_verify)
    app.add_typer(db, name="db")
    app.add_typer(keys, name="keys")
    app.add_typer(audit, name="audit")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def db_upgrade() -> None:
    """Apply every pending migration (PostgreSQL: under a lock timeout)."""
    settings = load_settings()
    engine = build_engine(settings)
    try:
        before = schema.schema_version(engine)
        after = schema.upgrade(engine, lock_timeout_ms=settings.migration_lock_timeout_ms)
    finally:
        engine.dispose()
    if before.up_to_date:
        typer.echo(f"already at {', '.join(after.current)}")
    else:
        typer.echo(
            f"upgraded {', '.join(before.current) or '(empty)'} -> {', '.join(after.current)}"
        )


def db_current() -> None:
    """Show the database's schema revision and whether it is the latest."""
    engine = build_engine(load_settings())
    try:
        version = schema.schema_version(engine)
    finally:
        engine.dispose()
    state = "up to date" if version.up_to_date else "behind: run `steward db upgrade`"
    typer.echo(f"current: {', '.join(version.current) or '(empty)'}")
    typer.echo(f"head:    {', '.join(version.head)} ({state})")


def keys_init() -> None:
    """Create the key file (mode 0600). Refuses to overwrite an existing one."""
    path = load_settings().resolved_key_file()
    create_key_file(path, now=datetime.now(UTC))
    typer.echo(f"wrote {path} (mode 0600); back it up somewhere other than the database")


def keys_rotate(
    new_key: bool = typer.Option(
        True, "--new-key/--resume", help="Add a new key version, or finish an interrupted run."
    ),
) -> None:
    """Re-encrypt every identifier under a new key version, batch by batch, while in service."""
    settings = load_settings()
    store = open_store(settings)
    if new_key:
        ring = add_key_version(settings.resolved_key_file(), now=datetime.now(UTC))
        typer.echo(f"added key version {ring.current}")
    console = Console(stderr=True)
    with console.status("re-encrypting…") as status:
        try:
            report = reencrypt(
                store,
                batch_size=settings.rotate_batch_size,
                actor=_actor(),
                on_batch=lambda rows: status.update(f"re-encrypting… (+{rows})"),
            )
        finally:
            store.engine.dispose()
    typer.echo(
        f"key version {report.version}: re-encrypted {report.identifiers} identifiers and "
        f"{report.names} names in {report.batches} batches "
        f"(longest write {report.longest_write_seconds * 1000:.0f} ms)"
    )


def audit_verify() -> None:
    """Recompute the chain: print the head hash (exit 0) or the first broken link (exit 1)."""
    store = open_store(load_settings())
    try:
        with store.unit_of_work(actor=_actor(), reads_only=True) as uow:
            report = verify_chain(uow)
    finally:
        store.engine.dispose()
    if report.broken is not None:
        typer.echo(
            f"audit chain broken at sequence {report.broken.sequence}: {report.broken.reason}",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {report.length} events")
    typer.echo(f"head hash: {report.head_hash}")
