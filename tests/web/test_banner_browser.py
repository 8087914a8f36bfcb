"""The banner in a real browser, on Outserve's sample page (examples/outserve/site): nothing
marked loads before a choice; accept, reject, change and withdraw; Global Privacy Control; the
video placeholder; Consent Mode v2; receipts in the ledger; asking again when the cookie set
changes; keyboard only; no focused element hidden behind the banner (WCAG 2.2 2.4.11).

How Steward, the page and Chromium are set up: ``tests/web/banner_browser.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from examples.outserve.site.serve import SiteServer, ThreadedApp
from steward.consent.cookie_receipts import COOKIE_CHANNEL
from steward.consent.state import ConsentStatus
from steward.manifest.load import load_manifest
from steward.manifest.schema import Cookie, Manifest
from steward.store import ledger
from steward.store.cookie_receipts import find_visitor
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import FixedKeys, Store, create_store_engine
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.web.axe import run_axe, serious_violations
from tests.web.banner_browser import (
    ARGS,
    CHROMIUM,
    GA_SCRIPT,
    VIMEO,
    YOUTUBE,
    Browser,
    Visit,
    steward_app,
    unavailable,
)

pytestmark = pytest.mark.slow

OUTSERVE = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"
OPTIONAL = {"functional", "analytics", "embedded_content"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield Browser(launched)
        launched.close()


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(OUTSERVE)


@pytest.fixture(scope="module")
def banner_store(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("banner") / "steward.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = create_store_engine(f"sqlite:///{path}")
    yield Store(engine, FixedKeys(KeyRing({1: KeyVersion.generate(1)}, current=1)))
    engine.dispose()


@pytest.fixture(scope="module")
def site(banner_store: Store, manifest: Manifest) -> Iterator[SiteServer]:
    """The sample page, and the Steward it takes its banner from (``site.steward``)."""
    page = SiteServer("http://127.0.0.1:1").start()
    steward = ThreadedApp(steward_app(banner_store, manifest, page.url)).start()
    page.steward = steward.url
    try:
        yield page
    finally:
        steward.stop()
        page.stop()


@pytest.fixture
def visit(browser: Browser, site: SiteServer) -> Iterator[Visit]:
    with browser.visit(site.url, site.steward) as opened:
        opened.open()
        yield opened


def _states(store: Store, visitor: str) -> dict[str, ConsentStatus]:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        person = find_visitor(uow, visitor)
        assert person is not None, "the visitor is not in the ledger"
        return {
            state.purpose: state.status
            for state in ledger.states_of(uow, person)
            if state.channel == COOKIE_CHANNEL
        }


def _click(visit: Visit, name: str, *, within: str = ".stw") -> None:
    """Click a banner button and wait until its receipt has been answered."""
    with visit.page.expect_response(
        lambda r: r.url.endswith("/api/banner/receipts") and r.request.method == "POST"
    ) as answered:
        visit.page.locator(within).get_by_role("button", name=name, exact=True).click()
    assert answered.value.status == 201


def _loaded_players(visit: Visit) -> list[str]:
    found: list[str] = visit.page.evaluate(
        "[...document.querySelectorAll('iframe[data-src]')].filter(f => f.style.display != 'none')"
        ".map(f => f.getAttribute('src'))"
    )
    return found


def test_nothing_marked_loads_before_a_choice(visit: Visit) -> None:
    assert visit.page.locator(".stw").is_visible()
    assert visit.third_party() == [] and visit.refused == []
    steward = [url for url in visit.requests if not url.startswith(visit.site)]
    assert [url.rsplit("/", 2)[-1] for url in steward] == ["banner.js", "config"]
    assert visit.page.locator(".stw-ph").count() == 2  # the two players wait behind placeholders
    assert _loaded_players(visit) == []
    assert visit.page.evaluate("window.gaRuns") is None
    assert visit.page.evaluate("window.cspViolations") == []


def test_consent_mode_starts_denied_before_anything_loads(visit: Visit) -> None:
    calls = visit.consent_calls()
    assert calls[0][:2] == ["consent", "default"]
    default = calls[0][2]
    assert default["analytics_storage"] == "denied" and default["ad_storage"] == "denied"
    assert default["ad_user_data"] == "denied" and default["ad_personalization"] == "denied"
    assert default["security_storage"] == "granted"
    assert calls[1][:2] == ["consent", "update"] and calls[1][2]["analytics_storage"] == "denied"


def test_reject_all_is_as_prominent_as_accept_all(visit: Visit) -> None:
    style = """b => { const s = getComputedStyle(b), r = b.getBoundingClientRect();
        return [s.backgroundColor, s.color, s.fontSize, s.fontWeight, s.borderTopWidth,
                s.paddingTop, r.height, r.top]; }"""
    bar = visit.page.locator(".stw")
    accept = bar.get_by_role("button", name="Accept all").evaluate(style)
    reject = bar.get_by_role("button", name="Reject all").evaluate(style)
    assert accept == reject  # same look, same size, side by side on the first layer


def test_accept_all_loads_everything_and_records_the_receipt(
    visit: Visit, banner_store: Store
) -> None:
    _click(visit, "Accept all")
    visit.wait_until("window.gaRuns === 1")
    visit.wait_until("document.querySelectorAll('iframe[src^=\"https\"]').length == 2")
    assert any(url.startswith(GA_SCRIPT) for url in visit.requests)
    assert sorted(url[:30] for url in visit.third_party() if not url.startswith(GA_SCRIPT)) == [
        VIMEO[:30],
        YOUTUBE[:30],
    ]
    assert visit.page.locator(".stw").count() == 0  # the first layer is gone
    receipt = visit.receipts()[-1]
    assert receipt["via"] == "banner" and receipt["gpc"] is False
    assert receipt["choices"] == dict.fromkeys(OPTIONAL, True)
    visitor = visit.consent_cookie()["i"]
    assert receipt["visitor"] == visitor
    assert _states(banner_store, visitor) == dict.fromkeys(OPTIONAL, ConsentStatus.GIVEN)
    update = visit.consent_calls()[-1]
    assert update[:2] == ["consent", "update"] and update[2]["analytics_storage"] == "granted"
    assert update[2]["ad_storage"] == "denied"  # no marketing cookies are declared
    assert visit.page.evaluate("window.cspViolations") == []


def test_reject_all_loads_nothing_and_records_the_refusal(
    visit: Visit, banner_store: Store
) -> None:
    _click(visit, "Reject all")
    assert visit.third_party() == []
    assert visit.page.locator(".stw-ph").count() == 2
    visitor = visit.consent_cookie()["i"]
    assert _states(banner_store, visitor) == dict.fromkeys(OPTIONAL, ConsentStatus.WITHDRAWN)
    assert visit.consent_calls()[-1][2]["analytics_storage"] == "denied"
    visit.page.reload()
    visit.ready()
    assert visit.page.locator(".stw").count() == 0  # not asked again on the next page
    assert visit.third_party() == []


def test_choices_change_per_category_and_withdrawal_takes_one_click(
    visit: Visit, banner_store: Store
) -> None:
    _click(visit, "Accept all")
    visit.wait_until("window.gaRuns === 1")
    assert "_ga" in visit.cookie_names()
    visit.page.get_by_role("link", name="Cookie settings").click()
    dialog = visit.page.get_by_role("dialog", name="Cookie settings")
    assert dialog.get_by_role("checkbox", name="Analytics").is_checked()
    dialog.get_by_role("checkbox", name="Analytics").uncheck()
    before = len(visit.requests)
    with visit.page.expect_navigation():  # scripts that ran cannot be unloaded: the page reloads
        _click(visit, "Save choices", within="dialog")
    visit.ready()
    assert "_ga" not in visit.cookie_names()  # its own first-party cookie is deleted
    assert not any(url.startswith(GA_SCRIPT) for url in visit.requests[before:])
    assert len(_loaded_players(visit)) == 2  # embedded content is still allowed
    visitor = visit.consent_cookie()["i"]
    states = _states(banner_store, visitor)
    assert states["analytics"] is ConsentStatus.WITHDRAWN
    assert states["embedded_content"] is ConsentStatus.GIVEN
    assert visit.receipts()[-1]["via"] == "settings"


def test_with_global_privacy_control_optional_cookies_stay_off_without_asking(
    browser: Browser, site: SiteServer, banner_store: Store
) -> None:
    with browser.visit(site.url, site.steward, gpc=True) as visit:
        visit.open()
        assert visit.page.locator(".stw").count() == 0  # the signal is the answer
        assert visit.third_party() == [] and visit.posted == []
        assert visit.consent_calls()[-1][2]["analytics_storage"] == "denied"
        visit.page.get_by_role("link", name="Cookie settings").click()
        dialog = visit.page.get_by_role("dialog", name="Cookie settings")
        assert "Global Privacy Control" in dialog.inner_text()
        assert not dialog.get_by_role("checkbox", name="Analytics").is_checked()
        dialog.get_by_role("checkbox", name="Embedded content").check()
        _click(visit, "Save choices", within="dialog")
        visit.wait_until("document.querySelectorAll('iframe[src^=\"https\"]').length")
        receipt = visit.receipts()[-1]
        assert receipt["gpc"] is True and receipt["choices"]["embedded_content"] is True
        states = _states(banner_store, receipt["visitor"])
        assert states["embedded_content"] is ConsentStatus.GIVEN
        assert states["analytics"] is ConsentStatus.WITHDRAWN
        assert not any(url.startswith(GA_SCRIPT) for url in visit.requests)


_ON_PAGE = (
    "e => { const r = e.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY]; }"
)


def test_the_video_placeholder_explains_and_loads_the_player_in_place(
    visit: Visit, banner_store: Store
) -> None:
    placeholder = visit.page.locator(".stw-ph").first
    text = placeholder.inner_text()
    assert "YouTube" in text and "VISITOR_INFO1_LIVE" in text
    where = placeholder.evaluate(_ON_PAGE)
    _click(visit, "Accept and load", within=".stw-ph >> nth=0")
    visit.wait_until("document.querySelectorAll('iframe[src^=\"https\"]').length == 2")
    assert visit.page.locator("iframe[data-src*='youtube']").evaluate(_ON_PAGE) == where
    assert visit.page.locator(".stw-ph").count() == 0
    assert not any(url.startswith(GA_SCRIPT) for url in visit.requests)
    receipt = visit.receipts()[-1]
    assert receipt["via"] == "placeholder" and receipt["choices"] == {"embedded_content": True}
    assert _states(banner_store, receipt["visitor"]) == {"embedded_content": ConsentStatus.GIVEN}
    assert visit.page.locator(".stw").is_visible()  # the other categories are still to choose


def test_the_banner_asks_again_when_the_declared_cookies_change(
    browser: Browser, site: SiteServer, banner_store: Store, manifest: Manifest
) -> None:
    hotjar = Cookie.model_validate(
        {
            "name": "_hjSessionUser",
            "provider": "Hotjar",
            "purpose": "Records how visitors move around a page.",
            "category": "analytics",
            "duration": "1 year",
            "party": "first",
        }
    )
    changed = manifest.model_copy(update={"cookies": (*manifest.cookies, hotjar)})
    with browser.visit(site.url, site.steward) as visit:
        visit.open()
        _click(visit, "Accept all")
        visitor = visit.consent_cookie()["i"]
        newer = ThreadedApp(steward_app(banner_store, changed, site.url)).start()
        site.steward, earlier = newer.url, site.steward
        try:
            before = len(visit.requests)
            visit.page.reload()
            visit.page.wait_for_selector(".stw")
            assert not any(url.startswith(GA_SCRIPT) for url in visit.requests[before:])
            assert visit.page.locator(".stw-ph").count() == 2
            _click(visit, "Reject all")
        finally:
            site.steward = earlier
            newer.stop()
        assert visit.consent_cookie()["i"] == visitor  # the same visitor, asked again
        assert visit.receipts()[-1]["digest"] != visit.receipts()[0]["digest"]
        assert _states(banner_store, visitor)["analytics"] is ConsentStatus.WITHDRAWN


def test_a_keyboard_alone_can_choose_each_category(visit: Visit, banner_store: Store) -> None:
    page = visit.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Accept all"
    for _ in range(2):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Choose cookies"
    page.keyboard.press("Enter")
    assert page.get_by_role("dialog", name="Cookie settings").is_visible()
    for _ in range(10):
        if page.evaluate("document.activeElement.dataset.c") == "analytics":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _ in range(10):
        if page.evaluate("document.activeElement.textContent") == "Save choices":
            break
        page.keyboard.press("Tab")
    with page.expect_response(lambda r: r.url.endswith("/api/banner/receipts")):
        page.keyboard.press("Enter")
    choices = visit.receipts()[-1]["choices"]
    assert choices == {"functional": False, "analytics": True, "embedded_content": False}
    page.keyboard.press("Tab")  # the keyboard carries on where the banner was: the page's top
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert _states(banner_store, visit.consent_cookie()["i"])["analytics"] is ConsentStatus.GIVEN


def test_escape_closes_the_settings_without_a_choice(visit: Visit) -> None:
    visit.page.get_by_role("button", name="Choose cookies").click()
    visit.page.keyboard.press("Escape")
    assert not visit.page.get_by_role("dialog").is_visible()
    assert visit.posted == []
    assert visit.page.locator(".stw").is_visible()


_OBSCURED = """() => {
  const bar = document.querySelector('.stw, .stw-r'), el = document.activeElement;
  if (!bar || !el || el === document.body || bar.contains(el)) return null;
  const a = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
  const hidden = a.bottom > b.top && a.top < b.bottom && a.right > b.left && a.left < b.right;
  return hidden ? (el.textContent || el.tagName).trim() : '';
}"""


def _tab_through(visit: Visit, presses: int = 40) -> tuple[int, list[str]]:
    """Press Tab again and again: how many focused elements were outside the banner, and
    which of them were left under it."""
    checked, hidden = 0, []
    for _ in range(presses):
        visit.page.keyboard.press("Tab")
        found: Any = visit.page.evaluate(_OBSCURED)
        if found is None:
            continue
        checked += 1
        if found:
            hidden.append(found)
    return checked, hidden


@pytest.mark.parametrize("viewport", [(390, 664), (1280, 720)])
def test_no_focused_element_is_hidden_behind_the_banner(
    browser: Browser, site: SiteServer, viewport: tuple[int, int]
) -> None:
    with browser.visit(site.url, site.steward, viewport=viewport) as visit:
        visit.open()
        checked, hidden = _tab_through(visit)
        assert checked > 15  # the page's own links were reached, down to the footer
        assert hidden == []


# The page as if it had no settings link of its own (removed before the banner looks for one).
_NO_SETTINGS_LINK = """document.addEventListener('DOMContentLoaded', () => document
  .querySelectorAll('[data-steward-open]').forEach(e => e.remove()));"""


def test_without_a_settings_link_the_banner_keeps_its_own_button(
    browser: Browser, site: SiteServer
) -> None:
    with browser.visit(site.url, site.steward, viewport=(390, 664)) as visit:
        visit.context.add_init_script(_NO_SETTINGS_LINK)
        visit.open()
        assert visit.page.get_by_role("link", name="Cookie settings").count() == 0
        _click(visit, "Reject all")
        button = visit.page.get_by_role("button", name="Cookie settings")
        checked, hidden = _tab_through(visit)
        assert checked > 15 and hidden == []  # the small button never covers the focus either
        button.click()
        assert visit.page.get_by_role("dialog", name="Cookie settings").is_visible()


def test_without_its_configuration_the_banner_shows_nothing_and_loads_nothing(
    browser: Browser, site: SiteServer, banner_store: Store
) -> None:
    wiring = WebWiring(store=banner_store, clock=banner_store.clock, secret=b"c" * 32)
    broken = ThreadedApp(create_app(wiring)).start()  # no manifest: the configuration is a 503
    site.steward, earlier = broken.url, site.steward
    try:
        with browser.visit(site.url, site.steward) as visit:
            visit.page.goto(site.url + "/")
            visit.page.wait_for_load_state("networkidle")
            assert visit.page.locator(".stw, .stw-ph, .stw-r").count() == 0
            assert visit.third_party() == [] and visit.posted == []
            assert visit.consent_calls()[0][:2] == ["consent", "default"]
    finally:
        site.steward = earlier
        broken.stop()


@pytest.mark.parametrize("state", ["first layer", "settings", "after a choice"])
def test_axe_finds_no_serious_or_critical_violation(visit: Visit, state: str) -> None:
    if state == "settings":
        visit.page.get_by_role("button", name="Choose cookies").click()
        visit.page.get_by_role("dialog").locator("summary").first.click()  # a cookie list open
    elif state == "after a choice":
        _click(visit, "Reject all")
    assert serious_violations(visit.page) == []


def test_the_accessibility_check_does_see_a_violation(visit: Visit) -> None:
    """The check above is not vacuous: a nameless button on the same page is reported."""
    visit.page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert "button-name" in {violation["id"] for violation in run_axe(visit.page)}
