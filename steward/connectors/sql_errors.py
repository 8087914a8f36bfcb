"""Driver errors translated into the connector contract's, naming the system, never a secret.

A database that cannot be reached (refused, timed out, gone away) is ``SystemUnavailable``: the
request stays open and says which system. A database that refuses the call (a constraint, a
privilege, a statement it rejects) is ``SystemRefused``. Messages carry the driver's first line
with the URL's password removed; a constraint or data failure carries no driver text at all
(``DriverError``), since drivers quote the offending value, which may be a person's e-mail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL
from sqlalchemy import exc as sa

from steward.connectors.protocol import SystemRefused, SystemUnavailable


def safe_url(url: URL) -> str:
    """The URL as a person may see it: the password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


def _first_line(error: BaseException, secret: str | None) -> str:
    cause = error.orig if isinstance(error, sa.DBAPIError) and error.orig else error
    lines = str(cause).strip().splitlines()
    text = lines[0].strip() if lines else type(cause).__name__
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


class DriverError(Exception):
    """A driver error without its text: the driver's exception class and error code only.

    Constraint and data errors quote the offending value (PostgreSQL's ``Key (email)=(...)``,
    MariaDB's ``Duplicate entry '...'``), which is often a person's identifier; the translated
    error is raised from this stand-in, so no traceback or log line carries the value.
    """

    @classmethod
    def of(cls, error: sa.DBAPIError) -> DriverError:
        orig = error.orig
        code = (
            getattr(orig, "sqlstate", None)
            or getattr(orig, "sqlite_errorname", None)
            or (orig.args[0] if orig is not None and orig.args else None)
        )
        kind = type(orig).__module__ + "." + type(orig).__name__ if orig else "unknown"
        return cls(f"{kind} (code {code})" if isinstance(code, (str, int)) else kind)


def _constraint(error: sa.IntegrityError) -> str:
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return f" (constraint {name})" if isinstance(name, str) else ""


@contextmanager
def translated(system_id: str, url: URL) -> Iterator[None]:
    """Run a call to the database; driver errors leave as the contract's errors."""
    secret = url.password if isinstance(url.password, str) and url.password else None
    try:
        yield
    except sa.IntegrityError as error:
        raise SystemRefused(
            system_id,
            "the database refused the change: a unique, foreign-key, not-null or check "
            f"constraint failed{_constraint(error)}",
            hint="a record another table still points to is erased after the records that "
            "point to it; check the order of references in the dataset map",
        ) from DriverError.of(error)
    except sa.DataError as error:
        raise SystemRefused(
            system_id,
            "the database refused a value as not of its column's type or size",
            hint="check the value's form against the column (numbers, dates as YYYY-MM-DD, "
            "text no longer than the column)",
        ) from DriverError.of(error)
    except (sa.ProgrammingError, sa.NotSupportedError) as error:
        raise SystemRefused(
            system_id,
            f"the database refused the statement: {_first_line(error, secret)}",
            hint="check that the dataset map matches the database's tables and columns, and "
            "that the account may read and change them",
        ) from error
    except (sa.OperationalError, sa.InterfaceError, sa.DisconnectionError) as error:
        raise SystemUnavailable(
            system_id,
            f"cannot use the database at {safe_url(url)}: {_first_line(error, secret)}",
            hint="check that the database is running and reachable from here, and the account "
            "in the system's connection URL; the request stays open until it is",
        ) from error
    except sa.TimeoutError as error:
        raise SystemUnavailable(
            system_id,
            f"timed out waiting for a connection to {safe_url(url)}",
            hint="the database is busy or unreachable; try again later",
        ) from error
    except sa.DBAPIError as error:
        raise SystemRefused(
            system_id, f"the database failed the call: {_first_line(error, secret)}"
        ) from error
