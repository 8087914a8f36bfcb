"""Each system's rows for one person, in the column order of ``schema``: pure functions of the
person and the seed, so a system's rows come out the same on every run.

Record ids are derived from the person's index (``index * 10 + n`` for up to ten child records,
``index * 100 + n`` for payslips), never from a counter, so any slice of the estate can be
generated on its own and every id is stable across runs and systems.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from examples.outserve.estate.people import (
    AS_OF,
    FIRST_NAMES,
    SURNAMES,
    Person,
    customer_number,
    employee_number,
    rng_for,
)

Row = tuple[Any, ...]
HOSTS = ("Philip Oakley", "Sunita Rao", "Gareth Lowe", "Nkechi Adeyemi", "Fiona Marsh")
SERVICES = (
    "On-site installation day",
    "Systems integration workshop",
    "Staff training session",
    "Network health check",
    "Software upgrade",
)
CHANNELS = ("phone", "email", "meeting", "video call")
SUBJECTS = (
    "Cannot log in to the client area",
    "Invoice query",
    "Printer not found on the network",
    "Request for a quote",
    "Email not syncing on my phone",
)
JOB_TITLES = ("Support engineer", "Project manager", "Developer", "Account manager", "Office lead")
ABSENCES = (
    ("annual leave", None),
    ("sickness", "Flu; fit note not needed"),
    ("sickness", "Back pain; referred to occupational health"),
    ("medical appointment", "Hospital appointment (follow-up)"),
    ("compassionate leave", None),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _before_as_of(day: date) -> date:
    return min(day, AS_OF - timedelta(days=1))


def crm(person: Person, seed: int) -> Iterator[tuple[str, Row]]:
    if person.client_since is None:
        return
    rng = rng_for(seed, person.index, "crm")
    customer_id = person.index + 1
    yield "customers", (
        customer_id, customer_number(person.index), person.name, person.email, person.phone,
        person.company, person.address, person.postcode, person.client_since, person.marketing,
        False,
    )  # fmt: skip
    span = max(1, (AS_OF - person.client_since).days)
    for n in range(rng.randrange(1, 4)):
        day = person.client_since + timedelta(days=rng.randrange(span))
        yield "contacts", (
            person.index * 10 + n, customer_id, day, rng.choice(CHANNELS),
            f"Spoke with {person.first_name} about {rng.choice(SERVICES).lower()}", False,
        )  # fmt: skip
    for n in range(rng.randrange(0, 3)):
        booked = person.client_since + timedelta(days=rng.randrange(span))
        yield "bookings", (
            person.index * 10 + n, customer_id, booked, rng.choice(SERVICES),
            _before_as_of(booked + timedelta(days=rng.randrange(7, 60))),
            f"Ask for {person.first_name} at reception", False,
        )  # fmt: skip
    for n, years in enumerate(person.invoice_years):
        issued = AS_OF.replace(year=AS_OF.year - years) - timedelta(days=rng.randrange(1, 300))
        yield "invoices", (
            person.index * 10 + n, customer_id, f"INV-{person.index:07d}-{n}", issued,
            rng.randrange(25_000, 1_500_000), person.name, f"{person.address}, {person.postcode}",
            False,
        )  # fmt: skip


def hr(person: Person, seed: int) -> Iterator[tuple[str, Row]]:
    if person.employed is None:
        return
    rng = rng_for(seed, person.index, "hr")
    started, left = person.employed
    employee_id = person.index + 1
    born = started - timedelta(days=rng.randrange(18 * 365, 45 * 365))
    yield "employees", (
        employee_id, employee_number(person.index), person.first_name, person.last_name,
        person.email, person.phone, f"QQ{person.index % 1_000_000:06d}{'ABCD'[person.index % 4]}",
        born, person.address, person.postcode, rng.choice(JOB_TITLES), started, left, False,
    )  # fmt: skip
    yield "emergency_contacts", (
        person.index * 10, employee_id,
        f"{rng.choice(FIRST_NAMES)} {rng.choice((person.last_name, rng.choice(SURNAMES)))}",
        rng.choice(("partner", "parent", "sibling", "friend")),
        f"+4475{(person.index * 104729) % 10**8:08d}", False,
    )  # fmt: skip
    last_day = left or AS_OF - timedelta(days=1)
    gross = rng.randrange(2_000_00, 6_000_00)
    for n in range(min(12, max(1, (last_day - started).days // 30))):
        month_end = date(last_day.year, last_day.month, 1) - timedelta(days=1 + 30 * n)
        pay_date = month_end.replace(day=min(28, month_end.day))
        yield "payslips", (
            person.index * 100 + n, employee_id, pay_date, gross, gross // 5, gross // 12,
            "1257L", False,
        )  # fmt: skip
    for n in range(rng.randrange(0, 3)):
        starts = started + timedelta(days=rng.randrange(max(1, (last_day - started).days)))
        reason, note = rng.choice(ABSENCES)
        yield "absences", (
            person.index * 10 + n, employee_id, starts,
            _before_as_of(starts + timedelta(days=rng.randrange(0, 5))), reason, note, False,
        )  # fmt: skip


def support(person: Person, seed: int) -> Iterator[tuple[str, Row]]:
    rng = rng_for(seed, person.index, "support")
    for n in range(person.tickets):
        ticket_id = person.index * 10 + n
        opened = _at(AS_OF - timedelta(days=rng.randrange(1, 3 * 365)), rng.randrange(8, 18))
        subject = rng.choice(SUBJECTS)
        yield "tickets", (
            ticket_id, person.email, person.name, subject, opened,
            rng.choice(("solved", "solved", "open", "pending")), False,
        )  # fmt: skip
        for m in range(rng.randrange(1, 4)):
            author = "requester" if m % 2 == 0 else "agent"
            body = (
                f"Hello, this is {person.first_name} from {person.company}: {subject.lower()}."
                if author == "requester"
                else f"Thanks {person.first_name}, we are looking into it."
            )
            yield "messages", (
                ticket_id * 10 + m, ticket_id, opened + timedelta(hours=m * 3), author, body,
                False,
            )  # fmt: skip


def visitor_log(person: Person, seed: int) -> Iterator[Row]:
    rng = rng_for(seed, person.index, "visits")
    planted = person.index < 10
    for n in range(person.visits):
        day = AS_OF - timedelta(days=rng.randrange(1, 2 * 365))
        signed_in = _at(day, rng.randrange(8, 16), rng.randrange(60))
        signed_out = signed_in + timedelta(minutes=rng.randrange(20, 300))
        with_email = planted or rng.random() < 0.5
        yield (
            person.index * 10 + n, person.name, person.email if with_email else "",
            person.company, rng.choice(HOSTS), signed_in.isoformat(), signed_out.isoformat(),
            "false",
        )  # fmt: skip


def hubspot_contact(person: Person) -> dict[str, Any] | None:
    if not person.hubspot:
        return None
    return {
        "id": str(500_000 + person.index),
        "properties": {
            "email": person.email,
            "firstname": person.first_name,
            "lastname": person.last_name,
            "phone": person.phone,
        },
    }


def zendesk_records(
    person: Person, seed: int
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    if not person.zendesk:
        return None, []
    user_id = 360_000_000 + person.index
    rng = rng_for(seed, person.index, "zendesk")
    user = {"id": user_id, "email": person.email, "name": person.name, "phone": person.phone}
    tickets = []
    for n in range(rng.randrange(1, 3)):
        subject = rng.choice(SUBJECTS)
        tickets.append(
            {
                "id": person.index * 10 + n,
                "requester_id": user_id,
                "subject": subject,
                "description": f"Chat with {person.first_name}: {subject.lower()}.",
            }
        )
    return user, tickets


def mailchimp_member(person: Person) -> dict[str, Any] | None:
    if not person.marketing:
        return None
    return {
        "email_address": person.email,
        "status": "subscribed",
        "merge_fields": {"FNAME": person.first_name, "LNAME": person.last_name},
    }
