"""The RFC 8058 one-click unsubscribe and its landing page: recorded at once by POST, never by
a GET, idempotent, at the address `steward marketing headers` prints; a bad link records nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from steward.consent.unsubscribe_headers import UnsubscribeEndpoints
from steward.web.problems import PROBLEM_JSON
from steward.web.wiring import WebWiring
from tests.web.centre.support import (
    CONSENT_PURPOSE,
    audit_actions,
    chain_is_intact,
    consent_events,
    form_token,
    person_with_token,
    state_of,
)

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _tampered(token: str) -> str:
    prefix, key, payload, mac = token.split(".")
    return ".".join((prefix, key, payload, ("A" if mac[0] != "A" else "B") + mac[1:]))


def test_one_click_unsubscribes_at_once_without_a_cookie_or_a_form_token(
    centre_app: FastAPI, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    with TestClient(centre_app) as mail_client:  # no page seen first: no CSRF cookie
        response = mail_client.post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"
    assert consent_events(centre_wiring.store) == [
        ("unsubscribed", CONSENT_PURPOSE, "email", "one-click", "None")
    ]
    assert ("consent.unsubscribed", f"person:{person}") in audit_actions(centre_wiring.store)
    assert chain_is_intact(centre_wiring.store)


def test_one_click_accepts_a_multipart_body(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    response = centre_client.post(
        f"/unsubscribe/{token}", files={"List-Unsubscribe": (None, "One-Click")}
    )
    assert response.status_code == 200
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"


def test_a_second_one_click_records_nothing_more(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    centre_client.post(f"/unsubscribe/{token}", data=ONE_CLICK)
    again = centre_client.post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert again.status_code == 200
    assert "You were already unsubscribed" in again.text
    assert len(consent_events(centre_wiring.store)) == 1


def test_a_post_without_the_one_click_body_is_refused_and_records_nothing(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    response = centre_client.post(
        f"/unsubscribe/{token}", data={"List-Unsubscribe": "yes"}, headers={"accept": "json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["where"] == "List-Unsubscribe"
    assert consent_events(centre_wiring.store) == []


def test_the_address_marketing_headers_prints_works_for_get_and_post(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    endpoints = UnsubscribeEndpoints("https://privacy.outserve.example", "u@outserve.example")
    link = endpoints.link(token)
    path = urlsplit(link).path
    assert path.startswith("/u/")
    assert centre_client.get(path).status_code == 200
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) is None
    assert centre_client.post(path, data=ONE_CLICK).status_code == 200
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"


def test_opening_the_link_does_not_unsubscribe(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    page = centre_client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Marketing to other contacts who consented" in page.text
    assert f'action="/unsubscribe/{token}/confirm"' in page.text
    assert 'name="csrf_token"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) is None
    assert consent_events(centre_wiring.store) == []


def test_the_landing_pages_button_unsubscribes_and_says_what_was_done(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    page = centre_client.get(f"/unsubscribe/{token}")
    done = centre_client.post(
        f"/unsubscribe/{token}/confirm", data={"csrf_token": form_token(page.text)}
    )
    assert done.status_code == 200
    assert "You are unsubscribed" in done.text
    assert "no further message about this will be sent" in done.text
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"
    again = centre_client.get(f"/unsubscribe/{token}").text
    assert "You are already unsubscribed" in again
    assert "/confirm" not in again


def test_the_landing_pages_button_needs_its_form_token(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    centre_client.get(f"/unsubscribe/{token}")
    refused = centre_client.post(f"/unsubscribe/{token}/confirm", data={})
    assert refused.status_code == 403
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_a_clear_404_and_records_nothing(
    centre_client: TestClient, centre_wiring: WebWiring, method: str
) -> None:
    _, token = person_with_token(centre_wiring.store)
    bad = _tampered(token)
    if method == "get":
        response = centre_client.get(f"/unsubscribe/{bad}", headers={"accept": "text/html"})
    else:
        response = centre_client.post(f"/unsubscribe/{bad}", data=ONE_CLICK)
    assert response.status_code == 404
    assert "this link is not one we sent" in response.text
    assert consent_events(centre_wiring.store) == []


def test_a_link_that_is_not_a_token_at_all_is_a_404(centre_client: TestClient) -> None:
    response = centre_client.post("/unsubscribe/not-a-token", data=ONE_CLICK)
    assert response.status_code == 404


def test_an_unsubscribe_works_without_a_manifest(
    client: TestClient, centre_wiring: WebWiring
) -> None:
    """A link already sent is honoured whatever the manifest says today (R2.6)."""
    person, token = person_with_token(centre_wiring.store)
    response = client.post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 200
    assert CONSENT_PURPOSE in response.text  # named by its id: nothing else is known
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"
