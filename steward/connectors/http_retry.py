"""Sending HTTP requests to a SaaS API politely: honour 429 Retry-After, back off on 5xx.

Every SaaS connector (Mailchimp now, HubSpot and Zendesk later) shares this so that rate limits
and outages are handled one way. The sleep function is injected so tests never really wait.
Only idempotent operations should go through here; the Mailchimp connector sends nothing else
(status PATCHes, archive DELETEs, reads, and batches made only of those).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from steward.errors import ConnectorError

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up.

    ``max_attempts`` counts every try, the first included. Backoff after the n-th failed try is
    ``base_delay * 2**(n-1)`` capped at ``max_delay``. A Retry-After longer than
    ``max_retry_after`` is not slept through: the run stops and says when to try again.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 300.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, failed_attempts: int) -> float:
        """Seconds to wait after ``failed_attempts`` consecutive failures (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (failed_attempts - 1)))


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The delay a 429 asks for, if it gives one in delta-seconds (RFC 9110 §10.2.3)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value.isdigit():
        return None
    return float(value)


class RetryingSender:
    """Sends requests through an injected ``httpx.Client``, retrying what is worth retrying.

    429 waits for Retry-After (or the backoff when the header is missing); 5xx answers and
    connection failures back off exponentially. Anything else is returned for the caller to
    interpret. When tries run out the result is a ConnectorError naming the service, method and
    path (paths must therefore never carry secrets or plaintext identifiers).
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        service: str,
        policy: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._http = http
        self._service = service
        self._policy = policy or RetryPolicy()
        self._sleep = sleep

    def send(self, request: httpx.Request) -> httpx.Response:
        where = f"{self._service} {request.method} {request.url.path}"
        policy = self._policy
        attempt = 0
        while True:
            attempt += 1
            last_try = attempt >= policy.max_attempts
            try:
                response = self._http.send(request)
            except httpx.TransportError as error:
                if last_try:
                    raise ConnectorError(
                        f"could not reach {self._service} after {attempt} attempts "
                        f"({type(error).__name__})",
                        where=where,
                        hint="check the network and the service's base URL, then run again",
                    ) from error
                delay = policy.backoff(attempt)
                log.warning("%s: %s, retrying in %.1fs", where, type(error).__name__, delay)
                self._sleep(delay)
                continue
            if response.status_code == 429:
                delay = self._rate_limit_delay(response, attempt, where)
            elif response.status_code >= 500:
                delay = policy.backoff(attempt)
            else:
                return response
            if last_try:
                raise self._exhausted(response, attempt, where)
            log.warning("%s: HTTP %d, retrying in %.1fs", where, response.status_code, delay)
            self._sleep(delay)

    def _rate_limit_delay(self, response: httpx.Response, attempt: int, where: str) -> float:
        asked = retry_after_seconds(response)
        if asked is None:
            return self._policy.backoff(attempt)
        if asked > self._policy.max_retry_after:
            raise ConnectorError(
                f"{self._service} is rate limiting and asks to wait {asked:.0f}s",
                where=where,
                hint=f"run again after {asked:.0f} seconds; nothing was half-done",
            )
        return asked

    def _exhausted(self, response: httpx.Response, attempts: int, where: str) -> ConnectorError:
        if response.status_code == 429:
            return ConnectorError(
                f"{self._service} kept rate limiting (HTTP 429) for {attempts} attempts",
                where=where,
                hint="another tool may be sharing the API key's limit; run again later",
            )
        return ConnectorError(
            f"{self._service} answered HTTP {response.status_code} {attempts} times",
            where=where,
            hint="the service is having trouble; run again later (the run is safe to repeat)",
        )
