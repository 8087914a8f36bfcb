"""What the request engine's entry points (CLI, jobs) need, built once by the composition root.

``steward.bootstrap`` fills it from the settings: the store, the requests repository's view of a
request (its kind, identifiers and corrections, decrypted), the manifest's systems and dataset
maps, the connector registry, the holds check and the clock (DESIGN.md §5 item 4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from steward.engine.steps import Connectors
from steward.jobs.protocol import Jobs
from steward.manifest.datasets import DatasetMap
from steward.manifest.schema import System
from steward.requests.holds import HoldCheck
from steward.requests.subject import RequestSubject
from steward.services.request_reports import STUCK_AFTER
from steward.services.step_heartbeat import HEARTBEAT_EVERY
from steward.store.database import Clock, Store


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class RequestEngineWiring:
    store: Store
    subject: Callable[[str], RequestSubject]  # request id -> who and what it is about
    maps: tuple[DatasetMap, ...]
    systems: tuple[System, ...]
    connectors: Connectors
    holds: HoldCheck
    clock: Clock
    actor: str  # the person (or service account) at the command line
    close: Callable[[], None] = field(default=_nothing)  # connectors, engines
    discard: Callable[[], None] | None = None  # as close, but no connector is kept for reuse
    jobs: Jobs | None = None  # where the plan's steps run (``queue_run``)
    queued: bool = False  # True: a queue that `steward worker` processes drain
    stuck_after: timedelta = STUCK_AFTER  # a step's heartbeat this old: its worker is dead
    heartbeat_every: float = HEARTBEAT_EVERY  # seconds between a running step's heartbeats

    def release(self, *, broken: bool = False) -> None:
        """Close the wiring; ``broken`` (a step failed): no connector it used is reused."""
        if broken and self.discard is not None:
            self.discard()
        else:
            self.close()
