"""The generator writes what the people say, and the same seed always writes the same estate."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from examples.outserve.estate import rows
from examples.outserve.estate.generate import generate, main
from examples.outserve.estate.people import person_at
from tests.integration.estate.conftest import PEOPLE, SEED, Estate, crm_rows, hr_rows, local_targets


def expected_counts() -> dict[str, int]:
    """Row counts computed straight from the people, without any system."""
    counts: dict[str, int] = {}
    for index in range(PEOPLE):
        person = person_at(SEED, index)
        for system, feed in (("crm", rows.crm), ("hr", rows.hr), ("support", rows.support)):
            for table, _ in feed(person, SEED):
                counts[f"{system}.{table}"] = counts.get(f"{system}.{table}", 0) + 1
        visits = len(list(rows.visitor_log(person, SEED)))
        counts["visitor_log.visitors.csv"] = counts.get("visitor_log.visitors.csv", 0) + visits
    return counts


def sqlite_dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def test_the_support_store_and_the_visitor_log_hold_one_row_per_generated_record(
    estate: Estate,
) -> None:
    expected = expected_counts()
    with sqlite3.connect(estate.support) as connection:
        for table in ("tickets", "messages"):
            (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert (
                count == expected[f"support.{table}"] == estate.summary.counts[f"support.{table}"]
            )
    with (estate.files / "visitors.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == expected["visitor_log.visitors.csv"]


def test_the_saas_seeds_hold_every_contact_user_ticket_and_member(estate: Estate) -> None:
    hubspot = json.loads((estate.saas / "hubspot.json").read_text(encoding="utf-8"))
    zendesk = json.loads((estate.saas / "zendesk.json").read_text(encoding="utf-8"))
    mailchimp = json.loads((estate.saas / "mailchimp.json").read_text(encoding="utf-8"))
    people = [person_at(SEED, i) for i in range(PEOPLE)]
    assert len(hubspot["contacts"]) == sum(p.hubspot for p in people)
    assert len(zendesk["users"]) == sum(p.zendesk for p in people)
    assert len(zendesk["tickets"]) == estate.summary.counts["zendesk.tickets"] > 0
    members = mailchimp["lists"]["outserve-clients"]["members"]
    assert len(members) == sum(p.marketing for p in people)
    assert len({m["email_address"] for m in members}) == len(members)
    user_ids = {u["id"] for u in zendesk["users"]}
    assert {t["requester_id"] for t in zendesk["tickets"]} <= user_ids


@pytest.mark.postgres
def test_the_crm_holds_one_row_per_generated_record(crm_url: str) -> None:
    expected = expected_counts()
    for table in ("customers", "contacts", "bookings", "invoices"):
        [(count,)] = crm_rows(crm_url, f"SELECT count(*) FROM {table}")
        assert count == expected[f"crm.{table}"]


@pytest.mark.mariadb
def test_hr_holds_one_row_per_generated_record(hr_url: str) -> None:
    expected = expected_counts()
    for table in ("employees", "emergency_contacts", "payslips", "absences"):
        [(count,)] = hr_rows(hr_url, f"SELECT count(*) FROM {table}")
        assert count == expected[f"hr.{table}"]


def test_the_same_seed_writes_the_same_bytes_and_rows(estate: Estate, tmp_path: Path) -> None:
    generate(PEOPLE, SEED, local_targets(tmp_path))
    for name in (
        "files/visitors.csv",
        "saas/hubspot.json",
        "saas/zendesk.json",
        "saas/mailchimp.json",
    ):
        assert (tmp_path / name).read_bytes() == (estate.folder / name).read_bytes(), name
    assert sqlite_dump(tmp_path / "support.sqlite3") == sqlite_dump(estate.support)


def test_another_seed_writes_other_people(estate: Estate, tmp_path: Path) -> None:
    generate(PEOPLE, SEED + 1, local_targets(tmp_path))
    assert (tmp_path / "files/visitors.csv").read_bytes() != (
        estate.files / "visitors.csv"
    ).read_bytes()


def test_generating_again_into_the_same_targets_replaces_the_estate(tmp_path: Path) -> None:
    generate(PEOPLE, SEED, local_targets(tmp_path))
    first = sqlite_dump(tmp_path / "support.sqlite3")
    generate(PEOPLE, SEED, local_targets(tmp_path))
    assert sqlite_dump(tmp_path / "support.sqlite3") == first


def test_fewer_people_than_the_planted_cases_is_refused_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["generate", "--people", "5", "--files", str(tmp_path)])
    assert exited.value.code == 2
    assert "at least 10" in capsys.readouterr().err
