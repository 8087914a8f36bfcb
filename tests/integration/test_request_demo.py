"""`make demo`'s request part, run as a person would: an access request for the former employee
who is also a client reaches every system that holds her, and an erasure keeps the invoices the
tax rules hold, each answered with a certificate that verifies."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"

pytestmark = [pytest.mark.postgres, pytest.mark.mariadb, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from tests.integration.conftest import _require_mariadb, _require_postgres

    _require_postgres()
    _require_mariadb()
    out = tmp_path_factory.mktemp("demo")
    databases = f"outserve_test_{uuid.uuid4().hex[:10]}"  # its own: runs may overlap
    try:
        yield _run_demo(out, databases)
    finally:
        _drop(databases)


def _drop(databases: str) -> None:
    import psycopg
    import pymysql

    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {databases}_crm WITH (FORCE)")
    maria = pymysql.connect(host="127.0.0.1", user="root")
    try:
        with maria.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {databases}_hr")
    finally:
        maria.close()


def _run_demo(out: Path, databases: str) -> Path:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "examples.outserve.demo_request",
            "--out",
            str(out),
            "--people",
            "60",
            "--databases",
            databases,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=360,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return out / "responses"


def _certificates(responses: Path) -> list[dict[str, object]]:
    return [
        json.loads(path.read_text(encoding="utf-8"))["certificate"]
        for path in sorted(responses.glob("*-certificate.json"))
    ]


@pytest.mark.timeout(400)
def test_the_access_package_holds_her_records_from_every_system_that_has_them(
    demo: Path,
) -> None:
    (package,) = demo.glob("*-response.zip")
    names = set(zipfile.ZipFile(package).namelist())
    for expected in ("crm/customers.json", "hr/employees.json", "hubspot/contacts.json",
                     "index.html", "certificate.json"):  # fmt: skip
        assert expected in names


@pytest.mark.timeout(400)
def test_both_certificates_are_complete_and_the_erasure_kept_the_invoices(demo: Path) -> None:
    certificates = _certificates(demo)
    assert [c["status"] for c in certificates] == ["complete", "complete"]
    kept = [
        step
        for certificate in certificates
        for system in certificate["systems"]  # type: ignore[attr-defined]
        if system["system"] == "crm"
        for collection in system["collections"]
        if collection["collection"] == "invoices"
        for step in collection["steps"]
        if step["action"] == "keep"
    ]
    assert kept and all("six years" in reason for step in kept for reason in step["kept_because"])


@pytest.mark.timeout(400)
def test_the_erasure_letter_says_what_was_kept_why_and_who_else_was_told(demo: Path) -> None:
    letters = {path.name: path.read_text(encoding="utf-8") for path in demo.glob("*-response.md")}
    assert len(letters) == 2 and len(list(demo.glob("*-response.html"))) == 2
    erasure = next(text for text in letters.values() if "You asked us to erase" in text)
    assert "| crm | invoices | kept and restricted | 3 |" in erasure
    assert "Finance Act 1998 Sch 18 para 21" in erasure
    assert "## Who else we told" in erasure and "HubSpot, Inc." in erasure
    assert "ico.org.uk" in erasure
    access = next(text for text in letters.values() if "copy of the personal data" in text)
    assert "Who else we told" not in access


@pytest.mark.timeout(400)
def test_the_erasure_certificate_carries_the_art_19_notices(demo: Path) -> None:
    erasure = next(
        c
        for c in _certificates(demo)
        if c["request"]["kind"] == "erasure"  # type: ignore[index]
    )
    notified = [
        step
        for system in erasure["systems"]  # type: ignore[attr-defined]
        for collection in system["collections"]
        for step in collection["steps"]
        if step["action"] == "notify"
    ]
    assert notified, "no recipient notice in the signed evidence"
