"""The request demo that ``make demo`` runs: one access and one erasure request across the
Outserve estate, from intake to a signed certificate and a response package.

It builds the estate (PostgreSQL CRM, MariaDB HR, SQLite support tickets, CSV visitor log, and
the three SaaS contract servers), then runs the real ``steward`` commands a privacy lead would
type, printing each. Steward's own store is the embedded SQLite default under ``--out``.

    python -m examples.outserve.demo_request --out build/demo --people 500
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

from examples.outserve.estate.environment import (
    MANIFEST,
    MAPS,
    EstateLocations,
    estate_environment,
)
from examples.outserve.estate.people import FORMER_EMPLOYEE_CLIENT_EMAIL, HELD_CLIENT_EMAIL
from examples.outserve.estate.servers.__main__ import start

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1/postgres"
MARIADB_ADMIN = "mysql+pymysql://root@127.0.0.1/"
DATABASES = "outserve_demo"
"""The demo's databases are ``<name>_crm`` (PostgreSQL) and ``<name>_hr`` (MariaDB)."""
STEWARD = str(Path(sys.executable).with_name("steward"))


def _fresh_databases(name: str = DATABASES) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    if not name.replace("_", "").isalnum() or not name[:1].isalpha():
        raise SystemExit(f"--databases {name!r}: letters, digits and '_' only")
    crm_db, hr_db = f"{name}_crm", f"{name}_hr"

    pg = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with pg.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {crm_db}"))
        connection.execute(text(f"CREATE DATABASE {crm_db}"))
    pg.dispose()
    maria = create_engine(MARIADB_ADMIN)
    with maria.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {hr_db}"))
        connection.execute(text(f"CREATE DATABASE {hr_db}"))
    maria.dispose()
    return (
        f"postgresql+psycopg://postgres@127.0.0.1/{crm_db}",
        f"mysql+pymysql://root@127.0.0.1/{hr_db}",
    )


def _run(environment: dict[str, str], *arguments: str) -> str:
    print(f"$ steward {shlex.join(arguments)}", flush=True)
    done = subprocess.run(
        [STEWARD, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    print(done.stdout, end="", flush=True)
    if done.returncode != 0:
        print(done.stderr, end="", file=sys.stderr)
        raise SystemExit(f"steward {arguments[0]} {arguments[1]} failed ({done.returncode})")
    return done.stdout


def _answer(environment: dict[str, str], kind: str, email: str, out: Path) -> str:
    new = _run(environment, "request", "new", "--kind", kind, "--email", email,
               "--channel", "email", "--received", "2026-12-01")  # fmt: skip
    reference = new.split()[0]
    _run(environment, "request", "verify", reference, "--method", "known-contact",
         "--note", "called back on the number on file")  # fmt: skip
    plan = _run(environment, "request", "plan", reference)
    if kind == "erasure":
        _run(environment, "request", "approve", reference)
    _run(environment, "request", "run", reference)
    for line in plan.splitlines():
        words = line.split()
        if len(words) > 1 and words[1] == "manual":
            _run(environment, "request", "manual", reference, words[0].rstrip("."),
                 "--note", "searched by hand: nothing held for this person")  # fmt: skip
    _run(environment, "request", "run", reference)
    _run(environment, "request", "respond", reference, "--out", str(out / "responses"))
    _run(
        environment, "evidence", "verify", str(out / "responses" / f"{reference}-certificate.json")
    )
    return reference


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.outserve.demo_request")
    parser.add_argument("--out", type=Path, default=Path("build/demo"))
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument(
        "--databases", default=DATABASES, help="name stem of the demo's CRM and HR databases"
    )
    arguments = parser.parse_args(argv)
    out: Path = arguments.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    crm, hr = _fresh_databases(arguments.databases)
    from examples.outserve.estate.generate import main as generate

    generate(["generate", "--people", str(arguments.people), "--postgres", crm, "--mariadb", hr,
              "--sqlite", str(out / "support.sqlite3"), "--files", str(out / "visitors"),
              "--saas", str(out / "saas")])  # fmt: skip
    servers = start(Namespace(hubspot=out / "saas" / "hubspot.json",
                              zendesk=out / "saas" / "zendesk.json",
                              mailchimp=out / "saas" / "mailchimp.json", port=0))  # fmt: skip
    for _, server, _ in servers:
        server.serve_in_background()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    environment.update(
        STEWARD_DATA_DIR=str(out / "steward"), STEWARD_MANIFEST=MANIFEST, STEWARD_DATASETS=MAPS
    )
    where = EstateLocations(crm, hr, out / "support.sqlite3", out / "visitors", out / "hr-files")
    environment.update(estate_environment(where, [(v, s.base_url, c) for v, s, c in servers]))
    _run(environment, "keys", "init")
    _run(environment, "keys", "signing", "init")
    _run(environment, "db", "upgrade")
    _run(environment, "systems", "check", "examples/outserve/estate/maps")
    access = _answer(environment, "access", FORMER_EMPLOYEE_CLIENT_EMAIL, out)
    erasure = _answer(environment, "erasure", HELD_CLIENT_EMAIL, out)
    print(f"\nAccess request {access}: package and certificate in {out / 'responses'}")
    print(f"Erasure request {erasure}: invoices kept six years (tax), the rest erased or masked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
