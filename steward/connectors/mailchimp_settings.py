"""Mailchimp connector settings, read from ``STEWARD_MAILCHIMP_*`` environment variables.

The API key is a secret: it comes only from the environment (or a secrets manager that sets it),
is held as ``SecretStr`` so it never prints, and has no default (DESIGN.md §5 item 4).
"""

from __future__ import annotations

import time

import httpx
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from steward.connectors.http_retry import Sleep
from steward.connectors.mailchimp_client import MailchimpClient
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
        default=None, description="Only for tests and proxies; normally from the key."
    )
    batch_poll_seconds: float = Field(
        default=5.0, ge=0.0, le=300.0, description="Wait between checks of a running batch."
    )

    def client(self, http: httpx.Client, *, sleep: Sleep = time.sleep) -> MailchimpClient:
        return MailchimpClient(
            http,
            self.api_key,
            base_url=self.base_url,
            sleep=sleep,
            poll_interval=self.batch_poll_seconds,
        )


def load_mailchimp_settings(**overrides: object) -> MailchimpSettings:
    """Read the settings; a missing or bad value is a ConfigError naming its variable."""
    try:
        return MailchimpSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ENV_PREFIX + "_".join(str(part) for part in first["loc"]).upper()
        secret = name == ENV_PREFIX + "API_KEY"
        detail = first["msg"] if secret else f"{first['msg']} (got {first.get('input')!r})"
        raise ConfigError(
            detail.replace("Field required", "not set"),
            where=name,
            hint=f"export {name}=... in the job's environment (never write the key in a file "
            "that is committed)",
        ) from error
