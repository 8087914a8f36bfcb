"""A running step's heartbeat: proof its worker is alive while a connector works.

A step whose heartbeat is older than a minute is reported stuck, and only then may another
worker take it over (issue 11 item 4: a step stuck on a dead worker is detected within a
minute). A long connector call (erasing thousands of records) must not look dead, so while a
step works a background thread records a beat every ``every`` seconds, each in its own short
transaction. A beat changes no state that matters, so it writes no audit event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from steward.store import plans
from steward.store.database import Clock, Store

HEARTBEAT_EVERY = 15.0
_log = logging.getLogger("steward.engine")


@contextmanager
def heartbeat(
    store: Store,
    request_id: str,
    step_no: int,
    worker: str,
    clock: Clock,
    every: float = HEARTBEAT_EVERY,
) -> Iterator[None]:
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                with store.unit_of_work(worker) as uow:
                    plans.beat(uow, request_id, step_no, worker, clock())
                    uow.commit()
            except Exception:  # a missed beat is logged; the step itself goes on
                _log.exception("heartbeat of request %s step %s failed", request_id, step_no)

    thread = threading.Thread(target=beat, name=f"heartbeat {request_id}/{step_no}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
