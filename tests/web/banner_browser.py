"""What the banner's browser tests run on: Steward served for real (uvicorn, a migrated SQLite
store), the sample company page on another origin (``examples.outserve.site``), and a headless
Chromium (the machine's own /usr/bin/chromium; no browser is downloaded) whose every request is
recorded. Google, YouTube and Vimeo are never reached: their addresses are answered in the
browser by small stand-ins, and any other address off this machine is refused and recorded.

Without Chromium or Playwright the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi import FastAPI

from steward.manifest.schema import Manifest
from steward.store.database import Store
from steward.web.app import create_app
from steward.web.wiring import WebWiring

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
SECRET = b"b" * 32

GA_SCRIPT = "https://www.googletagmanager.com/gtag/js"
YOUTUBE = "https://www.youtube-nocookie.com/embed/"
VIMEO = "https://player.vimeo.com/video/"
THIRD_PARTIES = (GA_SCRIPT, YOUTUBE, VIMEO)
LOOPBACK = ("http://127.0.0.1:", "http://localhost:")  # Steward and the sample page

# The stand-in for gtag.js sets the first-party cookie the real one sets.
_GA_BODY = (
    "document.cookie = '_ga=GA1.1.100.200; path=/; max-age=3600';"
    "window.gaRuns = 1 + (window.gaRuns || 0);"
)
_PLAYER = "<!doctype html><title>player</title><p>Stand-in player</p>"

# Records Content-Security-Policy violations, and whether GPC is sent (set per test).
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI));
"""
SEND_GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI the banner's browser tests must run (`make chromium`)")
    pytest.skip(reason)


def steward_app(store: Store, manifest: Manifest, site: str) -> FastAPI:
    wiring = WebWiring(
        store=store, clock=store.clock, secret=SECRET, manifest=manifest, banner_origins=(site,)
    )
    return create_app(wiring)


@dataclass
class Visit:
    """One browser context on the sample page: its page and every request it made."""

    page: Any
    context: Any
    site: str
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)

    def saw(self, request: Any) -> None:
        self.requests.append(request.url)
        if request.method == "POST" and request.url.endswith("/api/banner/receipts"):
            self.posted.append(request.post_data)

    def third_party(self) -> list[str]:
        return [url for url in self.requests if url.startswith(THIRD_PARTIES)]

    def receipts(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body in self.posted]

    def consent_cookie(self) -> dict[str, Any]:
        for cookie in self.context.cookies(self.site):
            if cookie["name"] == "steward_consent":
                found: dict[str, Any] = json.loads(unquote(cookie["value"]))
                return found
        raise AssertionError("no steward_consent cookie")

    def cookie_names(self) -> set[str]:
        return {cookie["name"] for cookie in self.context.cookies(self.site)}

    def consent_calls(self) -> list[list[Any]]:
        calls: list[list[Any]] = self.page.evaluate(
            "(window.dataLayer || []).map(a => Array.from(a)).filter(a => a[0] === 'consent')"
        )
        return calls

    def open(self) -> None:
        self.page.goto(self.site + "/")
        self.ready()

    def ready(self) -> None:
        """Wait until the banner has its configuration and has drawn what it draws."""
        self.page.wait_for_selector(".stw-v", state="attached")

    def wait_until(self, expression: str) -> None:
        """Wait for a condition in the page. Not ``page.wait_for_function``: its polling
        compiles the expression in the page, which the sample page's CSP rightly forbids."""
        deadline = time.monotonic() + 15
        while not self.page.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after 15 s: {expression}")
            self.page.wait_for_timeout(25)


def _stand_in(route: Any, visit: Visit) -> None:
    url = route.request.url
    if url.startswith(GA_SCRIPT):
        route.fulfill(status=200, content_type="text/javascript", body=_GA_BODY)
    elif url.startswith((YOUTUBE, VIMEO)):
        route.fulfill(status=200, content_type="text/html", body=_PLAYER)
    else:
        visit.refused.append(url)
        route.abort()


@dataclass
class Browser:
    chromium: Any

    @contextmanager
    def visit(
        self,
        site: str,
        steward: str,
        *,
        gpc: bool = False,
        viewport: tuple[int, int] = (1280, 800),
    ) -> Iterator[Visit]:
        context = self.chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        visit = Visit(page, context, site)
        context.on("request", visit.saw)
        context.route(lambda url: not url.startswith(LOOPBACK), lambda r: _stand_in(r, visit))
        context.add_init_script(WATCH_CSP + (SEND_GPC if gpc else ""))
        try:
            yield visit
        finally:
            context.close()
