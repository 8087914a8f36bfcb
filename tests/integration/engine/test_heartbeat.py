"""A step's worker records a heartbeat while its connector works, so a long step is not stuck."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from steward.connectors.memory import MemoryConnector
from steward.connectors.protocol import ChangeReceipt, RecordKey
from steward.manifest.datasets import CollectionMap
from steward.requests.kinds import RequestKind
from steward.services.request_engine import approve, make_plan, run_plan, show_plan
from steward.store.database import Store
from tests.integration.conftest import ManualClock
from tests.integration.engine.conftest import NoHolds
from tests.unit.engine.estate import maps, subject


class SlowSupport(MemoryConnector):
    """Its erase lasts until the step's heartbeat has moved on (or five seconds pass)."""

    store: Store
    beats: list[datetime | None]

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        for _ in range(100):
            self.beats.append(show_plan(self.store, "r-1").steps[4].heartbeat_at)
            if len(set(self.beats)) > 1:
                break
            time.sleep(0.05)
        return super().erase(collection, keys)


def test_a_step_beats_while_its_connector_works(
    committed_store: Store, estate: dict[str, MemoryConnector], clock: ManualClock
) -> None:
    make_plan(committed_store, subject(RequestKind.erasure), maps())
    approve(committed_store, "r-1", "dpo")
    slow = SlowSupport("support", estate["support"].data)
    slow.store, slow.beats = committed_store, []
    systems = {**estate, "support": slow}
    run_plan(committed_store, "r-1", systems.__getitem__, NoHolds(), clock, heartbeat_every=0.01)
    assert len(set(slow.beats)) > 1
