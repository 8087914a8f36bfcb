"""Helpers for the staff tests: an account made through the service, with what it was shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from steward.services import staff as service
from steward.staff.accounts import DEFAULT_POLICY, StaffAccount, StaffPolicy
from steward.staff.passwords import PasswordHashing
from steward.staff.roles import Role
from steward.staff.second_factor import totp_code
from steward.store.database import Store
from steward.store.tables import audit_events

NOON = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)
PASSWORD = "coral lantern gravel orbit"
OPERATOR = service.Operator("cli:test")
FROM = "192.0.2.10"
QUICK = StaffPolicy(hashing=PasswordHashing(time_cost=1, memory_kib=8192, parallelism=1))
"""Still argon2id, with light parameters: for tests that sign in many times to reach a limit."""


@dataclass(frozen=True)
class Enrolled:
    account: StaffAccount
    password: str
    secret: str
    recovery_codes: tuple[str, ...]

    @property
    def username(self) -> str:
        return self.account.username

    def code(self, moment: datetime) -> str:
        return totp_code(self.secret, moment)


def enrol(
    store: Store,
    username: str = "priya",
    role: Role = Role.privacy_lead,
    *,
    name: str = "Priya Shah",
    password: str = PASSWORD,
    at: datetime = NOON,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> Enrolled:
    created = service.create_account(
        store,
        username=username,
        display_name=name,
        role=role,
        password=password,
        by=OPERATOR,
        now=at,
        policy=policy,
    )
    enrolment = created.enrolment
    return Enrolled(created.account, password, enrolment.secret, enrolment.recovery_codes)


def sign_in(
    store: Store,
    who: Enrolled,
    at: datetime,
    *,
    code: str | None = None,
    password: str | None = None,
    source: str = FROM,
    policy: StaffPolicy = DEFAULT_POLICY,
) -> service.StaffSession:
    return service.login(
        store,
        who.username,
        who.password if password is None else password,
        who.code(at) if code is None else code,
        source,
        at,
        policy=policy,
    )


def audit_trail(store: Store) -> list[tuple[str, str, str]]:
    """(action, subject, actor) of every audit link, in order."""
    with store.unit_of_work("test", reads_only=True) as uow:
        rows = uow.connection.execute(
            select(audit_events.c.action, audit_events.c.subject, audit_events.c.actor).order_by(
                audit_events.c.sequence
            )
        )
        return [(row.action, row.subject, row.actor) for row in rows]
