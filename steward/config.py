"""Settings from the environment (``STEWARD_*``), validated once, with errors a person can act on.

DESIGN.md §5 item 4: one typed settings object feeds the composition root (``steward.bootstrap``);
secrets are ``SecretStr`` so they never print; nothing connects at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from steward.errors import ConfigError

SQLITE_FILE_NAME = "steward.sqlite3"
KEY_FILE_NAME = "keys.json"
_SECRETS = frozenset({"STEWARD_DATABASE_URL"})


class Settings(BaseSettings):
    """Where Steward keeps its data and keys, and how it reaches its database."""

    model_config = SettingsConfigDict(env_prefix="STEWARD_", frozen=True, extra="ignore")

    data_dir: Path = Field(
        default=Path("steward-data"),
        description="Folder for the SQLite database and, by default, the key file.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; default SQLite.",
    )
    key_file: Path | None = Field(
        default=None, description="Key ring file (0600); default DATA_DIR/keys.json."
    )
    rotate_batch_size: int = Field(
        default=500, ge=1, le=100_000, description="Rows re-encrypted per transaction."
    )
    migration_lock_timeout_ms: int = Field(
        default=5000, ge=0, description="PostgreSQL lock_timeout while migrating (0 = none)."
    )

    def resolved_database_url(self) -> str:
        """The URL to connect to: the configured one, or a SQLite file under DATA_DIR."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / SQLITE_FILE_NAME).resolve()}"

    def resolved_key_file(self) -> Path:
        return self.key_file if self.key_file is not None else self.data_dir / KEY_FILE_NAME


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a bad value becomes a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = "STEWARD_" + "_".join(str(part) for part in first["loc"]).upper()
        shown = "" if name in _SECRETS else f" (got {first.get('input')!r})"
        raise ConfigError(
            f"{first['msg']}{shown}",
            where=name,
            hint=f"fix or unset the environment variable {name}",
        ) from error
