"""The request pages and API over a real, migrated store (SQLite and PostgreSQL), the Outserve
manifest for the nation and the contact details, and a mailer that keeps what it sends.

``inbox_wiring`` swaps the memory mailer for a real SMTP server on 127.0.0.1 (aiosmtpd).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from steward.mail import MemoryMailer
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.store.database import Store
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.web.conftest import WEB_SECRET

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
CODE = re.compile(r"Your code is (\d{6})")
REFERENCE = re.compile(r"R-\d{4}-[A-Z2-9]{6}")


@cache
def outserve() -> Manifest:
    return load_manifest(OUTSERVE)


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def web_wiring(committed_store: Store, clock: ManualClock, mailer: MemoryMailer) -> WebWiring:
    manifest = outserve()
    return WebWiring(
        store=committed_store,
        clock=clock,
        secret=WEB_SECRET,
        manifest=manifest,
        nation=manifest.organisation.nation,
        mailer=mailer,
    )


@pytest.fixture
def web_app(web_wiring: WebWiring) -> FastAPI:
    return create_app(web_wiring)


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, base_url="http://testserver") as test_client:
        yield test_client


def last_code(mailer: MemoryMailer) -> str:
    found = CODE.search(mailer.sent[-1].text)
    assert found is not None
    return found.group(1)


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


def make_request(client: TestClient, **fields: str) -> str:
    """Send the form as a person would (its CSRF token from the page); the reference."""
    token = csrf_token(client.get("/requests/new").text)
    sent = client.post(
        "/requests",
        data={"csrf_token": token, "kind": "access", "email": "ada@example.org", **fields},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    found = REFERENCE.search(sent.headers["location"])
    assert found is not None
    return found.group(0)


def enter_code(client: TestClient, reference: str, code: str) -> Response:
    token = csrf_token(client.get(f"/requests/{reference}/verify").text)
    return client.post(
        f"/requests/{reference}/verify",
        data={"csrf_token": token, "code": code},
        follow_redirects=False,
    )
