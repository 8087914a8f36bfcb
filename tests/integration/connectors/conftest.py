"""A Mailchimp contract server per test, and a client pointed at it that never really sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from steward.connectors.http_retry import RetryPolicy
from steward.connectors.mailchimp_client import MailchimpClient
from tests.integration.connectors.mailchimp_server import MailchimpServer, running_mailchimp

API_KEY = "0123456789abcdef0123456789abcdef-us21"
LIST_ID = "a1b2c3d4e5"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def mailchimp() -> Iterator[MailchimpServer]:
    with running_mailchimp(API_KEY, (LIST_ID,), START) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        yield client


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(mailchimp: MailchimpServer, http: httpx.Client, sleeps: list[float]) -> MailchimpClient:
    return MailchimpClient(
        http,
        SecretStr(API_KEY),
        base_url=mailchimp.base_url,
        retry=RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0),
        sleep=sleeps.append,
        poll_interval=2.0,
        page_size=2,
    )
