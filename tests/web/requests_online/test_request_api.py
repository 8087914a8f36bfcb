"""``/api/requests`` over HTTP, on SQLite and PostgreSQL: the pages' answers as JSON, errors as
problem+json, the status pass as a bearer token, the same rate limits as the pages."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from steward.mail import MemoryMailer
from steward.store.people import ensure_person
from steward.web.app import create_app
from steward.web.problems import PROBLEM_JSON
from steward.web.request_limits import CODE_TRIES, INTAKE
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.web.requests_online.conftest import csrf_token, last_code


def create(client: TestClient, **fields: Any) -> Response:
    return client.post(
        "/api/requests", json={"kind": "access", "email": "ada@example.org", **fields}
    )


def verify(client: TestClient, reference: str, code: str) -> Response:
    return client.post(f"/api/requests/{reference}/verification", json={"code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def masked(body: dict[str, Any], reference: str) -> str:
    """The answer with its reference and the moment its code expires blanked out."""
    return str(body | {"code_expires_at": "-"} if "code_expires_at" in body else body).replace(
        reference, "REF"
    )


def is_problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_a_request_is_made_confirmed_and_read_with_its_pass(
    client: TestClient, mailer: MemoryMailer
) -> None:
    made = create(client, kind="restriction", name="Ada Lovelace")
    assert made.status_code == 202
    receipt = made.json()
    reference = receipt["reference"]
    assert receipt["code"] == "sent"
    assert receipt["kind"] == "restriction"
    assert receipt["received"] == "2026-11-26"
    assert receipt["verify_url"] == f"/api/requests/{reference}/verification"
    assert mailer.sent[-1].to == "ada@example.org"

    confirmed = verify(client, reference, last_code(mailer))
    assert confirmed.status_code == 200
    granted = confirmed.json()
    assert granted["token_type"] == "Bearer"
    assert granted["status_url"] == f"/api/requests/{reference}"

    progress = client.get(
        f"/api/requests/{reference}",
        headers={"authorization": f"Bearer {granted['status_token']}"},
    )
    assert progress.status_code == 200
    assert progress.json() == {
        "reference": reference,
        "kind": "restriction",
        "kind_title": "Pause how we use your data",
        "article": "UK GDPR Art 18",
        "status": "verified",
        "status_title": "Confirmed",
        "status_detail": "You have confirmed the request is yours. We are working on it.",
        "received": "2026-11-26",
        "due": "2026-12-29",
        "due_in_words": "Tuesday 29 December 2026",
        "days_left": 33,
        "extended": False,
        "finished": False,
    }


def test_progress_needs_the_pass_for_that_very_request(
    client: TestClient, mailer: MemoryMailer
) -> None:
    first = create(client).json()["reference"]
    token = verify(client, first, last_code(mailer)).json()["status_token"]
    second = create(client, email="bo@example.org").json()["reference"]
    answers = []
    for reference, authorization in (
        (second, f"Bearer {token}"),  # another request's pass
        (first, None),  # no pass
        (first, f"Basic {token}"),  # not a bearer token
        (first, "Bearer 1.forged"),
        ("R-2026-ZZZZZZ", f"Bearer {token}"),  # no such request
    ):
        headers = {"authorization": authorization} if authorization else {}
        response = client.get(f"/api/requests/{reference}", headers=headers)
        body = is_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        answers.append({key: value for key, value in body.items() if key != "instance"})
    assert all(answer == answers[0] for answer in answers)


def test_every_refused_code_is_one_problem_known_reference_or_not(
    client: TestClient, mailer: MemoryMailer, clock: ManualClock
) -> None:
    reference = create(client).json()["reference"]
    code = last_code(mailer)
    answers = [verify(client, reference, wrong(code)), verify(client, "R-2026-ZZZZZZ", code)]
    clock.now += timedelta(minutes=16)
    answers.append(verify(client, reference, code))
    bodies = [
        {key: value for key, value in is_problem(answer, 422).items() if key != "instance"}
        for answer in answers
    ]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["where"] == "code"


def test_five_wrong_codes_void_the_code(client: TestClient, mailer: MemoryMailer) -> None:
    reference = create(client).json()["reference"]
    code = last_code(mailer)
    for _ in range(5):
        is_problem(verify(client, reference, wrong(code)), 422)
    is_problem(verify(client, reference, code), 422)
    again = client.post(f"/api/requests/{reference}/code")
    assert again.status_code == 202
    assert verify(client, reference, last_code(mailer)).status_code == 200


def test_known_and_unknown_people_get_the_same_answers(
    client: TestClient, web_wiring: WebWiring, mailer: MemoryMailer
) -> None:
    with web_wiring.store.unit_of_work("test") as uow:
        ensure_person(uow, email="known@example.org")
        uow.commit()
    answers = []
    for email in ("known@example.org", "stranger@example.org"):
        made = create(client, email=email)
        reference = made.json()["reference"]
        refused = verify(client, reference, wrong(last_code(mailer)))
        confirmed = verify(client, reference, last_code(mailer))
        token = confirmed.json()["status_token"]
        progress = client.get(
            f"/api/requests/{reference}", headers={"authorization": f"Bearer {token}"}
        )
        answers.append(
            [
                (response.status_code, masked(response.json(), reference))
                for response in (made, refused, progress)
            ]
        )
    assert answers[0] == answers[1]


def test_a_wrong_request_names_every_field_in_problem_json(client: TestClient) -> None:
    body = is_problem(
        create(client, kind="rectification", email="nope", phone="call me", correct_field="name"),
        422,
    )
    assert body["where"] == "email"
    assert [item["where"] for item in body["errors"]] == ["email", "phone", "should_be"]
    unknown_kind = is_problem(create(client, kind="everything"), 422)
    assert unknown_kind["where"] == "body.kind"
    extra = is_problem(create(client, admin=True), 422)
    assert extra["where"] == "body.admin"


def test_a_malformed_reference_is_refused_by_its_shape(client: TestClient) -> None:
    body = is_problem(verify(client, "R-2026-abc", "123456"), 422)
    assert body["where"] == "path.reference"


def test_asking_for_a_new_code_answers_the_same_for_any_reference(
    client: TestClient, mailer: MemoryMailer
) -> None:
    reference = create(client).json()["reference"]
    answers = [client.post(f"/api/requests/{asked}/code") for asked in (reference, "R-2026-ZZZZZZ")]
    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert len(mailer.sent) == 2


def test_the_pages_and_the_api_share_one_allowance_per_source(client: TestClient) -> None:
    token = csrf_token(client.get("/requests/new").text)
    allowed, _window = INTAKE
    for _ in range(allowed - 1):
        client.post("/requests", data={"csrf_token": token, "kind": "", "email": ""})
    assert create(client).status_code == 202
    refused = create(client, email="bo@example.org")
    body = is_problem(refused, 429)
    assert int(refused.headers["retry-after"]) > 0
    assert body["hint"].startswith("try again in")


def test_code_tries_are_limited_per_source(client: TestClient, mailer: MemoryMailer) -> None:
    reference = create(client).json()["reference"]
    allowed, _window = CODE_TRIES
    for _ in range(allowed):
        verify(client, reference, "000000")
    refused = verify(client, reference, last_code(mailer))
    is_problem(refused, 429)
    assert int(refused.headers["retry-after"]) > 0


def test_without_a_mail_server_the_request_is_recorded_and_the_answer_says_so(
    web_wiring: WebWiring,
) -> None:
    app = create_app(dataclasses.replace(web_wiring, mailer=None))
    with TestClient(app) as client:
        made = create(client)
        assert made.status_code == 202
        assert made.json()["code"] == "not_configured"
        assert made.json()["code_expires_at"] is None
        is_problem(client.post(f"/api/requests/{made.json()['reference']}/code"), 503)


def test_the_openapi_document_describes_the_request_api(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    assert set(paths) >= {
        "/api/requests",
        "/api/requests/{reference}",
        "/api/requests/{reference}/verification",
        "/api/requests/{reference}/code",
    }
    create_op = paths["/api/requests"]["post"]
    assert "202" in create_op["responses"]
    assert PROBLEM_JSON in create_op["responses"]["422"]["content"]
    assert PROBLEM_JSON in create_op["responses"]["429"]["content"]
    assert PROBLEM_JSON in paths["/api/requests/{reference}"]["get"]["responses"]["401"]["content"]
    schemas = document["components"]["schemas"]
    assert {"NewRequest", "RequestReceived", "StatusPass", "RequestProgress"} <= set(schemas)
    assert not any(path.startswith("/requests") for path in paths)  # pages are not the API
