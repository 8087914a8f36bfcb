"""The contact-form relay over HTTP: a form from the organisation's site reaches the inbox by
real SMTP, with the sender as Reply-To; everything else (mistakes, robots, other sites, floods,
a mail server that is down) is answered clearly and only counted."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest

from steward.relay.enquiry import MESSAGE_MAX
from steward.relay.screening import fill_key, fill_token
from steward.web.problems import PROBLEM_JSON
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.web.conftest import WEB_SECRET
from tests.web.relay_support import FORM, FROM_SITE, INBOX, SENDER, SITE, running_relay


def test_a_form_from_the_site_reaches_the_inbox_with_the_sender_as_reply_to(
    web_wiring: WebWiring,
) -> None:
    with running_relay(web_wiring) as relay:
        answer = relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE)
        assert answer.status_code == 200
        assert "your message has been sent" in answer.text
        assert f'href="{SITE}/"' in answer.text
        assert answer.headers["cache-control"] == "no-store"
        assert relay.inbox.recipients == [[INBOX]]
        mail = relay.inbox.messages[0]
        assert mail["From"] == SENDER
        assert mail["To"] == INBOX
        assert mail["Reply-To"] == "Ann Example <ann@example.org>"
        assert mail["Subject"] == "Website enquiry: Opening hours"
        assert mail["X-Steward-Relay"] == "contact-form"
        body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
        assert "Name: Ann Example\nE-mail: ann@example.org\nPhone: +44 20 7946 0000\n" in body
        assert "Hello,\nare you open on Saturdays?\n" in body
        assert f"contact form on {SITE}" in body
        assert relay.counts() == {"sent": 1}


def test_a_name_with_commas_and_accents_makes_a_working_reply_to(web_wiring: WebWiring) -> None:
    form = {**FORM, "name": "Ó Briain, Seán", "topic": ""}
    with running_relay(web_wiring) as relay:
        assert relay.client.post("/relay/contact", data=form, headers=FROM_SITE).is_success
        mail = relay.inbox.messages[0]
    parsed = message_from_bytes(mail.as_bytes(), policy=default)  # as a mail client reads it
    (address,) = parsed["Reply-To"].addresses
    assert (address.display_name, address.addr_spec) == ("Ó Briain, Seán", "ann@example.org")
    assert parsed["Subject"] == "Website enquiry from Ó Briain, Seán"


def test_a_sent_form_is_redirected_to_the_configured_thank_you_page(
    web_wiring: WebWiring,
) -> None:
    thanks = SITE + "/contact/thanks"
    with running_relay(web_wiring, thanks_url=thanks) as relay:
        answer = relay.client.post(
            "/relay/contact", data=FORM, headers=FROM_SITE, follow_redirects=False
        )
        assert (answer.status_code, answer.headers["location"]) == (303, thanks)
        assert len(relay.inbox.messages) == 1


def test_a_caller_that_asks_for_json_gets_json_from_the_form_route(web_wiring: WebWiring) -> None:
    with running_relay(web_wiring) as relay:
        headers = {**FROM_SITE, "accept": "application/json"}
        sent = relay.client.post("/relay/contact", data=FORM, headers=headers)
        wrong = relay.client.post("/relay/contact", data={**FORM, "email": "x"}, headers=headers)
    assert sent.json()["status"] == "sent"
    assert wrong.status_code == 422
    assert wrong.headers["content-type"] == PROBLEM_JSON
    assert [item["where"] for item in wrong.json()["errors"]] == ["email"]


def test_the_json_api_sends_and_answers_cors_for_the_allowed_site_only(
    web_wiring: WebWiring,
) -> None:
    body = {key: value for key, value in FORM.items()}
    with running_relay(web_wiring) as relay:
        sent = relay.client.post("/api/relay/contact", json=body, headers=FROM_SITE)
        preflight = relay.client.options(
            "/api/relay/contact",
            headers={**FROM_SITE, "access-control-request-method": "POST"},
        )
        elsewhere = relay.client.options(
            "/api/relay/contact", headers={"origin": "https://elsewhere.example"}
        )
        assert len(relay.inbox.messages) == 1
    assert sent.status_code == 200
    assert sent.json()["status"] == "sent"
    assert sent.headers["access-control-allow-origin"] == SITE
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SITE
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-origin" not in elsewhere.headers


def test_mistakes_are_all_named_and_nothing_is_sent(web_wiring: WebWiring) -> None:
    form = {**FORM, "name": "", "email": "ann at example", "message": "Please call me back"}
    with running_relay(web_wiring) as relay:
        page = relay.client.post("/relay/contact", data=form, headers=FROM_SITE)
        api = relay.client.post("/api/relay/contact", json=form, headers=FROM_SITE)
        assert relay.inbox.messages == []
        assert relay.counts() == {"refused": 2}
    assert page.status_code == 422
    assert "Your name" in page.text and "Your e-mail address" in page.text
    assert "Please call me back" in page.text  # shown back, so it can be copied
    assert [item["where"] for item in api.json()["errors"]] == ["name", "email"]
    assert api.headers["access-control-allow-origin"] == SITE


@pytest.mark.parametrize("field", ["name", "email", "topic"])
def test_a_header_smuggled_into_a_field_is_refused_and_reaches_no_one(
    web_wiring: WebWiring, field: str
) -> None:
    injected = {**FORM, field: FORM.get(field, "x") + "\r\nBcc: victim@example.net"}
    with running_relay(web_wiring) as relay:
        answer = relay.client.post("/relay/contact", data=injected, headers=FROM_SITE)
        assert answer.status_code == 422
        assert "one line" in answer.text
        assert relay.inbox.recipients == []
        assert relay.counts() == {"refused": 1}


def test_a_filled_honeypot_looks_sent_but_nothing_is_sent(web_wiring: WebWiring) -> None:
    with running_relay(web_wiring) as relay:
        honest = relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE)
        robot = relay.client.post(
            "/relay/contact", data={**FORM, "website": "http://buy.example"}, headers=FROM_SITE
        )
        api = relay.client.post(
            "/api/relay/contact", json={**FORM, "website": "x"}, headers=FROM_SITE
        )
        assert len(relay.inbox.messages) == 1
        assert relay.counts() == {"sent": 1, "spam": 2}
    assert robot.status_code == honest.status_code == 200
    assert robot.text.replace(robot.headers.get("x", ""), "").count("has been sent") == 1
    assert api.json()["status"] == "sent"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://elsewhere.example"},
        {"referer": "https://elsewhere.example/contact"},
        {"origin": "null"},
        {},
    ],
    ids=["other-origin", "other-referer", "null-origin", "no-header"],
)
def test_a_post_from_a_site_not_on_the_allow_list_is_refused(
    web_wiring: WebWiring, headers: dict[str, str]
) -> None:
    with running_relay(web_wiring) as relay:
        answer = relay.client.post(
            "/relay/contact", data=FORM, headers={**headers, "accept": "application/json"}
        )
        assert relay.inbox.messages == []
        assert relay.counts() == {"refused": 1}
    assert answer.status_code == 403
    assert answer.json()["where"] == "Origin"
    assert "STEWARD_RELAY_ORIGINS" in answer.json()["hint"]


def test_a_page_on_the_site_that_sends_only_a_referer_is_accepted(web_wiring: WebWiring) -> None:
    with running_relay(web_wiring) as relay:
        headers = {"referer": SITE + "/contact-us?from=menu"}
        assert relay.client.post("/relay/contact", data=FORM, headers=headers).is_success
        assert len(relay.inbox.messages) == 1


def test_too_many_posts_from_one_source_are_refused_with_retry_after(
    web_wiring: WebWiring, clock: ManualClock
) -> None:
    with running_relay(web_wiring, per_source_per_hour=2) as relay:
        for _ in range(2):
            assert relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE).is_success
        refused = relay.client.post(
            "/relay/contact", data=FORM, headers={**FROM_SITE, "accept": "application/json"}
        )
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert len(relay.inbox.messages) == 2
        clock.now += timedelta(hours=1)
        assert relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE).is_success
        assert len(relay.inbox.messages) == 3
        assert relay.counts() == {"sent": 3}  # a throttled post writes nothing


def test_the_overall_limit_holds_across_sources(web_wiring: WebWiring) -> None:
    with running_relay(web_wiring, per_hour=1) as relay:
        assert relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE).is_success
        refused = relay.client.post("/api/relay/contact", json=FORM, headers=FROM_SITE)
    assert refused.status_code == 429
    assert "more messages than usual" in refused.json()["detail"]
    assert refused.headers["access-control-allow-origin"] == SITE
    assert "retry-after" in refused.headers


def test_when_the_mail_server_is_down_the_person_is_told_it_was_not_sent(
    web_wiring: WebWiring,
) -> None:
    with running_relay(web_wiring, mail_server_down=True) as relay:
        page = relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE)
        api = relay.client.post("/api/relay/contact", json=FORM, headers=FROM_SITE)
        assert relay.counts() == {"mail_failed": 2}
    assert page.status_code == 503
    assert "Your message was NOT sent" in page.text
    assert f'href="mailto:{INBOX}"' in page.text
    assert "are you open on Saturdays?" in page.text  # shown back, so it can be copied
    assert api.status_code == 503
    assert api.json()["type"].endswith("/not-sent")
    assert "NOT sent" in api.json()["detail"]
    assert INBOX in api.json()["hint"]


def test_a_relay_with_no_inbox_says_nothing_was_sent(web_wiring: WebWiring) -> None:
    with running_relay(web_wiring, inbox=None) as relay:
        answer = relay.client.post("/relay/contact", data=FORM, headers=FROM_SITE)
        form = relay.client.get("/relay/contact")
        assert relay.inbox.messages == []
    assert answer.status_code == 503
    assert "not connected to an inbox" in answer.text
    assert form.status_code == 503


def test_the_hosted_form_works_without_javascript_and_counts_a_hasty_post_as_spam(
    web_wiring: WebWiring, clock: ManualClock
) -> None:
    with running_relay(web_wiring) as relay:
        page = relay.client.get("/relay/contact")
        assert page.status_code == 200
        assert "<script" not in page.text
        assert 'action="/relay/contact"' in page.text
        started = page.text.split('name="started" value="')[1].split('"')[0]
        own = {"origin": "http://testserver"}
        hasty = relay.client.post("/relay/contact", data={**FORM, "started": started}, headers=own)
        clock.now += timedelta(seconds=20)
        patient = relay.client.post(
            "/relay/contact", data={**FORM, "started": started}, headers=own
        )
        assert hasty.status_code == patient.status_code == 200
        assert len(relay.inbox.messages) == 1
        assert relay.counts() == {"spam": 1, "sent": 1}


def test_an_altered_or_expired_hosted_form_is_refused_with_a_reload_hint(
    web_wiring: WebWiring, clock: ManualClock
) -> None:
    old = fill_token(fill_key(WEB_SECRET), clock() - timedelta(days=2))
    with running_relay(web_wiring) as relay:
        own = {"origin": "http://testserver", "accept": "application/json"}
        for token in (old, "123.forged"):
            answer = relay.client.post(
                "/relay/contact", data={**FORM, "started": token}, headers=own
            )
            assert answer.status_code == 422
            assert "reload" in answer.json()["hint"]
        assert relay.inbox.messages == []
        assert relay.counts() == {"refused": 2}


def test_the_longest_message_in_a_three_byte_script_fits_the_body_limit(
    web_wiring: WebWiring,
) -> None:
    longest = {**FORM, "name": "語" * 100, "topic": "語" * 150, "message": "語" * MESSAGE_MAX}
    with running_relay(web_wiring) as relay:
        answer = relay.client.post("/relay/contact", data=longest, headers=FROM_SITE)
        assert answer.status_code == 200
        assert len(relay.inbox.messages) == 1
