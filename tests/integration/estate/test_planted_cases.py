"""Each planted case of README.md is in the estate exactly as documented, and nowhere else."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date

import pytest

from examples.outserve.estate.people import (
    AS_OF,
    EXPIRED_CLIENT_NUMBER,
    FORMER_EMPLOYEE_CLIENT_EMAIL,
    FORMER_EMPLOYEE_CUSTOMER_NUMBER,
    FORMER_EMPLOYEE_NUMBER,
    HELD_CLIENT_NUMBER,
    HOUSEHOLD_CUSTOMER_NUMBERS,
    HOUSEHOLD_EMAIL,
    REUSED_PHONE,
    REUSED_PHONE_CUSTOMER_NUMBERS,
    SHARED_SURNAME,
    SHARED_SURNAME_EMAILS,
    VISITOR_ONLY_EMAIL,
    VISITOR_ONLY_NAME,
)
from tests.integration.estate.conftest import Estate, crm_rows, hr_rows

SIX_YEARS_AGO = AS_OF.replace(year=AS_OF.year - 6)


def visitor_rows(estate: Estate) -> list[dict[str, str]]:
    with (estate.files / "visitors.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def saas_text(estate: Estate) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(estate.saas.iterdir()))


@pytest.mark.postgres
def test_exactly_two_clients_share_the_planted_surname(crm_url: str) -> None:
    found = crm_rows(
        crm_url,
        "SELECT email FROM customers WHERE name LIKE %s ORDER BY email",
        f"% {SHARED_SURNAME}",
    )
    assert [email for (email,) in found] == sorted(SHARED_SURNAME_EMAILS)


@pytest.mark.postgres
def test_the_household_email_belongs_to_exactly_two_clients(crm_url: str) -> None:
    found = crm_rows(
        crm_url,
        "SELECT customer_number, name FROM customers WHERE email = %s ORDER BY 1",
        HOUSEHOLD_EMAIL,
    )
    assert [number for number, _ in found] == list(HOUSEHOLD_CUSTOMER_NUMBERS)
    assert len({name for _, name in found}) == 2


@pytest.mark.postgres
def test_the_reused_phone_belongs_to_exactly_two_clients_with_different_emails(
    crm_url: str,
) -> None:
    found = crm_rows(
        crm_url,
        "SELECT customer_number, email FROM customers WHERE phone = %s ORDER BY 1",
        REUSED_PHONE,
    )
    assert [number for number, _ in found] == list(REUSED_PHONE_CUSTOMER_NUMBERS)
    assert len({email for _, email in found}) == 2


@pytest.mark.postgres
def test_the_former_employee_is_a_client_in_the_crm(crm_url: str) -> None:
    found = crm_rows(
        crm_url,
        "SELECT customer_number FROM customers WHERE email = %s",
        FORMER_EMPLOYEE_CLIENT_EMAIL,
    )
    assert found == [(FORMER_EMPLOYEE_CUSTOMER_NUMBER,)]


@pytest.mark.mariadb
def test_the_former_employee_is_in_hr_with_the_same_email_and_a_leaving_date(hr_url: str) -> None:
    found = hr_rows(
        hr_url,
        "SELECT employee_number, left_on FROM employees WHERE email = %s",
        FORMER_EMPLOYEE_CLIENT_EMAIL,
    )
    assert found == [(FORMER_EMPLOYEE_NUMBER, date(2023, 3, 31))]


def test_the_visitor_only_person_is_in_the_visitor_log_twice(estate: Estate) -> None:
    visits = [r for r in visitor_rows(estate) if r["visitor_email"] == VISITOR_ONLY_EMAIL]
    assert [r["visitor_name"] for r in visits] == [VISITOR_ONLY_NAME, VISITOR_ONLY_NAME]


def test_the_visitor_only_person_is_in_no_support_ticket_or_saas_system(estate: Estate) -> None:
    with sqlite3.connect(estate.support) as connection:
        tickets = connection.execute(
            "SELECT count(*) FROM tickets WHERE requester_email = ?", (VISITOR_ONLY_EMAIL,)
        ).fetchone()
    assert tickets == (0,)
    assert VISITOR_ONLY_EMAIL not in saas_text(estate)


@pytest.mark.postgres
def test_the_visitor_only_person_is_not_a_client(crm_url: str) -> None:
    assert crm_rows(crm_url, "SELECT id FROM customers WHERE email = %s", VISITOR_ONLY_EMAIL) == []


@pytest.mark.mariadb
def test_the_visitor_only_person_is_not_an_employee(hr_url: str) -> None:
    assert hr_rows(hr_url, "SELECT id FROM employees WHERE email = %s", VISITOR_ONLY_EMAIL) == []


@pytest.mark.postgres
def test_the_held_client_has_invoices_under_six_years_old(crm_url: str) -> None:
    issued = crm_rows(
        crm_url,
        "SELECT i.issued_on FROM invoices i JOIN customers c ON c.id = i.customer_id "
        "WHERE c.customer_number = %s",
        HELD_CLIENT_NUMBER,
    )
    assert len(issued) == 3
    assert all(isinstance(day, date) and day > SIX_YEARS_AGO for (day,) in issued)


@pytest.mark.postgres
def test_every_invoice_of_the_expired_client_is_older_than_six_years(crm_url: str) -> None:
    issued = crm_rows(
        crm_url,
        "SELECT i.issued_on FROM invoices i JOIN customers c ON c.id = i.customer_id "
        "WHERE c.customer_number = %s",
        EXPIRED_CLIENT_NUMBER,
    )
    assert len(issued) == 3
    assert all(isinstance(day, date) and day < SIX_YEARS_AGO for (day,) in issued)


def test_no_ordinary_person_shares_a_planted_email_or_the_reused_phone(estate: Estate) -> None:
    hubspot = json.loads((estate.saas / "hubspot.json").read_text(encoding="utf-8"))
    phones = [c["properties"]["phone"] for c in hubspot["contacts"]]
    assert phones.count(REUSED_PHONE) == 0
    emails = [r["visitor_email"] for r in visitor_rows(estate) if r["visitor_email"]]
    assert emails.count(HOUSEHOLD_EMAIL) == 0
