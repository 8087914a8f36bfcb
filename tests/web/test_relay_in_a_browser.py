"""The form snippet in docs/relay.md, on a page of the organisation's own site (another
origin), filled in Chromium with the keyboard alone and sent to Steward served by uvicorn: it
reaches a real SMTP server, and the person lands on Steward's thank-you page. The browser, not
the test, says where the post came from (its own Origin header), so this is also the allow-list
as browsers meet it.

Without Chromium the test is skipped, except under CI=true, where it fails loudly.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from steward.relay.screening import RelayPolicy
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.integration.holds.smtp_server import free_port, smtp_server
from tests.web.relay_support import INBOX, counts_in, mailer_to

CHROMIUM = Path("/usr/bin/chromium")
RELAY_DOC = Path(__file__).resolve().parents[2] / "docs" / "relay.md"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
TRAP_STYLE = "<style>.contact-trap { position: absolute; left: -10000px; }</style>"


def documented_snippet() -> str:
    text = RELAY_DOC.read_text(encoding="utf-8")
    found = re.search(r"```html\n(<form .*?</form>)\n```", text, re.DOTALL)
    assert found, "docs/relay.md has no ```html block with the form"
    return found.group(1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; under CI the browser test must run")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@contextmanager
def steward_serving(wiring: WebWiring) -> Iterator[str]:
    """The app served by uvicorn on http://127.0.0.1:<port>, as ``steward serve`` runs it."""
    port = free_port()
    config = uvicorn.Config(create_app(wiring), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def organisation_site(port: int, page: str) -> Iterator[str]:
    """The organisation's site: ``page`` at http://localhost:<port>/contact."""
    body = page.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}/contact"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_documented_form_sends_from_the_site_with_the_keyboard_alone(
    web_wiring: WebWiring, browser: Any
) -> None:
    site_port = free_port()
    site = f"http://localhost:{site_port}"
    with smtp_server() as (inbox, smtp_port):
        wiring = dataclasses.replace(
            web_wiring,
            mailer=mailer_to(smtp_port),
            relay=RelayPolicy(inbox=INBOX, origins=(site,)),
        )
        with steward_serving(wiring) as steward:
            form = documented_snippet().replace("https://privacy.example.org", steward)
            html = f"<!doctype html><html lang=en><title>Contact</title>{TRAP_STYLE}{form}</html>"
            with organisation_site(site_port, html) as contact_page:
                page = browser.new_page()
                page.goto(contact_page)
                visited = []
                for text in ("Ann Example", "ann@example.org", "", "Opening hours", "Sat?"):
                    page.keyboard.press("Tab")
                    visited.append(page.evaluate("document.activeElement.name"))
                    if text:
                        page.keyboard.type(text)
                page.keyboard.press("Tab")
                visited.append(page.evaluate("document.activeElement.tagName"))
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                landed, heading = page.url, page.locator("h1").inner_text()
                page.close()
    assert visited == ["name", "email", "phone", "topic", "message", "BUTTON"]  # no honeypot
    assert landed == steward + "/relay/contact"
    assert heading == "Thank you: your message has been sent"
    assert inbox.recipients == [[INBOX]]
    mail = inbox.messages[0]
    assert mail["Reply-To"] == "Ann Example <ann@example.org>"
    assert mail["Subject"] == "Website enquiry: Opening hours"
    assert f"contact form on {site}" in mail.get_payload(decode=True).decode()
    assert counts_in(web_wiring.store) == {"sent": 1}
