"""Run a request's plan and stop dead inside step K, for the parent test to SIGKILL.

    python -m tests.integration.engine.crash_runner URL KEYS_FILE ESTATE REQUEST_ID K

Inside step K, just after its first change to the estate (for a step that changes data) or its
first read (for a search or export), it prints PAUSED and waits to be killed: the change is
committed in the estate, the step is ``running`` in Steward's store and not yet ``done``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from steward.services.request_engine import StepView, run_plan, show_plan
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine, system_clock
from tests.integration.engine.conftest import TaxHolds
from tests.integration.engine.sqlite_estate import SqliteFileConnector

WORKER = "crash-test"
CHANGES = {"erase", "restrict", "rectify"}
READS = {"find", "read"}


class Pausing:
    """Passes every call through; once armed, stops the process after the next wanted call."""

    armed: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, inner: SqliteFileConnector) -> None:
        self.inner = inner
        self.system_id = inner.system_id
        self.capabilities = inner.capabilities

    def __getattr__(self, name: str) -> Callable[..., Any]:
        call: Callable[..., Any] = getattr(self.inner, name)

        def passed(*args: Any) -> Any:
            result = call(*args)
            if name in Pausing.armed:
                print("PAUSED", flush=True)
                time.sleep(600)
            return result

        return passed


def ring_from(path: Path) -> KeyRing:
    encryption, index = (bytes.fromhex(part) for part in path.read_text().split())
    return KeyRing({1: KeyVersion(1, encryption, index)}, current=1)


def main(url: str, keys_file: str, estate: str, request_id: str, pause_in: int) -> None:
    store = Store(create_store_engine(url), FixedKeys(ring_from(Path(keys_file))), system_clock)
    steps = {s.number: s for s in show_plan(store, request_id).steps}

    def arm(number: int) -> None:
        Pausing.armed = frozenset(CHANGES if steps[number].destructive else READS)

    def progress(view: StepView, _done: int, _total: int) -> None:
        if view.number == pause_in:
            print("NOPAUSE", flush=True)  # step K touched nothing: die after it instead
            time.sleep(600)
        if view.number == pause_in - 1:
            arm(pause_in)

    if pause_in == 1:
        arm(1)
    systems = {
        name: Pausing(SqliteFileConnector(name, Path(estate))) for name in ("crm", "support")
    }
    run_plan(store, request_id, systems.__getitem__, TaxHolds(), system_clock, worker=WORKER,
             progress=progress)  # fmt: skip
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
