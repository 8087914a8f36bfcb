"""Open connectors kept between jobs in one process, so a worker does not rebuild them per step.

A worker runs one job per slice of a request, and every job needs connectors to the same few
systems. Opening one is the dearest part of a short step: a SQL connector's first connection
initialises its dialect (for MariaDB a TLS handshake) and reflects each table it touches; a SaaS
connector opens an HTTP client. The pool lends a connector for one job and takes it back after.

- A connector is lent to one borrower at a time (taken out of the pool while lent), so two jobs
  running at once in one process never share one; at most ``keep`` idle connectors are kept per
  key, the rest closed.
- The key is everything the connector was opened with (the system, its kind, its connection
  values, its options, the pseudonym key), as a digest: a changed manifest or environment makes
  a new key, so a connector is never used with settings it was not opened with.
- A job whose step failed gives its connectors back as *broken*: they are closed, not kept, so a
  connector that holds a stale view (a table reflected before its schema changed, a dead
  connection) is not lent again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

from steward.connectors.protocol import Connector

KEEP = 2
"""Idle connectors kept per key: one per job a process runs at once is enough."""


def pool_key(
    system_id: str,
    kind: str,
    connection: Mapping[str, str],
    options: Mapping[str, Any],
    pseudonym_key: bytes,
) -> str:
    """A digest of everything a connector is opened with (secrets included, never kept whole)."""
    described = json.dumps(
        [system_id, kind, dict(connection), dict(options), pseudonym_key.hex()],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


class ConnectorPool:
    """Idle connectors by key; thread-safe. ``close()`` closes every idle one."""

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._idle: dict[str, list[Connector]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, opener: Callable[[], Connector]) -> Connector:
        """An idle connector opened with ``key``, else a new one from ``opener``."""
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop()
        return opener()

    def give_back(self, key: str, connector: Connector, *, broken: bool = False) -> None:
        """Keep ``connector`` for the next borrower, unless it is broken or enough are kept."""
        if not broken:
            with self._lock:
                idle = self._idle.setdefault(key, [])
                if len(idle) < self._keep:
                    idle.append(connector)
                    return
        connector.close()

    def idle(self) -> int:
        """How many connectors are kept idle."""
        with self._lock:
            return sum(len(kept) for kept in self._idle.values())

    def close(self) -> None:
        with self._lock:
            kept = [connector for idle in self._idle.values() for connector in idle]
            self._idle.clear()
        for connector in kept:
            connector.close()
