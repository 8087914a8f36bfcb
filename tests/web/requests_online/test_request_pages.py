"""The request pages over HTTP, on SQLite and PostgreSQL: make a request, enter the code, see its
progress; one answer for unknown people and unknown references; limits, CSRF and lockout."""

from __future__ import annotations

import dataclasses
import re
import socket
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from steward.mail import MemoryMailer, SmtpMailer
from steward.store.database import Store
from steward.store.people import ensure_person
from steward.store.tables import requests as requests_table
from steward.web.app import create_app
from steward.web.request_limits import CODE_TRIES, INTAKE
from steward.web.request_pass import COOKIE
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.web.requests_online.conftest import (
    REFERENCE,
    csrf_token,
    enter_code,
    last_code,
    make_request,
)


def stored_requests(store: Store) -> int:
    with store.unit_of_work("test", reads_only=True) as uow:
        return int(
            uow.connection.execute(select(func.count()).select_from(requests_table)).scalar_one()
        )


def main_of(page: str) -> str:
    return page.split('<main id="main" tabindex="-1">')[1].split("</main>")[0]


def blanked(text: str, reference: str) -> str:
    """The page with its reference and any typed code blanked out, to compare two answers."""
    return re.sub(r'value="\d{6}"', 'value="CODE"', text.replace(reference, "REF"))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_form_lists_the_six_rights_in_plain_words_without_javascript(
    client: TestClient,
) -> None:
    page = client.get("/requests/new")
    assert page.status_code == 200
    for title in (
        "See your data",
        "Take your data elsewhere",
        "Delete your data",
        "Correct your data",
        "Pause how we use your data",
        "Object to how we use your data",
    ):
        assert title in page.text
    assert 'name="csrf_token"' in page.text
    assert "<script" not in page.text
    assert "What it should say" in page.text
    assert "privacy@outserve.co.uk" in page.text  # other ways, from the manifest


def test_a_form_without_its_csrf_token_is_refused_and_nothing_recorded(
    client: TestClient, web_wiring: WebWiring
) -> None:
    client.get("/requests/new")
    sent = client.post(
        "/requests",
        data={"kind": "access", "email": "ada@example.org"},
        headers={"accept": "text/html"},
    )
    assert sent.status_code == 403
    assert "reload the page" in sent.text
    assert stored_requests(web_wiring.store) == 0


def test_mistakes_come_back_beside_their_boxes_with_what_was_typed_kept(
    client: TestClient, web_wiring: WebWiring
) -> None:
    token = csrf_token(client.get("/requests/new").text)
    sent = client.post(
        "/requests",
        data={
            "csrf_token": token,
            "kind": "rectification",
            "email": "ada at example",
            "name": "Ada Lovelace",
            "details": "my account from 2019",
            "correct_field": "name",
        },
    )
    assert sent.status_code == 422
    page = sent.text
    assert "There is a problem" in page
    assert 'href="#field-email"' in page and 'href="#field-should_be"' in page
    assert 'value="ada at example"' in page and 'value="Ada Lovelace"' in page
    assert ">my account from 2019</textarea>" in page
    assert 'value="rectification" aria-describedby="kind-rectification-hint" checked' in page
    assert '<option value="name" selected>' in page
    assert 'aria-describedby="email-hint error-email" aria-invalid="true"' in page
    assert page.count('aria-invalid="true"') == 2
    assert stored_requests(web_wiring.store) == 0


def test_a_request_is_made_confirmed_and_followed_to_its_due_date(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = make_request(client, kind="erasure", name="Ada Lovelace")
    page = client.get(f"/requests/{reference}/verify?sent=sent")
    assert reference in page.text
    assert "We have sent a six-digit code" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert mailer.sent[-1].to == "ada@example.org"
    assert "Enter it at" not in mailer.sent[-1].text  # no public address declared: no link

    confirmed = enter_code(client, reference, last_code(mailer))
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"/requests/{reference}"
    cookie = confirmed.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for flag in (f"Path=/requests/{reference}", "HttpOnly", "SameSite=Strict"):
        assert flag in cookie

    status = client.get(f"/requests/{reference}")
    assert status.status_code == 200
    assert status.headers["cache-control"] == "no-store"
    text = main_of(status.text)
    assert "Delete your data" in text and "UK GDPR Art 17" in text
    assert "Confirmed" in text
    assert "Thursday 26 November 2026" in text  # received
    assert "Tuesday 29 December 2026 (in 33 days)" in text  # due, after the bank holidays
    assert "ada@example.org" not in text and "Ada Lovelace" not in text


def test_a_status_page_without_its_pass_is_the_same_for_every_reference(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = make_request(client)
    unverified = client.get(f"/requests/{reference}")
    unknown = client.get("/requests/R-2026-ZZZZZZ")
    assert unverified.status_code == unknown.status_code == 403
    assert unverified.text.replace(reference, "REF") == unknown.text.replace("R-2026-ZZZZZZ", "REF")
    assert "Only for the person who made the request" in unknown.text


def test_one_requests_pass_does_not_open_another(client: TestClient, mailer: MemoryMailer) -> None:
    first = make_request(client)
    assert enter_code(client, first, last_code(mailer)).status_code == 303
    second = make_request(client, email="bo@example.org")
    token = client.cookies.get(COOKIE, path=f"/requests/{first}")
    assert token
    other = TestClient(client.app, base_url="http://testserver")
    other.cookies.set(COOKIE, token, path=f"/requests/{second}")
    assert other.get(f"/requests/{second}").status_code == 403
    assert client.get(f"/requests/{second}").status_code == 403
    assert client.get(f"/requests/{first}").status_code == 200


def test_a_forged_pass_is_refused(client: TestClient) -> None:
    reference = make_request(client)
    client.cookies.set(COOKIE, "9999999999.forged", path=f"/requests/{reference}")
    assert client.get(f"/requests/{reference}").status_code == 403


def test_known_and_unknown_people_get_the_same_pages(
    client: TestClient, web_wiring: WebWiring, mailer: MemoryMailer
) -> None:
    with web_wiring.store.unit_of_work("test") as uow:
        ensure_person(uow, email="known@example.org")
        uow.commit()
    pages = []
    for email in ("known@example.org", "stranger@example.org"):
        reference = make_request(client, email=email)
        verify = client.get(f"/requests/{reference}/verify?sent=sent").text
        refused = enter_code(client, reference, wrong(last_code(mailer)))
        confirmed = enter_code(client, reference, last_code(mailer))
        status = main_of(client.get(f"/requests/{reference}").text)
        mail = mailer.sent[-1].text.replace(last_code(mailer), "CODE")
        pages.append(
            [
                blanked(text, reference)
                for text in (verify, refused.text, str(confirmed.status_code), status, mail)
            ]
        )
    assert pages[0] == pages[1]


def test_a_wrong_code_an_expired_code_and_an_unknown_reference_get_one_answer(
    client: TestClient, mailer: MemoryMailer, clock: ManualClock
) -> None:
    reference = make_request(client)
    code = last_code(mailer)
    answers = []
    wrong_try = enter_code(client, reference, wrong(code))
    answers.append((wrong_try.status_code, blanked(main_of(wrong_try.text), reference)))
    unknown = enter_code(client, "R-2026-ZZZZZZ", code)
    answers.append((unknown.status_code, blanked(main_of(unknown.text), "R-2026-ZZZZZZ")))
    clock.now += timedelta(minutes=16)
    expired = enter_code(client, reference, code)
    answers.append((expired.status_code, blanked(main_of(expired.text), reference)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 422
    assert "That code did not work" in answers[0][1]
    assert f'value="{code}"' in expired.text  # what was typed is kept


def test_five_wrong_codes_lock_the_code_until_a_new_one_is_sent(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = make_request(client)
    code = last_code(mailer)
    for _ in range(5):
        assert enter_code(client, reference, wrong(code)).status_code == 422
    assert enter_code(client, reference, code).status_code == 422
    token = csrf_token(client.get(f"/requests/{reference}/verify").text)
    again = client.post(
        f"/requests/{reference}/code", data={"csrf_token": token}, follow_redirects=False
    )
    assert again.status_code == 303
    assert again.headers["location"] == f"/requests/{reference}/verify?sent=again"
    assert len(mailer.sent) == 2
    assert enter_code(client, reference, last_code(mailer)).status_code == 303


def test_asking_for_a_new_code_answers_the_same_for_any_reference(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = make_request(client)
    token = csrf_token(client.get(f"/requests/{reference}/verify").text)
    answers = []
    for asked in (reference, "R-2026-ZZZZZZ"):
        sent = client.post(f"/requests/{asked}/code", data={"csrf_token": token})
        answers.append((sent.status_code, sent.text.replace(asked, "REF")))
    assert answers[0] == answers[1]
    assert "If this request is waiting for a code" in answers[0][1]
    assert len(mailer.sent) == 2  # intake's, and one new one for the real request


def test_asking_for_a_new_code_needs_the_csrf_token(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = make_request(client)
    sent = client.post(f"/requests/{reference}/code", headers={"accept": "text/html"})
    assert sent.status_code == 403
    assert len(mailer.sent) == 1


def test_entering_a_code_needs_the_csrf_token(client: TestClient, mailer: MemoryMailer) -> None:
    reference = make_request(client)
    sent = client.post(
        f"/requests/{reference}/verify",
        data={"code": last_code(mailer)},
        headers={"accept": "text/html"},
    )
    assert sent.status_code == 403
    assert enter_code(client, reference, last_code(mailer)).status_code == 303


def test_too_many_requests_from_one_source_are_refused_with_retry_after(
    client: TestClient, web_wiring: WebWiring
) -> None:
    token = csrf_token(client.get("/requests/new").text)
    allowed, _window = INTAKE
    for _ in range(allowed):
        sent = client.post("/requests", data={"csrf_token": token, "kind": "", "email": ""})
        assert sent.status_code == 422
    refused = client.post(
        "/requests", data={"csrf_token": token, "kind": "access", "email": "ada@example.org"}
    )
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many requests" in refused.text
    assert stored_requests(web_wiring.store) == 0


def test_too_many_codes_from_one_source_are_refused_with_retry_after(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = make_request(client)
    allowed, _window = CODE_TRIES
    for _ in range(allowed):
        enter_code(client, reference, "000000")
    refused = enter_code(client, reference, last_code(mailer))
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


def test_a_malformed_reference_is_no_page(client: TestClient) -> None:
    for path in ("/requests/R-2026-abc/verify", "/requests/nothing"):
        page = client.get(path, headers={"accept": "text/html"})
        assert page.status_code == 404
        assert "R-2026-ABC234" in page.text


def test_without_a_mail_server_the_form_says_so_and_still_records_the_request(
    web_wiring: WebWiring,
) -> None:
    app = create_app(dataclasses.replace(web_wiring, mailer=None))
    with TestClient(app) as client:
        form = client.get("/requests/new")
        assert "We cannot confirm requests online just now" in form.text
        sent = client.post(
            "/requests",
            data={
                "csrf_token": csrf_token(form.text),
                "kind": "objection",
                "email": "ada@example.org",
            },
        )
        assert sent.status_code == 202
        found = REFERENCE.search(sent.text)
        assert found is not None
        assert "Request recorded" in sent.text
        assert "You do not need to send it again" in sent.text
        assert "privacy@outserve.co.uk" in sent.text
        again = client.post(
            f"/requests/{found.group(0)}/code",
            data={"csrf_token": csrf_token(form.text)},
            headers={"accept": "text/html"},
        )
        assert again.status_code == 503
    assert stored_requests(web_wiring.store) == 1


def test_when_the_mail_server_is_down_the_request_is_kept_and_the_page_says_so(
    web_wiring: WebWiring,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    down = SmtpMailer("127.0.0.1", port, "privacy@outserve.example", starttls=False)
    app = create_app(dataclasses.replace(web_wiring, mailer=down))
    with TestClient(app) as client:
        token = csrf_token(client.get("/requests/new").text)
        sent = client.post(
            "/requests",
            data={"csrf_token": token, "kind": "access", "email": "ada@example.org"},
        )
    assert sent.status_code == 200
    assert str(sent.url).endswith("?sent=failed")
    assert "we could not send the code just now" in sent.text
    assert stored_requests(web_wiring.store) == 1


def test_without_a_manifest_the_form_is_unavailable_and_says_how_else(
    web_wiring: WebWiring,
) -> None:
    app = create_app(dataclasses.replace(web_wiring, nation=None, manifest=None))
    with TestClient(app) as client:
        page = client.get("/requests/new", headers={"accept": "text/html"})
    assert page.status_code == 503
    assert "e-mail, post or phone" in page.text


def test_the_address_the_form_is_sent_to_leads_back_to_the_form(client: TestClient) -> None:
    page = client.get("/requests", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/requests/new"


def test_the_codes_mail_links_to_the_declared_address_whatever_host_the_form_names(
    web_wiring: WebWiring, mailer: MemoryMailer
) -> None:
    public = dataclasses.replace(web_wiring, public_url="https://privacy.outserve.example/")
    with TestClient(create_app(public), base_url="http://testserver") as client:
        token = csrf_token(client.get("/requests/new").text)
        sent = client.post(
            "/requests",
            data={"csrf_token": token, "kind": "access", "email": "ada@example.org"},
            headers={"host": "evil.example"},
            follow_redirects=False,
        )
    found = REFERENCE.search(sent.headers["location"])
    assert found is not None
    text = mailer.sent[-1].text
    assert f"Enter it at https://privacy.outserve.example/requests/{found.group(0)}/verify" in text
    assert "evil.example" not in text
