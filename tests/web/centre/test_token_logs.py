"""The server's access log never holds an unsubscribe link's token."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from steward.web.token_logs import redacted
from steward.web.wiring import WebWiring
from tests.web.centre.support import person_with_token
from tests.web.live_server import live_server


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/u/u1.1.abc.def", "/u/[token]"),
        ("/unsubscribe/u1.1.abc.def/confirm", "/unsubscribe/[token]/confirm"),
        ("/preferences/u1.1.abc.def?x=1", "/preferences/[token]?x=1"),
        ("/api/preferences/u1.1.abc.def", "/api/preferences/[token]"),
        ("/api/unsubscribe/u1.1.abc.def", "/api/unsubscribe/[token]"),
        ("/privacy/history", "/privacy/history"),
        ("/api/consent/events", "/api/consent/events"),
    ],
)
def test_a_token_in_a_path_is_replaced(path: str, logged: str) -> None:
    assert redacted(path) == logged


@pytest.fixture
def backend() -> str:
    return "sqlite"


def test_the_access_log_of_a_one_click_unsubscribe_shows_no_token(
    centre_app: FastAPI, centre_wiring: WebWiring, capsys: pytest.CaptureFixture[str]
) -> None:
    _, token = person_with_token(centre_wiring.store)
    with live_server(centre_app, access_log=True) as url:
        response = httpx.post(
            f"{url}/u/{token}", data={"List-Unsubscribe": "One-Click"}, timeout=10
        )
        page = httpx.get(f"{url}/preferences/{token}", timeout=10)
    logged = capsys.readouterr()
    assert response.status_code == 200 and page.status_code == 200
    assert '"POST /u/[token] HTTP/1.1" 200' in logged.out
    assert '"GET /preferences/[token] HTTP/1.1" 200' in logged.out
    assert token not in logged.out + logged.err
