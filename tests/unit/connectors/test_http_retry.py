"""Retrying SaaS calls: 429 waits for Retry-After, 5xx and lost connections back off, then stop."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from steward.connectors.http_retry import RetryingSender, RetryPolicy
from steward.errors import ConnectorError

Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*steps: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A transport that plays the given answers in order and remembers each request."""
    seen: list[httpx.Request] = []
    remaining = list(steps)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = remaining.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    return handle, seen


def send(
    handler: Handler, sleeps: list[float], policy: RetryPolicy | None = None
) -> httpx.Response:
    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        sender = RetryingSender(http, service="Example", policy=policy, sleep=sleeps.append)
        return sender.send(http.build_request("GET", "https://api.example.test/v1/things"))


@pytest.mark.parametrize(
    ("failed_attempts", "delay"),
    [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0), (6, 30.0), (9, 30.0)],
)
def test_backoff_doubles_from_the_base_delay_up_to_the_cap(
    failed_attempts: int, delay: float
) -> None:
    assert RetryPolicy(base_delay=1.0, max_delay=30.0).backoff(failed_attempts) == delay


def test_a_lost_connection_is_retried_after_a_backoff() -> None:
    sleeps: list[float] = []
    handler, seen = scripted(httpx.ConnectError("refused"), httpx.Response(200))

    assert send(handler, sleeps).status_code == 200
    assert (len(seen), sleeps) == (2, [1.0])


def test_connection_lost_on_every_attempt_raises_connector_error() -> None:
    handler, seen = scripted(*[httpx.ReadTimeout("slow")] * 3)

    with pytest.raises(ConnectorError) as caught:
        send(handler, [], RetryPolicy(max_attempts=3))

    assert "could not reach Example after 3 attempts (ReadTimeout)" in str(caught.value)
    assert "Example GET /v1/things" in str(caught.value)
    assert len(seen) == 3


def test_429_without_retry_after_falls_back_to_the_backoff() -> None:
    sleeps: list[float] = []
    handler, _ = scripted(httpx.Response(429), httpx.Response(200))

    send(handler, sleeps)

    assert sleeps == [1.0]


def test_429_asking_for_longer_than_allowed_stops_at_once_and_says_when_to_retry() -> None:
    sleeps: list[float] = []
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))

    with pytest.raises(ConnectorError) as caught:
        send(handler, sleeps, RetryPolicy(max_retry_after=300))

    assert "asks to wait 3600s" in str(caught.value)
    assert (len(seen), sleeps) == (1, [])


def test_429_on_every_attempt_raises_connector_error() -> None:
    handler, _ = scripted(*[httpx.Response(429, headers={"Retry-After": "2"})] * 2)

    with pytest.raises(ConnectorError, match="kept rate limiting"):
        send(handler, [], RetryPolicy(max_attempts=2))


def test_client_errors_are_returned_without_retrying() -> None:
    sleeps: list[float] = []
    handler, seen = scripted(httpx.Response(404))

    assert send(handler, sleeps).status_code == 404
    assert (len(seen), sleeps) == (1, [])


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
