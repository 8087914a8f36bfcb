"""No plaintext identifier at rest or in logs: seed known people, data-subject requests about
them (with a one-time code sent) and complaints from them (acknowledged by e-mail, with progress
notes and an outcome), then search the raw SQLite file, a pg_dump of the PostgreSQL database and
every captured log line for them. The same for staff accounts' secrets."""

from __future__ import annotations

import logging
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from steward.complaints.lifecycle import ComplaintChannel
from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.errors import SignInRefused
from steward.law.calendar import Nation
from steward.mail import MemoryMailer
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import complaints as complaint_service
from steward.services import requests as request_service
from steward.services import staff
from steward.staff.roles import Role
from steward.staff.second_factor import totp_code
from steward.store.audit import verify_chain
from steward.store.database import Store
from steward.store.ledger import ensure_person, find_person, record
from steward.store.tables import staff_accounts

PEOPLE = [
    ("Zelda.Quartermain@example.org", "07700 900461", "Zelda Quartermain"),
    ("ostrich-umbrella-42@example.net", "+44 20 7946 0321", "Barnaby Oxenford"),
]
COMPLAINT_WORDS = [
    "Xylophone Cottage, 17 Quillfeather Lane",  # a postal address
    "my tax records were pinned to the canteen noticeboard",  # what the complaint says
    "interviewed the canteen supervisor Ottoline",  # a progress note
    "upheld: noticeboard cleared and apology from Ottoline",  # the outcome
]


def needles() -> list[bytes]:
    values = []
    for email, phone, name in PEOPLE:
        values += [email, email.lower(), email.split("@")[0].lower(), name, "7700900461"]
        values += [phone.replace(" ", "")]
    values += COMPLAINT_WORDS
    return [value.encode() for value in values]


def seed(store: Store) -> None:
    with store.unit_of_work(actor="test") as uow:
        for number, (email, phone, name) in enumerate(PEOPLE):
            person = ensure_person(uow, email=email, phone=phone, name=name)
            record(
                uow,
                ConsentEvent(
                    event_id=f"seed-{number}",
                    person=person,
                    kind=ConsentEventKind.GIVEN,
                    purpose="newsletter",
                    channel="email",
                    source="web-form",
                    wording="Send me news",
                    wording_version="v1",
                    occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
                ),
            )
        uow.commit()
    seed_requests(store)
    seed_complaints(store)
    with store.unit_of_work(actor="test") as uow:
        assert find_person(uow, email=PEOPLE[0][0]) is not None
        assert verify_chain(uow).intact


def seed_requests(store: Store) -> None:
    """A rectification request per person, naming them in every free-text field."""
    mailer = MemoryMailer()
    for email, phone, name in PEOPLE:
        request = request_service.new_request(
            store,
            Nation.england,
            kind=RequestKind.rectification,
            channel=Channel.email,
            received=store.clock().date(),
            identities=[
                (IdentityKind.email, email),
                (IdentityKind.phone, phone),
                (IdentityKind.name, name),
            ],
            actor="test",
            details=f"{name} writes from {email} about {phone}",
            changes=[f"email={email}"],
            mailer=mailer,
        )
        request_service.assign(
            store, Nation.england, request.reference, staff="Priya", actor="test"
        )
        request_service.close(
            store, Nation.england, request.reference, outcome=f"{name} corrected", actor="test"
        )
    assert len(mailer.sent) == len(PEOPLE)


def seed_complaints(store: Store) -> None:
    """A complaint per person, naming them and their address in every field that takes text."""
    mailer = MemoryMailer()
    address, text, note, outcome = COMPLAINT_WORDS
    for email, phone, name in PEOPLE:
        complaint = complaint_service.receive_complaint(
            store,
            Nation.england,
            channel=ComplaintChannel.letter,
            received=store.clock().date(),
            text=f"{name} ({email}, {phone}) says {text}",
            actor="test",
            name=name,
            email=email,
            postal_address=f"{name}\n{address}",
            phone=phone,
        )
        reference = complaint.reference
        complaint_service.acknowledge_by_email(
            store, Nation.england, mailer, reference, organisation="Outserve", actor="test"
        )
        complaint_service.record_progress(
            store, Nation.england, reference, note=f"{note} about {name}", told=True, actor="test"
        )
        complaint_service.record_outcome(
            store, Nation.england, reference, outcome=f"{outcome} to {name}", actor="test"
        )
    assert [message.to for message in mailer.sent] == [email.lower() for email, _, _ in PEOPLE]


def database_bytes(url: str) -> bytes:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        base = Path(str(parsed.database))
        files = [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]
        return b"".join(path.read_bytes() for path in files if path.exists())
    dump = subprocess.run(
        ["pg_dump", "--host=127.0.0.1", "--username=postgres", "--data-only", str(parsed.database)],
        check=True,
        capture_output=True,
    )
    assert b"COPY public.person_identifiers" in dump.stdout  # the dump really holds the data
    assert b"COPY public.requests" in dump.stdout
    assert b"COPY public.complaints" in dump.stdout
    assert b"COPY public.complaint_events" in dump.stdout
    return dump.stdout


def test_known_identifiers_appear_nowhere_in_storage_or_logs(
    committed_store: Store,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    store = committed_store  # the search reads the database's files and a dump
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement and its values
    seed(store)
    store.engine.dispose()
    stored = database_bytes(database_url)
    captured = capfd.readouterr()
    logged = (caplog.text + captured.out + captured.err).encode()
    assert "INSERT INTO person_identifiers" in caplog.text  # statements were really logged
    assert b"Send me news" in stored  # the search sees plaintext that is meant to be there
    assert b"rectification" in stored
    assert b"outcome_recorded" in stored  # the complaints' lifecycle facts are there in the clear
    for needle in needles():
        assert needle not in stored, needle
        assert needle.lower() not in stored.lower(), needle
        assert needle not in logged, needle


def test_staff_secrets_appear_nowhere_in_storage_or_logs(
    committed_store: Store,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A staff account's password, TOTP secret, recovery codes, session token and CSRF token,
    the codes typed and the address signed in from are kept nowhere and logged nowhere; its
    display name is sealed; its password is an argon2id hash."""
    store = committed_store
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    password = "ostrich umbrella velvet harbour"
    created = staff.create_account(
        store,
        username="zelda",
        display_name="Zelda Quartermain",
        role=Role.privacy_lead,
        password=password,
        by=staff.Operator("cli:test"),
        now=now,
    )
    secret, codes = created.enrolment.secret, created.enrolment.recovery_codes
    typed = [totp_code(secret, now + timedelta(minutes=m)) for m in (1, 2)]
    opened = staff.login(
        store, "zelda", password, typed[0], "203.0.113.99", now + timedelta(minutes=1)
    )
    again = staff.login(
        store, "zelda", password, codes[0], "203.0.113.99", now + timedelta(minutes=2)
    )
    for n in range(5):  # a wrong password typed, and a lock written to the log
        with pytest.raises(SignInRefused):
            staff.login(store, "zelda", f"wrong horse {n}", typed[1], "203.0.113.99", now)
    staff.logout(store, opened.token, now + timedelta(minutes=3))
    with store.unit_of_work("test", reads_only=True) as uow:
        hashes = uow.connection.execute(select(staff_accounts.c.password_hash)).scalars().all()
    store.engine.dispose()
    stored = database_bytes(database_url)
    captured = capfd.readouterr()
    logged = (caplog.text + captured.out + captured.err).encode()

    assert hashes and all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in hashes)
    assert b"zelda" in stored  # the username is meant to be there: the search sees the table
    assert "locked until" in caplog.text  # the lock was logged (by account id)
    secrets_kept = [
        password,
        "wrong horse",
        secret,
        secret.lower(),
        created.enrolment.spaced_secret,
        opened.token,
        again.token,
        opened.signed_in.csrf_token,
        "Zelda Quartermain",
        "203.0.113.99",
        *codes,
        *(code.replace("-", "") for code in codes),
    ]
    for needle in (value.encode() for value in secrets_kept):
        assert needle not in stored, needle
        assert needle not in logged, needle
    for code in typed:
        assert code.encode() not in logged, code
