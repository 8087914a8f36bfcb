"""The people of the Outserve estate: each a pure function of (seed, index), so any system can be
generated in one streaming pass, in bounded memory, and the same seed always gives the same people.

Indices 0 to ``PLANTED_COUNT - 1`` are the planted cases (README.md lists them); every other
person is drawn from their own ``random.Random`` seeded by ``"<seed>/<index>"``. Ordinary
people never collide with a planted one: their e-mail addresses carry their index, their
mobile numbers are ``+4474...`` (the reused planted number is ``+447700900123``, an Ofcom drama
number), and no ordinary surname is a planted surname.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

AS_OF = date(2026, 12, 1)
"""The day the estate describes: every date is before it (never today's date: determinism)."""

FIRST_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Freya",
    "Grace",
    "Sophia",
    "Evie",
    "Ella",
    "Florence",
    "Willow",
    "Rosie",
    "Poppy",
    "Harper",
    "Sienna",
    "Isabella",
    "Elsie",
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Muhammad",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "William",
    "Lucas",
    "Aisha",
    "Priya",
    "Kwame",
    "Chidi",
    "Anjali",
    "Rhys",
    "Cerys",
    "Siobhan",
    "Callum",
    "Eilidh",
    "Ewan",
    "Niamh",
    "Tariq",
    "Zara",
    "Mohammed",
    "Fatima",
    "Yusuf",
    "Amara",
    "Kai",
    "Nia",
    "Dylan",
    "Megan",
    "Hannah",
    "Daniel",
    "Samuel",
    "Joseph",
    "James",
    "David",
    "Sarah",
    "Laura",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Okafor",
]
COMPANIES = [
    "Trent Valley Logistics",
    "Needwood Joinery",
    "Stafford Print Works",
    "Cannock Dental Care",
    "Lichfield Legal LLP",
    "Burton Brewing Supplies",
    "Uttoxeter Vets",
    "Peak Fabrication",
    "Tamworth Care Homes",
    "Rugeley Engineering",
    "Stone Accountants",
    "Leek Textiles",
    "Midlands Fleet Services",
    "Chase Architects",
    "Dove Valley Dairy",
    "Weaver Insurance Brokers",
]
TOWNS = (
    ("Burton upon Trent", "DE14"),
    ("Stafford", "ST16"),
    ("Lichfield", "WS13"),
    ("Tamworth", "B79"),
    ("Derby", "DE1"),
    ("Stoke-on-Trent", "ST4"),
    ("Uttoxeter", "ST14"),
    ("Cannock", "WS11"),
)
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Victoria Road",
    "The Green",
]
DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Person:
    index: int
    first_name: str
    last_name: str
    email: str
    phone: str
    company: str
    address: str
    postcode: str
    client_since: date | None
    """A client of the CRM from this day; None if never a client."""
    employed: tuple[date, date | None] | None
    """Started and left (None: still employed) in HR; None if never employed."""
    visits: int
    """Entries in the visitor log."""
    tickets: int
    """Support tickets raised."""
    marketing: bool
    """Subscribed to the client newsletter (Mailchimp)."""
    hubspot: bool
    """Known to HubSpot (enquired through the website)."""
    zendesk: bool
    """Known to Zendesk chat."""
    invoice_years: tuple[int, ...] = ()
    """Years before AS_OF in which an invoice was issued (0 = this year)."""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _planted() -> tuple[Person, ...]:
    def person(
        index: int, first: str, last: str, email: str, phone: str, **roles: object
    ) -> Person:
        values: dict[str, object] = {
            "company": "Needwood Joinery",
            "address": f"{index + 1} Mill Road, Burton upon Trent",
            "postcode": f"DE13 9P{chr(65 + index)}",
            "client_since": None,
            "employed": None,
            "visits": 0,
            "tickets": 0,
            "marketing": False,
            "hubspot": False,
            "zendesk": False,
            "invoice_years": (),
        }
        values.update(roles)
        return Person(index, first, last, email, phone, **values)  # type: ignore[arg-type]

    return (
        # SHARED_SURNAME: two clients called Quennell, nobody else is.
        person(0, "Ada", "Quennell", "ada.quennell@example.org", "+447700900101",
               client_since=date(2021, 4, 12), invoice_years=(1, 2), tickets=1),
        person(1, "Tom", "Quennell", "tom.quennell@example.com", "+447700900102",
               client_since=date(2023, 9, 1), invoice_years=(0,), visits=1),
        # HOUSEHOLD_EMAIL: two clients, one shared home address.
        person(2, "Jo", "Whitlow", "whitlow.ardley.home@example.net", "+447700900103",
               client_since=date(2022, 1, 10), invoice_years=(1,)),
        person(3, "Chris", "Ardley", "whitlow.ardley.home@example.net", "+447700900104",
               client_since=date(2024, 6, 3), invoice_years=(0,)),
        # REUSED_PHONE: two clients, one number (a shared office line, passed on).
        person(4, "Bea", "Marchbank", "bea.marchbank@example.com", "+447700900123",
               client_since=date(2020, 2, 2), invoice_years=(2,)),
        person(5, "Luis", "Ferreira-Hope", "luis.ferreirahope@example.org", "+447700900123",
               client_since=date(2025, 3, 17), invoice_years=(0,)),
        # FORMER_EMPLOYEE_CLIENT: left Outserve, came back as a client; one e-mail in both.
        person(6, "Morwenna", "Penhale", "morwenna.penhale@example.org", "+447700900105",
               client_since=date(2024, 1, 8), employed=(date(2016, 5, 3), date(2023, 3, 31)),
               invoice_years=(0, 1), marketing=True, hubspot=True),
        # VISITOR_ONLY: signed in at reception, in no other system.
        person(7, "Idris", "Okafor-Lane", "idris.okaforlane@example.net", "+447700900106",
               company="Chase Architects", visits=2),
        # HELD_CLIENT: invoices under six years old (tax records held).
        person(8, "Harriet", "Vane-Tempest", "harriet.vanetempest@example.com", "+447700900107",
               client_since=date(2019, 11, 4), invoice_years=(0, 2, 4), hubspot=True, tickets=2,
               zendesk=True),
        # EXPIRED_CLIENT: every invoice older than six years (nothing holds them).
        person(9, "Gideon", "Ashby-Crowe", "gideon.ashbycrowe@example.org", "+447700900108",
               client_since=date(2012, 3, 5), invoice_years=(7, 8, 10)),
    )  # fmt: skip


PLANTED = _planted()
PLANTED_COUNT = len(PLANTED)


def person_at(seed: int, index: int) -> Person:
    """The person at ``index`` of the estate generated with ``seed``."""
    if index < PLANTED_COUNT:
        return PLANTED[index]
    rng = random.Random(f"{seed}/{index}")
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(SURNAMES)
    town, district = rng.choice(TOWNS)
    roll = rng.random()
    client_since = AS_OF - timedelta(days=rng.randrange(30, 15 * 365)) if roll < 0.7 else None
    employed: tuple[date, date | None] | None = None
    if rng.random() < 0.03:
        started = AS_OF - timedelta(days=rng.randrange(60, 20 * 365))
        left = None
        if rng.random() < 0.35:
            left = started + timedelta(days=rng.randrange(30, max(31, (AS_OF - started).days)))
        employed = (started, left)
    invoice_years: tuple[int, ...] = ()
    if client_since is not None:
        span = max(1, (AS_OF - client_since).days // 365 + 1)
        invoice_years = tuple(sorted({rng.randrange(span) for _ in range(rng.randrange(1, 4))}))
    return Person(
        index=index,
        first_name=first,
        last_name=last,
        email=f"{first}.{last}.{index}@{DOMAINS[index % 3]}".lower(),
        phone=f"+4474{(index * 7919 + seed * 104729) % 10**8:08d}",
        company=rng.choice(COMPANIES),
        address=f"{rng.randrange(1, 240)} {rng.choice(STREETS)}, {town}",
        postcode=f"{district} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        client_since=client_since,
        employed=employed,
        visits=rng.choice((0, 0, 0, 0, 0, 1, 1, 2, 3)),
        tickets=rng.choice((0, 0, 0, 1, 1, 2)) if client_since else 0,
        marketing=client_since is not None and rng.random() < 0.5,
        hubspot=client_since is not None and rng.random() < 0.4,
        zendesk=rng.random() < 0.2,
        invoice_years=invoice_years,
    )


def rng_for(seed: int, index: int, system: str) -> random.Random:
    """A person's own random stream for one system's details (bookings, payslips, ...)."""
    return random.Random(f"{seed}/{index}/{system}")


def customer_number(index: int) -> str:
    return f"OS-{100000 + index}"


def employee_number(index: int) -> str:
    return f"E{index + 1:06d}"


# The planted cases (README.md, "Planted cases"): what a request for each must find, and no more.
SHARED_SURNAME = "Quennell"
"""Ada and Tom Quennell: a search by surname finds both; a request from one returns one."""
SHARED_SURNAME_EMAILS = ("ada.quennell@example.org", "tom.quennell@example.com")
HOUSEHOLD_EMAIL = "whitlow.ardley.home@example.net"
"""Jo Whitlow and Chris Ardley, two CRM customers with one e-mail address."""
HOUSEHOLD_CUSTOMER_NUMBERS = (customer_number(2), customer_number(3))
REUSED_PHONE = "+447700900123"
"""Bea Marchbank and Luis Ferreira-Hope, two CRM customers with one phone number."""
REUSED_PHONE_CUSTOMER_NUMBERS = (customer_number(4), customer_number(5))
FORMER_EMPLOYEE_CLIENT_EMAIL = "morwenna.penhale@example.org"
"""Morwenna Penhale: a former employee (HR, left 2023-03-31) who is now a client (CRM)."""
FORMER_EMPLOYEE_NUMBER = employee_number(6)
FORMER_EMPLOYEE_CUSTOMER_NUMBER = customer_number(6)
VISITOR_ONLY_EMAIL = "idris.okaforlane@example.net"
"""Idris Okafor-Lane: two visits in the visitor log, in no other system."""
VISITOR_ONLY_NAME = "Idris Okafor-Lane"
HELD_CLIENT_EMAIL = "harriet.vanetempest@example.com"
"""Harriet Vane-Tempest: invoices issued under six years ago, held as tax records."""
HELD_CLIENT_NUMBER = customer_number(8)
EXPIRED_CLIENT_EMAIL = "gideon.ashbycrowe@example.org"
"""Gideon Ashby-Crowe: every invoice issued more than six years ago; nothing holds them."""
EXPIRED_CLIENT_NUMBER = customer_number(9)
