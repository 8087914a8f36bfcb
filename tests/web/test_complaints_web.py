"""The public complaint form and API (DPA 2018 s.164A): recorded, acknowledged by e-mail at
once when possible, the due date given; mistakes keep what was typed; limits hold."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from steward.law.calendar import Nation
from steward.mail import MemoryMailer
from steward.services.complaints import list_complaints
from steward.web.app import create_app
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.unit.requests.manifests import outserve

TEXT = "You sent my details to a marketing agency without asking me (complaint-marker-5521)."


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def centre(web_wiring: WebWiring, mailer: MemoryMailer) -> Iterator[TestClient]:
    wiring = replace(web_wiring, manifest=outserve(), nation=Nation.england, mailer=mailer)
    with TestClient(create_app(wiring)) as client:
        yield client


def _token(client: TestClient) -> str:
    page = client.get("/complaints/new")
    assert page.status_code == 200
    return page.text.split(f'name="{FIELD}" value="')[1].split('"')[0]


def test_a_complaint_by_the_form_is_recorded_and_acknowledged_by_email_at_once(
    centre: TestClient, mailer: MemoryMailer, web_wiring: WebWiring
) -> None:
    sent = centre.post(
        "/complaints",
        data={FIELD: _token(centre), "text": TEXT, "email": "ann@example.org", "name": "Ann"},
    )
    assert sent.status_code == 201
    assert "We have received your complaint" in sent.text
    assert "sent an acknowledgement" in sent.text
    assert [m.to for m in mailer.sent] == ["ann@example.org"]
    (line,) = list_complaints(web_wiring.store, Nation.england, actor="test")
    assert line.complaint.reference in sent.text
    assert line.complaint.acknowledged_on is not None


def test_a_postal_only_complaint_is_told_the_day_it_will_be_acknowledged_by(
    centre: TestClient, mailer: MemoryMailer
) -> None:
    sent = centre.post(
        "/complaints",
        data={FIELD: _token(centre), "text": TEXT, "postal_address": "1 High St, Stafford"},
    )
    assert sent.status_code == 201
    assert "We will acknowledge your complaint by" in sent.text
    assert mailer.sent == []


def test_a_complaint_without_a_way_to_reply_keeps_what_was_typed(centre: TestClient) -> None:
    sent = centre.post("/complaints", data={FIELD: _token(centre), "text": TEXT})
    assert sent.status_code == 422
    assert 'role="alert"' in sent.text
    assert "complaint-marker-5521" in sent.text  # the text is still in the form


def test_the_form_refuses_a_post_without_its_token(centre: TestClient) -> None:
    sent = centre.post("/complaints", data={"text": TEXT, "email": "ann@example.org"})
    assert sent.status_code == 403


def test_the_api_takes_a_complaint_and_gives_the_due_date(
    centre: TestClient, mailer: MemoryMailer
) -> None:
    sent = centre.post("/api/complaints", json={"text": TEXT, "email": "bo@example.org"})
    assert sent.status_code == 201
    body = sent.json()
    assert body["reference"] and body["acknowledged"] is True
    assert body["acknowledgement_due"] >= "2026-11-26"
    bad = centre.post("/api/complaints", json={"email": "bo@example.org"})
    assert bad.status_code == 422
    assert bad.json()["where"] == "body.text"


def test_complaints_from_one_address_are_rate_limited(centre: TestClient) -> None:
    codes = [
        centre.post("/api/complaints", json={"text": TEXT, "email": "bo@example.org"}).status_code
        for _ in range(6)
    ]
    assert codes == [201] * 5 + [429]


def test_without_a_manifest_the_form_says_it_cannot_take_complaints(client: TestClient) -> None:
    sent = client.post("/api/complaints", json={"text": TEXT, "email": "bo@example.org"})
    assert sent.status_code == 503
    assert sent.json()["where"] == "STEWARD_MANIFEST"
