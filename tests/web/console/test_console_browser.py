"""The staff console in Chromium: a member of staff signs in with the keyboard alone, with a
real TOTP code from pyotp for the current time, works through the pages and signs out; no
console page has a serious or critical axe-core violation (``tests/web/axe.py``).

The machine's own /usr/bin/chromium is driven by Playwright (no browser is downloaded); without
it the tests are skipped, except under CI=true, where they fail. The app runs on a real socket
over SQLite with the real clock (TOTP codes are for now).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import Engine

from steward.complaints.lifecycle import ComplaintChannel
from steward.law.calendar import Nation
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import complaints, requests
from steward.services import staff as service
from steward.staff.roles import Role
from steward.store.crypto import KeyRing
from steward.store.database import FixedKeys, Store
from steward.web.app import create_app
from steward.web.console.access import COOKIE
from steward.web.wiring import WebWiring
from tests.web.axe import serious_violations
from tests.web.console.conftest import PASSWORD
from tests.web.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.slow


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI the browser tests must run (run `make chromium`)")
    pytest.skip(reason)


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def live(console_wiring: WebWiring, engine: Engine, keys: KeyRing) -> WebWiring:
    """The console's wiring on the real clock: a TOTP code is for the time it is typed."""
    store = Store(engine, FixedKeys(keys), now)
    return replace(console_wiring, store=store, clock=now)


@pytest.fixture
def secret(live: WebWiring) -> str:
    made = service.create_account(
        live.store,
        username="priya",
        display_name="Priya Shah",
        role=Role.privacy_lead,
        password=PASSWORD,
        by=service.Operator("cli:test"),
        now=now(),
    )
    return made.enrolment.secret


@pytest.fixture
def references(live: WebWiring) -> tuple[str, str]:
    day = requests.today(live.store)
    request = requests.new_request(
        live.store,
        Nation.england,
        kind=RequestKind.access,
        channel=Channel.letter,
        received=day,
        identities=[(IdentityKind.email, "browser-person@example.org")],
        actor="test",
    )
    complaint = complaints.receive_complaint(
        live.store,
        Nation.england,
        channel=ComplaintChannel.letter,
        received=day,
        text="A letter of complaint (browser test).",
        actor="test",
        postal_address="2 Low Road\nYork",
    )
    return request.reference, complaint.reference


def sign_in_by_keyboard(page: Any, base: str, secret: str, target: str) -> None:
    page.goto(base + target)
    assert page.url.startswith(base + "/staff/login?next=")
    page.focus("#username")
    page.keyboard.type("priya")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    page.wait_for_url(base + target)


def test_staff_sign_in_with_a_totp_code_and_sign_out(
    browser: Any, live: WebWiring, secret: str, references: tuple[str, str]
) -> None:
    request_ref, complaint_ref = references
    with live_server(create_app(live)) as base:
        context = browser.new_context()
        page = context.new_page()
        try:
            sign_in_by_keyboard(page, base, secret, "/staff/requests")
            assert page.locator("h1").inner_text() == "Requests by due date"
            cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert cookie["path"] == "/staff"

            page.click(f"text={request_ref}")
            assert page.locator("h1").inner_text() == f"Request {request_ref}"
            page.goto(base + f"/staff/complaints/{complaint_ref}")
            page.click("summary")
            assert page.locator("details").get_attribute("open") is not None
            page.goto(base + "/staff/audit")
            assert "Verified." in page.inner_text("main")

            page.click("text=Sign out")
            page.wait_for_url(base + "/staff/login?signed_out=true")
            assert "You have signed out" in page.inner_text("main")
            page.goto(base + "/staff/requests")
            assert page.url.startswith(base + "/staff/login?next=")
        finally:
            context.close()


def test_console_pages_have_no_serious_or_critical_axe_violation(
    browser: Any, live: WebWiring, secret: str, references: tuple[str, str]
) -> None:
    request_ref, complaint_ref = references
    pages = (
        "/staff",
        "/staff/requests",
        f"/staff/requests/{request_ref}",
        "/staff/complaints",
        "/staff/complaints/new",
        f"/staff/complaints/{complaint_ref}",
        "/staff/consent",
        "/staff/audit",
        "/staff/accounts",
    )
    with live_server(create_app(live)) as base:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(base + "/staff/login")
            found = {"/staff/login": serious_violations(page)}
            sign_in_by_keyboard(page, base, secret, "/staff")
            for path in pages:
                page.goto(base + path)
                found[path] = serious_violations(page)
        finally:
            context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}
