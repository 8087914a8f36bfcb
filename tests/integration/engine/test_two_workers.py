"""Two workers running one plan at once: each step is claimed by one of them, and every effect
happens exactly once (the claim is a locked read-and-update of the step's row)."""

from __future__ import annotations

import collections
import threading
import time
from pathlib import Path

from steward.errors import Conflict
from steward.requests.kinds import RequestKind
from steward.services.request_engine import approve, make_plan, run_plan, show_plan
from steward.store.database import Store, system_clock
from tests.integration.engine.conftest import TaxHolds
from tests.integration.engine.sqlite_estate import SqliteFileConnector, contents, create_estate
from tests.unit.engine.estate import maps, subject


def _work(store: Store, estate: Path, name: str, errors: list[BaseException]) -> None:
    systems = {s: SqliteFileConnector(s, estate) for s in ("crm", "support")}
    try:
        for _ in range(1000):
            try:
                view = run_plan(store, "r-1", systems.__getitem__, TaxHolds(), system_clock,
                                worker=name)  # fmt: skip
            except Conflict:
                time.sleep(0.005)  # the other worker holds a step: try again
                continue
            if view.status == "finished":
                return
    except BaseException as error:
        errors.append(error)
    finally:
        for connector in systems.values():
            connector.close()


def test_two_workers_share_a_plan_and_every_effect_happens_once(
    committed_store: Store, tmp_path: Path
) -> None:
    estate = tmp_path / "estate.sqlite3"
    create_estate(estate)
    make_plan(committed_store, subject(RequestKind.erasure), maps())
    approve(committed_store, "r-1", "dpo")
    errors: list[BaseException] = []
    workers = [
        threading.Thread(target=_work, args=(committed_store, estate, name, errors))
        for name in ("worker-1", "worker-2")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    view = show_plan(committed_store, "r-1")
    assert view.status == "finished"
    assert all(step.attempts == 1 for step in view.steps)
    effects = collections.Counter(contents(estate)["effects"])
    assert effects and set(effects.values()) == {1}
