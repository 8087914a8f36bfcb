"""Complaints, consent lookup and the audit chain in the staff console."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.mail import MemoryMailer
from steward.staff.roles import Role
from steward.store.audit_witness import read_head, witness_line
from steward.store.ledger import ensure_person, record
from steward.store.tables import audit_events
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.integration.staff.accounts import audit_trail
from tests.web.console.conftest import Casework, enrol, form_token, signed_in_client

ADDRESS = "lookup-person@example.org"


def as_role(wiring: WebWiring, role: Role, clock: ManualClock) -> Iterator[TestClient]:
    return signed_in_client(wiring, enrol(wiring.store, role, clock), clock)


def post(client: TestClient, path: str, **fields: str) -> httpx.Response:
    return client.post(path, data={FIELD: form_token(client, "/staff"), **fields})


# complaints


def test_the_complaint_list_marks_what_is_due_soon_and_office_sees_no_actions(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    for office in as_role(console_wiring, Role.office, clock):
        listing = office.get("/staff/complaints")
        detail = office.get(f"/staff/complaints/{casework.complaint}")
    row = listing.text.split(casework.complaint)[2].split("</tr>")[0]
    assert "acknowledge by 2026-12" in row and "At risk" in row
    assert detail.status_code == 200
    assert "Acknowledge receipt" not in detail.text
    assert "complaint-marker-8812" in detail.text.split("<details>")[1]
    assert "complaint.received" in detail.text.split("Audit trail")[1]


def test_marketing_logs_a_complaint_received_by_phone_and_gets_its_reference(
    console_wiring: WebWiring, clock: ManualClock
) -> None:
    for marketing in as_role(console_wiring, Role.marketing, clock):
        assert marketing.get("/staff/complaints").status_code == 403
        refused = marketing.post(
            "/staff/complaints",
            data={FIELD: form_token(marketing, "/staff/complaints/new"), "channel": "phone"},
        )
        assert refused.status_code == 422
        assert "describe" in refused.text.lower() or "text" in refused.text
        made = marketing.post(
            "/staff/complaints",
            data={
                FIELD: form_token(marketing, "/staff/complaints/new"),
                "channel": "phone",
                "received": "2026-11-25",
                "text": "Rang to say our caller was rude about her data (marker-5150).",
                "postal_address": "1 High Street\nLeeds",
            },
        )
    assert made.status_code == 201
    assert "recorded" in made.text and "Acknowledge it by" in made.text
    assert "Open the complaint" not in made.text
    actions = [a for a, _, _ in audit_trail(console_wiring.store)]
    assert "complaint.received" in actions


def test_the_privacy_lead_takes_a_complaint_from_acknowledgement_to_closure(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock, mailer: MemoryMailer
) -> None:
    path = f"/staff/complaints/{casework.complaint}"
    for lead in as_role(console_wiring, Role.privacy_lead, clock):
        too_soon = post(lead, path + "/outcome", outcome="Apologised", told_on="")
        assert too_soon.status_code == 409
        assert "acknowledge it first" in too_soon.text
        page = lead.get(path)
        assert 'value="send-email"' in page.text
        assert post(lead, path + "/acknowledge", method="send-email").status_code == 303
        assert [m.to for m in mailer.sent] == ["caller@example.org"]
        steps = (
            ("/progress", {"note": "Asked the call centre for the logs", "told": "true"}),
            ("/outcome", {"outcome": "Calls stopped; number suppressed", "told_on": ""}),
            ("/close", {"reason": "resolved", "note": ""}),
        )
        for suffix, fields in steps:
            answer = post(lead, path + suffix, **fields)
            assert answer.status_code == 303, suffix
        closed = lead.get(path)
    assert "Closed</dt><dd>2026-11-26: resolved" in closed.text
    timeline = closed.text.split("Timeline")[1].split("Audit trail")[0]
    assert "Asked the call centre for the logs" in timeline
    assert "Next steps" not in closed.text
    trail = closed.text.split("Audit trail")[1]
    assert trail.count("staff:") >= 4


def test_a_future_day_or_an_unknown_method_is_refused_on_the_complaint_page(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    path = f"/staff/complaints/{casework.complaint}"
    for lead in as_role(console_wiring, Role.privacy_lead, clock):
        future = post(lead, path + "/acknowledge", method="letter", note="sent", on="2027-01-01")
        odd = post(lead, path + "/acknowledge", method="pigeon")
        bad_day = post(lead, path + "/acknowledge", method="letter", on="yesterday")
    assert future.status_code == 422 and "in the future" in future.text
    assert odd.status_code == 422
    assert bad_day.status_code == 422 and "not a date" in bad_day.text


# consent


def seed_consent(wiring: WebWiring) -> str:
    with wiring.store.unit_of_work("test") as uow:
        person = ensure_person(uow, email=ADDRESS)
        record(
            uow,
            ConsentEvent(
                event_id="console-seed-1",
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
    return str(person)


def test_marketing_looks_up_consent_by_email_through_a_post_and_the_lookup_is_audited(
    console_wiring: WebWiring, clock: ManualClock
) -> None:
    person = seed_consent(console_wiring)
    for marketing in as_role(console_wiring, Role.marketing, clock):
        found = marketing.post(
            "/staff/consent",
            data={
                FIELD: form_token(marketing, "/staff/consent"),
                "identifier": "  Lookup-Person@Example.org ",
            },
        )
        nobody = marketing.post(
            "/staff/consent",
            data={FIELD: form_token(marketing, "/staff/consent"), "identifier": "+44 20 7946 0999"},
        )
        nonsense = marketing.post(
            "/staff/consent",
            data={FIELD: form_token(marketing, "/staff/consent"), "identifier": "not an id"},
        )
    assert found.status_code == 200
    table = found.text.split("<table>")[1]
    assert "newsletter" in table and "<strong>given</strong>" in table and "web-form" in table
    assert f"person {person}" in found.text
    assert "Nobody found" in nobody.text
    assert nonsense.status_code == 422
    lookups = [s for a, s, _ in audit_trail(console_wiring.store) if a == "staff.consent_lookup"]
    assert lookups == [f"person:{person}"]


def test_hr_cannot_look_up_consent(console_wiring: WebWiring, clock: ManualClock) -> None:
    for hr in as_role(console_wiring, Role.hr, clock):
        assert hr.get("/staff/consent").status_code == 403


# audit chain


def test_the_auditor_sees_the_chain_verified_with_a_witness_line_that_checks(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    with console_wiring.store.unit_of_work("test", reads_only=True) as uow:
        earlier = witness_line(read_head(uow), clock.now)
    for auditor in as_role(console_wiring, Role.auditor, clock):
        page = auditor.get("/staff/audit")
        checked = auditor.get("/staff/audit", params={"witness": earlier})
        wrong = auditor.get(
            "/staff/audit", params={"witness": earlier.split()[1].split(":")[0] + ":" + "ab" * 32}
        )
        garbled = auditor.get("/staff/audit", params={"witness": "not a witness"})
    assert "Verified." in page.text
    line = page.text.split('id="witness-line">')[1].split("</pre>")[0]
    assert line.startswith("steward-audit ") and ":" in line
    assert "<strong>found</strong>" in checked.text and "Verified." in checked.text
    assert "Not intact." in wrong.text and "holds" in wrong.text
    assert garbled.status_code == 422 and "is not a witness" in garbled.text


def test_a_rewritten_link_shows_where_the_chain_breaks(
    console_wiring: WebWiring, casework: Casework, clock: ManualClock
) -> None:
    with console_wiring.store.unit_of_work("test") as uow:
        uow.connection.execute(
            update(audit_events).where(audit_events.c.sequence == 2).values(actor="someone-else")
        )
        uow.commit()
    for lead in as_role(console_wiring, Role.privacy_lead, clock):
        page = lead.get("/staff/audit")
    assert "Not intact." in page.text
    assert "broken at link 2" in page.text
