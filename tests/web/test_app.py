"""The app's frame: pages, problem+json from the one error tree, security headers, body limit."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from steward.errors import Conflict, InvalidInput, NotFound
from steward.web.problems import PROBLEM_JSON, TooMany


class _Body(BaseModel):
    count: int


def _failing_routes(app: FastAPI) -> None:
    routes = APIRouter()

    @routes.get("/api/test/invalid")
    def invalid() -> None:
        raise InvalidInput("count must be positive", where="count", hint="give 1 or more")

    @routes.get("/api/test/missing")
    def missing() -> None:
        raise NotFound("no request r-9", where="request_id")

    @routes.get("/api/test/conflict")
    def conflict() -> None:
        raise Conflict("already closed", where="request r-1")

    @routes.get("/api/test/busy")
    def busy() -> None:
        raise TooMany("too many codes asked for", retry_after=30)

    @routes.get("/api/test/defect")
    def defect() -> None:
        raise RuntimeError("duplicate key (email)=(ann@example.com)")

    @routes.post("/api/test/body")
    def body(payload: _Body) -> dict[str, int]:
        return {"count": payload.count}

    @routes.get("/test/page-missing")
    def page_missing() -> None:
        raise NotFound("no such request", where="request_id", hint="check the link")

    app.include_router(routes)


def test_the_front_page_renders_without_javascript(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Privacy centre</h1>" in response.text
    assert "<script" not in response.text


def test_health_answers_without_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("path", "status", "slug", "detail"),
    [
        ("/api/test/invalid", 422, "invalid-input", "count must be positive"),
        ("/api/test/missing", 404, "not-found", "no request r-9"),
        ("/api/test/conflict", 409, "conflict", "already closed"),
        ("/api/test/busy", 429, "too-many-requests", "too many codes asked for"),
    ],
)
def test_a_steward_error_is_a_problem_document(
    web_app: FastAPI, path: str, status: int, slug: str, detail: str
) -> None:
    _failing_routes(web_app)
    with TestClient(web_app) as client:
        response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"].endswith("/" + slug)
    assert body["status"] == status
    assert body["detail"] == detail
    assert body["instance"] == path


def test_too_many_says_when_to_try_again(web_app: FastAPI) -> None:
    _failing_routes(web_app)
    with TestClient(web_app) as client:
        response = client.get("/api/test/busy")
    assert response.headers["retry-after"] == "30"
    assert response.json()["hint"] == "try again in 30 seconds"


def test_a_malformed_body_names_the_field(web_app: FastAPI) -> None:
    _failing_routes(web_app)
    with TestClient(web_app) as client:
        response = client.post("/api/test/body", json={"count": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["where"] == "body.count"
    assert body["errors"][0]["where"] == "body.count"


def test_a_defect_hides_its_text_from_the_caller_and_the_log(
    web_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    _failing_routes(web_app)
    with (
        caplog.at_level(logging.ERROR, logger="steward.web"),
        TestClient(web_app, raise_server_exceptions=False) as client,
    ):
        response = client.get("/api/test/defect")
    assert response.status_code == 500
    assert "ann@example.com" not in response.text
    assert response.json()["detail"].startswith("reference ")
    assert "RuntimeError" in caplog.text
    assert "ann@example.com" not in caplog.text


def test_a_browser_gets_the_problem_as_a_page(web_app: FastAPI) -> None:
    _failing_routes(web_app)
    with TestClient(web_app) as client:
        response = client.get("/test/page-missing", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no such request" in response.text
    assert "check the link" in response.text


def test_an_unknown_api_path_is_a_problem_document(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


def test_every_response_carries_the_security_headers_with_a_fresh_nonce(
    client: TestClient,
) -> None:
    first = client.get("/")
    second = client.get("/")
    policy = first.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert policy != second.headers["content-security-policy"]  # a new nonce each time
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in first.headers  # plain http in this test


def test_a_body_over_the_limit_is_refused_before_any_route_reads_it(
    web_app: FastAPI,
) -> None:
    _failing_routes(web_app)
    with TestClient(web_app) as client:
        response = client.post(
            "/api/test/body",
            content=b'{"count": 1, "pad": "' + b"x" * 70_000 + b'"}',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON


def test_the_openapi_document_is_served(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["info"]["title"] == "Steward"
    assert "/healthz" in document["paths"]
