"""The published notices are readable on a phone and a desktop: no page-level sideways scroll.

A headless Chromium (the machine's own /usr/bin/chromium; no browser is downloaded) loads the
built privacy and cookie notices at 390 px (a small phone) and 1280 px (a laptop). Wide tables
may scroll inside their own region, but the page itself must never be wider than the window
(WCAG 2.2 SC 1.4.10 Reflow; UK GDPR Art 12(1): information easy to access and understand).

Without Chromium the test is skipped, except under CI=true, where it fails loudly: `make
chromium` installs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from steward.manifest.load import load_manifest
from steward.notice.build import compile_outputs, write_outputs
from tests.unit.notice.conftest import COMPLETE

CHROMIUM = Path("/usr/bin/chromium")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "outserve"
WIDTHS = (390, 1280)
PAGES = ("privacy-notice.html", "cookie-notice.html")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI the layout test must run (run `make chromium`)")
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


@pytest.fixture(scope="module", params=["outserve", "outserve-fixed", "complete"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "complete":
        source = folder / "manifest.yaml"
        source.write_text(COMPLETE, encoding="utf-8")
    else:
        source = EXAMPLES / "fixed" if request.param == "outserve-fixed" else EXAMPLES
    write_outputs(compile_outputs(load_manifest(source)), folder / "out")
    return folder / "out"


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_name", PAGES)
def test_the_page_never_scrolls_sideways(
    browser: Any, built: Path, page_name: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((built / page_name).as_uri())
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        page.close()
    assert scroll <= inner, f"{page_name} at {width}px is {scroll}px wide"
