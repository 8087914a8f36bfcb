"""``steward db``, ``steward keys`` and ``steward audit``: schema, keys and the audit chain.

Thin commands (DESIGN.md §5 item 2): parse, call one function built by ``steward.bootstrap``,
render. What they do and why is in docs/security.md.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.progress import Progress

from steward.bootstrap import Settings, build_engine, load_settings, open_store
from steward.cli import signing_commands
from steward.store import job_queue, schema
from steward.store.audit import verify_chain
from steward.store.audit_witness import Witness, read_head, witness_line
from steward.store.key_checks import verify_key_ring
from steward.store.keyfile import add_key_version, create_key_file
from steward.store.ledger_check import verify_ledger
from steward.store.reindex import reindex, rows_pending
from steward.store.rotation import reencrypt


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="Steward's own database: migrations.", no_args_is_help=True)
    keys = typer.Typer(
        help="Encryption keys for identifiers at rest, and the key that signs certificates.",
        no_args_is_help=True,
    )
    audit = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    db.command("current")(db_current)
    db.command("reindex")(db_reindex)
    keys.command("init")(keys_init)
    keys.command("rotate")(keys_rotate)
    signing_commands.add_to(keys)
    audit.command("verify")(audit_verify)
    audit.command("head")(audit_head)
    app.add_typer(db, name="db")
    app.add_typer(keys, name="keys")
    app.add_typer(audit, name="audit")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def db_upgrade() -> None:
    """Apply every pending migration (PostgreSQL: under a lock timeout, then the job queue's
    tables if missing), then re-index
    identifiers stored under older normalisation rules if the key file is in place."""
    settings = load_settings()
    engine = build_engine(settings)
    try:
        before = schema.schema_version(engine)
        after = schema.upgrade(engine, lock_timeout_ms=settings.migration_lock_timeout_ms)
        queue_installed = job_queue.install_queue_schema(engine)
        queue_present = queue_installed or job_queue.queue_schema_installed(engine)
    finally:
        engine.dispose()
    if before.up_to_date:
        typer.echo(f"already at {', '.join(after.current)}")
    else:
        typer.echo(
            f"upgraded {', '.join(before.current) or '(empty)'} -> {', '.join(after.current)}"
        )
    if queue_installed:
        typer.echo("job queue: installed procrastinate's tables")
    elif queue_present:
        typer.echo("job queue: procrastinate's tables already installed")
    if not settings.resolved_key_file().exists():
        typer.echo(
            "no key file yet: once it is in place, run `steward db reindex` (it re-indexes "
            "identifiers stored under older normalisation rules; with no data it does nothing)"
        )
        return
    _reindex(settings)


def db_reindex() -> None:
    """Re-index identifiers stored under older normalisation rules, in short batches.

    Resumable: an interrupted run continues where it stopped; a finished one changes nothing.
    People whose identifiers now normalise to one are merged (docs/security.md)."""
    _reindex(load_settings())


def _reindex(settings: Settings) -> None:
    store = open_store(settings)
    console = Console(stderr=True)
    try:
        with store.unit_of_work(actor=_actor(), reads_only=True) as uow:
            pending = rows_pending(uow.connection)
        if not pending:
            typer.echo("identifiers: index up to date")
            return
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("re-indexing identifiers", total=pending)
            report = reindex(
                store,
                batch_size=settings.rotate_batch_size,
                actor=_actor(),
                on_batch=lambda rows: progress.advance(task, rows),
            )
    finally:
        store.engine.dispose()
    typer.echo(
        f"identifiers: checked {report.checked}, re-indexed {report.reindexed}, removed "
        f"{report.duplicates_removed} duplicates, merged {len(report.merged)} people, "
        f"in {report.batches} batches"
    )
    for merged, survivor in report.merged:
        typer.echo(f"  merged person:{merged} into person:{survivor} (same identifier)")
    for person in report.refused:
        typer.echo(
            f"  person:{person} holds an identifier the rules now refuse (a hidden character); "
            "it was left as stored: look the person up by their other identifier and correct it"
        )


def db_current() -> None:
    """Show the database's schema revision, whether it is the latest, and any re-index due."""
    engine = build_engine(load_settings())
    try:
        version = schema.schema_version(engine)
        pending = 0
        if version.up_to_date:
            with engine.connect() as connection:
                pending = rows_pending(connection)
    finally:
        engine.dispose()
    state = "up to date" if version.up_to_date else "behind: run `steward db upgrade`"
    typer.echo(f"current: {', '.join(version.current) or '(empty)'}")
    typer.echo(f"head:    {', '.join(version.head)} ({state})")
    if pending:
        typer.echo(f"identifiers: {pending} wait to be re-indexed: run `steward db reindex`")


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
    """Re-encrypt every sealed value under a new key version, batch by batch, while in service."""
    settings = load_settings()
    store = open_store(settings)
    console = Console(stderr=True)
    with console.status("re-encrypting…") as status:
        try:
            if new_key:
                ring = add_key_version(settings.resolved_key_file(), now=datetime.now(UTC))
                typer.echo(f"added key version {ring.current}")
            verify_key_ring(store, where=str(settings.resolved_key_file()))
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
        f"{report.names} names, and {report.other} other sealed values (requests, plans, "
        f"complaints, staff), in {report.batches} batches "
        f"(longest write {report.longest_write_seconds * 1000:.0f} ms)"
    )


def audit_verify(
    witness: list[str] = typer.Option(
        [],
        "--witness",
        metavar="SEQ:HASH",
        help="A line from `steward audit head` kept elsewhere; the chain must still hold it. "
        "Repeatable.",
    ),
) -> None:
    """Recompute the chain and check the consent ledger against it.

    Prints the head (exit 0), or every problem found (exit 1): the first broken link, a consent
    event or current state that disagrees with its audit link, a witnessed link no longer there.
    """
    witnesses = [Witness.parse(text) for text in witness]
    store = open_store(load_settings())
    try:
        with store.unit_of_work(actor=_actor(), reads_only=True) as uow:
            chain = verify_chain(uow, witnesses=[w.sequence for w in witnesses])
            ledger = verify_ledger(uow)
    finally:
        store.engine.dispose()
    problems = []
    if chain.broken is not None:
        problems.append(
            f"audit chain broken at sequence {chain.broken.sequence}: {chain.broken.reason}"
        )
    for seen in witnesses:
        held = chain.witnessed.get(seen.sequence)
        if held == seen.hash:
            continue
        if held is not None:
            now = f"holds {held} there"
        elif chain.broken is not None and chain.broken.sequence <= seen.sequence:
            now = "is broken before it"
        else:
            now = "ends before it"
        problems.append(
            f"witness {seen} not found: the chain {now}; the log was rewritten or cut "
            "since it was witnessed"
        )
    for sequence in chain.head_restored:
        typer.echo(
            f"warning: audit_head was lost and rebuilt from the chain (link {sequence}); events "
            "cut off the end before then would not show: check against your witnesses",
            err=True,
        )
    problems += [f"consent ledger: {problem}" for problem in ledger.problems]
    if ledger.more:
        problems.append(f"consent ledger: {ledger.more} more problems not listed")
    if problems:
        for line in problems:
            typer.echo(line, err=True)
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {chain.length} events")
    typer.echo(f"consent ledger matches it: {ledger.events} events, {ledger.states} states")
    for seen in witnesses:
        typer.echo(f"witness {seen.sequence}:{seen.hash[:12]}… found")
    typer.echo(f"head hash: {chain.head_hash}")


def audit_head() -> None:
    """Print a witness line (`steward-audit SEQ:HASH TIME`) to keep outside Steward."""
    store = open_store(load_settings())
    try:
        with store.unit_of_work(actor=_actor(), reads_only=True) as uow:
            line = witness_line(read_head(uow), uow.clock())
    finally:
        store.engine.dispose()
    typer.echo(line)
