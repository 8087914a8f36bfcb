"""Schema versions: upgrade by Alembic migrations only, and refuse to run on a stale database.

DESIGN.md §5 item 9 and issue 5 item 1: the app refuses to start on an un-migrated or behind
database, with a message naming the command that fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from steward.errors import StoreError, Unavailable
from steward.store.database import database_name, reading
from steward.store.driver_errors import translate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_NOT_AVAILABLE = "55P03"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


@dataclass(frozen=True)
class SchemaVersion:
    """Where the database is, and where the code expects it to be."""

    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        return set(self.current) == set(self.head)


def alembic_config(connection: Connection | None = None, *, lock_timeout_ms: int = 5000) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["lock_timeout_ms"] = lock_timeout_ms
    return config


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def schema_version(engine: Engine) -> SchemaVersion:
    """Read in a reading transaction: the check on start-up neither waits for a writer nor
    takes the SQLite write lock (a withdrawal must never queue behind it, RULES.md R2.8)."""
    with reading(engine) as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return SchemaVersion(tuple(sorted(current)), head_revisions())


def upgrade(engine: Engine, *, lock_timeout_ms: int = 5000) -> SchemaVersion:
    """Apply every pending migration in one transaction; return the resulting version."""
    where = database_name(engine)
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection, lock_timeout_ms=lock_timeout_ms), "heads")
            connection.commit()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise Unavailable(
                f"the migration gave up after waiting {lock_timeout_ms} ms for a table lock; "
                "nothing was changed",
                where=where,
                hint="retry when long-running transactions have finished, or raise "
                "STEWARD_MIGRATION_LOCK_TIMEOUT_MS",
            ) from error
        meaning = translate(error, where=where)
        if meaning is None:
            raise
        raise meaning from error
    return schema_version(engine)


def require_current(engine: Engine) -> None:
    """Raise StoreError unless the database is at the migrations' head."""
    version = schema_version(engine)
    if version.up_to_date:
        return
    known = set(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    known_ids = {script.revision for script in known}
    if not version.current:
        problem = "the database has no Steward schema yet"
    elif not set(version.current) <= known_ids:
        raise StoreError(
            f"the database is at revision {', '.join(version.current)}, which this version of "
            "Steward does not know",
            where=engine.url.render_as_string(hide_password=True),
            hint="upgrade Steward to the release that wrote this database",
        )
    else:
        problem = f"the database schema is behind (at {', '.join(version.current)})"
    raise StoreError(
        problem,
        where=engine.url.render_as_string(hide_password=True),
        hint="run `steward db upgrade`",
    )
