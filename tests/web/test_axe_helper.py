"""The shared axe-core helper (tests/web/axe.py) finds what it should: a page with an unnamed
button and an image without alternative text has critical violations; a plain page has none."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.axe import AXE_SOURCE, run_axe, serious_violations

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; under CI the axe tests must run")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        opened = browser.new_page()
        yield opened
        browser.close()


def test_the_vendored_axe_is_the_recorded_version() -> None:
    assert AXE_SOURCE.read_text(encoding="utf-8").startswith("/*! axe v4.14.1")


@pytest.mark.slow
def test_an_unnamed_button_and_an_image_without_alt_are_critical(page: Any) -> None:
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Bad</h1><button></button><img src="data:,"></main></body></html>'
    )
    found = serious_violations(page)
    assert any(line.startswith("button-name (critical)") for line in found)
    assert any(line.startswith("image-alt (critical)") for line in found)


@pytest.mark.slow
def test_a_plain_page_has_no_violation(page: Any) -> None:
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Fine</title></head><body><main>'
        "<h1>Fine</h1><p>Words.</p></main></body></html>"
    )
    assert run_axe(page) == []
