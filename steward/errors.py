"""The one error tree for everything a user (or another system) can cause.

Every error says *what* went wrong, *where* (a file:line:column, a field path, a row number or
an argument name) and *how to fix it*. The CLI prints ``str(error)`` without a traceback and
exits 2; the web layer maps the same tree to problem+json (RFC 9457). Adapters translate driver
and HTTP errors into these types with ``raise ... from``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in an input file a problem sits (1-based line and column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class StewardError(Exception):
    """Base of every error a person or another system can cause."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ManifestError(StewardError):
    """A manifest that cannot be read or does not validate."""

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where_parts = [str(location)] if location else []
        if field:
            where_parts.append(field)
        super().__init__(message, where=" ".join(where_parts) or None, hint=hint)
        self.location = location
        self.field = field


class ManifestErrors(ManifestError):
    """Several manifest problems at once, so a person can fix them all in one pass."""

    def __init__(self, errors: list[ManifestError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, location=first.location, field=first.field, hint=first.hint)

    def __str__(self) -> str:
        count = len(self.errors)
        head = f"{count} problem{'s' if count != 1 else ''} in the manifest:"
        return "\n".join([head, *(str(e) for e in self.errors)])


class InvalidInput(StewardError):
    """A command-line argument, API field or imported row that is malformed or out of range."""


class ConfigError(StewardError):
    """Settings (environment variables, key files) missing or wrong."""


class StoreError(StewardError):
    """The database is unreachable, un-migrated, or refused a change."""


class Conflict(StoreError):
    """A change the database refused because it conflicts with what is stored (a constraint,
    named in ``constraint``, or an id reused for other content). Not retryable as it stands."""

    def __init__(
        self,
        message: str,
        *,
        constraint: str | None = None,
        where: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, where=where, hint=hint)
        self.constraint = constraint


class Unavailable(StoreError):
    """A service Steward needs (its database, a mail server) is down or busy right now: the same
    call may succeed if retried later. Nothing was written."""


class NotFound(StewardError):
    """A thing a person referred to does not exist."""


class ConnectorError(StewardError):
    """An organisation's system (database, SaaS API) failed or answered unexpectedly."""


class IntegrityError(StewardError):
    """Tamper evidence failed: the audit chain or a signed token does not verify."""


class SignInRefused(StewardError):
    """A staff sign-in that did not succeed. One message whatever the reason (unknown name,
    wrong password or code, a code used before, a lock), so it tells a guesser nothing."""


class NotPermitted(StewardError):
    """A signed-in member of staff asked for something their role does not hold."""
