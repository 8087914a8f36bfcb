"""A person makes a request in Chromium with the keyboard alone, confirms it with the e-mailed
code and reads the due date; axe-core finds no serious or critical WCAG 2.2 AA violation on any
request page (issue 12 item 2: "keyboard-only use works"; WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.1).

The app runs under uvicorn on 127.0.0.1 over a real, migrated store; Chromium is the machine's own
/usr/bin/chromium (no browser is downloaded). Without it the test is skipped, except under
CI=true, where it fails loudly.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from steward.mail import MemoryMailer
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.web.requests_online.conftest import REFERENCE, last_code

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

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


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, for as long as the block runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def site(web_app: FastAPI) -> Iterator[str]:
    with serving(web_app) as base:
        yield base


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 A/AA violations on the page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))",
        WCAG,
    )
    return [
        f"{item['id']} ({item['impact']}): {item['nodes']}"
        for item in found
        if item["impact"] in ("serious", "critical")
    ]


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with Tab")


def focus_is_visible(page: Any) -> bool:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    return bool(style[0] != "none" and style[1] not in ("0px", ""))


def test_a_request_is_made_and_confirmed_with_the_keyboard_alone(
    browser: Any, site: str, mailer: MemoryMailer
) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{site}/requests/new")
        assert serious_violations(page) == []
        tab_to(page, "a.skip")
        page.keyboard.press("Enter")
        tab_to(page, "#kind-access")
        page.keyboard.press("ArrowDown")  # moves to, and chooses, the next right
        assert page.evaluate("document.querySelector('#kind-portability').checked")
        assert focus_is_visible(page)
        tab_to(page, "#field-email")
        page.keyboard.type("ada")  # a mistake first: no domain
        tab_to(page, "#field-name")
        page.keyboard.type("Ada Lovelace")
        tab_to(page, "button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "There is a problem" in page.content()
        assert serious_violations(page) == []
        assert page.input_value("#field-name") == "Ada Lovelace"  # kept
        tab_to(page, ".error-summary a")
        page.keyboard.press("Enter")  # the summary's link puts the focus in the box
        assert page.evaluate("document.activeElement.id") == "field-email"
        page.keyboard.press("End")
        page.keyboard.type("@example.org")
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/verify?sent=sent")
        found = REFERENCE.search(page.url)
        assert found is not None
        reference = found.group(0)
        assert serious_violations(page) == []

        tab_to(page, "#field-code")
        page.keyboard.type("000000")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "That code did not work" in page.content()
        assert serious_violations(page) == []
        tab_to(page, "#field-code")
        page.keyboard.press("Control+A")
        page.keyboard.type(last_code(mailer))
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/requests/{reference}")
        text = page.inner_text("main")
        assert "Take your data elsewhere" in text
        assert "Tuesday 29 December 2026" in text
        assert serious_violations(page) == []
    finally:
        page.close()


def test_the_private_page_and_the_recorded_page_pass_axe(
    browser: Any, site: str, web_wiring: WebWiring
) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{site}/requests/R-2026-ZZZZZZ")
        assert "Only for the person who made the request" in page.content()
        assert serious_violations(page) == []
        page.goto(f"{site}/requests/R-2026-ZZZZZZ/verify?sent=again")
        assert serious_violations(page) == []
    finally:
        page.close()
    offline = create_app(dataclasses.replace(web_wiring, mailer=None))
    with serving(offline) as base:
        page = browser.new_page()
        try:
            page.goto(f"{base}/requests/new")
            assert serious_violations(page) == []
            page.check("#kind-access")
            page.fill("#field-email", "ada@example.org")
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert "Request recorded" in page.content()
            assert serious_violations(page) == []
        finally:
            page.close()


def test_the_accessibility_check_finds_a_real_violation(browser: Any) -> None:
    """So an empty list above means axe ran and found nothing, not that it never ran."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
        assert any(line.startswith("image-alt") for line in serious_violations(page))
    finally:
        page.close()
