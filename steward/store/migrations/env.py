"""Alembic environment: runs on the connection Steward hands it, or on the configured database.

Migrations run under a lock timeout on PostgreSQL (DESIGN.md §5 item 9) so a migration waiting
behind a long transaction fails fast instead of blocking every writer behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alembic import context
from sqlalchemy import Connection

from steward.store.tables import metadata

config = context.config


def _steward_objects(name: str | None, kind: str, _parent: Mapping[Any, str | None]) -> bool:
    """procrastinate's tables live beside Steward's on PostgreSQL (``steward.store.job_queue``);
    they are procrastinate's to define, so comparing models with the database ignores them."""
    return not (kind == "table" and (name or "").startswith("procrastinate_"))


def _migrate(connection: Connection) -> None:
    lock_timeout_ms = int(config.attributes.get("lock_timeout_ms", 5000))
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        include_name=_steward_objects,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql" and lock_timeout_ms:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {lock_timeout_ms:d}")
        context.run_migrations()


def _run() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _migrate(given)
        return
    from steward.bootstrap import build_engine, load_settings

    settings = load_settings()
    config.attributes["lock_timeout_ms"] = settings.migration_lock_timeout_ms
    with build_engine(settings).connect() as connection:
        _migrate(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `steward db upgrade`")
_run()
