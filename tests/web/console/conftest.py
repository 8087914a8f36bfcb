"""The staff console over a real, migrated store (SQLite, and PostgreSQL when reachable): one
account per role, made through the staff service, and a client that signs in through the
console's own form with a TOTP code for the test clock's time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from steward.complaints.lifecycle import ComplaintChannel
from steward.consent.purposes import PurposeCatalogue
from steward.law.calendar import Nation
from steward.mail import MemoryMailer
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import complaints, requests
from steward.services import staff as service
from steward.services.request_engine import make_plan
from steward.staff.roles import Role
from steward.staff.second_factor import totp_code
from steward.store.database import Store
from steward.web.app import create_app
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.unit.engine.estate import maps, subject, systems
from tests.unit.requests.manifests import outserve

PASSWORD = "coral lantern gravel orbit"
OPERATOR = service.Operator("cli:test")
NAMES = {
    Role.privacy_lead: ("priya", "Priya Shah"),
    Role.hr: ("harri", "Harri Jones"),
    Role.marketing: ("mo", "Mo Adeyemi"),
    Role.office: ("olu", "Olu Bello"),
    Role.auditor: ("aud", "Ada Auditor"),
}


@dataclass(frozen=True)
class Member:
    """A member of staff as the tests know them: what they were shown once."""

    username: str
    role: Role
    account_id: int
    secret: str
    recovery_codes: tuple[str, ...]

    @property
    def actor(self) -> str:
        return f"staff:{self.account_id}"


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def console_wiring(web_wiring: WebWiring, mailer: MemoryMailer) -> WebWiring:
    manifest = outserve()
    return replace(
        web_wiring,
        manifest=manifest,
        nation=Nation.england,
        mailer=mailer,
        purposes=PurposeCatalogue.of(manifest),
    )


@pytest.fixture
def console(console_wiring: WebWiring) -> Iterator[TestClient]:
    with TestClient(create_app(console_wiring), follow_redirects=False) as client:
        yield client


def enrol(store: Store, role: Role, clock: ManualClock) -> Member:
    username, name = NAMES[role]
    made = service.create_account(
        store,
        username=username,
        display_name=name,
        role=role,
        password=PASSWORD,
        by=OPERATOR,
        now=clock.now,
    )
    return Member(
        username, role, made.account.id, made.enrolment.secret, made.enrolment.recovery_codes
    )


@pytest.fixture
def staff(committed_store: Store, clock: ManualClock) -> dict[Role, Member]:
    return {role: enrol(committed_store, role, clock) for role in Role}


def form_token(client: TestClient, path: str = "/staff/login") -> str:
    """The CSRF field of the form on ``path`` (signed in or not)."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return page.text.split(f'name="{FIELD}" value="')[1].split('"')[0]


def sign_in(
    client: TestClient,
    member: Member,
    clock: ManualClock,
    *,
    code: str | None = None,
    password: str = PASSWORD,
) -> httpx.Response:
    """Post the sign-in form as ``member``; the response (303 on success)."""
    return client.post(
        "/staff/login",
        data={
            FIELD: form_token(client),
            "username": member.username,
            "password": password,
            "code": totp_code(member.secret, clock.now) if code is None else code,
        },
    )


def signed_in_client(wiring: WebWiring, member: Member, clock: ManualClock) -> Iterator[TestClient]:
    with TestClient(create_app(wiring), follow_redirects=False) as client:
        answer = sign_in(client, member, clock)
        assert answer.status_code == 303, answer.text
        yield client


@dataclass(frozen=True)
class Casework:
    """What the pages show: requests (one overdue, one at risk, one due later, the last
    planned) and one complaint."""

    overdue: str
    at_risk: str
    later: str
    complaint: str


def open_casework(store: Store) -> Casework:
    made = []
    for received in (date(2026, 9, 1), date(2026, 10, 30), date(2026, 11, 20)):
        made.append(
            requests.new_request(
                store,
                Nation.england,
                kind=RequestKind.erasure,
                channel=Channel.email,
                received=received,
                identities=[(IdentityKind.email, "casework-person@example.org")],
                actor="test",
            ).reference
        )
    make_plan(store, subject(RequestKind.erasure, request_id=made[2]), maps(), systems())
    complaint = complaints.receive_complaint(
        store,
        Nation.england,
        channel=ComplaintChannel.phone,
        received=date(2026, 11, 2),
        text="They kept phoning me after I said stop (complaint-marker-8812).",
        actor="test",
        email="caller@example.org",
        name="Cal Caller",
    )
    return Casework(made[0], made[1], made[2], complaint.reference)


@pytest.fixture
def casework(committed_store: Store) -> Casework:
    return open_casework(committed_store)


def later(clock: ManualClock, **step: float) -> None:
    """Move the test clock on (a TOTP code is accepted once per 30-second step)."""
    clock.now += timedelta(**step)
