"""Settings from the environment (``STEWARD_*``), validated once, with errors a person can act on.

DESIGN.md §5 item 4: one typed settings root feeds the composition root (``steward.bootstrap``),
and nothing else reads it. Each group below is a ``pydantic-settings`` class whose fields name
their variable in full (``STEWARD_DATABASE_URL``, ``STEWARD_MAILCHIMP_API_KEY``), so the names
stay flat and greppable, and an error names exactly the variable to fix. Secrets are
``SecretStr`` so they never print, and have no default. Every variable is listed, with its
type, default and an example, in docs/configuration.md (a test keeps the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from steward.errors import ConfigError

PREFIX = "STEWARD_"
SQLITE_FILE_NAME = "steward.sqlite3"
KEY_FILE_NAME = "keys.json"
SIGNING_KEY_FILE_NAME = "signing-key.pem"
_SECRETS = frozenset({"STEWARD_DATABASE_URL", "STEWARD_MAILCHIMP_API_KEY", "STEWARD_SMTP_PASSWORD"})


def _variable(name: str, default: Any = ..., **constraints: Any) -> Any:
    """A field read from exactly the variable ``name`` (no prefix arithmetic, no nesting)."""
    return Field(default, validation_alias=name, **constraints)


class _Group(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)


class DatabaseSettings(_Group):
    """Where Steward's own database lives (docs/configuration.md, "Database")."""

    url: SecretStr | None = _variable(
        "STEWARD_DATABASE_URL",
        None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; default SQLite.",
    )
    data_dir: Path = _variable(
        "STEWARD_DATA_DIR",
        Path("steward-data"),
        description="Folder for the SQLite database and, by default, the key file.",
    )
    migration_lock_timeout_ms: int = _variable(
        "STEWARD_MIGRATION_LOCK_TIMEOUT_MS",
        5000,
        ge=0,
        description="PostgreSQL lock_timeout while migrating (0 = none).",
    )

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"the data folder is not a folder: {str(value)!r} is a file")
        return value


class KeySettings(_Group):
    """The key ring that encrypts identifiers at rest (docs/security.md)."""

    file: Path | None = _variable(
        "STEWARD_KEY_FILE", None, description="Key ring file (0600); default DATA_DIR/keys.json."
    )
    rotate_batch_size: int = _variable(
        "STEWARD_ROTATE_BATCH_SIZE",
        500,
        ge=1,
        le=100_000,
        description="Most rows re-encrypted or re-indexed per transaction.",
    )
    signing_file: Path | None = _variable(
        "STEWARD_SIGNING_KEY_FILE",
        None,
        description="Ed25519 key that signs certificates (0600); default DATA_DIR/signing-key.pem.",
    )


class ManifestSettings(_Group):
    """The deployment's manifest: the purposes every consent record must belong to."""

    path: Path | None = _variable(
        "STEWARD_MANIFEST", None, description="The manifest file, or the folder of its files."
    )
    datasets: Path | None = _variable(
        "STEWARD_DATASETS",
        None,
        description="Folder of dataset maps; default: datasets/ beside the manifest.",
    )


class MailchimpSettings(_Group):
    """One Mailchimp audience kept in step with one manifest purpose (docs/connectors.md).

    The key and list id are optional here so that commands which never reach Mailchimp start
    without them; ``steward.bootstrap`` refuses a Mailchimp command whose group is incomplete.
    """

    api_key: SecretStr | None = _variable(
        "STEWARD_MAILCHIMP_API_KEY",
        None,
        description="Marketing API key, ending in its data centre (-us21).",
    )
    list_id: str | None = _variable(
        "STEWARD_MAILCHIMP_LIST_ID",
        None,
        min_length=1,
        description="Audience id: Audience > Settings.",
    )
    purpose: str | None = _variable(
        "STEWARD_MAILCHIMP_PURPOSE",
        None,
        min_length=1,
        description="The manifest's marketing purpose this audience serves.",
    )
    mode: Literal["unsubscribe", "archive"] = _variable(
        "STEWARD_MAILCHIMP_MODE",
        "unsubscribe",
        description="unsubscribe (default) or archive.",
    )
    base_url: str | None = _variable(
        "STEWARD_MAILCHIMP_BASE_URL",
        None,
        description="Only for tests and proxies; normally from the key.",
    )
    batch_poll_seconds: float = _variable(
        "STEWARD_MAILCHIMP_BATCH_POLL_SECONDS",
        5.0,
        ge=0.0,
        le=300.0,
        description="Wait between checks of a running batch.",
    )
    batch_timeout_seconds: float = _variable(
        "STEWARD_MAILCHIMP_BATCH_TIMEOUT_SECONDS",
        900.0,
        gt=0.0,
        le=86_400.0,
        description="Longest wait for one batch to finish before the push stops, naming it.",
    )
    pull_overlap_seconds: float = _variable(
        "STEWARD_MAILCHIMP_PULL_OVERLAP_SECONDS",
        300.0,
        ge=0.0,
        le=86_400.0,
        description="Each pull re-reads this long before its watermark (late-listed changes).",
    )
    pull_write_batch: int = _variable(
        "STEWARD_MAILCHIMP_PULL_WRITE_BATCH",
        100,
        ge=1,
        le=1000,
        description="Pulled changes written per database transaction.",
    )
    opt_in_wording: str | None = _variable(
        "STEWARD_MAILCHIMP_OPT_IN_WORDING",
        None,
        min_length=1,
        max_length=2000,
        description="What Mailchimp's signup form says, recorded with a pulled re-subscription "
        "({list_id} is replaced by the audience id); default: a double opt-in sentence.",
    )


class UnsubscribeSettings(_Group):
    """Where unsubscribes arrive: the one-click endpoint and a mailbox (RFC 8058, PECR reg 23)."""

    base_url: str | None = _variable(
        "STEWARD_UNSUBSCRIBE_BASE_URL",
        None,
        description="HTTPS base of the one-click endpoint, e.g. https://privacy.example.co.uk.",
    )
    mailbox: str | None = _variable(
        "STEWARD_UNSUBSCRIBE_MAILBOX",
        None,
        description="Address staff read for unsubscribe replies.",
    )


class WebSettings(_Group):
    """Where `steward serve` listens and the address people reach it at (docs/web.md)."""

    host: str = _variable(
        "STEWARD_WEB_HOST", "127.0.0.1", min_length=1, description="Interface to listen on."
    )
    port: int = _variable("STEWARD_WEB_PORT", 8000, ge=1, le=65535, description="TCP port.")
    public_url: str | None = _variable(
        "STEWARD_WEB_PUBLIC_URL",
        None,
        description="The https:// address people reach the privacy centre at.",
    )


class MailSettings(_Group):
    """The mail server Steward sends through: one-time codes, acknowledgements, Art 19 notices."""

    smtp_host: str | None = _variable(
        "STEWARD_SMTP_HOST", None, min_length=1, description="SMTP server; unset: no mail is sent."
    )
    smtp_port: int = _variable("STEWARD_SMTP_PORT", 587, ge=1, le=65535, description="SMTP port.")
    smtp_starttls: bool = _variable(
        "STEWARD_SMTP_STARTTLS", True, description="Upgrade the connection with STARTTLS."
    )
    smtp_username: str | None = _variable(
        "STEWARD_SMTP_USERNAME", None, min_length=1, description="SMTP login, if any."
    )
    smtp_password: SecretStr | None = _variable(
        "STEWARD_SMTP_PASSWORD", None, description="SMTP password, if any."
    )
    sender: str | None = _variable(
        "STEWARD_MAIL_FROM",
        None,
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="The From address of mail Steward sends.",
    )
    timeout_seconds: float = _variable(
        "STEWARD_SMTP_TIMEOUT_SECONDS", 10.0, gt=0.0, le=300.0, description="Per SMTP call."
    )


class JobRunner(StrEnum):
    """Where long work runs (DESIGN.md §1, "Jobs")."""

    inline = "inline"
    procrastinate = "procrastinate"


class JobSettings(_Group):
    """Where long work runs and how it is retried and watched (docs/operations.md)."""

    runner: JobRunner = _variable(
        "STEWARD_JOBS_RUNNER",
        JobRunner.inline,
        description="inline (in the process, SQLite) or procrastinate (PostgreSQL queue).",
    )
    retries: int = _variable(
        "STEWARD_JOBS_RETRIES",
        3,
        ge=0,
        le=20,
        description="Times a failed queued job is tried again (procrastinate only).",
    )
    retry_backoff_seconds: int = _variable(
        "STEWARD_JOBS_RETRY_BACKOFF_SECONDS",
        5,
        ge=1,
        le=600,
        description="Backoff base: waits of b, b^2, b^3 seconds between attempts.",
    )
    heartbeat_seconds: float = _variable(
        "STEWARD_JOBS_HEARTBEAT_SECONDS",
        10.0,
        gt=0.0,
        le=300.0,
        description="How often a running job and a worker say they are alive.",
    )
    stalled_after_seconds: float = _variable(
        "STEWARD_JOBS_STALLED_AFTER_SECONDS",
        60.0,
        gt=0.0,
        le=3600.0,
        description="Silence after which a running job is reported stuck and re-queued.",
    )


_GROUPS: dict[str, type[_Group]] = {
    "database": DatabaseSettings,
    "keys": KeySettings,
    "manifest": ManifestSettings,
    "mailchimp": MailchimpSettings,
    "unsubscribe": UnsubscribeSettings,
    "web": WebSettings,
    "jobs": JobSettings,
    "mail": MailSettings,
}


class Settings(BaseModel):
    """The one settings root: every ``STEWARD_`` variable, in its group."""

    model_config = ConfigDict(frozen=True)

    database: DatabaseSettings
    keys: KeySettings
    manifest: ManifestSettings
    mailchimp: MailchimpSettings
    unsubscribe: UnsubscribeSettings
    web: WebSettings
    jobs: JobSettings
    mail: MailSettings

    @property
    def data_dir(self) -> Path:
        return self.database.data_dir

    @property
    def migration_lock_timeout_ms(self) -> int:
        return self.database.migration_lock_timeout_ms

    @property
    def rotate_batch_size(self) -> int:
        return self.keys.rotate_batch_size

    def resolved_database_url(self) -> str:
        """The URL to connect to: the configured one, or a SQLite file under DATA_DIR."""
        if self.database.url is not None:
            return self.database.url.get_secret_value()
        return f"sqlite:///{(self.database.data_dir / SQLITE_FILE_NAME).resolve()}"

    def resolved_key_file(self) -> Path:
        if self.keys.file is not None:
            return self.keys.file
        return self.database.data_dir / KEY_FILE_NAME

    def resolved_signing_key_file(self) -> Path:
        """The key that signs request certificates: beside the key ring unless set."""
        if self.keys.signing_file is not None:
            return self.keys.signing_file
        return self.database.data_dir / SIGNING_KEY_FILE_NAME


def variables() -> Iterator[tuple[str, str, Any]]:
    """Every variable: (name, group, field info), in the order docs/configuration.md lists them."""
    for group, model in _GROUPS.items():
        for field in model.model_fields.values():
            assert isinstance(field.validation_alias, str)
            yield field.validation_alias, group, field


def environment_value(reference: str, *, where: str) -> str:
    """The value a manifest's ``env:NAME`` reference names (a system's connection), read here so
    that the environment is read in one module; unset or empty is a ConfigError naming it."""
    name = reference.removeprefix("env:")
    value = os.environ.get(name, "")
    if not value:
        raise ConfigError(
            f"the environment variable {name} is not set",
            where=where,
            hint=f"export {name}=... where Steward runs (the manifest refers to it as {reference})",
        )
    return value


def environment_has(reference: str) -> bool:
    """Whether an ``env:NAME`` reference names a variable that is set and not empty."""
    return bool(os.environ.get(reference.removeprefix("env:"), ""))


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a bad value becomes a ConfigError naming the variable.

    ``overrides`` are keyed by the variable's name without ``STEWARD_``, in lower case
    (``database_url=...``, ``key_file=...``), and win over the environment.
    """
    by_group: dict[str, dict[str, Any]] = {group: {} for group in _GROUPS}
    known = {name: group for name, group, _ in variables()}
    for key, value in overrides.items():
        name = PREFIX + key.upper()
        if name not in known:
            raise ConfigError(f"no setting {name}", where=key, hint="see docs/configuration.md")
        by_group[known[name]][name] = value
    groups: dict[str, _Group] = {}
    for group, model in _GROUPS.items():
        try:
            groups[group] = model(**by_group[group])
        except ValidationError as error:
            raise _config_error(error) from error
    return Settings.model_validate(groups)


def _config_error(error: ValidationError) -> ConfigError:
    first = error.errors()[0]
    name = str(first["loc"][0]).upper()
    message = str(first["msg"]).removeprefix("Value error, ")
    shown = "" if name in _SECRETS or "is a file" in message else f" (got {first.get('input')!r})"
    return ConfigError(
        f"{message}{shown}",
        where=name,
        hint=f"fix or unset the environment variable {name} (see docs/configuration.md)",
    )
