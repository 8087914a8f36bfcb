"""Mailchimp connector settings, read from ``STEWARD_MAILCHIMP_*`` environment variables.

The API key is a secret: it comes only from the environment (or a secrets manager that sets it),
is held as ``SecretStr`` so it never prints, and has no default (DESIGN.md §5 item 4).
"""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from steward.connectors.http_retry import Sleep
from steward.connectors.mailchimp_address import api_root
from steward.connectors.mailchimp_client import MailchimpClient, Monotonic
from steward.connectors.mailchimp_pull import DEFAULT_WRITE_BATCH, OPT_IN_WORDING
from steward.connectors.mailchimp_sync import SuppressionMode
from steward.errors import ConfigError

ENV_PREFIX = "STEWARD_MAILCHIMP_"


class MailchimpSettings(BaseSettings):
    """Which audience mirrors which purpose, and how suppressions are applied there."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    api_key: SecretStr = Field(description="Marketing API key, ending in its data centre (-us21).")
    list_id: str = Field(min_length=1, description="Audience id: Audience > Settings.")
    purpose: str = Field(
        default="newsletter", description="The manifest purpose this audience serves."
    )
    mode: SuppressionMode = Field(
        default=SuppressionMode.UNSUBSCRIBE, description="unsubscribe (default) or archive."
    )
    base_url: str | None = Field(
        default=None,
        description="API host for proxies and tests, with or without /3.0; normally from the key.",
    )
    batch_poll_seconds: float = Field(
        default=5.0, ge=0.0, le=300.0, description="Wait between checks of a running batch."
    )
    batch_timeout_seconds: float = Field(
        default=900.0, gt=0.0, le=86_400.0, description="Longest wait for one batch to finish."
    )
    pull_overlap_seconds: float = Field(
        default=300.0,
        ge=0.0,
        le=86_400.0,
        description="Each pull re-reads this long before its watermark (late-listed changes).",
    )
    pull_write_batch: int = Field(
        default=DEFAULT_WRITE_BATCH,
        ge=1,
        le=1000,
        description="Pulled changes written per database transaction.",
    )
    opt_in_wording: str = Field(
        default=OPT_IN_WORDING,
        min_length=1,
        max_length=2000,
        description="What Mailchimp's signup form says, recorded with a pulled re-subscription; "
        "{list_id} is replaced by the audience id.",
    )

    @field_validator("base_url")
    @classmethod
    def _api_host(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            api_root(value)
        except ConfigError as error:
            raise ValueError(f"{error.message}; {error.hint}") from None
        return value.strip()

    @property
    def pull_overlap(self) -> timedelta:
        return timedelta(seconds=self.pull_overlap_seconds)

    def client(
        self,
        http: httpx.Client,
        *,
        sleep: Sleep = time.sleep,
        monotonic: Monotonic = time.monotonic,
    ) -> MailchimpClient:
        return MailchimpClient(
            http,
            self.api_key,
            base_url=self.base_url,
            sleep=sleep,
            poll_interval=self.batch_poll_seconds,
            batch_timeout=self.batch_timeout_seconds,
            monotonic=monotonic,
        )


def load_mailchimp_settings(**overrides: object) -> MailchimpSettings:
    """Read the settings; a missing or bad value is a ConfigError naming its variable."""
    try:
        return MailchimpSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ENV_PREFIX + "_".join(str(part) for part in first["loc"]).upper()
        secret = name == ENV_PREFIX + "API_KEY"
        message = str(first["msg"]).removeprefix("Value error, ")
        already_shown = "(got " in message
        detail = message if secret or already_shown else f"{message} (got {first.get('input')!r})"
        raise ConfigError(
            detail.replace("Field required", "not set"),
            where=name,
            hint=f"export {name}=... in the job's environment (never write the key in a file "
            "that is committed)",
        ) from error
