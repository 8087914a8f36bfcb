"""A large import runs in its own process while people go on unsubscribing, and an import killed
part way is finished by running it again: real processes, on SQLite and PostgreSQL (issue 9
item 2; RULES.md R2.8: a withdrawal takes effect at once and is never lost)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import steward
from steward.store import ledger
from steward.store.audit import verify_chain
from steward.store.database import Store, create_store_engine
from steward.store.keyfile import KeyFile, create_key_file
from steward.store.tables import audit_events, consent_events, consent_states, people

pytestmark = pytest.mark.slow

HEADER = (
    "email,source,obtained_from,obtained_on,basis,legal_form,"
    "consent_wording,consent_version,consent_where,consent_at,consent_names_us"
)
ROW = (
    "person{n}@example.org,newsletter form,directly,2026-01-10,consent,individual,"
    "Send me Outserve news,v3,https://outserve.example/signup,2026-01-10T09:30,yes\n"
)
ALONGSIDE_ROWS = 6_000
KILLED_ROWS = 3_000
IMPORT = "from steward.cli.main import run; run()"
MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
UNSUBSCRIBE = """
import sys, time
from steward.bootstrap import load_settings, open_store, purpose_catalogue
from steward.services.unsubscribe import record_email_unsubscribe

settings = load_settings()
store = open_store(settings)
purposes = purpose_catalogue(settings)
print("ready", flush=True)
sys.stdin.readline()
started = time.perf_counter()
with store.unit_of_work(actor="web:unsubscribe") as uow:
    now = store.clock()
    record_email_unsubscribe(
        uow, sys.argv[1], received=now, now=now, purpose="contact_marketing", purposes=purposes
    )
    uow.commit()
print(time.perf_counter() - started, flush=True)
"""
"""A person's unsubscribe in its own process: started (and its store opened) before the import,
it records when told to, and prints how long its transaction took, from opening to commit."""


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    clean = {name: value for name, value in os.environ.items() if not name.startswith("STEWARD_")}
    return clean | {
        "STEWARD_DATABASE_URL": database_url,
        "STEWARD_KEY_FILE": str(key_file),
        "STEWARD_MANIFEST": str(MANIFEST),
        "PYTHONPATH": str(Path(steward.__file__).resolve().parent.parent),
    }


@pytest.fixture
def service(environment: dict[str, str]) -> Store:
    engine = create_store_engine(environment["STEWARD_DATABASE_URL"])
    return Store(engine, KeyFile(Path(environment["STEWARD_KEY_FILE"])))


def a_list(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "big-list.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        handle.writelines(ROW.format(n=n) for n in range(rows))
    return path


def start_import(path: Path, environment: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            IMPORT,
            "marketing",
            "import",
            str(path),
            "--purpose",
            "contact_marketing",
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count(store: Store, table: object) -> int:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def wait_for_first_batch(store: Store, importing: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 45
    while count(store, consent_events) == 0:
        assert importing.poll() is None, importing.communicate()
        assert time.monotonic() < deadline, "the import wrote nothing for 45 s"
        time.sleep(0.05)


def ready_unsubscriber(address: str, environment: dict[str, str]) -> subprocess.Popen[str]:
    person = subprocess.Popen(
        [sys.executable, "-c", UNSUBSCRIBE, address],
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert person.stdout is not None and person.stdout.readline().strip() == "ready"
    return person


def unsubscribe_now(person: subprocess.Popen[str]) -> float:
    out, err = person.communicate("go\n", timeout=60)
    assert person.returncode == 0, err
    return float(out)


def test_an_unsubscribe_from_another_process_is_recorded_within_two_seconds_of_an_import(
    tmp_path: Path, environment: dict[str, str], service: Store
) -> None:
    first_person = ready_unsubscriber("person0@example.org", environment)
    last_person = ready_unsubscriber(f"person{ALONGSIDE_ROWS - 1}@example.org", environment)
    importing = start_import(a_list(tmp_path, ALONGSIDE_ROWS), environment)
    try:
        wait_for_first_batch(service, importing)
        first = unsubscribe_now(first_person)
        last = unsubscribe_now(last_person)
        still_importing = importing.poll() is None
        out, err = importing.communicate(timeout=240)
    finally:
        for process in (importing, first_person, last_person):
            process.kill()
    assert importing.returncode == 0, err
    assert still_importing, "the import ended before the unsubscribes: use a longer list"
    assert first < 2.0 and last < 2.0
    assert f"recorded {ALONGSIDE_ROWS}," in out
    with service.unit_of_work(actor="test", reads_only=True) as uow:
        for address in ("person0@example.org", f"person{ALONGSIDE_ROWS - 1}@example.org"):
            person = ledger.find_person(uow, email=address)
            assert person is not None
            state = ledger.current_state(uow, person, "contact_marketing", "email")
            assert state is not None and state.status.is_refusal, address
        assert verify_chain(uow).intact
    assert count(service, people) == ALONGSIDE_ROWS
    service.engine.dispose()


def test_an_import_killed_part_way_and_run_again_records_every_row_once(
    tmp_path: Path, environment: dict[str, str], service: Store
) -> None:
    path = a_list(tmp_path, KILLED_ROWS)
    importing = start_import(path, environment)
    try:
        wait_for_first_batch(service, importing)
    finally:
        importing.send_signal(signal.SIGKILL)
        importing.communicate()
    assert importing.returncode == -signal.SIGKILL
    assert 0 < count(service, consent_events) < KILLED_ROWS
    again = start_import(path, environment)
    out, err = again.communicate(timeout=240)
    assert again.returncode == 0, err
    assert "skipped 0" in out
    assert [count(service, table) for table in (people, consent_events, consent_states)] == [
        KILLED_ROWS
    ] * 3
    assert count(service, audit_events) == 2 * KILLED_ROWS
    with service.unit_of_work(actor="test", reads_only=True) as uow:
        assert verify_chain(uow).intact
    service.engine.dispose()
