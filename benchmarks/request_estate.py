"""The Outserve estate as the request benchmarks use it: generated once, copied for each run.

Generating a million people takes minutes, so the estate is generated once per size into
``BENCH_ESTATE_DIR/<people>/`` and the databases ``bench_crm_<people>`` (PostgreSQL) and
``bench_hr_<people>`` (MariaDB), and reused while its stamp file says it is complete. Each run
works on a copy (``bench_run_crm``, ``bench_run_hr``, the SQLite file and the visitor log in a
temporary folder), since an erasure changes it; the contract servers load their seed files
afresh each time, in a process of their own (so their Python never shares the benchmark's
interpreter lock). Steward's own store is a fresh PostgreSQL database, ``bench_steward``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pymysql

from examples.outserve.estate import schema
from examples.outserve.estate.environment import (
    MANIFEST,
    MAPS,
    EstateLocations,
    estate_environment,
)
from examples.outserve.estate.generate import Targets, generate
from steward.bootstrap import load_settings, open_store, organisation_nation
from steward.law.calendar import Nation
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, VerificationMethod
from steward.services import requests as intake
from steward.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(os.environ.get("BENCH_ESTATE_DIR", ROOT / "build" / "bench-estate"))
SEED = 1
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{}"
MARIADB_URL = "mysql+pymysql://root@127.0.0.1:3306/{}"
RUN_CRM = "bench_run_crm"
RUN_HR = "bench_run_hr"
STEWARD_DB = "bench_steward"
STEWARD = str(Path(sys.executable).with_name("steward"))
RECEIVED = date(2026, 12, 1)


@dataclass(frozen=True)
class Estate:
    people: int
    folder: Path
    crm_db: str
    hr_db: str
    generated_seconds: float | None
    """Seconds this run spent generating it; None when an earlier run's estate was reused."""


def ensure_estate(people: int) -> Estate:
    """The estate of ``people`` people, generated unless a complete one is already there."""
    folder = FOLDER / str(people)
    crm_db, hr_db = f"bench_crm_{people}", f"bench_hr_{people}"
    stamp = folder / "estate.json"
    wanted = {"people": people, "seed": SEED}
    if _stamped(stamp, wanted) and _pg_exists(crm_db) and _mariadb_exists(hr_db):
        return Estate(people, folder, crm_db, hr_db, None)
    print(f"generating the estate of {people:,} people in {folder} ...", file=sys.stderr)
    stamp.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    _pg_fresh(crm_db)
    _mariadb_fresh(hr_db)
    started = time.perf_counter()
    generate(
        people,
        SEED,
        Targets(
            postgres=PG_URL.format(crm_db),
            mariadb=MARIADB_URL.format(hr_db),
            sqlite=folder / "support.sqlite3",
            files=folder / "visitors",
            saas=folder / "saas",
        ),
    )
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return Estate(people, folder, crm_db, hr_db, seconds)


def _stamped(stamp: Path, wanted: dict[str, int]) -> bool:
    try:
        return bool(json.loads(stamp.read_text(encoding="utf-8")) == wanted)
    except (OSError, ValueError):
        return False


def _pg_exists(name: str) -> bool:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return found.fetchone() is not None


def _pg_fresh(name: str, template: str | None = None) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{suffix}')


def pg_drop(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _mariadb() -> pymysql.Connection:  # type: ignore[type-arg]
    return pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)


def _mariadb_exists(name: str) -> bool:
    with _mariadb() as connection, connection.cursor() as cursor:
        cursor.execute("SHOW DATABASES LIKE %s", (name,))
        return cursor.fetchone() is not None


def _mariadb_fresh(name: str) -> None:
    with _mariadb() as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}`")


def mariadb_drop(name: str) -> None:
    with _mariadb() as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def working_copy(estate: Estate, folder: Path) -> EstateLocations:
    """A copy of the estate this run may change: the CRM by PostgreSQL's template copy, HR table
    by table (indexes with the table, foreign keys after), the files into ``folder``."""
    _pg_fresh(RUN_CRM, template=estate.crm_db)
    _mariadb_fresh(RUN_HR)
    with _mariadb() as connection, connection.cursor() as cursor:
        for table in schema.HR:
            cursor.execute(
                f"CREATE TABLE `{RUN_HR}`.{table.name} LIKE `{estate.hr_db}`.{table.name}"
            )
            cursor.execute(
                f"INSERT INTO `{RUN_HR}`.{table.name} SELECT * FROM `{estate.hr_db}`.{table.name}"
            )
        cursor.execute(f"USE `{RUN_HR}`")
        for table in schema.HR:
            for statement in schema.after_load(table, "mysql"):
                if statement.startswith("ALTER TABLE"):
                    cursor.execute(statement)
    shutil.copyfile(estate.folder / "support.sqlite3", folder / "support.sqlite3")
    (folder / "visitors").mkdir()
    shutil.copyfile(
        estate.folder / "visitors" / "visitors.csv", folder / "visitors" / "visitors.csv"
    )
    (folder / "hr-files").mkdir()
    return EstateLocations(
        crm=PG_URL.format(RUN_CRM),
        hr=MARIADB_URL.format(RUN_HR),
        support=folder / "support.sqlite3",
        visitors=folder / "visitors",
        hr_files=folder / "hr-files",
    )


Servers = list[tuple[str, str, dict[str, str]]]


@contextmanager
def contract_servers(saas: Path) -> Iterator[Servers]:
    """The HubSpot, Zendesk and Mailchimp contract servers seeded from ``saas``, in a child
    process; (vendor, base URL, connection values) for each."""
    child = subprocess.Popen(
        [sys.executable, "-m", "examples.outserve.estate.servers",
         "--hubspot", str(saas / "hubspot.json"), "--zendesk", str(saas / "zendesk.json"),
         "--mailchimp", str(saas / "mailchimp.json"), "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        started: Servers = []
        for _ in range(3):
            line = json.loads(child.stdout.readline())
            started.append((line["vendor"], line["base_url"], line["connection"]))
        yield started
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def steward_environment(
    where: EstateLocations, servers: Servers, data_dir: Path, **settings: str
) -> dict[str, str]:
    """Every variable Steward needs: its store (a fresh ``bench_steward`` on PostgreSQL, keys
    under ``data_dir``), the manifest and maps, and the estate's connections. Steward is set
    up (keys, signing key, migrations and the job queue's tables) with its own commands;
    ``settings`` adds ``STEWARD_*`` variables."""
    _pg_fresh(STEWARD_DB)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    environment.update(
        STEWARD_DATA_DIR=str(data_dir),
        STEWARD_DATABASE_URL=PG_URL.format(STEWARD_DB),
        STEWARD_MANIFEST=MANIFEST,
        STEWARD_DATASETS=MAPS,
        **settings,
    )
    environment.update(estate_environment(where, servers))
    for command in (["keys", "init"], ["keys", "signing", "init"], ["db", "upgrade"]):
        subprocess.run(
            [STEWARD, *command], env=environment, cwd=ROOT, check=True, capture_output=True
        )
    return environment


@contextmanager
def steward_desk(environment: dict[str, str]) -> Iterator[tuple[Store, Nation]]:
    """Steward's store and the organisation's nation, with ``environment`` as this process's."""
    os.environ.clear()
    os.environ.update(environment)
    settings = load_settings()
    store = open_store(settings)
    try:
        yield store, organisation_nation(settings)
    finally:
        store.engine.dispose()


def verified_request(store: Store, nation: Nation, kind: RequestKind, email: str) -> str:
    """A request by e-mail, received on 1 December 2026, identity checked by staff; its id."""
    request = intake.new_request(
        store,
        nation,
        kind=kind,
        channel=Channel.email,
        received=RECEIVED,
        identities=[(IdentityKind.email, email)],
        actor="bench",
    )
    intake.record_verification(
        store,
        nation,
        request.reference,
        method=VerificationMethod.known_contact,
        note="benchmark: from the address on file",
        actor="bench",
        on=RECEIVED,
    )
    return request.reference


def load_average() -> str:
    """The machine's one-minute load average (other work on it slows every figure alike)."""
    try:
        return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]
    except OSError:
        return "unknown"
