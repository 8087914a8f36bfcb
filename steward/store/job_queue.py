"""procrastinate's own tables, beside Steward's, on PostgreSQL only.

The job queue (issue 11 item 4) is procrastinate's: its schema is procrastinate's to define, so
``steward db upgrade`` installs it from procrastinate's schema tooling rather than copying it
into an Alembic migration. Installing is idempotent (nothing happens when the queue's tables are
already there) and serialised by an advisory lock, so two upgrades started at once install it
once. SQLite has no queue: jobs run in-process there.

A later procrastinate release that changes its schema ships SQL migrations of its own
(``procrastinate schema --migrations-path`` prints where): docs/operations.md says when to
apply them.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from steward.store.database import database_name
from steward.store.driver_errors import translated

QUEUE_TABLE = "procrastinate_jobs"
_INSTALL_LOCK = 0x5354_4A51  # "STJQ": one installer at a time


def queue_schema_installed(engine: Engine) -> bool:
    """Whether procrastinate's tables are in this (PostgreSQL) database."""
    if engine.dialect.name != "postgresql":
        return False
    with translated(database_name(engine)), engine.connect() as connection:
        found = connection.execute(
            text("SELECT to_regclass(:name) IS NOT NULL"), {"name": QUEUE_TABLE}
        ).scalar_one()
    return bool(found)


def install_queue_schema(engine: Engine) -> bool:
    """Install procrastinate's schema if it is missing; True when it was installed now.

    Does nothing on SQLite (no queue there) and nothing when the tables already exist."""
    if engine.dialect.name != "postgresql":
        return False
    from procrastinate.schema import SchemaManager

    with translated(database_name(engine)), engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INSTALL_LOCK})
        present = connection.execute(
            text("SELECT to_regclass(:name) IS NOT NULL"), {"name": QUEUE_TABLE}
        ).scalar_one()
        if present:
            return False
        driver = connection.connection.driver_connection
        assert driver is not None
        # Straight to psycopg with no parameters: the script holds '%' signs and many statements.
        driver.execute(SchemaManager.get_schema())
    return True
