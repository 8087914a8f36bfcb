"""Marketing preferences per purpose and channel, from the link in a message: the ledger's
state for each, stop and agree where the law allows, every change a `privacy_centre` event."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from steward.consent.preferences import wording_version
from steward.services.unsubscribe import record_email_unsubscribe
from steward.web.wiring import WebWiring
from tests.web.centre.support import (
    CONSENT_PURPOSE,
    CORPORATE_PURPOSE,
    SOFT_PURPOSE,
    chain_is_intact,
    consent_events,
    form_token,
    outserve_manifest,
    person_with_token,
    state_of,
)

WORDING = "Yes, Outserve may email me about its IT services. I can unsubscribe at any time."


def _send(
    client: TestClient, token: str, choice: str, purpose: str | None = None, **extra: str
) -> tuple[int, str]:
    page = client.get(f"/preferences/{token}")
    data = {"csrf_token": form_token(page.text), "choice": choice, **extra}
    if purpose is not None:
        data |= {"purpose": purpose, "channel": "email"}
    response = client.post(f"/preferences/{token}", data=data, headers={"accept": "text/html"})
    return response.status_code, response.text


def test_the_page_lists_every_marketing_purpose_and_channel_with_its_state(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    page = centre_client.get(f"/preferences/{token}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    for purpose in outserve_manifest().purposes:
        if purpose.marketing is not None:
            assert f"{purpose.name}: email" in page.text
    assert page.text.count("Your choice:</span> nothing recorded") == 3
    assert "You opened this page from a link about <strong>Marketing to other contacts" in (
        page.text
    )


def test_stopping_one_row_records_an_opt_out_from_the_privacy_centre(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    status, text = _send(centre_client, token, "stop", CONSENT_PURPOSE)
    assert status == 200
    assert "Recorded: Marketing to other contacts who consented by email, you said no" in text
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "withdrawn"
    assert consent_events(centre_wiring.store) == [
        ("preference_changed", CONSENT_PURPOSE, "email", "privacy_centre", "False")
    ]
    assert chain_is_intact(centre_wiring.store)


def test_agreeing_records_the_declared_wording_and_its_version(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    page = centre_client.get(f"/preferences/{token}").text
    assert f"By pressing Agree you say: “{WORDING}”" in page
    status, _ = _send(
        centre_client, token, "give", CONSENT_PURPOSE, wording_version=wording_version(WORDING)
    )
    assert status == 200
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "given"
    with centre_wiring.store.unit_of_work(actor="test", reads_only=True) as uow:
        from steward.store import ledger

        state = ledger.current_state(uow, person, CONSENT_PURPOSE, "email")
    assert state is not None
    assert state.source == "privacy_centre"
    assert state.wording_version == wording_version(WORDING)


def test_agreeing_to_words_that_have_changed_is_refused(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    status, text = _send(centre_client, token, "give", CONSENT_PURPOSE, wording_version="w:old")
    assert status == 422
    assert "not the current wording" in text
    assert consent_events(centre_wiring.store) == []


def test_agreeing_is_not_offered_without_declared_wording(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store, purpose=SOFT_PURPOSE)
    page = centre_client.get(f"/preferences/{token}").text
    assert page.count("<button") == page.count(">Stop<") + 1 + page.count(">Agree<")
    assert page.count(">Agree<") == 1  # only the purpose with declared wording
    status, text = _send(centre_client, token, "give", SOFT_PURPOSE)
    assert status == 422
    assert "is not offered here" in text
    assert consent_events(centre_wiring.store) == []


def test_stopping_a_corporate_purpose_is_recorded_as_an_unsubscribe(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    _send(centre_client, token, "stop", CORPORATE_PURPOSE)
    assert state_of(centre_wiring.store, person, CORPORATE_PURPOSE) == "unsubscribed"
    assert consent_events(centre_wiring.store)[0][:2] == ("unsubscribed", CORPORATE_PURPOSE)


def test_stopping_twice_records_once(centre_client: TestClient, centre_wiring: WebWiring) -> None:
    _, token = person_with_token(centre_wiring.store)
    _send(centre_client, token, "stop", CONSENT_PURPOSE)
    status, text = _send(centre_client, token, "stop", CONSENT_PURPOSE)
    assert status == 200
    assert "No change needed" in text
    assert len(consent_events(centre_wiring.store)) == 1


def test_stop_all_stops_every_row_once(centre_client: TestClient, centre_wiring: WebWiring) -> None:
    person, token = person_with_token(centre_wiring.store)
    _send(centre_client, token, "stop", SOFT_PURPOSE)
    status, text = _send(centre_client, token, "stop-all")
    assert status == 200
    assert text.count("Recorded:") == 2
    assert text.count("No change needed:") == 1
    for purpose in (CONSENT_PURPOSE, SOFT_PURPOSE, CORPORATE_PURPOSE):
        assert state_of(centre_wiring.store, person, purpose) in ("withdrawn", "unsubscribed")
    assert len(consent_events(centre_wiring.store)) == 3


def test_a_person_who_unsubscribed_can_agree_again(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    centre_client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    _send(centre_client, token, "give", CONSENT_PURPOSE, wording_version=wording_version(WORDING))
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "given"


def test_an_objection_to_all_marketing_is_shown_and_agreeing_is_not_offered(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    with centre_wiring.store.unit_of_work(actor="test") as uow:
        record_email_unsubscribe(
            uow, "ann@example.org", received=date(2026, 11, 20), now=centre_wiring.clock()
        )
        uow.commit()
    page = centre_client.get(f"/preferences/{token}").text
    assert "You objected to all direct marketing on" in page
    assert ">Agree<" not in page
    status, text = _send(
        centre_client, token, "give", CONSENT_PURPOSE, wording_version=wording_version(WORDING)
    )
    assert status == 422
    assert "Art 21(3)" in text


def test_a_change_needs_its_form_token(centre_client: TestClient, centre_wiring: WebWiring) -> None:
    person, token = person_with_token(centre_wiring.store)
    response = centre_client.post(
        f"/preferences/{token}",
        data={"choice": "stop", "purpose": CONSENT_PURPOSE, "channel": "email"},
    )
    assert response.status_code == 403
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) is None


def test_a_row_the_page_does_not_offer_is_refused(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    status, _ = _send(centre_client, token, "stop", "employment")
    assert status == 422
    assert consent_events(centre_wiring.store) == []


def test_a_tampered_link_shows_no_preferences(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    response = centre_client.get(f"/preferences/{token[:-2]}")
    assert response.status_code == 404
    assert "Your choice" not in response.text


def test_without_a_manifest_only_the_links_own_messages_can_be_stopped(
    client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    page = client.get(f"/preferences/{token}").text
    assert '<em class="not-stated">Not stated</em>' in page
    assert page.count(">Stop<") == 1
    assert ">Agree<" not in page
    _send(client, token, "stop", CONSENT_PURPOSE)
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"
