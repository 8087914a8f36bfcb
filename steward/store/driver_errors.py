"""Database driver errors in Steward's words, translated where they arise (DESIGN.md §5 item 6).

A driver error is translated only when its code says unambiguously what happened: a constraint
(``Conflict``, naming it), a database that is down, locked or asked to retry (``Unavailable``),
a setting that points at something unusable (``ConfigError``) or a value the database cannot
store (``InvalidInput``). Anything else (a syntax error, an unknown table, a wrong type) is a bug
in Steward and is left as it is, so that it surfaces as one. Codes, not messages, decide: SQLite's
extended result codes (https://sqlite.org/rescode.html) and PostgreSQL's SQLSTATE (Appendix A of
its manual). The two exceptions to that, both stated below, are SQLite's ``constraint failed:``
detail (SQLite has no other way to say which constraint) and psycopg's client-side NUL check
(it has no SQLSTATE because the server never saw the value).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError

from steward.errors import (
    ConfigError,
    Conflict,
    InvalidInput,
    StewardError,
    StoreError,
    Unavailable,
)

SQLITE_UNNAMED_FOREIGN_KEY = "FOREIGN KEY"
"""SQLite reports a failed foreign key without saying which one; this is its ``constraint``."""

_RETRY = "retry in a moment; nothing was written"
_SQLITE_BUSY_HINT = (
    "another process held the database's write lock for longer than the busy timeout; retry, "
    "and if it keeps happening look for a long-running writer, or move to PostgreSQL"
)
_NUL = "cannot contain NUL"


def translate(error: BaseException, *, where: str, reads_only: bool = False) -> StewardError | None:
    """The StewardError that says what ``error`` means, or None when it is not a database
    condition a person or the environment can cause (then it is a bug: let it surface).

    ``where`` names the database (its URL without the password); ``reads_only`` says the work
    ran in a reading unit of work, where a refused write means the unit was opened wrongly.
    """
    original: BaseException = error
    params: Any = None
    if isinstance(error, DBAPIError):
        original = error.orig if error.orig is not None else error
        params = error.params
    if isinstance(original, sqlite3.Error):
        return _sqlite(original, where, reads_only)
    psycopg = sys.modules.get("psycopg")  # only loaded when PostgreSQL is in use
    if psycopg is not None and isinstance(original, psycopg.Error):
        return _postgres(original, psycopg, where, reads_only, params)
    return None


@contextmanager
def translated(where: str, *, reads_only: bool = False) -> Iterator[None]:
    """Re-raise database driver errors from the block as StewardErrors (``raise ... from``)."""
    try:
        yield
    except StewardError:
        raise
    except Exception as error:
        steward = translate(error, where=where, reads_only=reads_only)
        if steward is None:
            raise
        raise steward from error


def _sqlite(error: sqlite3.Error, where: str, reads_only: bool) -> StewardError | None:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    text = str(error)
    if primary == sqlite3.SQLITE_CONSTRAINT:
        # SQLite names the failed constraint only in its message: "UNIQUE constraint failed: t.c",
        # "CHECK constraint failed: ck_name", or a bare "FOREIGN KEY constraint failed".
        _, _, detail = text.partition("constraint failed: ")
        constraint = detail.strip() or SQLITE_UNNAMED_FOREIGN_KEY
        return _conflict(constraint, where)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return Unavailable("the database is locked", where=where, hint=_SQLITE_BUSY_HINT)
    if primary == sqlite3.SQLITE_AUTH and reads_only:  # Steward's reading-unit authorizer
        return _write_in_reading_unit(where)
    if primary == sqlite3.SQLITE_READONLY:
        if reads_only:
            return _write_in_reading_unit(where)
        return ConfigError(
            "the database file is read-only for this user",
            where=where,
            hint="give the user running Steward write access to the file and its folder",
        )
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return ConfigError(
            "cannot open the database file",
            where=where,
            hint="check that its folder exists and this user may write there "
            "(STEWARD_DATA_DIR), or set STEWARD_DATABASE_URL",
        )
    if primary == sqlite3.SQLITE_NOTADB:
        return ConfigError(
            "the file is not a SQLite database",
            where=where,
            hint="point STEWARD_DATA_DIR or STEWARD_DATABASE_URL at Steward's own database",
        )
    if primary == sqlite3.SQLITE_CORRUPT:
        return StoreError(
            "the database file is damaged", where=where, hint="restore it from a backup"
        )
    if primary in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        return Unavailable(
            f"the disk refused the write ({text})", where=where, hint="free space, then retry"
        )
    return None


def _postgres(
    error: Any, psycopg: Any, where: str, reads_only: bool, params: Any
) -> StewardError | None:
    state: str | None = getattr(error, "sqlstate", None)
    diag = getattr(error, "diag", None)
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if state is None:
        if _NUL in str(error):  # psycopg refuses it before sending: there is no SQLSTATE
            field = _field_holding_nul(params)
            return InvalidInput(
                "a text value contains a NUL character (\\0), which cannot be stored",
                where=field,
                hint="remove the NUL character from the value",
            )
        if isinstance(error, psycopg.OperationalError):  # connect failed: refused, timeout, DNS
            return Unavailable(
                f"cannot connect to the database: {text}",
                where=where,
                hint="check STEWARD_DATABASE_URL (host, port, user, database) and that the "
                "server is running",
            )
        return None
    if state.startswith("23"):
        constraint = getattr(diag, "constraint_name", None) or state
        return _conflict(constraint, where)
    if state in ("40001", "40P01"):
        return Unavailable(
            "the database cancelled the transaction to keep concurrent ones consistent",
            where=where,
            hint=_RETRY,
        )
    if state in ("55P03", "57014"):
        return Unavailable(
            "the database gave up waiting for a lock or a statement", where=where, hint=_RETRY
        )
    if state.startswith(("08", "57P", "53")):
        return Unavailable(f"the database is unavailable: {text}", where=where, hint=_RETRY)
    if state == "25006":
        if reads_only:
            return _write_in_reading_unit(where)
        return ConfigError(
            "the database accepts no writes (a read-only replica?)",
            where=where,
            hint="point STEWARD_DATABASE_URL at the primary server",
        )
    if state.startswith("28") or state == "3D000":
        return ConfigError(
            f"the database refused the connection: {text}",
            where=where,
            hint="check the user, password and database name in STEWARD_DATABASE_URL",
        )
    if state in ("22001", "22021"):
        column = getattr(diag, "column_name", None)
        return InvalidInput(
            f"a value cannot be stored: {text}",
            where=column,
            hint="shorten the value or remove characters that are not valid text",
        )
    return None


def _conflict(constraint: str, where: str) -> Conflict:
    return Conflict(
        f"the change conflicts with what is stored (constraint {constraint})",
        constraint=constraint,
        where=where,
        hint="nothing was written; check whether it was already recorded",
    )


def _write_in_reading_unit(where: str) -> StoreError:
    return StoreError(
        "a reading unit of work tried to write; the database refused it",
        where=where,
        hint="open the unit of work without reads_only=True for work that writes",
    )


def _field_holding_nul(params: Any) -> str | None:
    """Which bound value held the NUL, when SQLAlchemy kept the parameters by name."""
    rows = params if isinstance(params, list | tuple) else [params]
    for row in rows:
        if isinstance(row, Mapping):
            for name, value in row.items():
                if isinstance(value, str) and "\x00" in value:
                    return str(name)
    return None
