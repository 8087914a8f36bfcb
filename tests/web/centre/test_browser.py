"""The privacy centre in Chromium: no serious or critical axe-core violation on any of its
public pages, and the unsubscribe and preferences pages work with the keyboard alone.

The machine's own /usr/bin/chromium is driven by Playwright (no browser is downloaded); without
it the tests are skipped, except under CI=true, where they fail (`make chromium` installs it).
The app is served on a real socket over SQLite: the browser's behaviour does not depend on the
database, which the HTTP tests cover on both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from steward.web.wiring import WebWiring
from tests.web.axe import serious_violations
from tests.web.centre.support import (
    CONSENT_PURPOSE,
    consent_events,
    person_with_token,
    state_of,
)
from tests.web.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
PAGES = ("/privacy", "/cookies", "/privacy/history", "/contact")

pytestmark = pytest.mark.slow


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI the browser tests must run (run `make chromium`)")
    pytest.skip(reason)


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


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def base_url(centre_app: FastAPI) -> Iterator[str]:
    with live_server(centre_app) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1024, "height": 900})
    yield opened
    opened.close()


def _tab_to(page: Any, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text is ``text``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.textContent")
        if focused is not None and focused.strip() == text:
            return
    raise AssertionError(f"{text!r} cannot be reached with the Tab key")


def _focus_is_visible(page: Any) -> bool:
    return bool(
        page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"
        )
    )


@pytest.mark.parametrize("path", PAGES)
def test_each_public_page_has_no_serious_accessibility_violation(
    page: Any, base_url: str, path: str
) -> None:
    page.goto(base_url + path)
    assert serious_violations(page) == []


def test_the_link_pages_have_no_serious_accessibility_violation(
    page: Any, base_url: str, centre_wiring: WebWiring
) -> None:
    _, token = person_with_token(centre_wiring.store)
    for path in (f"/unsubscribe/{token}", f"/preferences/{token}", "/unsubscribe/u1.1.AA.BB"):
        page.goto(base_url + path)
        assert serious_violations(page) == [], path
    page.goto(f"{base_url}/unsubscribe/{token}")
    page.get_by_role("button", name="Unsubscribe").click()
    assert "You are unsubscribed" in page.content()
    assert serious_violations(page) == []


def test_a_keyboard_alone_unsubscribes_from_the_landing_page(
    page: Any, base_url: str, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    page.goto(f"{base_url}/unsubscribe/{token}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    _tab_to(page, "Unsubscribe")
    assert _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "You are unsubscribed"
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "unsubscribed"


def test_a_keyboard_alone_agrees_and_then_stops_everything_on_the_preferences_page(
    page: Any, base_url: str, centre_wiring: WebWiring
) -> None:
    person, token = person_with_token(centre_wiring.store)
    page.goto(f"{base_url}/preferences/{token}")
    _tab_to(page, "Agree")
    assert _focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "given"
    assert "Recorded: Marketing to other contacts who consented by email, you agreed" in (
        page.get_by_role("status").inner_text()
    )
    _tab_to(page, "Stop all marketing messages")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert state_of(centre_wiring.store, person, CONSENT_PURPOSE) == "withdrawn"
    assert [e[3] for e in consent_events(centre_wiring.store)] == ["privacy_centre"] * 4


@pytest.mark.parametrize("path", PAGES)
def test_without_a_manifest_each_page_still_has_no_serious_violation(
    page: Any, web_app: FastAPI, path: str
) -> None:
    with live_server(web_app) as url:
        page.goto(url + path)
        assert serious_violations(page) == []


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser: Any, base_url: str, path: str) -> None:
    """WCAG 2.2 SC 1.4.10 Reflow: wide tables become cards of labelled cells at 390 px."""
    phone = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        phone.goto(base_url + path)
        scroll, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        phone.close()
    assert scroll <= inner
