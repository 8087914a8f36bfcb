"""A worker process SIGKILLed inside each step of an erasure in turn: the plan resumes, no step's
effect happens twice and none is left undone (issue 11 item 4; DESIGN.md §3)."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from steward.requests.kinds import RequestKind
from steward.services.request_engine import approve, make_plan, run_plan, show_plan
from steward.store.crypto import KeyRing
from steward.store.database import Store, system_clock
from tests.integration.engine.conftest import TaxHolds
from tests.integration.engine.crash_runner import WORKER
from tests.integration.engine.sqlite_estate import SqliteFileConnector, contents, create_estate
from tests.unit.engine.estate import maps, subject

ROOT = Path(__file__).resolve().parents[3]
STEPS = 8  # four searches, then four erasures (children first)


def _erasure(store: Store, request_id: str) -> None:
    make_plan(store, subject(RequestKind.erasure, request_id=request_id), maps())
    approve(store, request_id, "dpo")


def _run_in_process(store: Store, request_id: str, estate: Path) -> None:
    systems = {name: SqliteFileConnector(name, estate) for name in ("crm", "support")}
    run_plan(store, request_id, systems.__getitem__, TaxHolds(), system_clock, worker=WORKER)
    for connector in systems.values():
        connector.close()


def _killed_inside(store_url: str, keys_file: Path, estate: Path, request_id: str, k: int) -> str:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.engine.crash_runner", store_url,
         str(keys_file), str(estate), request_id, str(k)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert child.stdout is not None
    marker = ""
    for line in child.stdout:
        marker = line.strip()
        if marker in ("PAUSED", "NOPAUSE", "FINISHED"):
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    return marker


@pytest.mark.slow
@pytest.mark.parametrize("k", range(1, STEPS + 1))
def test_a_worker_killed_inside_step_k_resumes_with_every_effect_exactly_once(
    committed_store: Store, database_url: str, keys: KeyRing, tmp_path: Path, k: int
) -> None:
    reference = tmp_path / "reference.sqlite3"
    create_estate(reference)
    _erasure(committed_store, "reference")
    _run_in_process(committed_store, "reference", reference)

    estate = tmp_path / "estate.sqlite3"
    create_estate(estate)
    _erasure(committed_store, f"crash-{k}")
    key = keys.key(1)
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"{key.encryption_key.hex()} {key.index_key.hex()}")

    marker = _killed_inside(database_url, keys_file, estate, f"crash-{k}", k)
    assert marker == "PAUSED"
    statuses = [s.status for s in show_plan(committed_store, f"crash-{k}").steps]
    assert statuses[:k] == ["done"] * (k - 1) + ["running"]  # killed between running and done

    _run_in_process(committed_store, f"crash-{k}", estate)
    view = show_plan(committed_store, f"crash-{k}")
    assert [s.status for s in view.steps] == ["done"] * STEPS
    after, expected = contents(estate), contents(reference)
    effects = collections.Counter(after.pop("effects"))
    assert [e for e, times in effects.items() if times > 1] == []  # none twice
    assert sorted(effects) == sorted(expected.pop("effects"))  # none left undone
    assert after == expected
