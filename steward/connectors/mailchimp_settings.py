"""The settings one Mailchimp run works with: a complete, checked value, built by bootstrap.

The variables themselves (``STEWARD_MAILCHIMP_*``) are read once, in the settings root
(its ``mailchimp`` group, documented in docs/configuration.md);
``steward.bootstrap.mailchimp_settings`` refuses a missing key or list id, a purpose the
manifest does not declare for email marketing and an unsafe base URL, then builds this value.
The API key is held as ``SecretStr`` so it never prints (DESIGN.md §5 item 4).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import httpx
from pydantic import SecretStr

from steward.connectors.http_retry import Sleep
from steward.connectors.mailchimp_client import MailchimpClient, Monotonic
from steward.connectors.mailchimp_pull import DEFAULT_WRITE_BATCH, OPT_IN_WORDING
from steward.connectors.mailchimp_sync import SuppressionMode


@dataclass(frozen=True)
class MailchimpSettings:
    """Which audience mirrors which purpose, and how suppressions are applied there."""

    api_key: SecretStr
    list_id: str
    purpose: str
    mode: SuppressionMode = SuppressionMode.UNSUBSCRIBE
    base_url: str | None = None
    batch_poll_seconds: float = 5.0
    batch_timeout_seconds: float = 900.0
    pull_overlap_seconds: float = 300.0
    pull_write_batch: int = DEFAULT_WRITE_BATCH
    opt_in_wording: str = OPT_IN_WORDING

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
