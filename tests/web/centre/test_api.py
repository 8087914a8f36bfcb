"""The privacy centre's JSON API: consent events by API key, preferences and unsubscribe by the
link's token; problem+json errors; all of it in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from steward.consent.preferences import wording_version
from steward.services.api_keys import create_key, revoke_key
from steward.store.database import Store
from steward.web.problems import PROBLEM_JSON
from steward.web.wiring import WebWiring
from tests.web.centre.support import (
    CONSENT_PURPOSE,
    SOFT_PURPOSE,
    chain_is_intact,
    consent_events,
    person_with_token,
    state_of,
)

WORDING = "Yes, Outserve may email me about its IT services. I can unsubscribe at any time."


def _key(store: Store, name: str = "website-signup") -> str:
    with store.unit_of_work(actor="test") as uow:
        _, secret = create_key(uow, name, store.clock())
        uow.commit()
    return secret


def _event(**changes: Any) -> dict[str, Any]:
    event = {
        "event_id": "signup-8c1f2e",
        "email": "ada@example.org",
        "kind": "given",
        "purpose": CONSENT_PURPOSE,
        "channel": "email",
        "source": "web-form",
        "wording": WORDING,
        "wording_version": "v3",
        "occurred_at": "2026-11-26T08:59:00+00:00",
        "evidence": {"form": "footer-signup"},
    }
    return event | changes


def _actors(store: Store) -> list[str]:
    from sqlalchemy import select

    from steward.store.tables import audit_events

    with store.engine.connect() as connection:
        return [r.actor for r in connection.execute(select(audit_events.c.actor))]


def test_a_key_holder_records_a_consent_event(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    key = _key(centre_wiring.store)
    response = centre_client.post(
        "/api/consent/events", json=_event(), headers={"authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["replayed"] is False
    assert body["status"] == "given"
    assert consent_events(centre_wiring.store) == [
        ("given", CONSENT_PURPOSE, "email", "web-form", "None")
    ]
    assert "api:website-signup" in _actors(centre_wiring.store)
    assert chain_is_intact(centre_wiring.store)


def test_the_same_event_again_is_replayed_and_a_reused_id_is_a_conflict(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    headers = {"authorization": f"Bearer {_key(centre_wiring.store)}"}
    first = centre_client.post("/api/consent/events", json=_event(), headers=headers).json()
    again = centre_client.post("/api/consent/events", json=_event(), headers=headers).json()
    assert again["replayed"] is True
    assert again["sequence"] == first["sequence"]
    reused = centre_client.post(
        "/api/consent/events", json=_event(source="other-form"), headers=headers
    )
    assert reused.status_code == 409
    assert reused.headers["content-type"] == PROBLEM_JSON
    assert len(consent_events(centre_wiring.store)) == 1


@pytest.mark.parametrize("authorization", [None, "Bearer stk_not-a-key", "Basic abc"])
def test_recording_an_event_needs_a_valid_key(
    centre_client: TestClient, centre_wiring: WebWiring, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"authorization": authorization}
    response = centre_client.post("/api/consent/events", json=_event(), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["where"] == "Authorization"
    assert consent_events(centre_wiring.store) == []


def test_a_revoked_key_is_refused(centre_client: TestClient, centre_wiring: WebWiring) -> None:
    key = _key(centre_wiring.store)
    with centre_wiring.store.unit_of_work(actor="test") as uow:
        revoke_key(uow, "website-signup", centre_wiring.clock())
        uow.commit()
    response = centre_client.post(
        "/api/consent/events", json=_event(), headers={"authorization": f"Bearer {key}"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"purpose": "newsleter"}, "purpose"),
        ({"channel": "sms"}, "channel"),
        ({"evidence": {"caller": "ada@example.org"}}, "evidence.caller"),
        ({"email": None}, "email"),
        ({"occurred_at": "2027-01-01T00:00:00+00:00"}, "occurred_at"),
        ({"wording": ""}, "wording"),
    ],
)
def test_a_bad_event_is_refused_saying_where_and_records_nothing(
    centre_client: TestClient, centre_wiring: WebWiring, changes: dict[str, Any], where: str
) -> None:
    headers = {"authorization": f"Bearer {_key(centre_wiring.store)}"}
    response = centre_client.post("/api/consent/events", json=_event(**changes), headers=headers)
    assert response.status_code == 422
    assert response.json()["where"] == where
    assert "ada@example.org" not in response.text
    assert consent_events(centre_wiring.store) == []


def test_the_preferences_are_read_by_the_links_token(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    body = centre_client.get(f"/api/preferences/{token}").json()
    assert body["link"]["purpose"] == CONSENT_PURPOSE
    rows = {row["purpose"]: row for row in body["preferences"]}
    assert rows[CONSENT_PURPOSE]["wording"] == WORDING
    assert rows[CONSENT_PURPOSE]["wording_version"] == wording_version(WORDING)
    assert rows[SOFT_PURPOSE]["can_give"] is False
    assert rows[SOFT_PURPOSE]["wording"] is None


def test_a_preference_is_changed_by_the_links_token(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    change = {"purpose": CONSENT_PURPOSE, "channel": "email", "opt_in": True}
    unshown = centre_client.post(f"/api/preferences/{token}", json=change)
    assert unshown.status_code == 422
    assert unshown.json()["where"] == "wording_version"
    agreed = centre_client.post(
        f"/api/preferences/{token}", json=change | {"wording_version": wording_version(WORDING)}
    )
    assert agreed.status_code == 200
    assert agreed.json()["recorded"] is True
    assert agreed.json()["preference"]["status"] == "given"
    stopped = centre_client.post(f"/api/preferences/{token}", json=change | {"opt_in": False})
    assert stopped.json()["preference"]["status"] == "withdrawn"
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "withdrawn"
    assert [e[3] for e in consent_events(centre_wiring.store)] == ["privacy_centre"] * 2


def test_the_api_unsubscribe_is_idempotent(
    centre_client: TestClient, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    first = centre_client.post(f"/api/unsubscribe/{token}")
    second = centre_client.post(f"/api/unsubscribe/{token}")
    assert first.json()["recorded"] is True
    assert second.json()["recorded"] is False
    assert second.json()["in_force_since"] == first.json()["in_force_since"]
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/preferences/u1.1.AAAA.BBBB"),
        ("post", "/api/unsubscribe/u1.1.AAAA.BBBB"),
        ("post", "/api/preferences/garbage"),
    ],
)
def test_a_bad_token_is_a_404_problem(centre_client: TestClient, method: str, path: str) -> None:
    body = {"purpose": CONSENT_PURPOSE, "channel": "email", "opt_in": False}
    response = centre_client.request(method, path, json=body if method == "post" else None)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


def test_the_api_is_in_the_openapi_document(centre_client: TestClient) -> None:
    document = centre_client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/consent/events",
        "/api/preferences/{token}",
        "/api/unsubscribe/{token}",
        "/unsubscribe/{token}",
    ):
        assert path in paths
    assert paths["/api/consent/events"]["post"]["security"] == [{"HTTPBearer": []}]
    assert (
        "application/problem+json"
        in paths["/api/consent/events"]["post"]["responses"]["401"]["content"]
    )
