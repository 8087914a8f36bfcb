"""Every form carries a token bound to its browser's cookie; a form from elsewhere is refused."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from steward.web.csrf import COOKIE, FIELD, require_csrf
from steward.web.templates import environment


def _form_routes(app: FastAPI) -> None:
    routes = APIRouter()

    @routes.get("/test/form", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        template = environment().from_string("<form method=post>{{ csrf_field() }}</form>")
        from steward.web.csrf import hidden_field

        return HTMLResponse(template.render(csrf_field=lambda: hidden_field(request)))

    @routes.post("/test/form", dependencies=[Depends(require_csrf)])
    def send(name: Annotated[str, Form()]) -> dict[str, str]:
        return {"hello": name}

    app.include_router(routes)


def _token(page: str) -> str:
    return page.split('value="')[1].split('"')[0]


def test_a_form_with_its_token_is_accepted(web_app: FastAPI) -> None:
    _form_routes(web_app)
    with TestClient(web_app) as client:
        page = client.get("/test/form")
        cookie = page.cookies[COOKIE]
        assert "HttpOnly" in page.headers["set-cookie"]
        assert "SameSite=Strict" in page.headers["set-cookie"]
        sent = client.post("/test/form", data={"name": "Ann", FIELD: _token(page.text)})
    assert cookie
    assert sent.status_code == 200
    assert sent.json() == {"hello": "Ann"}


def test_a_form_without_a_token_is_refused_before_the_route_runs(web_app: FastAPI) -> None:
    _form_routes(web_app)
    with TestClient(web_app) as client:
        client.get("/test/form")
        sent = client.post("/test/form", data={"name": "Ann"}, headers={"accept": "text/html"})
    assert sent.status_code == 403
    assert "reload the page" in sent.text


def test_a_token_from_another_browser_is_refused(web_app: FastAPI) -> None:
    _form_routes(web_app)
    with TestClient(web_app) as first, TestClient(web_app) as second:
        token = _token(first.get("/test/form").text)
        second.get("/test/form")
        sent = second.post(
            "/test/form", data={"name": "Ann", FIELD: token}, headers={"accept": "application/json"}
        )
    assert sent.status_code == 403
    assert sent.json()["where"] == FIELD


def test_the_page_keeps_the_browsers_token(web_app: FastAPI) -> None:
    _form_routes(web_app)
    with TestClient(web_app) as client:
        first = _token(client.get("/test/form").text)
        second = client.get("/test/form")
    assert "set-cookie" not in second.headers
    assert _token(second.text) == first
